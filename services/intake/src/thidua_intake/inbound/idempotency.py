"""Issue 12: inbound kinds — each event of an outside system takes effect once. The idempotency
key is the system and the event id (kafka:<actor>:<id>), in the same `idempotency` collection as
submissions; its record is written in the transaction of the change itself, so a change and its
record commit together or not at all. The same key with other content is a conflict."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pymongo.errors import DuplicateKeyError

from thidua_common.errors import Conflict, Invalid

from ..uow import UnitOfWork

T = TypeVar("T")


def inbound_key(actor: str, event_id: str) -> str:
    """The key of an inbound event: the same for a submission (submissions.accept) and the other kinds."""
    return f"kafka:{actor}:{event_id}"


def fingerprint(tenant: str, event_type: str, data: Any) -> str:
    canonical = json.dumps([tenant, event_type, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Recording:
    """The unit of work a service gets: the caller's, whose transaction also writes the key's record."""

    def __init__(self, inner: UnitOfWork, record: dict[str, Any]):
        self._inner, self._record = inner, record

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def run(self, work: Callable[[Any], Awaitable[T]], conflict: Any = None) -> T:
        async def recorded(session: Any) -> T:
            result = await work(session)
            await self._inner.db.idempotency.insert_one(dict(self._record), session=session)
            return result

        return await self._inner.run(recorded, conflict)


async def once(uow: UnitOfWork, key: str, digest: str, apply: Callable[[UnitOfWork], Awaitable[T]]) -> bool:
    """Apply the change (`apply(uow)`) unless `key` was applied already: True when it took effect
    now, False for a duplicate. The same key with other content: Invalid request.idempotency_conflict."""
    if await _seen(uow, key, digest):
        return False
    record = {"_id": key, "fingerprint": digest, "channel": "kafka", "at": datetime.now(UTC)}
    try:
        await apply(cast(UnitOfWork, _Recording(uow, record)))
    except (DuplicateKeyError, Conflict):
        # a concurrent copy of the same event committed first: it is a duplicate, not a failure
        if await _seen(uow, key, digest):
            return False
        raise
    return True


async def _seen(uow: UnitOfWork, key: str, digest: str) -> bool:
    previous = await uow.db.idempotency.find_one({"_id": key})
    if previous is None:
        return False
    if previous.get("fingerprint") != digest:
        raise Invalid("request.idempotency_conflict")
    return True
