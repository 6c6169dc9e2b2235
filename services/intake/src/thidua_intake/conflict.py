"""The conflict-of-interest rule (quy tắc xung đột lợi ích): nobody judges the work of the unit
they act for. Every judging action (review, reopen, appeal decision, reviewer rating, nomination
pass/return/vote/decide) applies it whatever the caller's role, the board's and the
chairperson's included. Pure: no I/O; each feature's rules module raises its own 403 with a
message that names the rule and the action."""

from collections.abc import Iterable

from thidua_common.errors import Forbidden

# the actions the rule covers, each with its message key (conflict.own_unit.<action>)
ACTIONS = (
    *("review", "reopen", "appeal_decision", "rating", "pass", "return", "vote", "decide"),
    *("ballot", "close_vote"),  # issue 11: ballots (a member's own vote, and closing the vote)
    "approve",  # issue 13: award papers (the chair approves a nomination for the next decision)
)


def own_unit(actor_unit: str | None, judged: Iterable[str | None]) -> str | None:
    """The actor's unit when it is one of the units whose work is judged, else None. An actor
    acting for no unit (a token without `unit`) is in conflict with nobody."""
    if actor_unit and actor_unit in {unit for unit in judged if unit}:
        return actor_unit
    return None


def check(action: str, actor_unit: str | None, judged: Iterable[str | None]) -> None:
    """Raise 403 `conflict.own_unit.<action>` when the actor would judge its own unit."""
    assert action in ACTIONS, action
    if (unit := own_unit(actor_unit, judged)) is not None:
        raise Forbidden(f"conflict.own_unit.{action}", unit=unit)
