"""One poller per process for every open stream of every campaign (no query per stream): about
every second it reads the versions of the campaigns someone watches, in one query, and wakes the
streams whose campaign moved on.

Bounded: each tenant may hold at most `per_tenant` open streams in a process, so one tenant
cannot use up what another needs. Closing: `close()` (the server shuts down) ends every stream,
so uvicorn's graceful shutdown, which waits for open responses, never hangs on them."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.background import cancel_and_wait
from thidua_common.logging import get_logger

from . import versions

log = get_logger(__name__)

# Set by the server's signal handler (thidua_reporting.__main__): streams end at the next tick,
# before uvicorn waits for open responses to finish; a plain flag, safe to set from a handler.
_EXITING = False


def exiting() -> None:
    global _EXITING
    _EXITING = True


class TooManyStreams(Exception):
    def __init__(self, tenant: str, limit: int):
        super().__init__(tenant)
        self.tenant, self.limit = tenant, limit


@dataclass(eq=False)
class Subscription:
    """One open stream: the version it last told, and the newest one seen since (latest wins: a
    slow reader gets one event for several changes)."""

    tenant: str
    campaign_id: str
    told: int
    seen: int = 0
    period: str | None = None
    closed: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def saw(self, version: int, period: str | None) -> None:
        if version > max(self.told, self.seen):
            self.seen, self.period = version, period
            self.wake.set()

    def take(self) -> tuple[int, str | None] | None:
        """The change to tell, if any: its version, and its period when exactly one change
        happened since the last event told (None: several, re-read the whole board)."""
        self.wake.clear()
        if self.seen <= self.told:
            return None
        period = self.period if self.seen == self.told + 1 else None
        self.told = self.seen
        return self.told, period


class StreamHub:
    def __init__(self, db: AsyncDatabase, per_tenant: int, poll_seconds: float = 1.0):
        self.db, self.per_tenant, self.poll_seconds = db, per_tenant, poll_seconds
        self.subscriptions: dict[str, set[Subscription]] = defaultdict(set)  # campaign key → streams
        self.per_tenant_open: dict[str, int] = defaultdict(int)
        self.closed = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._poll(), name="stream-hub")

    async def close(self) -> None:
        """End every stream and stop polling."""
        self._close_all()
        await cancel_and_wait(self._task)

    def _close_all(self) -> None:
        self.closed = True
        for subs in self.subscriptions.values():
            for sub in subs:
                sub.closed = True
                sub.wake.set()

    def open(self, tenant: str, campaign_id: str, version: int) -> Subscription:
        """Hold a place for a stream (TooManyStreams when the tenant holds all of its own)."""
        if self.per_tenant_open[tenant] >= self.per_tenant:
            raise TooManyStreams(tenant, self.per_tenant)
        self.per_tenant_open[tenant] += 1
        sub = Subscription(tenant, campaign_id, told=version, closed=self.closed)
        self.subscriptions[versions.key(tenant, campaign_id)].add(sub)
        return sub

    def release(self, sub: Subscription) -> None:
        key = versions.key(sub.tenant, sub.campaign_id)
        subs = self.subscriptions.get(key)
        if subs is None or sub not in subs:
            return  # released already
        subs.discard(sub)
        if not subs:
            del self.subscriptions[key]
        self.per_tenant_open[sub.tenant] -= 1
        if not self.per_tenant_open[sub.tenant]:
            del self.per_tenant_open[sub.tenant]

    def open_streams(self, tenant: str) -> int:
        return self.per_tenant_open.get(tenant, 0)

    async def poll_once(self) -> None:
        keys = list(self.subscriptions)
        if not keys:
            return
        async for doc in self.db.campaign_versions.find({"_id": {"$in": keys}}, {"version": 1, "period": 1}):
            for sub in list(self.subscriptions.get(doc["_id"], ())):
                sub.saw(int(doc["version"]), doc.get("period"))

    async def _poll(self) -> None:
        while True:
            if _EXITING and not self.closed:
                self._close_all()
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # MongoDB away for a moment: streams wait, the next tick tries again
                log.warning("stream poll failed", exc_info=True)
            await asyncio.sleep(self.poll_seconds)
