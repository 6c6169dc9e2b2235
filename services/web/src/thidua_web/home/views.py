"""The home page: the tenant's campaigns, each linked to its overview (dashboards); with a unit, the
unit's standing in each (one leaderboard call per campaign: reporting has no call answering a
unit's standings across campaigns). Unit roles see the campaigns their unit takes part in; an
overseer who also belongs to a unit (a board officer of so-noi-vu) sees every campaign."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..deps import SignedIn
from ..pages import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, caller: SignedIn) -> Response:
    campaigns = await caller.reporting.get("/api/v1/campaigns", caller.token, caller.lang)
    rows = []
    overseer = caller.has("board_officer", "chairperson", "auditor", "cluster_head", "council_member")
    if caller.unit:
        boards = await asyncio.gather(
            *(
                caller.reporting.get(f"/api/v1/campaigns/{c['campaign_id']}/leaderboard", caller.token, caller.lang)
                for c in campaigns
            ),
            return_exceptions=True,
        )
        for campaign, board in zip(campaigns, boards, strict=True):
            if isinstance(board, BaseException):
                raise board  # ApiFailed: the error page
            standings = board.get("standings", [])
            mine = next((s for s in standings if s.get("unit_id") == caller.unit), None)
            if mine is not None or overseer:  # an overseer's unit may take no part: they still see it
                rows.append({"campaign": campaign, "standing": mine, "units": len(standings)})
    else:
        rows = [{"campaign": c, "standing": None, "units": c.get("participants")} for c in campaigns]
    return render(request, "home/index.html", rows=rows)
