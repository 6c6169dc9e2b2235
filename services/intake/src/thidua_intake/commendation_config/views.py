from typing import Annotated

from fastapi import APIRouter, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import Invalid, found
from thidua_common.http import CurrentPrincipal, require_roles

from ..deps import Db, Uow
from . import rules, service
from .models import CommendationConfig, ConfigWrite, Flag, FlagWrite

router = APIRouter(prefix="/api/v1/config/commendation", tags=["commendation config / cấu hình khen thưởng"])

BoardOfficer = require_roles(Role.board_officer)


@router.get("")
async def get_config(principal: CurrentPrincipal, db: Db) -> CommendationConfig:
    return found(await service.get(db, principal.tenant), "commendation.no_config")


@router.put("")
async def put_config(body: ConfigWrite, uow: Uow, principal: Principal = BoardOfficer) -> CommendationConfig:
    """Replace the tenant's configuration: holidays, award kinds (chain, service times, disclosure
    window, vote threshold, rules, who comments during disclosure) and who is told of overdue
    nominations."""
    if errors := rules.holiday_errors(body) + rules.role_errors(body):
        raise Invalid("request.invalid", errors)
    return await service.put(uow, principal.tenant, body, principal.subject)


@router.post("/flags")
async def put_flag(body: FlagWrite, uow: Uow, principal: Principal = BoardOfficer) -> Flag:
    """Raise (active) or clear a discipline, inspection or complaint flag on a unit or a person."""
    return await service.put_flag(uow, principal.tenant, body, principal.subject)


@router.get("/flags")
async def list_flags(
    db: Db,
    principal: Principal = BoardOfficer,
    unit: Annotated[str | None, Query(pattern=ID)] = None,
    active: bool = False,
) -> list[Flag]:
    docs = await service.flags(db, principal.tenant, unit, active)
    return [Flag.model_validate(d) for d in docs]
