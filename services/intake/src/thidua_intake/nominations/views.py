from typing import Annotated

from fastapi import APIRouter, Path, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.nomination import NominationStatus
from thidua_common.errors import FieldError, Invalid, found
from thidua_common.http import CurrentPrincipal, require_roles

from ..access import not_own_unit
from ..deps import Db, SettingsDep, Uow
from . import overdue, service
from .models import (
    ActionWrite,
    Award,
    AwardsImport,
    ImportResult,
    NominationPublic,
    NominationWrite,
    OverdueCheck,
    OverdueResult,
    ResubmitWrite,
)
from .rules import Actor

NominationId = Annotated[str, Path(pattern=ID, description="mã hồ sơ đề nghị")]

router = APIRouter(prefix="/api/v1/nominations", tags=["nominations / đề nghị khen thưởng"])
awards_router = APIRouter(prefix="/api/v1/awards", tags=["awards / khen thưởng đã quyết định"])

Nominator = require_roles(Role.unit_leader, Role.board_officer)
BoardOfficer = require_roles(Role.board_officer)


def actor_of(principal: Principal) -> Actor:
    return Actor(
        subject=principal.subject, roles=frozenset(r.value for r in principal.roles), unit_id=principal.unit_id
    )


@router.post("", status_code=201)
async def create_nomination(body: NominationWrite, uow: Uow, principal: Principal = Nominator) -> NominationPublic:
    """File a nomination with its dossier. A unit's leader nominates for their own unit; the board
    for any. Refused (422, naming the rule) when it breaks a configured rule."""
    if not principal.has_any(Role.board_officer) and principal.unit_id != body.nominee.unit_id:
        raise not_own_unit(principal, body.nominee.unit_id, field="nominee.unit_id")
    return await service.create(uow, principal.tenant, body, actor_of(principal))


@router.get("")
async def list_nominations(
    principal: CurrentPrincipal,
    db: Db,
    status: Annotated[NominationStatus | None, Query(description="trạng thái")] = None,
    stage: Annotated[str | None, Query(pattern=ID, description="bước hiện tại")] = None,
    award_kind: Annotated[str | None, Query(pattern=ID)] = None,
    unit: Annotated[str | None, Query(pattern=ID, description="đơn vị được đề nghị")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[NominationPublic]:
    return await service.list_nominations(db, principal.tenant, status, stage, award_kind, unit, year)


@router.post("/overdue-check")
async def run_overdue_check(
    body: OverdueCheck,
    uow: Uow,
    settings: SettingsDep,
    principal: Principal = BoardOfficer,
) -> OverdueResult:
    """Run the timeliness check now (it also runs in the background). `as_of` another day only
    where the deployment allows a clock override (tests, demos)."""
    if body.as_of is not None and not settings.nomination_clock_override:
        raise Invalid("request.invalid", [FieldError("as_of", "nomination.clock_override")])
    return await overdue.check(uow, body.as_of, principal.tenant)


@router.get("/{nomination_id}")
async def get_nomination(nomination_id: NominationId, principal: CurrentPrincipal, db: Db) -> NominationPublic:
    return found(await service.get(db, principal.tenant, nomination_id), "nomination.unknown", id=nomination_id)


@router.post("/{nomination_id}/actions")
async def act(
    nomination_id: NominationId,
    body: ActionWrite,
    principal: CurrentPrincipal,
    uow: Uow,
) -> NominationPublic:
    """pass, return (with reasons), comment (during disclosure), vote, decide or withdraw: only
    the role of the current stage may act."""
    return await service.act(uow, principal.tenant, nomination_id, body, actor_of(principal))


@router.post("/{nomination_id}/resubmit")
async def resubmit(
    nomination_id: NominationId,
    body: ResubmitWrite,
    uow: Uow,
    principal: Principal = Nominator,
) -> NominationPublic:
    """A returned nomination, with its corrected dossier, re-enters the chain at the stage that
    returned it."""
    return await service.resubmit(uow, principal.tenant, nomination_id, body, actor_of(principal))


@awards_router.post("/import")
async def import_awards(body: AwardsImport, uow: Uow, principal: Principal = BoardOfficer) -> ImportResult:
    """Awards decided before the system (or outside it), for prerequisites and quotas."""
    return ImportResult(imported=await service.import_awards(uow, principal.tenant, body, principal.subject))


@awards_router.get("")
async def list_awards(
    principal: CurrentPrincipal,
    db: Db,
    unit: Annotated[str | None, Query(pattern=ID)] = None,
    year: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    award_kind: Annotated[str | None, Query(pattern=ID)] = None,
) -> list[Award]:
    return await service.list_awards(db, principal.tenant, unit, year, award_kind)
