from typing import Annotated

from fastapi import APIRouter, Path, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.unit import UnitStatus, UnitType
from thidua_common.errors import found
from thidua_common.http import CurrentPrincipal, require_roles

from ..deps import Db, Uow
from . import service
from .models import UnitChangeResult, UnitLineage, UnitMerge, UnitPublic, UnitRename, UnitSplit, UnitWrite

UnitId = Annotated[str, Path(pattern=ID, description="mã đơn vị")]

router = APIRouter(prefix="/api/v1/units", tags=["units / đơn vị"])

BoardOfficer = require_roles(Role.board_officer)


@router.get("")
async def list_units(
    principal: CurrentPrincipal,
    db: Db,
    unit_type: Annotated[UnitType | None, Query(alias="type", description="loại đơn vị")] = None,
    parent: Annotated[str | None, Query(pattern=ID, description="đơn vị cấp trên")] = None,
    status: Annotated[UnitStatus | None, Query(description="trạng thái")] = None,
) -> list[UnitPublic]:
    return await service.list_units(db, principal.tenant, unit_type, parent, status)


@router.post("/merge")
async def merge_units(body: UnitMerge, uow: Uow, principal: Principal = BoardOfficer) -> UnitChangeResult:
    """Hợp nhất đơn vị: the sources end the day before `effective`; their campaigns get the successor."""
    return await service.merge(uow, principal.tenant, body, principal.subject)


@router.get("/{unit_id}")
async def get_unit(unit_id: UnitId, principal: CurrentPrincipal, db: Db) -> UnitPublic:
    return found(await service.get(db, principal.tenant, unit_id), "unit.not_found", id=unit_id)


@router.get("/{unit_id}/lineage")
async def get_lineage(unit_id: UnitId, principal: CurrentPrincipal, db: Db) -> UnitLineage:
    return found(await service.lineage(db, principal.tenant, unit_id), "unit.not_found", id=unit_id)


@router.put("/{unit_id}")
async def put_unit(
    unit_id: UnitId,
    body: UnitWrite,
    uow: Uow,
    principal: Principal = BoardOfficer,
) -> UnitPublic:
    return await service.put(uow, principal.tenant, unit_id, body, principal.subject)


@router.post("/{unit_id}/rename")
async def rename_unit(
    unit_id: UnitId,
    body: UnitRename,
    uow: Uow,
    principal: Principal = BoardOfficer,
) -> UnitChangeResult:
    """Đổi tên đơn vị: same id, the previous name kept in name_history."""
    return await service.rename(uow, principal.tenant, unit_id, body, principal.subject)


@router.post("/{unit_id}/split")
async def split_unit(
    unit_id: UnitId,
    body: UnitSplit,
    uow: Uow,
    principal: Principal = BoardOfficer,
) -> UnitChangeResult:
    """Chia tách đơn vị: the source ends the day before `effective`; its campaigns get every successor."""
    return await service.split(uow, principal.tenant, unit_id, body, principal.subject)
