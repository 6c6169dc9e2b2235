"""Who may read a stored document: the board's roles every document of their tenant; a unit's
roles only the documents made for their own unit (metadata unit_id). Pure."""

from typing import Any

from thidua_common.auth import Principal, Role

BOARD = (Role.board_officer, Role.chairperson, Role.council_member, Role.auditor, Role.system)


def is_board(principal: Principal) -> bool:
    return principal.has_any(*BOARD) and not principal.unit_scoped


def may_read(principal: Principal, record: dict[str, Any]) -> bool:
    if is_board(principal):
        return True
    unit = record.get("unit_id")
    return unit is not None and unit == principal.unit_id
