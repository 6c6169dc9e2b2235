import asyncio
import json
import os
import socket
import time
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.background import cancel_and_wait
from thidua_common.contracts import Envelope
from thidua_common.kafka import EventProducer
from thidua_common.logging import get_logger

from ..audit import store as audit
from ..uow import UnitOfWork

log = get_logger(__name__)

LEASE = timedelta(seconds=5)
KEEP_PUBLISHED = timedelta(days=7)  # published records stay a while for audits and replays
BATCH = 100  # records per transaction: bounds how long one batch holds the event loop after a backlog
# an unpublished record older than this makes intake report itself degraded (GET /readyz): in
# normal running the relay publishes within a fraction of a second
LAG_DEGRADED = timedelta(seconds=30)


class OutboxRelay:
    """Chains outbox records into the audit trail and publishes them, in order, a batch at a time.
    Only the holder of a lease relays, so several intake replicas do not publish the same record
    concurrently.

    Each batch is one transaction: read the pending records, append their audit records, publish
    them to Kafka (acks=all), mark them done, commit. The audit step is therefore exactly once; a
    record can be published twice (the commit fails after the send, or a crash), a duplicate that
    consumers drop by event id. Chaining here rather than in each request's transaction keeps the
    chain's head, one document per tenant, out of the requests' way, and a batch costs the same
    few database commands whatever its size (intake's time per submission is mostly per command)."""

    def __init__(self, db: AsyncDatabase, producer: EventProducer, idle_wait: float = 0.1, linger: float = 0.05):
        self.db = db
        self.producer = producer
        # how often to look for records without a wake-up: those written by other intake
        # processes (workers, replicas), whose wake-ups reach only their own relay
        self.idle_wait = idle_wait
        # after a wake-up, let the other requests of a burst commit too: bigger batches, fewer commands
        self.linger = linger
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._lease_renew_at = 0.0  # monotonic time after which the lease is renewed

    async def setup(self) -> None:
        await self.db.outbox.create_index([("audited", ASCENDING), ("_id", ASCENDING)])

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    @property
    def task(self) -> asyncio.Task | None:
        """The running relay loop (None before start): readiness checks look at it."""
        return self._task

    async def lag(self) -> dict:
        """How far publishing is behind: the records not yet relayed and the age of the oldest."""
        backlog = await self.db.outbox.count_documents({"audited": False})
        oldest = await self.db.outbox.find_one(
            {"audited": False}, sort=[("_id", ASCENDING)], projection={"created_at": 1}
        )
        age = None
        if oldest is not None:
            created = oldest["created_at"]
            created = created if created.tzinfo else created.replace(tzinfo=UTC)  # BSON dates come back naive
            age = round(max(0.0, (datetime.now(UTC) - created).total_seconds()), 1)
        return {"backlog": backlog, "oldest_age_seconds": age}

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        # hand the lease over at once instead of making the next instance wait for expiry
        await self.db.leases.delete_one({"_id": "outbox-relay", "owner": self.owner})

    async def _run(self) -> None:
        last_purge = datetime.min.replace(tzinfo=UTC)
        while True:
            try:
                if await self._hold_lease():
                    # the lease is renewed between batches, so a long drain keeps it
                    while await self.relay_once() and await self._hold_lease():
                        pass
                    if datetime.now(UTC) - last_purge > timedelta(hours=1):
                        last_purge = datetime.now(UTC)
                        await self.db.outbox.delete_many(
                            {"audited": True, "published_at": {"$lt": last_purge - KEEP_PUBLISHED}}
                        )
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                self._lease_renew_at = 0.0
                await asyncio.sleep(1)
            try:
                await asyncio.wait_for(self._wake.wait(), self.idle_wait)
                await asyncio.sleep(self.linger)
            except TimeoutError:
                pass
            self._wake.clear()

    async def _hold_lease(self) -> bool:
        """Take or renew the lease; renewed only once half of it has passed (one command saved on
        most batches), so this holder is sure of it for at least half a lease after each check."""
        if time.monotonic() < self._lease_renew_at:
            return True
        now = datetime.now(UTC)
        try:
            await self.db.leases.find_one_and_update(
                {"_id": "outbox-relay", "$or": [{"owner": self.owner}, {"expires": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "expires": now + LEASE}},
                upsert=True,
            )
        except DuplicateKeyError:
            self._lease_renew_at = 0.0
            return False
        self._lease_renew_at = time.monotonic() + LEASE.total_seconds() / 2
        return True

    async def relay_once(self) -> int:
        """Chain and publish one batch; returns how many records it handled."""

        async def work(session) -> int:
            records = (
                await self.db.outbox.find({"audited": False}, session=session)
                .sort("_id", ASCENDING)
                .limit(BATCH)
                .to_list()
            )
            if not records:
                return 0
            await audit.append(self.db, [_recorded(r["value"]) for r in records], session)
            sends = [
                await self.producer.producer.send(
                    self.producer.topic(r["topic"]),
                    r["value"],
                    key=r["key"].encode(),
                    headers=[(k, v) for k, v in r["headers"]],
                )
                for r in records
                if r["topic"] is not None  # audit-only records (changes that publish no event)
            ]
            await asyncio.gather(*sends)
            await self.db.outbox.update_many(
                {"_id": {"$in": [r["_id"] for r in records]}},
                {"$set": {"audited": True, "published": True, "published_at": datetime.now(UTC)}},
                session=session,
            )
            return len(records)

        count = await UnitOfWork(self.db.client, self.db).run(work)  # the relay wakes nothing
        if count:
            log.debug("outbox relayed", count=count)
        return count


def _recorded(value: bytes) -> Envelope:
    """An event intake encoded itself, validated when it was made: read back for the audit
    record without validating it a second time (a measurable share of the relay's time)."""
    fields = json.loads(value)
    fields["time"] = datetime.fromisoformat(fields["time"])
    return Envelope.model_construct(**fields)
