"""issue 11: ballots — the council members' own ballots on the nomination page, pure (no I/O):
who sees the tally, who casts and who closes, the tally as the page shows it, and the bodies sent
to intake (PUT /nominations/{id}/ballot, POST /nominations/{id}/ballots/close) with the console's
own checks. Intake decides again and its refusals are shown next to the fields."""

from collections.abc import Iterable, Mapping
from typing import Any

CHOICES = ("yes", "no", "abstain")
READERS = frozenset({"council_member", "board_officer", "chairperson"})
CLOSERS = frozenset({"board_officer", "chairperson"})
MAX_COMMENT = 2000
MAX_NOTE = 4000


def vote_stages(award: Mapping[str, Any] | None) -> set[str]:
    return {str(s.get("id")) for s in (award or {}).get("chain") or [] if s.get("kind") == "vote"}


def shows_tally(nomination: Mapping[str, Any], award: Mapping[str, Any] | None, roles: Iterable[str]) -> bool:
    """The caller may read the tally and the nomination is (or was) in a vote stage."""
    stages = vote_stages(award)
    if not stages or not READERS & set(roles):
        return False
    visited = {str(s.get("stage")) for s in nomination.get("stages") or []}
    return bool(stages & (visited | {str(nomination.get("stage"))}))


def may_cast(tally: Mapping[str, Any] | None, roles: Iterable[str], own_unit: bool) -> bool:
    return bool(tally and tally.get("open")) and "council_member" in set(roles) and not own_unit


def may_close(tally: Mapping[str, Any] | None, roles: Iterable[str], own_unit: bool) -> bool:
    return bool(tally and tally.get("open")) and bool(CLOSERS & set(roles)) and not own_unit


def share_percent(tally: Mapping[str, Any]) -> float | None:
    share = tally.get("share")
    return None if share is None else float(share) * 100


def read_ballot(fields: Mapping[str, str], stage: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The body of the caller's ballot, or the fields the console refuses (field → text key)."""
    choice = fields.get("choice", "")
    comment = fields.get("comment", "").strip()
    errors: dict[str, str] = {}
    if choice not in CHOICES:
        errors["choice"] = "nom_ballot_choice_required"
    if len(comment) > MAX_COMMENT:
        errors["comment"] = "nom_ballot_comment_long"
    body: dict[str, Any] = {"choice": choice, "comment": comment}
    if stage:
        body["stage"] = stage
    return body, errors


def read_close(fields: Mapping[str, str], stage: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    reason = fields.get("reason", "").strip()
    errors: dict[str, str] = {}
    if len(reason) > MAX_NOTE:
        errors["reason"] = "nom_ballot_note_long"
    body: dict[str, Any] = {"reason": reason}
    if stage:
        body["stage"] = stage
    revision = fields.get("revision", "")
    if revision.isdigit():
        body["expected_revision"] = int(revision)
    return body, errors
