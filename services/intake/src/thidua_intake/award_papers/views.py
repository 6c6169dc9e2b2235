"""issue 13: award papers — the board officer's decision batches and their settings."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import found
from thidua_common.http import require_roles

from ..deps import Db, Uow
from . import service
from .models import DecisionBatchPublic, DecisionBatchWrite, PapersSettings, PapersSettingsWrite

router = APIRouter(prefix="/api/v1/award-decisions", tags=["award decisions / quyết định khen thưởng"])

BoardOfficer = require_roles(Role.board_officer)
Board = require_roles(Role.board_officer, Role.chairperson, Role.council_member, Role.auditor)


@router.get("/settings")
async def get_settings(db: Db, principal: Principal = Board) -> PapersSettings | None:
    return await service.get_settings(db, principal.tenant)


@router.put("/settings")
async def put_settings(body: PapersSettingsWrite, uow: Uow, principal: Principal = BoardOfficer) -> PapersSettings:
    """Issuing agency (quyết định), the board's agency (tờ trình), place, default signer, cash."""
    return await service.put_settings(uow, principal.tenant, body, principal.subject)


@router.post("", status_code=201)
async def issue(body: DecisionBatchWrite, uow: Uow, principal: Principal = BoardOfficer) -> DecisionBatchPublic:
    """Issue one decision for nominations waiting at their decision stage: numbers from the
    tenant's registers (unique per agency and year), every nomination decided. Repeating the
    request (same request_id) answers the same decision."""
    return await service.issue(uow, principal.tenant, body, principal.subject)


@router.get("")
async def list_batches(
    db: Db, principal: Principal = Board, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> list[DecisionBatchPublic]:
    return await service.list_batches(db, principal.tenant, year)


@router.get("/{decision_id}")
async def get_batch(
    decision_id: Annotated[str, Path(pattern=ID)], db: Db, principal: Principal = Board
) -> DecisionBatchPublic:
    return found(await service.get(db, principal.tenant, decision_id), "award_papers.unknown_decision", id=decision_id)
