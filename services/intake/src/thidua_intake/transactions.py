"""Run a unit of work in a MongoDB transaction, retried from the start when it meets a concurrent
write (the TransientTransactionError label: a write conflict on the same document, or a
transaction the server aborted), with a growing, randomized pause.

Transactions run concurrently: the one document every change used to touch, the head of the
tenant's audit chain, is written only by the outbox relay (see .outbox.relay)."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

T = TypeVar("T")

ATTEMPTS = 12
TRANSIENT = "TransientTransactionError"


async def run_in_transaction(
    client: AsyncMongoClient, work: Callable[[AsyncClientSession], Awaitable[T]], attempts: int = ATTEMPTS
) -> T:
    """`work(session)` may run more than once: it must do all its reads and writes through the
    session and have no other side effects before the commit."""
    for attempt in range(1, attempts + 1):
        try:
            async with client.start_session() as session:
                async with await session.start_transaction():
                    return await work(session)
        except PyMongoError as exc:
            if attempt < attempts and exc.has_error_label(TRANSIENT):
                await asyncio.sleep(random.uniform(0, min(0.5, 0.005 * 2**attempt)))
                continue
            raise
    raise AssertionError("unreachable")
