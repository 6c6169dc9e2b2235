"""A per-campaign change counter in reporting's database (`campaign_versions`): the projector
bumps it whenever a campaign's leaderboard read model changes, and every reporting process reads
it to tell its streams. Through the database, because a replica consumes only some partitions:
the process holding a stream is often not the one that projected the change."""

from datetime import UTC, datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase


def key(tenant: str, campaign_id: str) -> str:
    return f"{tenant}/{campaign_id}"


async def bump(db: AsyncDatabase, tenant: str, campaign_id: str, period: str | None) -> int:
    """One more change of the campaign's leaderboard (`period` the one changed, None for the whole
    campaign, e.g. its definition); returns the new version."""
    doc = await db.campaign_versions.find_one_and_update(
        {"_id": key(tenant, campaign_id)},
        {"$inc": {"version": 1}, "$set": {"period": period, "changed_at": datetime.now(UTC)}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    assert doc is not None  # upserted
    return int(doc["version"])


async def current(db: AsyncDatabase, tenant: str, campaign_id: str) -> int:
    doc = await db.campaign_versions.find_one({"_id": key(tenant, campaign_id)}, {"version": 1})
    return int(doc["version"]) if doc else 0
