"""GET /readyz: whether this process can do its work now (its database and Kafka answer, its
consumers run), as opposed to GET /healthz, which only says the process is alive. Orchestrators
send traffic by the first and restart by the second, so a database outage takes a replica out of
rotation instead of restarting it in a loop."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from pymongo import AsyncMongoClient

Check = Callable[[], Awaitable[None]]

TIMEOUT_S = 2.0


def add_check(app: FastAPI, name: str, check: Check) -> None:
    """Register a check: an awaitable that raises when the dependency is not usable."""
    if not hasattr(app.state, "readiness"):
        app.state.readiness = {}
    app.state.readiness[name] = check


def mongo(client: AsyncMongoClient) -> Check:
    async def check() -> None:
        await client.admin.command("ping")

    return check


def kafka(fetch_metadata: Callable[[], Awaitable[object]]) -> Check:
    """Asks the brokers for the cluster's metadata, e.g. with a consumer's `topics` or a
    producer's `client.fetch_all_metadata` (both raise when no broker answers)."""

    async def check() -> None:
        await fetch_metadata()

    return check


def running(task_of: Callable[[], asyncio.Task | None], what: str) -> Check:
    """A background loop (a consumer, the outbox relay) is still running."""

    async def check() -> None:
        task = task_of()
        if task is None or task.done():
            error = task.exception() if task is not None and task.done() and not task.cancelled() else None
            raise RuntimeError(f"{what} stopped" + (f": {error!r}" if error else ""))

    return check


async def run_checks(app: FastAPI) -> dict[str, str]:
    """Every registered check at once, each bounded by TIMEOUT_S: name → "ok" or why not."""
    checks = getattr(app.state, "readiness", {})

    async def one(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), TIMEOUT_S)
            return "ok"
        except TimeoutError:
            return f"no answer within {TIMEOUT_S:g} s"
        except Exception as exc:  # the reason is the answer
            return f"{type(exc).__name__}: {exc}"[:300]

    results = await asyncio.gather(*(one(c) for c in checks.values()))
    return dict(zip(checks, results, strict=True))
