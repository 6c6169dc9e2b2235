"""The public board (issue 10): `/public/{tenant}` shows the verified leaderboards of a tenant that
enabled it (THIDUA_PUBLIC_BOARD_TENANTS), without sign-in; 404 for any other tenant. Only verified
standings of launched campaigns: no scorecards, no history, no person. A static page, its script and
style sheet served by reporting itself (the page policy runs scripts of this origin only), and a
read-only JSON API of its own under /public/api/{tenant}/. It replaces the token-in-page /dashboard:
people who sign in use the console (services/web)."""

import html
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.errors import NotFound
from thidua_common.http import Lang

from ..leaderboard import service
from ..leaderboard.models import CampaignSummary, LeaderboardPublic

router = APIRouter(prefix="/public", tags=["public board / bảng công khai"])
HERE = files(__package__)
ASSETS = {"board.js": "text/javascript; charset=utf-8", "board.css": "text/css; charset=utf-8"}

Tenant = Annotated[str, Path(pattern=ID)]


def _enabled(request: Request, tenant: str) -> None:
    if tenant not in request.app.state.reporting_settings.public_tenants:
        raise NotFound("public.not_enabled", tenant=tenant)


@router.get("/{tenant}", response_class=HTMLResponse, include_in_schema=False)
async def board(request: Request, tenant: Tenant) -> str:
    _enabled(request, tenant)
    page = HERE.joinpath("board.html").read_text(encoding="utf-8")
    return page.replace("{tenant}", html.escape(tenant, quote=True))


@router.get("/api/{tenant}/campaigns")
async def public_campaigns(request: Request, tenant: Tenant, lang: Lang) -> list[CampaignSummary]:
    """The tenant's campaigns once launched (a draft is nobody's business yet)."""
    _enabled(request, tenant)
    return [c for c in await service.campaigns(request.app.state.db, tenant, lang) if c.status != "draft"]


@router.get("/api/{tenant}/campaigns/{campaign_id}/leaderboard")
async def public_leaderboard(
    request: Request,
    tenant: Tenant,
    campaign_id: Annotated[str, Path(pattern=ID)],
    lang: Lang,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
    cluster: Annotated[str | None, Query(pattern=ID)] = None,
) -> LeaderboardPublic:
    """The verified leaderboard only: provisional figures are not public."""
    _enabled(request, tenant)
    db = request.app.state.db
    found = await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}", "status": {"$ne": "draft"}}, {"_id": 1})
    if found is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    return await service.leaderboard(db, tenant, campaign_id, period, cluster, "verified", lang)


def _asset(name: str, media_type: str):
    async def asset() -> Response:
        return Response(HERE.joinpath(name).read_bytes(), media_type=media_type, headers={"Cache-Control": "no-cache"})

    return asset


for _name, _media_type in ASSETS.items():  # one route per file: any other name is a 404
    router.add_api_route(f"/assets/{_name}", _asset(_name, _media_type), methods=["GET"], include_in_schema=False)
