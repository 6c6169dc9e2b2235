from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.errors import Forbidden
from thidua_common.http import CurrentPrincipal, Lang

from .. import tables
from . import service
from .models import CampaignSummary, LeaderboardPublic, PeriodCard, ProgressPublic, ScorecardPublic

router = APIRouter(prefix="/api/v1/campaigns", tags=["leaderboards / bảng xếp hạng"])

CampaignId = Annotated[str, Path(pattern=ID)]
UnitId = Annotated[str, Path(pattern=ID)]
Status = Annotated[
    Literal["provisional", "verified"], Query(description="provisional: tạm tính; verified: đã thẩm định")
]
Period = Annotated[str | None, Query(pattern=PERIOD)]
# issue 13: the table as a file (xlsx, csv, json: a report-format plugin); left out, the JSON model
Format = Annotated[str | None, Query(max_length=40, description="the table as a file: xlsx, csv, json …")]

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


@router.get("/{campaign_id}/leaderboard", response_model=LeaderboardPublic)
async def leaderboard(
    request: Request,
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    lang: Lang,
    period: Period = None,
    cluster: Annotated[str | None, Query(pattern=ID)] = None,
    status: Status = "provisional",
    format: Format = None,
) -> LeaderboardPublic | Response:
    board = await service.leaderboard(_db(request), principal.tenant, campaign_id, period, cluster, status, lang)
    if format is None:
        return board
    name = f"xep-hang-{campaign_id}{f'-{period}' if period else ''}{f'-{cluster}' if cluster else ''}"
    return tables.file_response(request, format, tables.leaderboard_rows(board), tables.LEADERBOARD, lang, name)


@router.get("/{campaign_id}/units/{unit_id}/scorecard", response_model=ScorecardPublic)
async def scorecard(
    request: Request,
    campaign_id: CampaignId,
    unit_id: UnitId,
    principal: CurrentPrincipal,
    lang: Lang,
    status: Status = "provisional",
    format: Format = None,
) -> ScorecardPublic | Response:
    _own_unit_or_overseer(principal, unit_id)
    card = await service.scorecard(_db(request), principal.tenant, campaign_id, unit_id, status, lang)
    if format is None:
        return card
    name = f"ket-qua-{campaign_id}-{unit_id}"
    return tables.file_response(request, format, tables.scorecard_rows(card), tables.SCORECARD, lang, name)


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


@router.get("/{campaign_id}/units/{unit_id}/progress", response_model=ProgressPublic)
async def progress(
    request: Request,
    campaign_id: CampaignId,
    unit_id: UnitId,
    principal: CurrentPrincipal,
    lang: Lang,
    format: Format = None,
) -> ProgressPublic | Response:
    _own_unit_or_overseer(principal, unit_id)
    found = await service.progress(_db(request), principal.tenant, campaign_id, unit_id, lang)
    if format is None:
        return found
    name = f"tien-do-{campaign_id}-{unit_id}"
    return tables.file_response(request, format, tables.progress_rows(found), tables.PROGRESS, lang, name)
