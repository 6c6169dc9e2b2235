"""GET /readyz: whether this process can do its work now, as opposed to GET /healthz, which only
says the process is alive. Orchestrators send traffic by the first and restart by the second, so
a database outage takes a replica out of rotation instead of restarting it in a loop.

Not every dependency is needed to do the work. A check is *required* when the service cannot
answer its requests without it (its database): a failing required check makes the answer 503,
`not_ready`. The others *degrade* the service: it still answers (intake keeps accepting into its
outbox while Kafka is away; reporting answers from its read model, only staler), so the answer
stays 200 with `status: degraded` and names them. Taking every replica out of rotation during a
Kafka outage would turn a delay into an outage: the outbox exists to ride it out.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI
from pymongo import AsyncMongoClient

# a check raises when its dependency is not usable; it may return figures worth showing (a dict)
Check = Callable[[], Awaitable[object]]
Status = Literal["ready", "degraded", "not_ready"]

TIMEOUT_S = 2.0


class Degraded(Exception):
    """Raised by a check that works but reports a problem, with the figures that show it."""

    def __init__(self, reason: str, detail: dict[str, Any]):
        super().__init__(reason)
        self.detail = detail


def add_check(app: FastAPI, name: str, check: Check, required: bool = True) -> None:
    """Register a check. `required=False`: a failure degrades the service instead of taking it
    out of rotation (see the module's docstring)."""
    if not hasattr(app.state, "readiness"):
        app.state.readiness = {}
        app.state.readiness_optional = set()
    app.state.readiness[name] = check
    if required:
        app.state.readiness_optional.discard(name)
    else:
        app.state.readiness_optional.add(name)


def add_service_checks(
    app: FastAPI, client: AsyncMongoClient[Any], fetch_metadata: Callable[[], Awaitable[object]], **degrading: Check
) -> None:
    """The checks of a service answering from MongoDB: its database required; Kafka (see `kafka`)
    and each of `degrading` (name → check, e.g. its background tasks) only degrade it."""
    add_check(app, "mongodb", mongo(client))
    add_check(app, "kafka", kafka(fetch_metadata), required=False)
    for name, check in degrading.items():
        add_check(app, name, check, required=False)


def mongo(client: AsyncMongoClient[Any]) -> Check:
    async def check() -> None:
        await client.admin.command("ping")

    return check


def kafka(fetch_metadata: Callable[[], Awaitable[object]]) -> Check:
    """Asks the brokers for the cluster's metadata, e.g. with a consumer's `topics` or a
    producer's `client.fetch_all_metadata` (both raise when no broker answers)."""

    async def check() -> None:
        await fetch_metadata()

    return check


def running(task_of: Callable[[], asyncio.Task[Any] | None], what: str) -> Check:
    """A background loop (a consumer, the outbox relay) is still running."""

    async def check() -> None:
        task = task_of()
        if task is None or task.done():
            error = task.exception() if task is not None and task.done() and not task.cancelled() else None
            raise RuntimeError(f"{what} stopped" + (f": {error!r}" if error else ""))

    return check


def lag(measure: Callable[[], Awaitable[dict[str, Any]]], max_age_s: float) -> Check:
    """A queue drains: `measure` gives {"backlog": n, "oldest_age_seconds": s | None}; older than
    `max_age_s` is reported as a problem, the figures always."""

    async def check() -> dict[str, Any]:
        figures = await measure()
        age = figures.get("oldest_age_seconds")
        if age is not None and age > max_age_s:
            raise Degraded(f"oldest unpublished record is {age:.0f} s old (more than {max_age_s:g} s)", figures)
        return figures

    return check


@dataclass
class Readiness:
    status: Status
    checks: dict[str, str]  # name → "ok" or why not
    failing: list[str] = field(default_factory=list)  # required checks that fail
    degraded: list[str] = field(default_factory=list)  # optional checks that fail
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # figures the checks returned


def decide(checks: dict[str, str], optional: Iterable[str]) -> tuple[Status, list[str], list[str]]:
    """The readiness decision (pure): a failing required check → not_ready; otherwise a failing
    optional one → degraded; otherwise ready."""
    optional = set(optional)
    failing = [name for name, result in checks.items() if result != "ok" and name not in optional]
    degraded = [name for name, result in checks.items() if result != "ok" and name in optional]
    status: Status = "not_ready" if failing else "degraded" if degraded else "ready"
    return status, failing, degraded


async def evaluate(app: FastAPI) -> Readiness:
    """Every registered check at once, each bounded by TIMEOUT_S, and the decision."""
    checks = getattr(app.state, "readiness", {})
    details: dict[str, dict[str, Any]] = {}

    async def one(name: str, check: Check) -> str:
        try:
            result = await asyncio.wait_for(check(), TIMEOUT_S)
            if isinstance(result, dict):
                details[name] = result
            return "ok"
        except TimeoutError:
            return f"no answer within {TIMEOUT_S:g} s"
        except Degraded as exc:
            details[name] = exc.detail
            return str(exc)[:300]
        except Exception as exc:  # the reason is the answer
            return f"{type(exc).__name__}: {exc}"[:300]

    results = await asyncio.gather(*(one(name, c) for name, c in checks.items()))
    outcome = dict(zip(checks, results, strict=True))
    status, failing, degraded = decide(outcome, getattr(app.state, "readiness_optional", ()))
    return Readiness(status, outcome, failing, degraded, details)


async def run_checks(app: FastAPI) -> dict[str, str]:
    """Every registered check at once: name → "ok" or why not."""
    return (await evaluate(app)).checks
