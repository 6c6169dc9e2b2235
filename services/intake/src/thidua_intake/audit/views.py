"""GET /api/v1/audit: the tenant's audit trail, read-only, for auditors and the board."""

from typing import Annotated

from fastapi import APIRouter, Query

from thidua_common.auth import Principal, Role
from thidua_common.http import require_roles

from ..deps import Db
from . import store

router = APIRouter(prefix="/api/v1/audit", tags=["audit / nhật ký kiểm toán"])

Reader = require_roles(Role.auditor, Role.board_officer)

# MongoDB stores integers in at most 64 signed bits: a larger from_seq failed in the driver (a 500)
MAX_SEQ = 2**63 - 1


@router.get("")
async def audit_trail(
    db: Db,
    principal: Principal = Reader,
    subject: Annotated[str | None, Query(max_length=256, description="what the change was about")] = None,
    from_seq: Annotated[int, Query(ge=1, le=MAX_SEQ)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[dict]:
    """Records of the caller's tenant in chain order from `from_seq`; each carries seq, at, actor,
    action, subject, reason, event_id, payload_sha256, prev_hash and hash."""
    return [r async for r in store.records(db, principal.tenant, subject, from_seq, limit)]
