"""issue 15: channels — unsubscribing from what is not mandatory. A recipient may stop the mails of
an optional kind (provisional scores, review reminders); the rest (decisions on the unit's reports
and appeals, awards, escalations to the board) are mandatory and always sent.

Each optional mail can carry a link with a token signed per tenant, recipient and kind
(HMAC-SHA256 with a key derived from the service's signing secret, `THIDUA_JWT_SECRET`): whoever
holds the token may unsubscribe that recipient from that kind and nothing else. Unsubscriptions are
kept in notify's `unsubscriptions` collection and checked at send time (skipped, reason
`unsubscribed`, in the delivery log)."""

import base64
import hashlib
import hmac

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts.registry import REVIEW_REMINDER, SCORE_COMPUTED

OPTIONAL_KINDS = frozenset({SCORE_COMPUTED, REVIEW_REMINDER})


def mandatory(kind: str) -> bool:
    return kind not in OPTIONAL_KINDS


def _key(secret: str) -> bytes:
    # a key of its own: an unsubscribe token can never pass for anything else signed with the secret
    return hashlib.sha256(b"thidua-unsubscribe\x00" + secret.encode()).digest()


def token(secret: str, tenant: str, recipient: str, kind: str) -> str:
    payload = "\x1f".join((tenant, recipient.lower(), kind)).encode()
    mac = hmac.new(_key(secret), payload, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + base64.urlsafe_b64encode(mac).decode()


class TokenInvalid(ValueError):
    pass


def read(secret: str, value: str) -> tuple[str, str, str]:
    """(tenant, recipient, kind) of a token, or TokenInvalid (tampered, malformed, mandatory kind)."""
    try:
        body, mac = value.split(".", 1)
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        tenant, recipient, kind = payload.decode().split("\x1f")
    except (ValueError, UnicodeDecodeError):
        raise TokenInvalid("token: không đọc được / malformed") from None
    if not hmac.compare_digest(token(secret, tenant, recipient, kind).split(".", 1)[1], mac):
        raise TokenInvalid("token: chữ ký không đúng / bad signature")
    if mandatory(kind):
        raise TokenInvalid("kind: loại thư bắt buộc, không thể hủy nhận / a mandatory kind")
    return tenant, recipient, kind


async def apply(db: AsyncDatabase, secret: str, value: str) -> tuple[str, str, str]:
    tenant, recipient, kind = read(secret, value)
    await db.unsubscriptions.update_one(
        {"_id": f"{tenant}/{recipient}/{kind}"},
        {"$set": {"tenant": tenant, "recipient": recipient, "kind": kind}},
        upsert=True,
    )
    return tenant, recipient, kind


async def unsubscribed(db: AsyncDatabase, tenant: str, recipient: str, kind: str) -> bool:
    if mandatory(kind):
        return False
    return await db.unsubscriptions.find_one({"_id": f"{tenant}/{recipient.lower()}/{kind}"}) is not None
