"""GET /api/v1/audit: the tenant's audit trail, read-only, for auditors and the board; and
GET /api/v1/audit/verify: whether the tenant's chain holds (the CLI's check, bounded)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from thidua_common.auth import Principal, Role
from thidua_common.http import Lang, require_roles
from thidua_common.i18n import t

from ..deps import Db
from . import store
from .verify import verify_tenant

router = APIRouter(prefix="/api/v1/audit", tags=["audit / nhật ký kiểm toán"])

Reader = require_roles(Role.auditor, Role.board_officer)

# MongoDB stores integers in at most 64 signed bits: a larger from_seq failed in the driver (a 500)
MAX_SEQ = 2**63 - 1
# a request walks at most this much of the chain; beyond it the answer says it stopped (complete:
# false) and the CLI (`thidua-audit verify`) walks the rest
VERIFY_MAX_RECORDS = 200_000
VERIFY_MAX_SECONDS = 10.0


@router.get("")
async def audit_trail(
    db: Db,
    principal: Principal = Reader,
    subject: Annotated[str | None, Query(max_length=256, description="what the change was about")] = None,
    actor: Annotated[str | None, Query(max_length=256, description="who made the change")] = None,
    since: Annotated[datetime | None, Query(description="records at or after this time")] = None,
    until: Annotated[datetime | None, Query(description="records before this time")] = None,
    from_seq: Annotated[int, Query(ge=1, le=MAX_SEQ)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[dict]:
    """Records of the caller's tenant in chain order from `from_seq`; each carries seq, at, actor,
    action, subject, reason, event_id, payload_sha256, prev_hash and hash."""
    found = store.records(db, principal.tenant, subject, from_seq, limit, actor=actor, since=since, until=until)
    return [r async for r in found]


@router.get("/verify")
async def verify_chain(db: Db, lang: Lang, principal: Principal = Reader) -> dict:
    """Walk the caller's tenant's chain: `ok` true when every record checked holds, false at the
    first break (`break`: its seq, `kind` and `reason` in the caller's language); `complete` false
    when the walk stopped at its bound (then `ok` speaks only of the records checked)."""
    found, checked, head_seq, complete = await verify_tenant(
        db, principal.tenant, VERIFY_MAX_RECORDS, VERIFY_MAX_SECONDS
    )
    answer: dict = {"ok": found is None, "checked": checked, "head_seq": head_seq, "complete": complete, "break": None}
    if found is not None:
        answer["break"] = {
            "seq": found.seq,
            "kind": found.kind,
            "reason": t(f"audit.break.{found.kind}", lang, seq=found.seq, **found.params),
        }
    return answer
