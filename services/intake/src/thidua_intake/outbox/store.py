from datetime import UTC, datetime

from bson import ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.registry import EVENT_TYPES
from thidua_common.kafka import encode_event


async def add(db: AsyncDatabase, event: Envelope, key: str, session: AsyncClientSession) -> None:
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
