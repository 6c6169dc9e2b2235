from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from thidua_common.auth import Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.http import ApiError, CurrentPrincipal, Lang

from . import service
from .models import CampaignSummary, LeaderboardPublic, ScorecardPublic

router = APIRouter(prefix="/api/v1/campaigns", tags=["leaderboards / bảng xếp hạng"])

CampaignId = Annotated[str, Path(pattern=ID)]
UnitId = Annotated[str, Path(pattern=ID)]


def _db(request: Request):
    return request.app.state.db


@router.get("")
async def list_campaigns(request: Request, principal: CurrentPrincipal, lang: Lang) -> list[CampaignSummary]:
    return await service.campaigns(_db(request), principal.tenant, lang)


@router.get("/{campaign_id}/leaderboard")
async def leaderboard(
    request: Request,
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    lang: Lang,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
    cluster: Annotated[str | None, Query(pattern=ID)] = None,
) -> LeaderboardPublic:
    return await service.leaderboard(_db(request), principal.tenant, campaign_id, period, cluster, lang)


@router.get("/{campaign_id}/units/{unit_id}/scorecard")
async def scorecard(
    request: Request, campaign_id: CampaignId, unit_id: UnitId, principal: CurrentPrincipal, lang: Lang
) -> ScorecardPublic:
    unit_roles_only = not principal.has_any(
        Role.board_officer, Role.cluster_head, Role.auditor, Role.council_member, Role.chairperson, Role.system
    )
    if unit_roles_only and principal.unit_id != unit_id:
        raise ApiError(403, "auth.unit", own=principal.unit_id or "—", other=unit_id)
    return await service.scorecard(_db(request), principal.tenant, campaign_id, unit_id, lang)
