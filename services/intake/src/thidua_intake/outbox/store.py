from datetime import UTC, datetime

from bson import ObjectId
from pymongo import InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.registry import EVENT_TYPES
from thidua_common.kafka import encode_event

from ..audit import store as audit


async def add(db: AsyncDatabase, event: Envelope, key: str, session: AsyncClientSession) -> None:
    """Queue `event` in the caller's transaction: every state change of intake passes here (or
    through `add_change`). The relay publishes it and appends its audit record (..relay)."""
    await db.outbox.insert_one(record(event, key), session=session)


def insert(db: AsyncDatabase, event: Envelope, key: str) -> InsertOne:
    """The same as `add`, as one operation of a client bulk write (one round trip with the state
    change it belongs to)."""
    return InsertOne(record(event, key), namespace=f"{db.name}.outbox")


def record(event: Envelope, key: str) -> dict:
    value, headers = encode_event(event)
    return {
        "_id": ObjectId(),  # increasing: the relay publishes in insertion order
        "event_id": event.id,
        "topic": EVENT_TYPES[event.type].topic,
        "key": key,
        "value": value,
        "headers": [[k, v] for k, v in headers],
        "created_at": datetime.now(UTC),
        "published": False,
        "audited": False,
    }


async def add_change(
    db: AsyncDatabase, session: AsyncClientSession, *, tenant: str, action: str, subject: str, actor: str,
    reason: str = "", data: dict | None = None,
) -> None:
    """Queue the audit record of a state change that publishes no event (configuration, flags,
    imported awards), in the caller's transaction: the relay chains it like any other."""
    event = audit.change_event(tenant=tenant, action=action, subject=subject, actor=actor, reason=reason, data=data)
    value, _ = encode_event(event)
    now = datetime.now(UTC)
    await db.outbox.insert_one(
        {"_id": ObjectId(), "event_id": event.id, "topic": None, "key": None, "value": value, "headers": [],
         "created_at": now, "published": False, "audited": False},
        session=session,
    )
