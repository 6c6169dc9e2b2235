"""GET /api/v1/campaigns/{campaign_id}/stream: server-sent events that tell a campaign's
leaderboard changed (`event: scores`), so a page re-reads it instead of polling it. Any caller of
the tenant may open one, as anyone of the tenant reads the leaderboard."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from thidua_common.contracts.campaign import ID
from thidua_common.errors import NotFound
from thidua_common.http import ApiError, CurrentPrincipal

from . import versions
from .hub import StreamHub, Subscription, TooManyStreams

router = APIRouter(prefix="/api/v1/campaigns", tags=["leaderboards / bảng xếp hạng"])


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _events(sub: Subscription, campaign_id: str, ping_seconds: float) -> AsyncIterator[str]:
    yield _event("hello", {"campaign_id": campaign_id, "version": sub.told})
    while not sub.closed:
        try:
            await asyncio.wait_for(sub.wake.wait(), timeout=ping_seconds)
        except TimeoutError:
            yield ": ping\n\n"  # keeps proxies from closing an idle stream; tells us the client left
            continue
        change = sub.take()
        if change:
            version, period = change
            yield _event("scores", {"campaign_id": campaign_id, "version": version, "period": period})


class EventStream(StreamingResponse):
    """A stream that gives its place back however it ends: the client left (the response is
    cancelled, possibly before its first byte), the server closes it, or an error."""

    def __init__(self, hub: StreamHub, sub: Subscription, content: AsyncIterator[str]):
        super().__init__(
            content,
            media_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},  # no buffering proxy
        )
        self.hub, self.sub = hub, sub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.hub.release(self.sub)


@router.get(
    "/{campaign_id}/stream",
    response_class=EventStream,
    responses={
        200: {
            "description": "text/event-stream: `hello`, then `scores` per change, `: ping` every 15 s",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        429: {"description": "the tenant holds all its streams on this server / quá nhiều kết nối"},
    },
)
async def stream(
    request: Request, campaign_id: Annotated[str, Path(pattern=ID)], principal: CurrentPrincipal
) -> EventStream:
    db = request.app.state.db
    if await db.campaigns.find_one({"_id": versions.key(principal.tenant, campaign_id)}, {"_id": 1}) is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    hub: StreamHub = request.app.state.stream_hub
    version = await versions.current(db, principal.tenant, campaign_id)
    try:
        sub = hub.open(principal.tenant, campaign_id, version)
    except TooManyStreams as exc:
        raise ApiError(429, "stream.too_many", tenant=exc.tenant, limit=exc.limit) from None
    ping = request.app.state.reporting_settings.stream_ping_seconds
    return EventStream(hub, sub, _events(sub, campaign_id, ping))
