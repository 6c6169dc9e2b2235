from datetime import UTC, datetime

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.registry import EVENT_TYPES
from thidua_common.kafka import encode_event

from ..audit import store as audit


async def add(db: AsyncDatabase, event: Envelope, key: str, session: AsyncClientSession) -> None:
    """Queue `event` and append its audit record, both in the caller's transaction: every state
    change of intake passes here. Callers should run their transaction through
    ..transactions.run_in_transaction, since concurrent appends to the audit chain conflict."""
    value, headers = encode_event(event)
    await db.outbox.insert_one(
        {
            "_id": ObjectId(),  # increasing: the relay publishes in insertion order
            "event_id": event.id,
            "topic": EVENT_TYPES[event.type].topic,
            "key": key,
            "value": value,
            "headers": [[k, v] for k, v in headers],
            "created_at": datetime.now(UTC),
            "published": False,
        },
        session=session,
    )
    # last: the chain's head is the contended document, so it is held for the shortest time
    await audit.append(db, event, session)
