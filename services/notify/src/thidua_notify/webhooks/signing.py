"""Webhook signatures, pure: the sender signs `timestamp + "." + body` with the subscription's
secret (HMAC-SHA256); the receiver recomputes it, refuses a timestamp outside its replay window,
and refuses a delivery id it has already accepted inside that window (a replay of a valid request).

Headers: X-ThiDua-Timestamp (unix seconds), X-ThiDua-Signature ("sha256=" + hex digest),
X-ThiDua-Delivery (stable per notification: the same on every retry, so receivers drop repeats)."""

import hashlib
import hmac
from collections.abc import Mapping, MutableMapping

TIMESTAMP = "X-ThiDua-Timestamp"
SIGNATURE = "X-ThiDua-Signature"
DELIVERY = "X-ThiDua-Delivery"
REPLAY_WINDOW_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, timestamp: int, body: bytes, delivery_id: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        TIMESTAMP: str(timestamp),
        SIGNATURE: signature(secret, timestamp, body),
        DELIVERY: delivery_id,
    }


class Refused(Exception):
    """Why a receiver refuses a request (reason: bad_signature, stale, replay, missing_header)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    seen: MutableMapping[str, float] | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> str:
    """A receiver's check; returns the delivery id or raises Refused. `seen`: delivery ids accepted
    (id -> timestamp), pruned here to the window; a timestamp outside the window is refused anyway,
    so the receiver need remember only the window's ids."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        timestamp = int(lower[TIMESTAMP.lower()])
        given = lower[SIGNATURE.lower()]
        delivery = lower.get(DELIVERY.lower(), "")
    except (KeyError, ValueError):
        raise Refused("missing_header") from None
    if not hmac.compare_digest(given, signature(secret, timestamp, body)):
        raise Refused("bad_signature")
    if abs(now - timestamp) > window:
        raise Refused("stale")
    if seen is not None:
        for old in [d for d, at in seen.items() if now - at > window]:
            del seen[old]
        if delivery in seen:
            raise Refused("replay")
        seen[delivery] = timestamp
    return delivery
