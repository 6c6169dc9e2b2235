"""Run a unit of work in a MongoDB transaction, retried from the start when it meets a concurrent
write (the TransientTransactionError label: a write conflict, e.g. two writers appending to the
audit chain at once, or a transaction the server aborted).

Every state change appends to its tenant's audit chain, whose head document is a single point of
contention: transactions of one process therefore take turns (a process-wide lock held until
the commit), so that they never conflict with each other; conflicts with other processes (other
replicas, other writers) are retried with a growing, randomized pause."""

import asyncio
import random
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

T = TypeVar("T")

ATTEMPTS = 12
TRANSIENT = "TransientTransactionError"

_locks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = weakref.WeakKeyDictionary()


def _turn() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock


async def run_in_transaction(
    client: AsyncMongoClient, work: Callable[[AsyncClientSession], Awaitable[T]], attempts: int = ATTEMPTS
) -> T:
    """`work(session)` may run more than once: it must do all its reads and writes through the
    session and have no other side effects before the commit."""
    for attempt in range(1, attempts + 1):
        try:
            async with _turn():
                async with client.start_session() as session:
                    async with await session.start_transaction():
                        return await work(session)
        except PyMongoError as exc:
            if attempt < attempts and exc.has_error_label(TRANSIENT):
                await asyncio.sleep(random.uniform(0, min(0.5, 0.005 * 2**attempt)))
                continue
            raise
    raise AssertionError("unreachable")
