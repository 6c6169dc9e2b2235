from typing import Annotated

from fastapi import APIRouter, Header, Request

from thidua_common.auth import Principal, Role
from thidua_common.errors import Conflict
from thidua_common.http import Lang, require_roles
from thidua_common.http.deps import ensure_tenant
from thidua_common.i18n import t

from ..access import not_own_unit
from ..deps import Uow
from . import service
from .models import SubmissionAccepted, SubmissionCreate

router = APIRouter(prefix="/api/v1/submissions", tags=["submissions / báo cáo kết quả"])

Submitter = require_roles(Role.unit_reporter, Role.unit_leader, Role.board_officer, Role.system)


@router.post("", status_code=202, response_model=SubmissionAccepted)
async def submit(
    body: SubmissionCreate,
    request: Request,
    uow: Uow,
    lang: Lang,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    principal: Principal = Submitter,
) -> SubmissionAccepted:
    ensure_tenant(principal, body.tenant)
    # a unit-scoped API key reports for its unit only, like that unit's reporter (auth/api_keys.py)
    unit_roles_only = not principal.has_any(Role.board_officer, Role.system) or principal.unit_scoped
    if unit_roles_only and principal.unit_id != body.unit_id:
        raise not_own_unit(principal, body.unit_id, key="auth.unit")
    try:
        submission_id, event_id, created = await service.accept(
            uow,
            body.tenant,
            body,
            submitted_by=principal.subject,
            channel="http",
            idempotency_key=service.idempotency_scope(principal, idempotency_key),
            correlation_id=request.state.correlation_id,
        )
    except service.IdempotencyConflict:
        raise Conflict("request.idempotency_conflict") from None
    return SubmissionAccepted(submission_id=submission_id, event_id=event_id, message=t("submission.accepted", lang))
