"""The unit of work of every change intake makes: one MongoDB transaction that owns the session,
the database's collections and the outbox.

    async def work(session):          # reads and writes through uow.db with session=session
        ...
        uow.emit(event, key)          # queued; written to the outbox inside the transaction
    result = await uow.run(work)      # begin, work, commit(): retried from the start on a
                                      # transient transaction error (a concurrent write)

`commit()` writes the queued outbox records in the transaction, commits, and then (only then)
wakes the outbox relay and drops the caches the change made stale (`drop_campaigns`). Services
take a unit of work, never a client and a session; the HTTP views get one per request (..deps),
the inbound consumer and the overdue task make their own. A fake with in-memory collections
(tests/unit/fake_uow.py) runs the same services without MongoDB.

Transactions run concurrently: the one document every change used to touch, the head of the
tenant's audit chain, is written only by the outbox relay (see .outbox.relay)."""

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from pymongo import AsyncMongoClient, InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ClientBulkWriteException, DuplicateKeyError, OperationFailure, PyMongoError

from thidua_common.contracts import Envelope
from thidua_common.errors import Conflict, DomainError

from .campaigns import cache as campaign_cache
from .outbox import store as outbox

T = TypeVar("T")

ATTEMPTS = 12
TRANSIENT = "TransientTransactionError"
WRITE_CONFLICT = 112
ALL = None  # drop_campaigns(ALL): every cached campaign


class Waker(Protocol):
    """What the unit of work needs of the outbox relay (.outbox.relay.OutboxRelay)."""

    def wake(self) -> None: ...


class UnitOfWork:
    def __init__(
        self, client: AsyncMongoClient, db: AsyncDatabase, relay: Waker | None = None, attempts: int = ATTEMPTS
    ):
        self.client, self.db, self.relay, self.attempts = client, db, relay, attempts
        self.session: AsyncClientSession | None = None
        self._queued: list[dict] = []  # outbox records of this attempt, not yet written
        self._written: list[dict] = []  # outbox records of this attempt, written in the transaction
        self._stale: set[str | None] = set()  # campaign cache keys to drop after the commit
        self.committed: list[dict] = []  # outbox records of every committed transaction (tests read them)

    # -- what a change does inside the transaction ------------------------------------------
    def emit(self, event: Envelope, key: str) -> None:
        """Queue `event` (published on its topic with partition key `key`); it is written to
        the outbox in this transaction and audited by the relay (.outbox.relay)."""
        self._queued.append(outbox.record(event, key))

    def record_change(
        self, *, tenant: str, action: str, subject: str, actor: str, reason: str = "", data: dict | None = None
    ) -> None:
        """Queue the audit record of a change that publishes no event (configuration, flags,
        imported awards): the relay chains it like any other."""
        self._queued.append(
            outbox.change_record(tenant=tenant, action=action, subject=subject, actor=actor, reason=reason, data=data)
        )

    def drop_campaigns(self, key: str | None = ALL) -> None:
        """The change makes the cached campaign `key` (every campaign: ALL) stale."""
        self._stale.add(key)

    async def bulk_write(self, writes: Sequence[Any]) -> None:
        """Write `writes` (client bulk-write models with a namespace) and the queued outbox
        records in one round trip: a submission's whole cost is mostly per command."""
        operations = [*writes, *(InsertOne(r, namespace=f"{self.db.name}.outbox") for r in self._queued)]
        self._written += self._queued
        self._queued = []
        try:
            await self.client.bulk_write(operations, session=self.session)
        except ClientBulkWriteException as exc:
            # raw write-error documents, though pymongo's annotation says WriteError
            write_errors: list[dict[str, Any]] = list(exc.write_errors or [])  # type: ignore[arg-type]
            if any(e.get("code") == WRITE_CONFLICT for e in write_errors):
                # SecantusDB reports a write conflict inside a bulk write per operation, without
                # the label that makes run start again: add it
                raise OperationFailure("write conflict", WRITE_CONFLICT, {"errorLabels": [TRANSIENT]}) from exc
            duplicate = next((e for e in write_errors if e.get("code") == 11000), None)
            if duplicate is not None and exc.error is None:
                raise DuplicateKeyError(duplicate.get("errmsg", "duplicate key"), 11000, duplicate) from exc
            raise

    # -- the transaction --------------------------------------------------------------------
    async def run(self, work: Callable[[AsyncClientSession], Awaitable[T]], conflict: DomainError | None = None) -> T:
        """Run `work(session)` in a transaction and commit. `work` may run more than once: it
        must do all its reads and writes through the session and have no side effect but
        emit/record_change/drop_campaigns before the commit. With `conflict`, a concurrent
        change that still conflicts after every attempt (or a duplicate key) raises it."""
        try:
            return await self._attempts(work)
        except DuplicateKeyError:
            if conflict is None:
                raise
            raise conflict from None
        except PyMongoError as exc:
            if conflict is None or not exc.has_error_label(TRANSIENT):
                raise
            raise conflict from None

    async def _attempts(self, work: Callable[[AsyncClientSession], Awaitable[T]]) -> T:
        try:
            for attempt in range(1, self.attempts + 1):
                self._queued, self._written = [], []
                try:
                    async with self.client.start_session() as session:
                        await session.start_transaction()
                        self.session = session
                        try:
                            result = await work(session)
                            await self.commit()
                        finally:
                            self.session = None
                            if session.in_transaction:
                                await session.abort_transaction()
                    self._committed()
                    return result
                except PyMongoError as exc:
                    if attempt < self.attempts and exc.has_error_label(TRANSIENT):
                        await asyncio.sleep(random.uniform(0, min(0.5, 0.005 * 2**attempt)))
                        continue
                    raise
            raise AssertionError("unreachable")
        finally:
            # dropped whatever the outcome: a cache entry dropped for nothing is only read again
            self._drop_stale()

    async def commit(self) -> None:
        """Write the queued outbox records in the transaction and commit it."""
        if self._queued:
            await self.db.outbox.insert_many(self._queued, session=self.session)
            self._written += self._queued
            self._queued = []
        assert self.session is not None
        await self.session.commit_transaction()

    def _committed(self) -> None:
        self.committed += self._written
        wrote, self._written = bool(self._written), []
        if wrote and self.relay is not None:
            # the relay publishes and audits at once instead of at its next poll
            self.relay.wake()

    def _drop_stale(self) -> None:
        for key in self._stale:
            campaign_cache.forget(key)
        self._stale = set()


async def store_revision(
    collection: AsyncCollection, doc: dict, read: int | None, session: AsyncClientSession, conflict: str
) -> None:
    """Store `doc`, a new revision of what was read at revision `read` (None: nothing was, insert
    it): the replacement is conditional on the revision read, so of two concurrent changes one
    fails with Conflict(`conflict`, current=read) and none is lost."""
    if read is None:
        await collection.insert_one(doc, session=session)
        return
    replaced = await collection.replace_one({"_id": doc["_id"], "revision": read}, doc, session=session)
    if replaced.matched_count != 1:
        raise Conflict(conflict, current=read)
