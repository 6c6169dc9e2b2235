import asyncio
import os
import socket
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.kafka import EventProducer, decode_event
from thidua_common.logging import get_logger

from ..audit import store as audit
from ..transactions import run_in_transaction

log = get_logger(__name__)

LEASE = timedelta(seconds=5)
KEEP_PUBLISHED = timedelta(days=7)  # published records stay a while for audits and replays
BATCH = 500


class OutboxRelay:
    """Appends outbox records to the audit chain and publishes them, in order. Only the holder of
    a lease relays, so several intake replicas do not publish the same record concurrently; a
    record published twice (crash between send and mark) is a duplicate that consumers drop by
    event id. The audit step is exactly once: records are chained and marked audited in one
    transaction. Chaining here rather than in each request's transaction keeps the chain's head,
    a single document per tenant, out of the requests' way: they no longer take turns on it."""

    def __init__(self, db: AsyncDatabase, producer: EventProducer, idle_wait: float = 0.5):
        self.db = db
        self.producer = producer
        self.idle_wait = idle_wait
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def setup(self) -> None:
        await self.db.outbox.create_index([("published", ASCENDING), ("_id", ASCENDING)])
        await self.db.outbox.create_index([("audited", ASCENDING), ("_id", ASCENDING)])

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        # hand the lease over at once instead of making the next instance wait for expiry
        await self.db.leases.delete_one({"_id": "outbox-relay", "owner": self.owner})

    async def _run(self) -> None:
        last_purge = datetime.min.replace(tzinfo=UTC)
        while True:
            try:
                if await self._hold_lease():
                    # renew the lease with every batch, so a long drain keeps it
                    while (await self.audit_once()) + (await self.relay_once()) and await self._hold_lease():
                        pass
                    if datetime.now(UTC) - last_purge > timedelta(hours=1):
                        last_purge = datetime.now(UTC)
                        await self.db.outbox.delete_many(
                            {"published": True, "audited": {"$ne": False},
                             "published_at": {"$lt": last_purge - KEEP_PUBLISHED}}
                        )
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                await asyncio.sleep(1)
            try:
                await asyncio.wait_for(self._wake.wait(), self.idle_wait)
            except TimeoutError:
                pass
            self._wake.clear()

    async def _hold_lease(self) -> bool:
        now = datetime.now(UTC)
        try:
            await self.db.leases.find_one_and_update(
                {"_id": "outbox-relay", "$or": [{"owner": self.owner}, {"expires": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "expires": now + LEASE}},
                upsert=True,
            )
            return True
        except DuplicateKeyError:
            return False

    async def audit_once(self) -> int:
        """Chain one batch of records not yet audited; returns how many."""

        async def work(session) -> int:
            records = await self.db.outbox.find({"audited": False}, {"value": 1}, session=session).sort(
                "_id", ASCENDING).limit(BATCH).to_list()
            if records:
                await audit.append(self.db, [decode_event(r["value"]) for r in records], session)
                await self.db.outbox.update_many(
                    {"_id": {"$in": [r["_id"] for r in records]}}, {"$set": {"audited": True}}, session=session
                )
            return len(records)

        return await run_in_transaction(self.db.client, work)

    async def relay_once(self) -> int:
        """Publish one batch; returns how many records were published."""
        records = await self.db.outbox.find({"published": False}).sort("_id", ASCENDING).limit(BATCH).to_list()
        if not records:
            return 0
        sends = [
            await self.producer.producer.send(
                self.producer.topic(r["topic"]),
                r["value"],
                key=r["key"].encode(),
                headers=[(k, v) for k, v in r["headers"]],
            )
            for r in records
        ]
        await asyncio.gather(*sends)
        await self.db.outbox.update_many(
            {"_id": {"$in": [r["_id"] for r in records]}},
            {"$set": {"published": True, "published_at": datetime.now(UTC)}},
        )
        log.debug("outbox relayed", count=len(records))
        return len(records)
