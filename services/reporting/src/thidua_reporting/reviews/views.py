"""Review reports API (issue 13): the campaign's reviews and their drafts, the board's narrative,
regeneration on demand, a DOCX edited in Word uploaded as a new version, and the schedule check.
Reading: the board's roles see the board's drafts and any unit's; a unit's roles their own unit's.
Writing: the commendation board (board officer, chairperson)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import FieldError, Forbidden, Invalid
from thidua_common.http import CurrentPrincipal, require_roles

from ..documents.access import is_board
from . import clock, service

router = APIRouter(prefix="/api/v1", tags=["review reports / báo cáo sơ kết, tổng kết"])

CampaignId = Annotated[str, Path(pattern=ID)]
ReviewDate = Annotated[date, Path(description="the review date (YYYY-MM-DD)")]
WRITERS = (Role.board_officer, Role.chairperson)
Writer = Annotated[Principal, require_roles(*WRITERS)]
Checker = Annotated[Principal, require_roles(*WRITERS, Role.system)]


class Narrative(BaseModel):
    """The sections the board writes; a field left out keeps its text."""

    model_config = ConfigDict(extra="forbid")

    expected_version: int = Field(ge=0, description="the narrative_version read; 409 when it changed meanwhile")
    situation: str | None = Field(None, max_length=20000, description="I. Đặc điểm tình hình")
    leadership: str | None = Field(None, max_length=20000, description="II. Lãnh đạo, chỉ đạo, triển khai")
    assessment: str | None = Field(None, max_length=20000, description="IV. Đánh giá chung")
    lessons: str | None = Field(None, max_length=20000, description="V. Bài học kinh nghiệm")
    orientation: str | None = Field(None, max_length=20000, description="VI. Phương hướng, nhiệm vụ")
    proposals: str | None = Field(None, max_length=20000, description="VII. Đề xuất, kiến nghị")


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(None, description="another 'today' (development and tests only)")


def _ctx(request: Request):
    state = request.app.state
    return state.db, state.review_publisher, state.reporting_settings


def _scope(principal: Principal, unit_id: str | None) -> tuple[str | None, bool]:
    """(the unit whose documents to list, whether the caller reads as the board)."""
    if is_board(principal):
        return unit_id, True
    own = principal.unit_id
    if own is None or (unit_id is not None and unit_id != own):
        raise Forbidden("auth.unit", own=own or "—", other=unit_id or "—")
    return own, False


@router.get("/campaigns/{campaign_id}/reviews")
async def list_reviews(
    request: Request,
    campaign_id: CampaignId,
    principal: CurrentPrincipal,
    unit_id: Annotated[str | None, Query(pattern=ID, description="a unit's drafts instead of the board's")] = None,
) -> list[dict]:
    unit, board = _scope(principal, unit_id)
    return await service.reviews(request.app.state.db, principal.tenant, campaign_id, unit, board)


@router.get("/campaigns/{campaign_id}/reviews/{review_date}")
async def get_review(
    request: Request,
    campaign_id: CampaignId,
    review_date: ReviewDate,
    principal: CurrentPrincipal,
    unit_id: Annotated[str | None, Query(pattern=ID)] = None,
) -> dict:
    unit, board = _scope(principal, unit_id)
    return await service.review(request.app.state.db, principal.tenant, campaign_id, review_date, unit, board)


@router.put("/campaigns/{campaign_id}/reviews/{review_date}/narrative")
async def put_narrative(
    request: Request, campaign_id: CampaignId, review_date: ReviewDate, body: Narrative, principal: Writer
) -> dict:
    sections = body.model_dump(exclude={"expected_version"}, exclude_none=True)
    return await service.save_narrative(
        request.app.state.db,
        principal.tenant,
        campaign_id,
        review_date,
        body.expected_version,
        sections,
        principal.subject,
    )


@router.post("/campaigns/{campaign_id}/reviews/{review_date}/regenerate")
async def regenerate(request: Request, campaign_id: CampaignId, review_date: ReviewDate, principal: Writer) -> dict:
    db, publisher, own = _ctx(request)
    today = clock.today(request.app.state.settings, own)
    return await service.regenerate(
        db, publisher, own, principal.tenant, campaign_id, review_date, principal.subject, today
    )


@router.post("/campaigns/{campaign_id}/reviews/{review_date}/documents", status_code=201)
async def upload(
    request: Request,
    campaign_id: CampaignId,
    review_date: ReviewDate,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="the DOCX edited in Word")],
    unit_id: Annotated[str | None, Form(pattern=ID, description="a unit's draft instead of the board's")] = None,
) -> dict:
    if is_board(principal):
        if not principal.has_any(*WRITERS):
            raise Forbidden("auth.role", roles=", ".join(sorted(principal.roles)) or "—")
    elif unit_id is None or unit_id != principal.unit_id or not principal.has_any(Role.unit_reporter, Role.unit_leader):
        raise Forbidden("auth.unit", own=principal.unit_id or "—", other=unit_id or "—")
    content = await file.read(service.MAX_UPLOAD + 1)
    return await service.upload(
        request.app.state.db, principal.tenant, campaign_id, review_date, unit_id, content, principal.subject
    )


@router.post("/reviews/check")
async def run_check(request: Request, principal: Checker, body: CheckRequest | None = None) -> dict:
    """Run the review schedule now for the caller's tenant (it also runs in the background)."""
    db, publisher, own = _ctx(request)
    settings = request.app.state.settings
    as_of = body.as_of if body else None
    if as_of is not None and not clock.may_override(settings, own):
        raise Invalid("request.invalid", [FieldError("as_of", "review.clock_override")])
    return await service.check(db, publisher, own, as_of or clock.today(settings, own), principal.tenant)
