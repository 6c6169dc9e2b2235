"""Issue 15: deadlines — the campaign's periods with their due dates and where each unit's report
stands (every party of the tenant; a unit's roles see their own unit), and the deadline check
(the board's officer; it also runs in the background)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import FieldError, Invalid, NotFound
from thidua_common.http import CurrentPrincipal, require_roles

from ..campaigns import service as campaigns
from ..deps import Db, SettingsDep, Uow
from . import service
from .models import CampaignDeadlines, DeadlineCheck, DeadlineCheckResult

CampaignId = Annotated[str, Path(pattern=ID, description="mã phong trào")]
BoardOfficer = require_roles(Role.board_officer)
UNIT_ROLES = (Role.unit_reporter, Role.unit_leader)

router = APIRouter(prefix="/api/v1", tags=["deadlines / thời hạn"])


@router.get("/campaigns/{campaign_id}/deadlines")
async def campaign_deadlines(
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    db: Db,
    settings: SettingsDep,
    unit: Annotated[str | None, Query(pattern=ID, description="một đơn vị")] = None,
) -> CampaignDeadlines:
    """Each period's due date (working days after it ends, holidays skipped) and, for each unit
    and ended period, when it reported, whether late and by how many working days, and which
    steps of the ladder fired. A unit's reporter or leader sees only their unit."""
    campaign = await campaigns.definition(db, principal.tenant, campaign_id)
    if campaign is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    only_unit = principal.has_any(*UNIT_ROLES) and not principal.has_any(
        Role.board_officer, Role.chairperson, Role.auditor, Role.cluster_head
    )
    if only_unit:
        unit = principal.unit_id or "-"
    return await service.campaign_deadlines(db, settings, principal.tenant, campaign, service.today_in_vietnam(), unit)


@router.post("/deadlines/check")
async def run_deadline_check(
    body: DeadlineCheck, uow: Uow, settings: SettingsDep, principal: Principal = BoardOfficer
) -> DeadlineCheckResult:
    """Run the deadline check now. `as_of` another day only where the deployment allows a clock
    override (THIDUA_NOMINATION_CLOCK_OVERRIDE: development, tests and demos)."""
    if body.as_of is not None and not settings.nomination_clock_override:
        raise Invalid("request.invalid", [FieldError("as_of", "deadline.clock_override")])
    return await service.check(uow, settings, body.as_of, principal.tenant, body.campaign_id)
