"""GET /api/v1/campaigns/{cid}/revisions and …/revisions/{n}: a campaign's saved revisions (issue 11).
Read like the campaign itself: by anyone signed in to the tenant (GET /api/v1/campaigns/{cid})."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from thidua_common.http import CurrentPrincipal

from ..deps import Db
from . import revisions
from .models import CampaignPublic
from .views import CampaignId

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns / phong trào"])

MAX_REVISION = 10**9


class RevisionSummary(BaseModel):
    revision: int
    saved_at: datetime | None = Field(description="null: saved before the history was kept (time unknown)")
    saved_by: str = Field(description="the subject who saved it")
    kind: str = Field(description="what the change was: created, updated, status, units_merged, …")
    reason: str = Field(description="why, as the one who saved it said")
    detail: dict[str, Any] = Field(description="e.g. {from, to} of a lifecycle step")
    status: str


class RevisionPage(BaseModel):
    campaign_id: str
    current: int = Field(description="the campaign's current revision")
    history_from: int = Field(
        description="the first revision the history holds: revisions before it were saved before the history was kept"
    )
    items: list[RevisionSummary] = Field(description="newest first")
    next: int | None = Field(description="pass as `after` for the next (older) page; null: no more")


class Revision(RevisionSummary):
    history_from: int
    definition: CampaignPublic = Field(description="the whole definition as saved at this revision")


@router.get("/{campaign_id}/revisions")
async def list_revisions(
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=revisions.MAX_LIMIT, description="revisions per page")] = (
        revisions.DEFAULT_LIMIT
    ),
    after: Annotated[
        int | None, Query(ge=1, le=MAX_REVISION, description="`next` of the previous page: revisions older than it")
    ] = None,
) -> RevisionPage:
    """The campaign's saved revisions, newest first, without their definitions."""
    return RevisionPage.model_validate(await revisions.page(db, principal.tenant, campaign_id, limit, after))


@router.get("/{campaign_id}/revisions/{revision}")
async def get_revision(
    campaign_id: CampaignId,
    revision: Annotated[int, Path(ge=1, le=MAX_REVISION, description="số phiên bản / revision number")],
    principal: CurrentPrincipal,
    db: Db,
) -> Revision:
    """The campaign's whole definition as saved at `revision`; 404 when the history does not hold it."""
    return Revision.model_validate(await revisions.one(db, principal.tenant, campaign_id, revision))
