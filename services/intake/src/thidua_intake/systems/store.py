"""The systems' records in intake's database (collection `systems`), and a short-lived cache for
the inbound consumer, which looks a system up for every record it reads."""

import time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from .rules import System

CACHE_SECONDS = 5.0  # a removed system's topic has no writer any more (its ACLs go first)


async def save(db: AsyncDatabase, system: System, **extra: Any) -> None:
    await db.systems.replace_one({"_id": system.name}, {**system.to_doc(), **extra}, upsert=True)


async def get(db: AsyncDatabase, name: str) -> System | None:
    doc = await db.systems.find_one({"_id": name})
    return System.from_doc(doc) if doc else None


async def all_docs(db: AsyncDatabase) -> list[dict[str, Any]]:
    return [doc async for doc in db.systems.find().sort("_id", 1)]


async def remove(db: AsyncDatabase, name: str) -> bool:
    return (await db.systems.delete_one({"_id": name})).deleted_count == 1


class Directory:
    """name -> System, re-read at most every CACHE_SECONDS per name."""

    def __init__(self, db: AsyncDatabase, ttl: float = CACHE_SECONDS):
        self.db, self.ttl = db, ttl
        self._cache: dict[str, tuple[float, System | None]] = {}

    async def get(self, name: str) -> System | None:
        now = time.monotonic()
        hit = self._cache.get(name)
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        system = await get(self.db, name)
        self._cache[name] = (now, system)
        return system
