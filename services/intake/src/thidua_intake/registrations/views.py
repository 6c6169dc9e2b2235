from typing import Annotated

from fastapi import APIRouter, Path

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import found
from thidua_common.http import CurrentPrincipal, require_roles

from ..access import not_own_unit
from ..deps import Db, Uow
from . import service
from .models import RegistrationPublic, RegistrationWrite, TargetPatch

CampaignId = Annotated[str, Path(pattern=ID, description="mã phong trào")]
UnitId = Annotated[str, Path(pattern=ID, description="mã đơn vị")]

router = APIRouter(prefix="/api/v1/campaigns/{campaign_id}/registrations", tags=["registrations / đăng ký thi đua"])

Registrant = require_roles(Role.unit_reporter, Role.unit_leader, Role.board_officer)


def ensure_acts_for(principal: Principal, unit_id: str) -> None:
    """The board acts for any unit; a unit's reporter or leader only for their own."""
    if principal.has_any(Role.board_officer) or principal.unit_id == unit_id:
        return
    raise not_own_unit(principal, unit_id)


@router.get("")
async def list_registrations(campaign_id: CampaignId, principal: CurrentPrincipal, db: Db) -> list[RegistrationPublic]:
    return await service.list_for(db, principal.tenant, campaign_id)


@router.get("/{unit_id}")
async def get_registration(
    campaign_id: CampaignId, unit_id: UnitId, principal: CurrentPrincipal, db: Db
) -> RegistrationPublic:
    return found(
        await service.get(db, principal.tenant, campaign_id, unit_id),
        "registration.unknown",
        unit=unit_id,
        campaign=campaign_id,
    )


@router.put("/{unit_id}")
async def put_registration(
    campaign_id: CampaignId,
    unit_id: UnitId,
    body: RegistrationWrite,
    uow: Uow,
    principal: Principal = Registrant,
) -> RegistrationPublic:
    """Register the unit (first time) or replace its registration. A registered target may change
    its value (with a reason, kept in the history) but not disappear."""
    ensure_acts_for(principal, unit_id)
    registration, changed = await service.put(uow, principal.tenant, campaign_id, unit_id, body, principal.subject)
    return registration


@router.patch("/{unit_id}/targets")
async def patch_target(
    campaign_id: CampaignId,
    unit_id: UnitId,
    body: TargetPatch,
    uow: Uow,
    principal: Principal = Registrant,
) -> RegistrationPublic:
    """Change one target (or add one) with a reason of at least five characters."""
    ensure_acts_for(principal, unit_id)
    registration, changed = await service.patch_target(
        uow, principal.tenant, campaign_id, unit_id, body, principal.subject
    )
    return registration
