"""Dashboards for any signed-in user of the tenant:

- /campaigns/{cid}: the campaign's overview and its leaderboard (cluster, period, provisional or
  verified, chosen by a GET form; htmx swaps only the board: /campaigns/{cid}/board);
- /campaigns/{cid}/units/{uid}: a unit's scorecard, its points per period, its progress against
  its targets (unit roles: their own unit only);
- /campaigns/{cid}/live: reporting's live-update stream relayed to the browser (live.py).

Every figure comes from reporting's API as the signed-in user."""

import asyncio
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from thidua_common.contracts.campaign import ID

from ..api import ApiFailed
from ..deps import Caller, SignedIn, SignInNeeded, signed_in
from ..pages import COOKIE, render
from . import live, models

router = APIRouter()
_ID = re.compile(ID)
BOARD_FORM = "board-choice"  # the id of the form whose requests change the page's URL


def _checked(*ids: str) -> None:
    """An id that could not exist (an edited URL) is a missing page, not a call to make."""
    if not all(_ID.fullmatch(i) for i in ids):
        raise HTTPException(404)


async def _campaign(caller: Caller, campaign_id: str) -> dict[str, Any]:
    """The campaign's summary as reporting lists it for the caller's tenant (404 if not there)."""
    campaigns = await caller.reporting.get("/api/v1/campaigns", caller.token, caller.lang)
    found = next((c for c in campaigns if c.get("campaign_id") == campaign_id), None)
    if found is None:
        raise HTTPException(404)
    return dict(found)


def _own_unit_only(caller: Caller) -> bool:
    """Unit roles open only their own unit's page (the same rule as Caller.require_unit)."""
    return caller.has("unit_reporter", "unit_leader") and not caller.has(
        "board_officer", "chairperson", "auditor", "cluster_head"
    )


async def _board(
    request: Request,
    caller: Caller,
    campaign_id: str,
    cluster: str | None,
    period: str | None,
    status: str | None,
    page: str | None = None,
) -> dict[str, Any]:
    """What the board fragment needs: the choice, reporting's leaderboard for it, the chart."""
    campaign = await _campaign(caller, campaign_id)
    periods = models.campaign_periods(campaign, caller.lang)
    choice = models.BoardChoice.of(campaign, periods, cluster, period, status)
    board = await caller.reporting.get(
        f"/api/v1/campaigns/{campaign_id}/leaderboard", caller.token, caller.lang, **choice.params()
    )
    clusters = {str(c.get("id")): str(c.get("name") or c.get("id")) for c in campaign.get("clusters", [])}
    rows = models.BoardPage.of(board.get("standings", []), page, caller.unit)
    query = urlencode(choice.params())
    return {
        "campaign": campaign,
        "periods": periods,
        "clusters": clusters,
        "choice": choice,
        "query": query,
        "paged": query + (f"&page={rows.number}" if rows.number > 1 else ""),
        "rows": rows,
        "board": board,
        "chart": models.board_chart(board, str(board.get("campaign_name") or campaign.get("name") or "")),
        "own_only": _own_unit_only(caller),
        "my_unit": caller.unit,
    }


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
async def overview(
    request: Request,
    campaign_id: str,
    caller: SignedIn,
    cluster: str | None = None,
    period: str | None = None,
    status: str | None = None,
    page: str | None = None,
) -> Response:
    _checked(campaign_id)
    context = await _board(request, caller, campaign_id, cluster, period, status, page)
    return render(request, "dashboards/overview.html", **context)


@router.get("/campaigns/{campaign_id}/board", response_class=HTMLResponse, include_in_schema=False)
async def board_fragment(
    request: Request,
    campaign_id: str,
    caller: SignedIn,
    cluster: str | None = None,
    period: str | None = None,
    status: str | None = None,
    page: str | None = None,
) -> Response:
    """Only the board (htmx swaps it in: the form's choice, or a live update of the page shown)."""
    _checked(campaign_id)
    context = await _board(request, caller, campaign_id, cluster, period, status, page)
    response = render(request, "dashboards/_board.html", **context)
    if request.headers.get("hx-trigger") == BOARD_FORM:  # the choice changed: so does the address
        response.headers["HX-Push-Url"] = f"/campaigns/{campaign_id}?{context['query']}"
    return response


@router.get("/campaigns/{campaign_id}/units/{unit_id}", response_class=HTMLResponse, include_in_schema=False)
async def unit_page(
    request: Request,
    campaign_id: str,
    unit_id: str,
    caller: SignedIn,
    status: str | None = None,
    period: str | None = None,
) -> Response:
    _checked(campaign_id, unit_id)
    caller.require_unit(unit_id)  # unit roles: their own unit only (the 403 page)
    status = status if status in models.STATUSES else "provisional"
    base = f"/api/v1/campaigns/{campaign_id}/units/{unit_id}"
    scorecard, progress, revisions = await asyncio.gather(
        caller.reporting.get(f"{base}/scorecard", caller.token, caller.lang, status=status),
        caller.reporting.get(f"{base}/progress", caller.token, caller.lang),
        caller.reporting.get(f"{base}/history", caller.token, caller.lang),
    )
    card = models.chosen_card(scorecard, period)
    return render(
        request,
        "dashboards/unit.html",
        campaign_id=campaign_id,
        unit_id=unit_id,
        score_status=status,
        scorecard=scorecard,
        card=card,
        depth=models.depth_of(card.get("criteria", []) if card else []),
        progress=models.progress(progress),
        revisions=[r for r in revisions if r.get("status") == status],
        chart=models.history_chart(scorecard, str(scorecard.get("unit_name") or unit_id), "total"),
    )


@router.get("/campaigns/{campaign_id}/live", include_in_schema=False)
async def live_updates(request: Request, campaign_id: str) -> Response:
    """Server-sent events for the page's EventSource. Without a session (expired, signed out) the
    answer is 204, which tells the browser to stop reconnecting, instead of a redirect to the
    sign-in page that an EventSource cannot follow."""
    _checked(campaign_id)
    try:
        caller = await signed_in(request)
    except SignInNeeded:
        return Response(status_code=204)
    session_id = request.cookies.get(COOKIE)
    sessions = request.app.state.sessions
    try:
        upstream = await live.open_stream(
            caller.reporting, f"/api/v1/campaigns/{campaign_id}/stream", caller.token, caller.lang
        )
    except ApiFailed as exc:
        # 403/404 say the stream is not for this user: 204 stops the browser's retries; anything
        # else (reporting down) answers 502 and the browser's EventSource gives up too
        return Response(status_code=204 if exc.status in (401, 403, 404) else 502)

    async def gone() -> bool:
        return await request.is_disconnected() or sessions.get(session_id) is None

    seconds = live.lifetime(caller.session.tokens.expires_at)
    return StreamingResponse(
        live.relay(upstream, seconds, gone),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
