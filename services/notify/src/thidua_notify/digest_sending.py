"""Sending a stored digest mail (dead-letter digests, deadline digests): claim the oldest due one
with a lease (a crashed sender's expired claim is taken over), send it with a Message-ID derived
from its id (a resend after a crash is the same message), then record `sent`, or retry with
exponential backoff until `notify_max_attempts`, then `failed`. Each attempt is kept in `history`."""

from datetime import datetime, timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from thidua_common.contracts.envelope import deterministic_id
from thidua_common.logging import get_logger
from thidua_common.settings import Settings

from .channels import Channel, Message, TemporaryFailure

log = get_logger(__name__)

LEASE = timedelta(seconds=60)


async def send_next_digest(
    digests: AsyncCollection, channel: Channel, settings: Settings, now: datetime, what: str
) -> bool:
    """Send the next due digest of `digests`; False when none is due. `what` names it in logs."""
    digest = await digests.find_one_and_update(
        {
            "$or": [
                {"status": "pending", "next_attempt_at": {"$lte": now}},
                {"status": "sending", "lease_until": {"$lt": now}},  # a crashed sender's claim
            ]
        },
        {"$set": {"status": "sending", "lease_until": now + LEASE}},
        sort=[("next_attempt_at", 1)],
        return_document=ReturnDocument.AFTER,
    )
    if digest is None:
        return False
    attempts = digest["attempts"] + 1
    message = Message(
        recipient=digest["recipient"],
        subject=digest["subject"],
        body=digest["body"],
        message_id=deterministic_id("mail", digest["_id"]),
        correlation_id=digest["_id"],
    )
    try:
        await channel.send(message)
    except Exception as exc:  # TemporaryFailure, or a bug: retried the same way, then given up
        error = str(exc) if isinstance(exc, TemporaryFailure) else repr(exc)
        if attempts >= settings.notify_max_attempts:
            status, update = "failed", {"finished_at": now}
            log.error(f"{what} not delivered", digest=digest["_id"], attempts=attempts, error=error)
        else:
            delay = settings.notify_backoff_seconds * 2 ** (attempts - 1)
            status, update = "pending", {"next_attempt_at": now + timedelta(seconds=delay)}
        await digests.update_one(
            {"_id": digest["_id"]},
            {
                "$set": {"status": status, "attempts": attempts, **update},
                "$push": {"history": {"at": now, "outcome": status, "error": error}},
            },
        )
        return True
    await digests.update_one(
        {"_id": digest["_id"]},
        {
            "$set": {"status": "sent", "attempts": attempts, "finished_at": now},
            "$push": {"history": {"at": now, "outcome": "sent", "error": None}},
        },
    )
    log.info(f"{what} sent", recipient=digest["recipient"], count=digest["count"])
    return True
