from typing import Annotated

from fastapi import APIRouter, Path, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.http import CurrentPrincipal, require_roles

from ..deps import Db, Uow
from . import service
from .models import RatingCreate, RatingPublic

CampaignId = Annotated[str, Path(pattern=ID, description="mã phong trào")]

router = APIRouter(prefix="/api/v1/campaigns/{campaign_id}/ratings", tags=["ratings / chấm điểm thẩm định"])

Rater = require_roles(Role.board_officer, Role.cluster_head)


@router.post("", status_code=201)
async def give_rating(
    campaign_id: CampaignId, body: RatingCreate, uow: Uow, principal: Principal = Rater
) -> RatingPublic:
    """Rate a unit on the criteria scored by reviewers: the board rates any unit; a cluster head
    only the units of the cluster it heads (or is deputy of) in the period's year."""
    return await service.give(uow, principal.tenant, campaign_id, body, principal)


@router.get("")
async def list_ratings(
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    db: Db,
    unit_id: Annotated[str | None, Query(pattern=ID)] = None,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
) -> list[RatingPublic]:
    return await service.list_for(db, principal.tenant, campaign_id, unit_id, period)
