"""The home page: the tenant's campaigns, each linked to its overview (dashboards). Unit roles see
the campaigns their unit takes part in (reporting says so in its list: `participating`); overseers
(board, chair, auditor, council, cluster heads) see every campaign.

The unit's standing in each campaign is not rendered with the page: each row fetches it after the
page has loaded (`/home/standing/{cid}`, an htmx fragment), because a standing is a leaderboard
call, and for a tenant of 2 000 units one per campaign would hold the whole page for all of them
(bench/console.py). The page itself makes one call."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from thidua_common.ids import ID

from ..api import ApiFailed
from ..deps import SignedIn
from ..pages import render

router = APIRouter()
OVERSEERS = ("board_officer", "chairperson", "auditor", "cluster_head", "council_member")
_ID = re.compile(ID)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, caller: SignedIn) -> Response:
    campaigns = await caller.reporting.get("/api/v1/campaigns", caller.token, caller.lang)
    overseer = caller.has(*OVERSEERS)
    rows = [
        {"campaign": c, "participating": bool(c.get("participating")), "units": c.get("participants")}
        for c in campaigns
        if overseer or not caller.unit or c.get("participating")
    ]
    return render(request, "home/index.html", rows=rows)


@router.get("/home/standing/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
async def standing(request: Request, campaign_id: str, caller: SignedIn) -> Response:
    """The caller's unit's standing in one campaign, as the cell's content; empty when it cannot be
    had (the home page never fails because one leaderboard could not be computed)."""
    if not _ID.fullmatch(campaign_id) or not caller.unit:
        raise HTTPException(404)
    try:
        board = await caller.reporting.get(f"/api/v1/campaigns/{campaign_id}/leaderboard", caller.token, caller.lang)
    except ApiFailed:
        return render(request, "home/_standing.html", standing=None, units=0, failed=True)
    standings = board.get("standings", [])
    mine = next((s for s in standings if s.get("unit_id") == caller.unit), None)
    return render(request, "home/_standing.html", standing=mine, units=len(standings), failed=False)
