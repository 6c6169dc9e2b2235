from typing import Annotated

from fastapi import APIRouter, Query

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.http import require_roles

from ...deps import Db, SettingsDep
from . import rules, service
from .models import ReviewStatus, SubmissionPage

router = APIRouter(prefix="/api/v1/submissions", tags=["reviews / kiểm tra, thẩm định"])

# who reads submissions: a unit (its own), reviewers, the chairperson, the auditor, other systems
Lister = require_roles(
    Role.unit_reporter,
    Role.unit_leader,
    Role.cluster_head,
    Role.board_officer,
    Role.chairperson,
    Role.auditor,
    Role.system,
)


@router.get("")
async def list_submissions(
    db: Db,
    settings: SettingsDep,
    campaign_id: Annotated[str | None, Query(pattern=ID, description="mã phong trào")] = None,
    unit_id: Annotated[str | None, Query(pattern=ID, description="mã đơn vị")] = None,
    period: Annotated[str | None, Query(pattern=PERIOD, description="kỳ báo cáo, e.g. 2026-Q1")] = None,
    status: Annotated[ReviewStatus | None, Query(description="trạng thái thẩm định")] = None,
    queue: Annotated[bool, Query(description="only what the caller may decide (or, a unit, do) now")] = False,
    limit: Annotated[int, Query(ge=1, le=rules.MAX_LIMIT)] = rules.DEFAULT_LIMIT,
    after: Annotated[str | None, Query(max_length=500, description="cursor `next` of the previous page")] = None,
    principal: Principal = Lister,
) -> SubmissionPage:
    """The latest submission of each unit and period, with its review state, who must act next
    (`awaiting`) and by when (`due_date`, in working days). A unit's roles see their own unit, a
    cluster head the units of the clusters it heads or deputises in the period's year, the board,
    chairperson and auditor the whole tenant. `queue=true`: only what the caller may decide now,
    oldest first (never its own unit); otherwise newest first. Superseded submissions are in the
    history of GET /api/v1/submissions/{id}."""
    return await service.listing(
        db,
        principal,
        campaign_id=campaign_id,
        unit_id=unit_id,
        period=period,
        status=status.value if status else None,
        queue=queue,
        limit=limit,
        after=after,
        due_working_days=settings.review_due_working_days,
    )
