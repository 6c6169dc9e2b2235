"""Pure rules of nominations (no I/O): the tenant's award rules (prerequisite, quota, freeze, no
double award), the dossier, and the moves along the chain of stages.

Nomination documents are plain dicts shaped like NominationChanged (dates as ISO strings, as
stored); award records are dicts with award_kind, year and nominee."""

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from thidua_common.auth import Role
from thidua_common.calendar import add_working_days, working_days_between
from thidua_common.contracts.campaign import Change
from thidua_common.contracts.nomination import Comment, NominationStatus, Nominee, StageRecord, Vote
from thidua_common.errors import Conflict, FieldError, Forbidden, Invalid
from thidua_common.i18n import Localized, format_date, format_number
from thidua_common.i18n.format import VN_TZ

from .. import conflict
from ..commendation_config.models import (
    AwardKind,
    FreezeRule,
    NoDoubleAwardRule,
    PrerequisiteRule,
    QuotaRule,
    Stage,
    StageKind,
)
from .models import MIN_REASON, ActionKind, ActionWrite

OPEN = (NominationStatus.in_progress.value, NominationStatus.returned.value)
EPSILON = 1e-9

# which actions each kind of stage accepts (withdraw is accepted in every stage)
ACTIONS: dict[StageKind, tuple[ActionKind, ...]] = {
    StageKind.review: (ActionKind.pass_, ActionKind.return_),
    StageKind.disclosure: (ActionKind.comment, ActionKind.pass_, ActionKind.return_),
    StageKind.vote: (ActionKind.vote, ActionKind.return_),
    # issue 13: award papers — approve: the chair approves; a decision batch then decides it
    StageKind.decision: (ActionKind.decide, ActionKind.return_, ActionKind.approve),
}


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: frozenset[str]
    unit_id: str | None = None

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass
class Outcome:
    """What an action does: the new document, what the revision changed, and awards to record."""

    doc: dict[str, Any]
    change: Change
    decided: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def local_date(moment: datetime | str) -> date:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(VN_TZ).date()


def percent(share: float) -> Localized:
    return Localized(lambda lang: f"{format_number(share * 100, 1, lang)}%")


# -- who is who -----------------------------------------------------------------------------
def judged_units(doc: Mapping[str, Any]) -> list[str | None]:
    """The units whose work a nomination puts to judgement: the nominee's unit (the collective
    itself, or the individual's unit) and the unit that filed it."""
    return [doc["nominee"]["unit_id"], doc.get("nominating_unit_id")]


def nominee_key(nominee: Mapping[str, Any]) -> str:
    if nominee["kind"] == "individual":
        return f"p:{nominee.get('person_id')}"
    return f"u:{nominee['unit_id']}"


def same_nominee(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a["kind"] == b["kind"] and nominee_key(a) == nominee_key(b)


# -- filing -----------------------------------------------------------------------------------
def check_filing(award: AwardKind, nominee: Nominee, documents: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """The nominee fits the award and the dossier holds every required kind of document."""
    errors: list[FieldError] = []
    if nominee.kind != award.nominee_kind:
        errors.append(
            FieldError("nominee.kind", "nomination.nominee_kind", {"award": award.name_vi, "kind": award.nominee_kind})
        )
    if nominee.kind == "individual" and not nominee.person_id:
        errors.append(FieldError("nominee.person_id", "nomination.person_required"))
    errors.extend(missing_documents(award, documents))
    return errors


def missing_documents(award: AwardKind, documents: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """Every required kind must be in the dossier as a file uploaded to intake (a `document_id`):
    a reference typed by the filer (name, link, hash) does not count for a required kind."""
    documents = list(documents)
    present = {d["kind"] for d in documents}
    uploaded = {d["kind"] for d in documents if d.get("document_id")}
    errors = []
    for kind in award.required_documents:
        if kind not in present:
            errors.append(FieldError("documents", "nomination.missing_document", {"kind": kind}))
        elif kind not in uploaded:
            errors.append(FieldError("documents", "dossier.missing_file", {"kind": kind}))
    return errors


# -- the award rules --------------------------------------------------------------------------
def check_rules(
    award: AwardKind,
    nominee: Mapping[str, Any],
    year: int,
    awards: Collection[Mapping[str, Any]],
    nominations: Collection[Mapping[str, Any]],
    flags: Collection[Mapping[str, Any]],
    names: Mapping[str, str] | None = None,
    exclude: str | None = None,
) -> list[FieldError]:
    """Every configured rule the nomination would break. `awards`: awards already decided or
    imported; `nominations`: other nominations (only open ones count); `flags`: freeze flags;
    `names`: award kind → Vietnamese name, for the messages."""
    names = names or {}
    others = [n for n in nominations if n.get("nomination_id") != exclude and n["status"] in OPEN]
    errors: list[FieldError] = []
    for rule in award.rules:
        if isinstance(rule, PrerequisiteRule):
            errors.extend(_prerequisite(rule, nominee, year, awards, names))
        elif isinstance(rule, QuotaRule):
            errors.extend(_quota(rule, award, nominee, year, awards, others, names))
        elif isinstance(rule, FreezeRule):
            errors.extend(freeze_errors(rule, nominee, flags))
        elif isinstance(rule, NoDoubleAwardRule):
            errors.extend(_double(award, nominee, year, awards, others))
    return errors


def _prerequisite(
    rule: PrerequisiteRule,
    nominee: Mapping[str, Any],
    year: int,
    awards: Iterable[Mapping[str, Any]],
    names: Mapping[str, str],
) -> list[FieldError]:
    held = {
        a["year"] for a in awards if a["award_kind"] == rule.requires_award_kind and same_nominee(a["nominee"], nominee)
    }
    years = range(year - rule.consecutive_years + 1, year + 1)
    missing = [y for y in years if y not in held]
    if not missing:
        return []
    return [
        FieldError(
            "nominee",
            "rule.prerequisite",
            {
                "years": rule.consecutive_years,
                "award": names.get(rule.requires_award_kind, rule.requires_award_kind),
                "missing": ", ".join(str(y) for y in missing),
            },
        )
    ]


def _quota(
    rule: QuotaRule,
    award: AwardKind,
    nominee: Mapping[str, Any],
    year: int,
    awards: Collection[Mapping[str, Any]],
    others: Iterable[Mapping[str, Any]],
    names: Mapping[str, str],
) -> list[FieldError]:
    unit = nominee["unit_id"]
    holders = sum(
        1
        for a in awards
        if a["award_kind"] == rule.of_award_kind and a["year"] == year and a["nominee"]["unit_id"] == unit
    )
    limit = math.floor(rule.max_share * holders + EPSILON)
    taken = sum(
        1 for a in awards if a["award_kind"] == award.id and a["year"] == year and a["nominee"]["unit_id"] == unit
    )
    taken += sum(
        1 for n in others if n["award_kind"] == award.id and n["year"] == year and n["nominee"]["unit_id"] == unit
    )
    if taken + 1 <= limit:
        return []
    return [
        FieldError(
            "nominee.unit_id",
            "rule.quota",
            {
                "share": percent(rule.max_share),
                "of": names.get(rule.of_award_kind, rule.of_award_kind),
                "unit": unit,
                "year": year,
                "holders": holders,
                "max": limit,
                "count": taken,
            },
        )
    ]


def freeze_errors(rule: FreezeRule, nominee: Mapping[str, Any], flags: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """A collective freezes on any active flag in the unit; an individual on their own flags and
    on flags on their unit as a whole."""
    errors = []
    for flag in flags:
        if not flag.get("active") or flag["kind"] not in rule.flags or flag["unit_id"] != nominee["unit_id"]:
            continue
        if nominee["kind"] == "individual" and flag.get("person_id") not in (None, nominee.get("person_id")):
            continue
        errors.append(FieldError("nominee", f"rule.freeze.{flag['kind']}", {"reason": flag.get("reason", "")}))
    return errors


def _double(
    award: AwardKind,
    nominee: Mapping[str, Any],
    year: int,
    awards: Iterable[Mapping[str, Any]],
    others: Iterable[Mapping[str, Any]],
) -> list[FieldError]:
    errors = []
    if any(a["award_kind"] == award.id and a["year"] == year and same_nominee(a["nominee"], nominee) for a in awards):
        errors.append(FieldError("nominee", "rule.double_award", {"award": award.name_vi, "year": year}))
    for n in others:
        if n["award_kind"] == award.id and n["year"] == year and same_nominee(n["nominee"], nominee):
            errors.append(
                FieldError(
                    "nominee", "rule.double_pending", {"award": award.name_vi, "year": year, "id": n["nomination_id"]}
                )
            )
    return errors


def frozen_error(errors: list[FieldError]) -> Conflict:
    return Conflict(
        "nomination.frozen",
        errors,
        reasons=Localized(lambda lang: " ".join(e.reason(lang) for e in errors)),
    )


def frozen(award: AwardKind, nominee: Mapping[str, Any], flags: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    flags = list(flags)
    return [e for rule in award.rules if isinstance(rule, FreezeRule) for e in freeze_errors(rule, nominee, flags)]


# -- the chain --------------------------------------------------------------------------------
def due_on(award: AwardKind, stage: Stage, entered: date, holidays: Collection[date]) -> date:
    days = max(stage.service_days, award.disclosure_days) if stage.kind == StageKind.disclosure else stage.service_days
    return add_working_days(entered, days, holidays)


def enter(doc: dict[str, Any], award: AwardKind, stage: Stage, now: datetime, holidays: Collection[date]) -> None:
    entered = local_date(now)
    doc["stage"] = stage.id
    doc["stages"].append(
        StageRecord(stage=stage.id, entered_at=now, due_on=due_on(award, stage, entered, holidays)).model_dump(
            mode="json"
        )
    )
    doc["window_closes_on"] = (
        add_working_days(entered, award.disclosure_days, holidays).isoformat()
        if stage.kind == StageKind.disclosure
        else None
    )


def leave(doc: dict[str, Any], outcome: str, by: str, reason: str, now: datetime, holidays: Collection[date]) -> None:
    record = doc["stages"][-1]
    record.update(
        left_at=now.isoformat(),
        outcome=outcome,
        by=by,
        reason=reason or None,
        working_days=float(working_days_between(local_date(record["entered_at"]), local_date(now), holidays)),
    )


def current_record(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    stages = doc.get("stages") or []
    return stages[-1] if stages and stages[-1].get("left_at") is None else None


def window_open(award: AwardKind, doc: Mapping[str, Any], today: date, holidays: Collection[date]) -> bool:
    record = current_record(doc)
    if record is None:
        return False
    return working_days_between(local_date(record["entered_at"]), today, holidays) < award.disclosure_days


def start(doc: dict[str, Any], award: AwardKind, now: datetime, holidays: Collection[date]) -> None:
    doc["status"] = NominationStatus.in_progress.value
    doc["stages"] = []
    enter(doc, award, award.chain[0], now, holidays)


def act(
    doc: Mapping[str, Any],
    award: AwardKind,
    body: ActionWrite,
    actor: Actor,
    now: datetime,
    holidays: Collection[date],
    flags: Iterable[Mapping[str, Any]] = (),
) -> Outcome:
    """Apply one action to a copy of `doc`. Refusals: 409 when the nomination is not open, the
    named stage is not the current one, the stage takes no such action or the disclosure window
    forbids it; 403 when the actor's role may not act in the stage; 422 for a missing reason,
    vote or decision."""
    new = _copy(doc)
    status = doc["status"]
    action = body.action
    stage = award.stage(doc.get("stage"))
    today = local_date(now)
    if action == ActionKind.withdraw:
        return _withdraw(new, body, actor, now, holidays)
    if status != NominationStatus.in_progress:
        raise Conflict("nomination.not_open", state=status)
    if stage is None:  # the configuration dropped the stage the nomination sits in
        raise Conflict("nomination.stage_unknown", stage=doc.get("stage") or "—")
    if body.stage is not None and body.stage != stage.id:
        raise Conflict(
            "nomination.stage_mismatch",
            [FieldError("stage", "nomination.stage_mismatch", {"stage": body.stage, "current": stage.id})],
            stage=body.stage,
            current=stage.id,
        )
    allowed = ACTIONS[stage.kind]
    if action not in allowed:
        raise Conflict(
            "nomination.illegal_action",
            action=action.value,
            stage=stage.id,
            allowed=", ".join(a.value for a in (*allowed, ActionKind.withdraw)),
        )
    if action == ActionKind.comment:
        return _comment(new, award, body, actor, now, holidays)
    may_act = actor.has(stage.role) or (
        stage.kind == StageKind.disclosure and action == ActionKind.pass_ and actor.has(Role.board_officer)
    )
    if not may_act:
        raise Forbidden("nomination.role", stage=stage.name_vi, role=stage.role.value)
    # pass, return, vote and decide judge the nomination: never on one's own unit
    conflict.check(action.value, actor.unit_id, judged_units(doc))
    reason = body.reason.strip()
    if action == ActionKind.return_:
        if len(reason) < MIN_REASON:
            raise Invalid("request.invalid", [FieldError("reason", "nomination.reason_required", {"min": MIN_REASON})])
        leave(new, "returned", actor.subject, reason, now, holidays)
        new["status"] = NominationStatus.returned.value
        new["window_closes_on"] = None
        return Outcome(new, Change(kind="returned", by=actor.subject, reason=reason, detail={"stage": stage.id}))
    if errors := frozen(award, doc["nominee"], flags):
        raise frozen_error(errors)
    if action == ActionKind.pass_:
        if stage.kind == StageKind.disclosure and window_open(award, doc, today, holidays):
            closes = doc.get("window_closes_on")
            raise Conflict(
                "nomination.window_open",
                closes=Localized(lambda lang: format_date(date.fromisoformat(closes), lang) if closes else "—"),
            )
        return _advance(new, award, stage, "passed", actor.subject, reason, now, holidays)
    if action == ActionKind.vote:
        return _vote(new, award, stage, body, actor, now, holidays)
    if action == ActionKind.approve:
        return _approve(new, stage, body, actor, now)
    return _decide(new, stage, body, actor, now, holidays)


def _approve(new: dict[str, Any], stage: Stage, body: ActionWrite, actor: Actor, now: datetime) -> Outcome:
    """issue 13: award papers — the chair approves; the nomination stays at the decision stage,
    open, until the board officer's decision batch decides it with the batch's number."""
    if new.get("approved"):
        raise Conflict("award_papers.already_approved")
    new["approved"] = {"by": actor.subject, "at": now.isoformat()}
    change = Change(kind="approved", by=actor.subject, reason=body.reason.strip(), detail={"stage": stage.id})
    return Outcome(new, change)


def _copy(doc: Mapping[str, Any]) -> dict[str, Any]:
    new = dict(doc)
    new["stages"] = [dict(s) for s in doc.get("stages") or []]
    new["comments"] = [dict(c) for c in doc.get("comments") or []]
    return new


def _advance(
    new: dict[str, Any],
    award: AwardKind,
    stage: Stage,
    outcome: str,
    by: str,
    reason: str,
    now: datetime,
    holidays: Collection[date],
) -> Outcome:
    leave(new, outcome, by, reason, now, holidays)
    following = award.next_stage(stage.id)
    assert following is not None  # the chain ends with a decision, which `decide` leaves
    enter(new, award, following, now, holidays)
    return Outcome(new, Change(kind="passed", by=by, reason=reason, detail={"from": stage.id, "to": following.id}))


def _comment(
    new: dict[str, Any], award: AwardKind, body: ActionWrite, actor: Actor, now: datetime, holidays: Collection[date]
) -> Outcome:
    if not actor.has(*award.comment_roles):
        raise Forbidden(
            "nomination.comment_role", award=award.name_vi, roles=", ".join(r.value for r in award.comment_roles)
        )
    text = body.reason.strip()
    if not text:
        raise Invalid("request.invalid", [FieldError("reason", "nomination.comment_empty")])
    if not window_open(award, new, local_date(now), holidays):
        closes = new.get("window_closes_on")
        raise Conflict(
            "nomination.window_closed",
            closes=Localized(lambda lang: format_date(date.fromisoformat(closes), lang) if closes else "—"),
        )
    new["comments"].append(Comment(by=actor.subject, text=text, at=now).model_dump(mode="json"))
    return Outcome(new, Change(kind="commented", by=actor.subject, reason=text, detail={"stage": new["stage"]}))


def _vote(
    new: dict[str, Any],
    award: AwardKind,
    stage: Stage,
    body: ActionWrite,
    actor: Actor,
    now: datetime,
    holidays: Collection[date],
) -> Outcome:
    v = body.vote
    if v is None:
        raise Invalid("request.invalid", [FieldError("vote", "field.missing")])
    if v.yes + v.no + v.abstain > v.members:
        raise Invalid(
            "request.invalid",
            [FieldError("vote", "nomination.vote_count", {"members": v.members, "cast": v.yes + v.no + v.abstain})],
        )
    share = v.yes / v.members
    passed = share + EPSILON >= award.vote_threshold
    vote = Vote(members=v.members, yes=v.yes, no=v.no, abstain=v.abstain, threshold=award.vote_threshold, passed=passed)
    new["vote"] = vote.model_dump(mode="json")
    detail = {"stage": stage.id, "share": round(share, 4), "threshold": award.vote_threshold, **v.model_dump()}
    if passed:
        outcome = _advance(new, award, stage, "passed", actor.subject, body.reason.strip(), now, holidays)
        outcome.change = Change(
            kind="voted", by=actor.subject, reason=body.reason.strip(), detail={**detail, "passed": True}
        )
        return outcome
    reason = (
        f"Tỷ lệ phiếu đồng ý {v.yes}/{v.members} ({format_number(share * 100, 1)}%) "
        f"thấp hơn ngưỡng {format_number(award.vote_threshold * 100, 1)}%"
    )
    if body.reason.strip():
        reason += f". {body.reason.strip()}"
    leave(new, "failed", actor.subject, reason, now, holidays)
    new["status"] = NominationStatus.failed.value
    new["window_closes_on"] = None
    return Outcome(new, Change(kind="voted", by=actor.subject, reason=reason, detail={**detail, "passed": False}))


def vote_outcome(
    new: dict[str, Any],
    award: AwardKind,
    stage: Stage,
    body: ActionWrite,
    actor: Actor,
    now: datetime,
    holidays: Collection[date],
) -> Outcome:
    """issue 11: ballots — a vote counted from the members' ballots passes or fails by the very
    rule and reasons of a recorded count (ballots.close)."""
    return _vote(new, award, stage, body, actor, now, holidays)


def _decide(
    new: dict[str, Any], stage: Stage, body: ActionWrite, actor: Actor, now: datetime, holidays: Collection[date]
) -> Outcome:
    if body.decision is None:
        raise Invalid("request.invalid", [FieldError("decision", "field.missing")])
    leave(new, "decided", actor.subject, body.reason.strip(), now, holidays)
    new["status"] = NominationStatus.decided.value
    new["stage"] = None
    new["window_closes_on"] = None
    new["decision"] = body.decision.model_dump(mode="json")
    change = Change(
        kind="decided",
        by=actor.subject,
        reason=body.reason.strip(),
        detail={"stage": stage.id, **body.decision.model_dump(mode="json")},
    )
    return Outcome(new, change, decided=True)


def _withdraw(
    new: dict[str, Any], body: ActionWrite, actor: Actor, now: datetime, holidays: Collection[date]
) -> Outcome:
    if new["status"] not in OPEN:
        raise Conflict("nomination.not_open", state=new["status"])
    if not (
        actor.has(Role.board_officer) or (actor.has(Role.unit_leader) and actor.unit_id == new["nominee"]["unit_id"])
    ):
        raise Forbidden("nomination.withdraw_role")
    reason = body.reason.strip()
    if len(reason) < MIN_REASON:
        raise Invalid("request.invalid", [FieldError("reason", "nomination.reason_required", {"min": MIN_REASON})])
    if current_record(new) is not None:
        leave(new, "withdrawn", actor.subject, reason, now, holidays)
    new["status"] = NominationStatus.withdrawn.value
    new["window_closes_on"] = None
    return Outcome(new, Change(kind="withdrawn", by=actor.subject, reason=reason, detail={"stage": new.get("stage")}))


def resubmit(
    doc: Mapping[str, Any],
    award: AwardKind,
    documents: list[dict[str, Any]],
    achievement: str | None,
    reason: str,
    actor: Actor,
    now: datetime,
    holidays: Collection[date],
) -> Outcome:
    """A returned nomination re-enters the chain at the stage that returned it."""
    if doc["status"] != NominationStatus.returned:
        raise Conflict("nomination.not_returned", state=doc["status"])
    if errors := missing_documents(award, documents):
        raise Invalid("nomination.missing_document", errors, kind=errors[0].params["kind"])
    stage = award.stage(doc.get("stage")) or award.chain[0]
    new = _copy(doc)
    new["documents"] = documents
    if achievement is not None:
        new["achievement"] = achievement
    new["status"] = NominationStatus.in_progress.value
    enter(new, award, stage, now, holidays)
    return Outcome(new, Change(kind="resubmitted", by=actor.subject, reason=reason.strip(), detail={"stage": stage.id}))


# -- timeliness -------------------------------------------------------------------------------
def overdue_days(doc: Mapping[str, Any], today: date, holidays: Collection[date]) -> int:
    """Working days an open nomination is past the due date of its current stage (0 if not)."""
    if doc["status"] != NominationStatus.in_progress:
        return 0
    record = current_record(doc)
    if record is None or not record.get("due_on"):
        return 0
    return max(0, working_days_between(date.fromisoformat(record["due_on"]), today, holidays))
