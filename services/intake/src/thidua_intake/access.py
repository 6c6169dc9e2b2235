"""Read-only roles: an auditor reads everything of its tenant and changes nothing. Applied to
every route of intake (see main.py), so that a write route added later cannot forget it."""

from fastapi import Request

from thidua_common.auth import Principal, Role
from thidua_common.errors import FieldError, Forbidden
from thidua_common.http import CurrentPrincipal

READ_ONLY_ROLES = frozenset({Role.auditor})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_read_only(principal: Principal) -> bool:
    """True when every role the caller holds is read-only (an auditor that is also a board
    officer writes as the board officer)."""
    return bool(principal.roles) and principal.roles <= READ_ONLY_ROLES


def check_may_write(principal: Principal, method: str) -> None:
    """Raise 403 for a write (any method but GET, HEAD, OPTIONS) by a read-only caller."""
    if method.upper() not in READ_METHODS and is_read_only(principal):
        raise Forbidden("auth.read_only")


async def refuse_read_only_writes(request: Request, principal: CurrentPrincipal) -> None:
    check_may_write(principal, request.method)


def not_own_unit(principal: Principal, unit_id: str, field: str = "unit_id", key: str = "auth.own_unit") -> Forbidden:
    """The refusal every feature gives a caller acting for a unit not its own, naming `field`,
    the caller's unit (— without one) and the one it named."""
    own = principal.unit_id or "—"
    return Forbidden(key, [FieldError(field, key, {"own": own, "other": unit_id})], own=own, other=unit_id)
