from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..settings import Settings


def make_client(settings: Settings) -> AsyncMongoClient:
    return AsyncMongoClient(settings.mongo_uri, tz_aware=True, uuidRepresentation="standard")


async def mark_processed(
    db: AsyncDatabase, event_id: str, session: AsyncClientSession | None = None, **info
) -> bool:
    """Record that an event was applied. False when it already was: the caller skips it.
    Consumers call this in the same transaction as their effect, which is what makes
    at-least-once delivery harmless."""
    try:
        await db.processed_events.insert_one({"_id": event_id, **info}, session=session)
        return True
    except DuplicateKeyError:
        return False
