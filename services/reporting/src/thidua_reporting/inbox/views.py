"""GET /api/v1/notifications and POST /api/v1/notifications/read: the caller's own inbox."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from thidua_common.errors import FieldError, Invalid
from thidua_common.http import CurrentPrincipal, Lang

from . import service
from .addressing import caller_tags

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications / thông báo"])


class NotificationItem(BaseModel):
    id: str
    kind: str = Field(
        description="submission.received, submission.reviewed, submission.appealed, appeal.decided, "
        "submission.reopened, score.verified, review.reminder or review.drafts_ready (issue 13); "
        "issue 11: nomination.returned, nomination.failed or nomination.decided"
    )
    title: str
    body: str
    campaign_id: str | None = Field(description="null for a nomination that names no campaign")
    unit_id: str | None = Field(description="the unit it is about; null for the board's review drafts (issue 13)")
    period: str | None = Field(description="null for a nomination's notice or the board's review drafts")
    submission_id: str | None
    # issue 11: nomnotice — the nomination a nomination's notice is about
    nomination_id: str | None = Field(None, description="the nomination (nomination.* kinds), else null")
    created_at: str = Field(description="when it happened, ISO 8601 UTC")
    read: bool


class Inbox(BaseModel):
    items: list[NotificationItem]
    unread: int = Field(description="the caller's unread notifications in all")
    next: str | None = Field(description="pass as `after` for the next page; null on the last page")


class ReadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    ids: list[Annotated[str, Field(min_length=1, max_length=128)]] | None = Field(
        None, max_length=service.MAX_READ_IDS, description="notification ids to mark read"
    )
    everything: StrictBool = Field(False, alias="all", description="true: mark all the caller's notifications read")


class Unread(BaseModel):
    unread: int


@router.get("")
async def list_notifications(
    request: Request,
    principal: CurrentPrincipal,
    lang: Lang,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: Annotated[str | None, Query(max_length=400, description="the `next` of the previous page")] = None,
) -> Inbox:
    """The caller's notifications, newest first: a unit's for unit roles; by role for the board,
    the chairperson and cluster heads. `unread=true` lists the unread ones only."""
    body = await service.inbox(
        request.app.state.db,
        principal.tenant,
        caller_tags(principal),
        principal.subject,
        unread_only=unread,
        limit=limit,
        after=after,
        lang=lang,
    )
    return Inbox.model_validate(body)


@router.post("/read")
async def mark_read(request: Request, principal: CurrentPrincipal, body: ReadRequest) -> Unread:
    """Mark some (`ids`) or all (`all: true`) of the caller's notifications read, for the caller
    alone; ids that are not the caller's change nothing."""
    if (body.ids is None) == (not body.everything) or (body.ids is not None and not body.ids):
        field = "ids" if body.ids is not None else "all"
        raise Invalid("request.invalid", [FieldError(field, "inbox.read_what", {"max": service.MAX_READ_IDS})])
    unread = await service.mark_read(
        request.app.state.db, principal.tenant, caller_tags(principal), principal.subject, body.ids, body.everything
    )
    return Unread(unread=unread)
