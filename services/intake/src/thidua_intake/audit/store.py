"""Appending to the chain, and reading it back. One chain per tenant: `audit_head` holds its last
seq and hash. Requests do not append here: every state change queues an outbox record in its own
transaction, and the outbox relay (a single writer, holding a lease) appends the records of a
whole batch in one transaction of its own, so requests never contend for the head. Should two
writers ever append at once, the conditional head update makes one of them conflict and retry."""

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
    await db.audit.create_index([("tenant", ASCENDING), ("actor", ASCENDING), ("seq", ASCENDING)])


async def append(db: AsyncDatabase, events: list[Envelope], session: AsyncClientSession) -> list[dict]:
    """Append the records of `events`, in that order, to their tenants' chains in the caller's
    transaction. Only the outbox relay calls this (one writer at a time, see ..outbox.relay)."""
    appended: list[dict] = []
    for tenant in dict.fromkeys(e.tenant for e in events):
        appended += await _append_tenant(db, tenant, [e for e in events if e.tenant == tenant], session)
    return appended


async def _append_tenant(
    db: AsyncDatabase, tenant: str, events: list[Envelope], session: AsyncClientSession
) -> list[dict]:
    head = await db.audit_head.find_one({"_id": tenant}, session=session)
    seq, prev_hash = (head["seq"], head["hash"]) if head else (0, GENESIS)
    records = []
    for event in events:
        seq += 1
        record = new_record(
            seq=seq,
            at=event.time.astimezone(UTC).isoformat(timespec="microseconds"),  # when the change happened
            tenant=tenant,
            action=event.type,
            subject=event.subject or "",
            event_id=event.id,
            data=event.data,
            source=event.source,
            prev_hash=prev_hash,
        )
        prev_hash = record["hash"]
        records.append(record)
    try:
        if head:
            moved = await db.audit_head.update_one(
                {"_id": tenant, "seq": head["seq"]}, {"$set": {"seq": seq, "hash": prev_hash}}, session=session
            )
            if moved.matched_count != 1:
                raise _conflict(f"seq {head['seq']} is no longer the head")
        else:
            await db.audit_head.insert_one({"_id": tenant, "seq": seq, "hash": prev_hash}, session=session)
        await db.audit.insert_many([{"_id": record_id(tenant, r["seq"]), **r} for r in records], session=session)
    except DuplicateKeyError as exc:
        raise _conflict(str(exc)) from exc
    return records


def change_event(
    *, tenant: str, action: str, subject: str, actor: str, reason: str = "", data: dict | None = None
) -> Envelope:
    """The record of a state change that publishes no event (configuration, flags, imported
    awards), in the shape of an event so that it is chained like every other change."""
    import uuid

    from ..logging_context import correlation_id_or_new

    return Envelope(
        id=str(uuid.uuid4()),
        source="/thidua/intake/audit",
        type=action,
        time=datetime.now(UTC),
        subject=subject,
        tenant=tenant,
        correlationid=correlation_id_or_new(),
        data={**(data or {}), "change": {"kind": action.rsplit(".", 2)[-2], "by": actor, "reason": reason}},
    )


def at_text(moment: datetime) -> str:
    """A time as records store `at` (UTC, microseconds), so that stored strings compare in time order."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


async def records(
    db: AsyncDatabase,
    tenant: str,
    subject: str | None = None,
    from_seq: int = 1,
    limit: int = 0,
    *,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
):
    """The tenant's records in seq order from `from_seq`; `since` inclusive, `until` exclusive."""
    query: dict = {"tenant": tenant, "seq": {"$gte": from_seq}}
    if subject:
        query["subject"] = subject
    if actor:
        query["actor"] = actor
    if since or until:
        query["at"] = {**({"$gte": at_text(since)} if since else {}), **({"$lt": at_text(until)} if until else {})}
    cursor = db.audit.find(query, {"_id": 0}).sort("seq", ASCENDING)
    if limit:
        cursor = cursor.limit(limit)
    async for doc in cursor:
        yield doc
