"""An in-memory stand-in for the few MongoDB collection operations notify's dead-letter digests
use (equality, $ne, $lt, $lte and $or in queries; $set, $push and $setOnInsert in updates)."""

import copy
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError


def _cmp(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def matches(doc: dict, query: dict) -> bool:
    for field, want in query.items():
        if field == "$or":
            if not any(matches(doc, q) for q in want):
                return False
            continue
        have = doc.get(field)
        if isinstance(want, dict) and any(k.startswith("$") for k in want):
            for op, arg in want.items():
                if op == "$ne" and have == arg:
                    return False
                if op in ("$lt", "$lte") and (have is None or not (_cmp(have) < _cmp(arg) or (op == "$lte" and have == arg))):
                    return False
                if op == "$gte" and (have is None or _cmp(have) < _cmp(arg)):  # issue 15: channels
                    return False
        elif have != want:
            return False
    return True


class Cursor:
    def __init__(self, docs: list[dict]):
        self.docs = docs

    def sort(self, keys: list[tuple[str, int]]) -> "Cursor":
        for field, direction in reversed(keys):
            self.docs.sort(key=lambda d: _cmp(d.get(field)), reverse=direction < 0)
        return self

    async def to_list(self, length: int | None = None) -> list[dict]:
        return [copy.deepcopy(d) for d in self.docs]


class Result:
    def __init__(self, upserted_id=None):
        self.upserted_id = upserted_id


class FakeCollection:
    def __init__(self):
        self.docs: dict[Any, dict] = {}

    async def create_index(self, *args, **kwargs) -> None:
        return None

    async def insert_one(self, doc: dict) -> None:
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("duplicate _id")
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    def find(self, query: dict | None = None) -> Cursor:
        return Cursor([d for d in self.docs.values() if matches(d, query or {})])

    async def find_one(self, query: dict, sort: list | None = None) -> dict | None:
        found = await self.find(query).sort(sort or []).to_list()
        return found[0] if found else None

    @staticmethod
    def _apply(doc: dict, update: dict, inserted: bool) -> None:
        doc.update(copy.deepcopy(update.get("$set", {})))
        if inserted:
            doc.update(copy.deepcopy(update.get("$setOnInsert", {})))
        for field, value in update.get("$push", {}).items():
            doc.setdefault(field, []).append(copy.deepcopy(value))

    async def update_one(self, query: dict, update: dict, upsert: bool = False) -> Result:
        for doc in self.docs.values():
            if matches(doc, query):
                self._apply(doc, update, False)
                return Result()
        if upsert:
            doc = {k: v for k, v in query.items() if not k.startswith("$")}
            self._apply(doc, update, True)
            self.docs[doc["_id"]] = doc
            return Result(doc["_id"])
        return Result()

    async def update_many(self, query: dict, update: dict) -> None:
        for doc in [d for d in self.docs.values() if matches(d, query)]:
            self._apply(doc, update, False)

    async def find_one_and_update(self, query: dict, update: dict, sort=None, return_document=None) -> dict | None:
        found = await self.find_one(query, sort)
        if found is None:
            return None
        self._apply(self.docs[found["_id"]], update, False)
        if return_document is not None and not return_document:  # ReturnDocument.BEFORE is False
            return found
        return copy.deepcopy(self.docs[found["_id"]])


class FakeDb:
    def __init__(self):
        self.collections: dict[str, FakeCollection] = {}

    def __getattr__(self, name: str) -> FakeCollection:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.collections.setdefault(name, FakeCollection())
