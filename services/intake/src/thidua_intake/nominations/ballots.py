"""issue 11: per-member ballots of the council's vote (phiếu biểu quyết), pure rules (no I/O).

When a nomination sits in a vote stage, each council member (role council_member) casts their own
ballot (yes / no / abstain, an optional comment) and may change it until the vote is closed; the
board officer or the chairperson closes the vote, which passes when yes / members ≥ the award
kind's vote_threshold, by the same rule and reasons as a recorded count (rules.vote_outcome).
`members` is the council's size from the commendation configuration (council_members): a member
who casts no ballot counts as not in favour. The chairperson does not cast a ballot: the chair
decides in the decision stage that follows, and judging the same nomination twice is what the
separation of the stages is for. The recorded count (action `vote`) stays for a council that voted
on paper.

A ballot is a dict {member, unit_id, choice, comment, cast_at, round}; `round` is the index of the
vote stage's record in the nomination's `stages`, so that a nomination returned and voted again
starts a fresh ballot box."""

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from thidua_common.auth import Role
from thidua_common.contracts.nomination import NominationStatus, Vote
from thidua_common.errors import Conflict, FieldError, Forbidden

from .. import conflict
from ..commendation_config.models import AwardKind, Stage, StageKind
from . import rules
from .models import ActionKind, ActionWrite, VoteInput
from .rules import EPSILON, Actor, Outcome

MEMBER = Role.council_member
CLOSERS = (Role.board_officer, Role.chairperson)
READERS = (Role.council_member, Role.board_officer, Role.chairperson)


class Choice(StrEnum):
    yes = "yes"  # đồng ý
    no = "no"  # không đồng ý
    abstain = "abstain"  # không biểu quyết


class BallotWrite(BaseModel):
    """Body of PUT /nominations/{id}/ballot: the caller's own ballot."""

    model_config = ConfigDict(extra="forbid")

    choice: Choice
    comment: str = Field("", max_length=2000)
    stage: str | None = Field(None, max_length=64, description="the vote stage you vote in; refused if not current")


class VoteClose(BaseModel):
    """Body of POST /nominations/{id}/ballots/close."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=4000, description="a note added to the result")
    stage: str | None = Field(None, max_length=64)
    expected_revision: int | None = None


class BallotPublic(BaseModel):
    member: str
    choice: Choice
    comment: str = ""
    cast_at: datetime


class Tally(BaseModel):
    """The ballot box of a nomination's (current or last) vote stage."""

    nomination_id: str
    stage: str | None = Field(None, description="the vote stage counted")
    round: int | None = Field(None, description="index of that stage's record in `stages`")
    open: bool = Field(description="ballots are taken now")
    members: int | None = Field(None, description="council members expected (configuration); None: not set")
    cast: int
    yes: int
    no: int
    abstain: int
    share: float | None = Field(None, description="yes / members")
    threshold: float
    passes: bool | None = Field(None, description="whether the vote would pass if closed now")
    result: Vote | None = Field(None, description="the vote recorded when it was closed")
    mine: BallotPublic | None = Field(None, description="the caller's own ballot")


# -- where the ballot box is ------------------------------------------------------------------
def open_round(doc: Mapping[str, Any], award: AwardKind) -> tuple[Stage, int] | None:
    """The vote stage taking ballots now and its round, or None."""
    if doc.get("status") != NominationStatus.in_progress:
        return None
    stage = award.stage(doc.get("stage"))
    if stage is None or stage.kind != StageKind.vote or rules.current_record(doc) is None:
        return None
    return stage, len(doc["stages"]) - 1


def last_round(doc: Mapping[str, Any], award: AwardKind) -> tuple[str, int] | None:
    """The latest vote stage the nomination entered (open or closed) and its round, or None."""
    vote_stages = {s.id for s in award.chain if s.kind == StageKind.vote}
    for i in range(len(doc.get("stages") or []) - 1, -1, -1):
        if doc["stages"][i]["stage"] in vote_stages:
            return doc["stages"][i]["stage"], i
    return None


def _require_open(doc: Mapping[str, Any], award: AwardKind, named: str | None) -> tuple[Stage, int]:
    found = open_round(doc, award)
    if found is None:
        raise Conflict(
            "ballot.closed",
            [FieldError("stage", "ballot.closed", {"state": doc.get("status"), "stage": doc.get("stage") or "—"})],
            state=doc.get("status"),
            stage=doc.get("stage") or "—",
        )
    stage, round_ = found
    if named is not None and named != stage.id:
        raise Conflict(
            "nomination.stage_mismatch",
            [FieldError("stage", "nomination.stage_mismatch", {"stage": named, "current": stage.id})],
            stage=named,
            current=stage.id,
        )
    return stage, round_


def _own_unit(action: str, actor: Actor, doc: Mapping[str, Any]) -> None:
    """The conflict-of-interest 403, naming the nominee's unit as the field."""
    unit = conflict.own_unit(actor.unit_id, rules.judged_units(doc))
    if unit is not None:
        key = f"conflict.own_unit.{action}"
        raise Forbidden(key, [FieldError("nominee.unit_id", key, {"unit": unit})], unit=unit)


# -- casting ----------------------------------------------------------------------------------
def cast(
    doc: Mapping[str, Any],
    award: AwardKind,
    body: BallotWrite,
    actor: Actor,
    box: Collection[Mapping[str, Any]],
    members: int | None,
    now: datetime,
) -> dict[str, Any] | None:
    """The caller's new ballot, or None when it repeats the one cast (the same ballot twice
    changes nothing). Refusals: 403 not a council member or own unit; 409 vote closed, another
    stage named, or every member has voted already."""
    if not actor.has(MEMBER):
        raise Forbidden("ballot.not_member", [FieldError("choice", "ballot.not_member")])
    _own_unit("ballot", actor, doc)  # after the role, before the state: a refusal never depends on timing
    stage, round_ = _require_open(doc, award, body.stage)
    comment = body.comment.strip()
    mine = next((b for b in box if b["member"] == actor.subject), None)
    if mine is not None and mine["choice"] == body.choice and mine.get("comment", "") == comment:
        return None
    if mine is None and members is not None and len(box) >= members:
        raise Conflict(
            "ballot.council_full", [FieldError("choice", "ballot.council_full", {"members": members})], members=members
        )
    return {
        "member": actor.subject,
        "unit_id": actor.unit_id,
        "choice": body.choice.value,
        "comment": comment,
        "cast_at": now.isoformat(),
        "stage": stage.id,
        "round": round_,
    }


# -- counting ---------------------------------------------------------------------------------
def counts(box: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    box = list(box)
    return {
        "cast": len(box),
        **{c.value: sum(1 for b in box if b["choice"] == c) for c in Choice},
    }


def tally(
    doc: Mapping[str, Any],
    award: AwardKind,
    box: Collection[Mapping[str, Any]],
    members: int | None,
    actor: Actor,
) -> Tally:
    """What council members, the board and the chairperson see; anyone else: 403."""
    if not actor.has(*READERS):
        raise Forbidden("ballot.tally_role")
    now_open = open_round(doc, award)
    last = last_round(doc, award)
    n = counts(box)
    share = n["yes"] / members if members else None
    mine = next((b for b in box if b["member"] == actor.subject), None)
    return Tally(
        nomination_id=doc["nomination_id"],
        stage=last[0] if last else None,
        round=last[1] if last else None,
        open=now_open is not None,
        members=members,
        **n,
        share=round(share, 4) if share is not None else None,
        threshold=award.vote_threshold,
        passes=(share + EPSILON >= award.vote_threshold) if share is not None else None,
        result=doc.get("vote") if now_open is None and last is not None else None,
        mine=BallotPublic.model_validate(mine) if mine else None,
    )


# -- closing ----------------------------------------------------------------------------------
def close(
    doc: Mapping[str, Any],
    award: AwardKind,
    body: VoteClose,
    actor: Actor,
    box: Collection[Mapping[str, Any]],
    members: int | None,
    now: datetime,
    holidays: Collection[date],
    flags: Iterable[Mapping[str, Any]] = (),
) -> Outcome:
    """Count the ballots against the threshold: the nomination moves on or fails exactly as a
    recorded count of the same numbers would."""
    if not actor.has(*CLOSERS):
        raise Forbidden("ballot.close_role")
    _own_unit("close_vote", actor, doc)
    stage, _ = _require_open(doc, award, body.stage)
    if members is None:
        raise Conflict("ballot.council_size_unset", [FieldError("council_members", "ballot.council_size_unset")])
    n = counts(box)
    if n["cast"] == 0:
        raise Conflict("ballot.none_cast", [FieldError("ballots", "ballot.none_cast")])
    if n["cast"] > members:
        raise Conflict(
            "ballot.more_than_members",
            [FieldError("council_members", "ballot.more_than_members", {"cast": n["cast"], "members": members})],
            cast=n["cast"],
            members=members,
        )
    if errors := rules.frozen(award, doc["nominee"], flags):
        raise rules.frozen_error(errors)
    vote = VoteInput(members=members, yes=n["yes"], no=n["no"], abstain=n["abstain"])
    action = ActionWrite(action=ActionKind.vote, stage=stage.id, reason=body.reason, vote=vote)
    new = dict(doc)
    new["stages"] = [dict(s) for s in doc.get("stages") or []]
    new["comments"] = [dict(c) for c in doc.get("comments") or []]
    outcome = rules.vote_outcome(new, award, stage, action, actor, now, holidays)
    outcome.change.detail = {**(outcome.change.detail or {}), "method": "ballots", "cast": n["cast"]}
    return outcome
