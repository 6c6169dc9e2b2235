"""GET /api/v1/campaigns/{id}/timeliness: on-time reports per unit and cluster, review times and
the escalations of a campaign. Everybody in the tenant reads it (like the leaderboards)."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from thidua_common.contracts.campaign import ID
from thidua_common.http import CurrentPrincipal

from . import service

router = APIRouter(prefix="/api/v1/campaigns", tags=["timeliness / đúng hạn"])
CampaignId = Annotated[str, Path(pattern=ID)]


@router.get("/{campaign_id}/timeliness")
async def campaign_timeliness(request: Request, campaign_id: CampaignId, principal: CurrentPrincipal) -> dict[str, Any]:
    return await service.campaign_timeliness(request.app.state.db, principal.tenant, campaign_id)
