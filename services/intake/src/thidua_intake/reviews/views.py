from typing import Annotated

from fastapi import APIRouter, Header, Path, Request

from thidua_common.auth import Principal, Role
from thidua_common.errors import Conflict
from thidua_common.http import Lang, require_roles
from thidua_common.i18n import t

from ..access import not_own_unit
from ..deps import Db, Uow
from ..submissions.service import IdempotencyConflict, idempotency_scope
from . import service
from .models import (
    AppealCreate,
    AppealDecisionCreate,
    ReopenCreate,
    ResubmitAccepted,
    ResubmitCreate,
    ReviewCreate,
    StepAccepted,
    SubmissionWithReview,
)

router = APIRouter(prefix="/api/v1/submissions", tags=["reviews / kiểm tra, thẩm định"])

SubmissionId = Annotated[str, Path(max_length=100, description="mã báo cáo kết quả")]
Reviewer = require_roles(Role.cluster_head, Role.board_officer)
UnitRole = require_roles(Role.unit_reporter, Role.unit_leader)
AppealDecider = require_roles(Role.board_officer, Role.chairperson)
Reopener = require_roles(Role.cluster_head, Role.board_officer, Role.chairperson)
Reader = require_roles(*Role)
UNIT_ROLES = (Role.unit_reporter, Role.unit_leader)


def ensure_own_unit(principal: Principal, unit_id: str) -> None:
    if principal.unit_id != unit_id:
        raise not_own_unit(principal, unit_id)


def _cid(request: Request) -> str | None:
    return request.state.correlation_id


def _decided(submission_id: str, event_id: str, status: str, lang: str) -> StepAccepted:
    """The answer to a decision (a review or an appeal's): its event and the review status it left."""
    message = t(f"review.done.{status}", lang)
    return StepAccepted(submission_id=submission_id, event_id=event_id, status=status, message=message)


@router.post("/{submission_id}/review", status_code=201)
async def review(
    submission_id: SubmissionId,
    body: ReviewCreate,
    request: Request,
    uow: Uow,
    lang: Lang,
    principal: Principal = Reviewer,
) -> StepAccepted:
    """Approve, return (with a reason per returned criterion) or reject (with a reason) the latest
    submission of a unit: the board (level board), or the head or deputy of the unit's cluster in
    the period's year (level cluster). Never one's own unit; once per level."""
    event_id, status = await service.review(uow, principal.tenant, submission_id, body, principal, _cid(request))
    return _decided(submission_id, event_id, status, lang)


@router.post("/{submission_id}/resubmit", status_code=202)
async def resubmit(
    submission_id: SubmissionId,
    body: ResubmitCreate,
    request: Request,
    db: Db,
    uow: Uow,
    lang: Lang,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    principal: Principal = UnitRole,
) -> ResubmitAccepted:
    """Resubmit only the returned criteria; the other values are kept from the returned submission."""
    ensure_own_unit(principal, (await service.get(db, principal.tenant, submission_id)).unit_id)
    try:
        new_id, event_id, _created = await service.resubmit(
            uow,
            principal.tenant,
            submission_id,
            body,
            principal,
            idempotency_scope(principal, idempotency_key),
            _cid(request),
        )
    except IdempotencyConflict:
        raise Conflict("request.idempotency_conflict") from None
    # a replay with the same Idempotency-Key (_created is False) gets the first answer again
    return ResubmitAccepted(
        submission_id=new_id,
        resubmission_of=submission_id,
        event_id=event_id,
        message=t("submission.accepted", lang),
    )


@router.post("/{submission_id}/appeal", status_code=201)
async def appeal(
    submission_id: SubmissionId,
    body: AppealCreate,
    request: Request,
    db: Db,
    uow: Uow,
    lang: Lang,
    principal: Principal = UnitRole,
) -> StepAccepted:
    """Appeal a return or a reject once, with a reason, to the next level (cluster → board → chair)."""
    ensure_own_unit(principal, (await service.get(db, principal.tenant, submission_id)).unit_id)
    event_id, level = await service.appeal(uow, principal.tenant, submission_id, body, principal, _cid(request))
    return StepAccepted(
        submission_id=submission_id,
        event_id=event_id,
        status="appealed",
        message=t("appeal.done", lang, level=t(f"review.level.{level}", lang)),
    )


@router.post("/{submission_id}/appeal/decision", status_code=201)
async def decide_appeal(
    submission_id: SubmissionId,
    body: AppealDecisionCreate,
    request: Request,
    uow: Uow,
    lang: Lang,
    principal: Principal = AppealDecider,
) -> StepAccepted:
    """The level appealed to (board officer for board, chairperson for chair) upholds the decision
    or overturns it with the final one."""
    event_id, status = await service.decide_appeal(uow, principal.tenant, submission_id, body, principal, _cid(request))
    return _decided(submission_id, event_id, status, lang)


@router.post("/{submission_id}/reopen", status_code=201)
async def reopen(
    submission_id: SubmissionId,
    body: ReopenCreate,
    request: Request,
    uow: Uow,
    lang: Lang,
    principal: Principal = Reopener,
) -> StepAccepted:
    """Reopen an approved submission, with a reason: the level that approved it or a higher one
    (cluster head of the unit's cluster, board, chairperson), never for one's own unit. The
    submission awaits review again, its verified score is withdrawn and the unit may send a new
    submission for the period (an approved period takes none)."""
    event_id, status = await service.reopen(uow, principal.tenant, submission_id, body, principal, _cid(request))
    return StepAccepted(submission_id=submission_id, event_id=event_id, status=status, message=t("reopen.done", lang))


@router.get("/{submission_id}")
async def get_submission(submission_id: SubmissionId, db: Db, principal: Principal = Reader) -> SubmissionWithReview:
    """The submission with its review state and its whole review and appeal history. A unit's own
    roles see only their unit's submissions."""
    found = await service.get(db, principal.tenant, submission_id)
    if principal.roles <= set(UNIT_ROLES):
        ensure_own_unit(principal, found.unit_id)
    return found
