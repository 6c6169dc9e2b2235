from typing import Annotated

from fastapi import APIRouter, Path

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import found
from thidua_common.http import CurrentPrincipal, require_roles

from ..deps import Db, Uow
from . import service
from .models import CampaignPublic, CampaignWrite, StatusChange
from .scorers import check_definition

CampaignId = Annotated[str, Path(pattern=ID, description="mã phong trào")]

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns / phong trào"])

BoardOfficer = require_roles(Role.board_officer)


@router.get("")
async def list_campaigns(principal: CurrentPrincipal, db: Db) -> list[CampaignPublic]:
    return await service.list_all(db, principal.tenant)


@router.get("/{campaign_id}")
async def get_campaign(campaign_id: CampaignId, principal: CurrentPrincipal, db: Db) -> CampaignPublic:
    return found(await service.get(db, principal.tenant, campaign_id), "campaign.unknown", id=campaign_id)


@router.put("/{campaign_id}", status_code=200)
async def put_campaign(
    campaign_id: CampaignId, body: CampaignWrite, uow: Uow, principal: Principal = BoardOfficer
) -> CampaignPublic:
    """Create or replace a campaign's whole definition. Refused with 422 when scoring could not
    use it: numbers must be finite, min_value ≤ max_value, each leaf names an installed scorer
    and gives only the parameters its schema allows (GET /api/v1/scorers)."""
    check_definition(body)
    return await service.put(uow, principal.tenant, campaign_id, body, principal.subject)


@router.post("/{campaign_id}/status", status_code=200)
async def change_status(
    campaign_id: CampaignId, body: StatusChange, uow: Uow, principal: Principal = BoardOfficer
) -> CampaignPublic:
    """Launch, run, review or close a campaign (nháp → đã phát động → đang triển khai → đang sơ
    kết/tổng kết → đã kết thúc; from review back to running is allowed). Anything else: 409."""
    return await service.set_status(uow, principal.tenant, campaign_id, body, principal.subject)
