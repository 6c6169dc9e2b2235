from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.errors import Forbidden
from thidua_common.http import CurrentPrincipal, Lang

from . import service
from .models import CampaignSummary, LeaderboardPublic, PeriodCard, ProgressPublic, ScorecardPublic

router = APIRouter(prefix="/api/v1/campaigns", tags=["leaderboards / bảng xếp hạng"])

CampaignId = Annotated[str, Path(pattern=ID)]
UnitId = Annotated[str, Path(pattern=ID)]
Status = Annotated[
    Literal["provisional", "verified"], Query(description="provisional: tạm tính; verified: đã thẩm định")
]
Period = Annotated[str | None, Query(pattern=PERIOD)]

# Everybody in a tenant sees the rankings (transparency); a unit's own detail is for that unit
# and for the people who review or decide.
OVERSEERS = (Role.board_officer, Role.cluster_head, Role.auditor, Role.council_member, Role.chairperson, Role.system)


def _db(request: Request):
    return request.app.state.db


def _own_unit_or_overseer(principal: Principal, unit_id: str) -> None:
    overseer = principal.has_any(*OVERSEERS) and not principal.unit_scoped  # a unit-scoped key sees its unit
    if not overseer and principal.unit_id != unit_id:
        raise Forbidden("auth.unit", own=principal.unit_id or "—", other=unit_id)


@router.get("")
async def list_campaigns(request: Request, principal: CurrentPrincipal, lang: Lang) -> list[CampaignSummary]:
    return await service.campaigns(_db(request), principal.tenant, lang, principal.unit_id)


@router.get("/{campaign_id}/leaderboard")
async def leaderboard(
    request: Request,
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    lang: Lang,
    period: Period = None,
    cluster: Annotated[str | None, Query(pattern=ID)] = None,
    status: Status = "provisional",
) -> LeaderboardPublic:
    return await service.leaderboard(_db(request), principal.tenant, campaign_id, period, cluster, status, lang)


@router.get("/{campaign_id}/units/{unit_id}/scorecard")
async def scorecard(
    request: Request,
    campaign_id: CampaignId,
    unit_id: UnitId,
    principal: CurrentPrincipal,
    lang: Lang,
    status: Status = "provisional",
) -> ScorecardPublic:
    _own_unit_or_overseer(principal, unit_id)
    return await service.scorecard(_db(request), principal.tenant, campaign_id, unit_id, status, lang)


@router.get("/{campaign_id}/units/{unit_id}/history")
async def history(
    request: Request,
    campaign_id: CampaignId,
    unit_id: UnitId,
    principal: CurrentPrincipal,
    lang: Lang,
    period: Period = None,
) -> list[PeriodCard]:
    _own_unit_or_overseer(principal, unit_id)
    return await service.history(_db(request), principal.tenant, campaign_id, unit_id, period, lang)


@router.get("/{campaign_id}/units/{unit_id}/progress")
async def progress(
    request: Request, campaign_id: CampaignId, unit_id: UnitId, principal: CurrentPrincipal, lang: Lang
) -> ProgressPublic:
    _own_unit_or_overseer(principal, unit_id)
    return await service.progress(_db(request), principal.tenant, campaign_id, unit_id, lang)
