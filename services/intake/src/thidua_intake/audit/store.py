"""Appending to the chain inside the caller's transaction, and reading it back. One chain per
tenant: `audit_head` holds its last seq and hash, so two transactions appending at once touch the
same head document and one of them conflicts and is retried (see ..transactions)."""

from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from thidua_common.contracts import Envelope

from .chain import GENESIS, new_record

WRITE_CONFLICT = 112


def _conflict(detail: str) -> OperationFailure:
    return OperationFailure(
        f"audit chain head moved: {detail}",
        WRITE_CONFLICT,
        {"errmsg": detail, "code": WRITE_CONFLICT, "errorLabels": ["TransientTransactionError"]},
    )


def record_id(tenant: str, seq: int) -> str:
    return f"{tenant}:{seq:012d}"


async def setup(db: AsyncDatabase) -> None:
    await db.audit.create_index([("tenant", ASCENDING), ("seq", ASCENDING)], unique=True)
    await db.audit.create_index([("tenant", ASCENDING), ("subject", ASCENDING), ("seq", ASCENDING)])


async def append(db: AsyncDatabase, event: Envelope, session: AsyncClientSession) -> dict:
    """Append the record of `event` to its tenant's chain, in the caller's transaction."""
    tenant = event.tenant
    head = await db.audit_head.find_one({"_id": tenant}, session=session)
    seq = (head["seq"] if head else 0) + 1
    record = new_record(
        seq=seq,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        tenant=tenant,
        action=event.type,
        subject=event.subject or "",
        event_id=event.id,
        data=event.data,
        source=event.source,
        prev_hash=head["hash"] if head else GENESIS,
    )
    try:
        if head:
            moved = await db.audit_head.update_one(
                {"_id": tenant, "seq": head["seq"]}, {"$set": {"seq": seq, "hash": record["hash"]}}, session=session
            )
            if moved.matched_count != 1:
                raise _conflict(f"seq {head['seq']} is no longer the head")
        else:
            await db.audit_head.insert_one({"_id": tenant, "seq": seq, "hash": record["hash"]}, session=session)
        await db.audit.insert_one({"_id": record_id(tenant, seq), **record}, session=session)
    except DuplicateKeyError as exc:
        raise _conflict(str(exc)) from exc
    return record


async def append_change(
    db: AsyncDatabase, session: AsyncClientSession, *, tenant: str, action: str, subject: str, actor: str,
    reason: str = "", data: dict | None = None,
) -> dict:
    """Audit a state change that publishes no event (configuration, flags, imported awards)."""
    import uuid

    from ..logging_context import correlation_id_or_new

    event = Envelope(
        id=str(uuid.uuid4()),
        source="/thidua/intake/audit",
        type=action,
        time=datetime.now(UTC),
        subject=subject,
        tenant=tenant,
        correlationid=correlation_id_or_new(),
        data={**(data or {}), "change": {"kind": action.rsplit(".", 2)[-2], "by": actor, "reason": reason}},
    )
    return await append(db, event, session)


async def records(db: AsyncDatabase, tenant: str, subject: str | None = None, from_seq: int = 1, limit: int = 0):
    query: dict = {"tenant": tenant, "seq": {"$gte": from_seq}}
    if subject:
        query["subject"] = subject
    cursor = db.audit.find(query, {"_id": 0}).sort("seq", ASCENDING)
    if limit:
        cursor = cursor.limit(limit)
    async for doc in cursor:
        yield doc
