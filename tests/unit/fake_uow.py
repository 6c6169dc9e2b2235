"""A unit of work without MongoDB, for service-layer tests: the same UnitOfWork (emit, record_change,
drop_campaigns, bulk_write, run, commit), over in-memory collections (mongomock, behind the async
methods the services call). A transaction here is all or nothing too: a unit of work that raises
leaves every collection as it was, and emits nothing. There is no concurrency, so no retry."""

import copy
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import mongomock
from pymongo import InsertOne, ReplaceOne, UpdateOne
from pymongo.errors import DuplicateKeyError

from thidua_common.errors import DomainError
from thidua_intake.uow import UnitOfWork

T = TypeVar("T")


def _local(kwargs: dict) -> dict:
    kwargs.pop("session", None)  # one in-memory store: nothing to bind a session to
    return kwargs


class FakeCursor:
    def __init__(self, cursor):
        self._cursor = cursor

    def sort(self, *args, **kwargs) -> "FakeCursor":
        self._cursor = self._cursor.sort(*args, **kwargs)
        return self

    def limit(self, n: int) -> "FakeCursor":
        self._cursor = self._cursor.limit(n)
        return self

    def skip(self, n: int) -> "FakeCursor":
        self._cursor = self._cursor.skip(n)
        return self

    async def to_list(self, length: int | None = None) -> list[dict]:
        docs = list(self._cursor)
        return docs if length is None else docs[:length]

    def __aiter__(self):
        return self._iterate()

    async def _iterate(self):
        for doc in self._cursor:
            yield doc


class FakeCollection:
    """The async surface of a pymongo collection that intake's services use."""

    def __init__(self, collection: mongomock.Collection):
        self._c = collection

    def find(self, *args, **kwargs) -> FakeCursor:
        return FakeCursor(self._c.find(*args, **_local(kwargs)))


def _awaitable(name: str):
    """The collection's `name`, awaitable like pymongo's async one (the session left out)."""

    async def method(self, *args, **kwargs):
        return getattr(self._c, name)(*args, **_local(kwargs))

    method.__name__ = name
    return method


for _name in (
    "find_one",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "count_documents",
    "find_one_and_update",
    "create_index",
):
    setattr(FakeCollection, _name, _awaitable(_name))


class FakeDatabase:
    def __init__(self, name: str = "thidua_test"):
        self.name = name
        self._db = mongomock.MongoClient().get_database(name)

    def __getattr__(self, name: str) -> FakeCollection:
        if name.startswith("_"):
            raise AttributeError(name)
        return FakeCollection(self._db[name])

    def __getitem__(self, name: str) -> FakeCollection:
        return FakeCollection(self._db[name])

    def snapshot(self) -> dict[str, list[dict]]:
        return {name: copy.deepcopy(list(self._db[name].find())) for name in self._db.list_collection_names()}

    def restore(self, snapshot: dict[str, list[dict]]) -> None:
        for name in self._db.list_collection_names():
            self._db[name].delete_many({})
            if snapshot.get(name):
                self._db[name].insert_many(copy.deepcopy(snapshot[name]))


class FakeRelay:
    def __init__(self):
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


class FakeUnitOfWork(UnitOfWork):
    def __init__(self, db: FakeDatabase | None = None):
        super().__init__(client=None, db=db or FakeDatabase(), relay=FakeRelay())  # type: ignore[arg-type]
        self.transactions = 0

    async def run(self, work: Callable[[Any], Awaitable[T]], conflict: DomainError | None = None) -> T:
        before = self.db.snapshot()
        self._queued, self._written = [], []
        try:
            result = await work(None)
            await self.commit()
        except DuplicateKeyError:
            self.db.restore(before)
            self._queued, self._written = [], []
            if conflict is None:
                raise
            raise conflict from None
        except BaseException:
            self.db.restore(before)  # a transaction that failed wrote nothing
            self._queued, self._written = [], []
            raise
        finally:
            self._drop_stale()
        self.transactions += 1
        self._committed()
        return result

    async def commit(self) -> None:
        if self._queued:
            await self.db.outbox.insert_many(self._queued)
            self._written += self._queued
            self._queued = []

    async def bulk_write(self, writes: Sequence[Any]) -> None:
        """The client bulk write of the real unit of work, one model at a time, in order."""
        self._written += self._queued
        records, self._queued = self._queued, []
        for op in [*writes, *(InsertOne(r, namespace=f"{self.db.name}.outbox") for r in records)]:
            collection = self.db[op._namespace.split(".", 1)[1]]
            if isinstance(op, InsertOne):
                await collection.insert_one(op._doc)
            elif isinstance(op, UpdateOne):
                await collection.update_one(op._filter, op._doc, upsert=bool(op._upsert))
            elif isinstance(op, ReplaceOne):
                await collection.replace_one(op._filter, op._doc, upsert=bool(op._upsert))
            else:  # the services write only these three models: another one is a test's mistake
                raise TypeError(f"the fake unit of work takes InsertOne, UpdateOne, ReplaceOne, not {type(op).__name__}")

    # -- what tests read ----------------------------------------------------------------------
    def events(self) -> list[dict]:
        """The events committed so far (decoded), in order; audit-only records excluded."""
        return [json.loads(r["value"]) for r in self.committed if r["topic"] is not None]

    def audit_only(self) -> list[dict]:
        return [json.loads(r["value"]) for r in self.committed if r["topic"] is None]
