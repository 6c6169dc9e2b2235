"""Verification (kiểm tra, thẩm định) and appeal rules: who reviews at which level, what a decision
needs, what a resubmission may contain, and where an appeal goes. Pure functions: no I/O, easy to
test. A review state is a plain dict as stored in intake's `reviews` collection:
{"decision": "approve"|"return"|"reject"|None, "level": "cluster"|"board"|"chair"|None,
 "reasons": {criterion: reason}, "appeal": None | {"status": "pending"|"decided", "to_level", ...}}."""

from typing import Any

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.review import AppealOutcome, ReviewDecision, ReviewLevel
from thidua_common.errors import Conflict, DomainError, FieldError, Forbidden, Invalid
from thidua_common.i18n import Localized, t

from .. import conflict
from ..ratings.rules import check_rater

# the next level of appeal; the chairperson is the last
NEXT_LEVEL: dict[ReviewLevel, ReviewLevel | None] = {
    ReviewLevel.cluster: ReviewLevel.board,
    ReviewLevel.board: ReviewLevel.chair,
    ReviewLevel.chair: None,
}
RANK = {ReviewLevel.cluster: 0, ReviewLevel.board: 1, ReviewLevel.chair: 2}
# who decides an appeal sent to a level
DECIDER_ROLE = {ReviewLevel.board: Role.board_officer, ReviewLevel.chair: Role.chairperson}
MIN_REASON = 5

STATUS = {
    None: "pending",
    ReviewDecision.approve: "approved",
    ReviewDecision.return_: "returned",
    ReviewDecision.reject: "rejected",
}


def status_of(state: dict[str, Any] | None) -> str:
    decision = (state or {}).get("decision")
    return STATUS[ReviewDecision(decision) if decision else None]


def status_label(state: dict[str, Any] | None) -> Localized:
    """«đã phê duyệt» / "approved", in the reader's language."""
    status = status_of(state)
    return Localized(lambda lang: t(f"review.status.{status}", lang))


def level_label(level: ReviewLevel | str) -> Localized:
    level = ReviewLevel(level).value
    return Localized(lambda lang: t(f"review.level.{level}", lang))


def reviewer_level(campaign: CampaignDefined, unit_id: str, period: str, reviewer: Principal) -> ReviewLevel:
    """The board reviews any unit; a cluster head only the units of the cluster it heads (or is
    deputy of) in the period's year; nobody reviews their own unit. Raises a 403 that says why."""
    conflict.check("review", reviewer.unit_id, [unit_id])
    if reviewer.has_any(Role.board_officer):
        return ReviewLevel.board
    _check_cluster_lead(campaign, unit_id, period, reviewer)
    return ReviewLevel.cluster


def _check_cluster_lead(campaign: CampaignDefined, unit_id: str, period: str, reviewer: Principal) -> None:
    try:
        check_rater(campaign, unit_id, period, reviewer.unit_id)
    except DomainError as exc:
        # same reasons as for ratings, worded for reviews
        key = {
            "rating.no_cluster": "review.no_cluster",
            "rating.not_cluster_lead": "review.not_cluster_lead",
            "rating.not_participant": "review.not_participant",
        }
        raise Forbidden(key.get(exc.key, exc.key), **exc.params) from None


def reopener_level(campaign: CampaignDefined, unit_id: str, period: str, reopener: Principal) -> ReviewLevel:
    """The level a caller reopens at: the chairperson at chair level, the board at board level, a
    cluster head (head or deputy of the unit's cluster that year) at cluster level; never for
    one's own unit. Raises a 403 that says why."""
    conflict.check("reopen", reopener.unit_id, [unit_id])
    if reopener.has_any(Role.chairperson):
        return ReviewLevel.chair
    if reopener.has_any(Role.board_officer):
        return ReviewLevel.board
    _check_cluster_lead(campaign, unit_id, period, reopener)
    return ReviewLevel.cluster


def check_reopenable(state: dict[str, Any] | None, level: ReviewLevel, reason: str, latest: bool) -> ReviewLevel:
    """Only the latest submission of its period, only when approved, only by the level that
    approved it or a higher one, always with a reason. Returns the level that had approved."""
    state = state or {}
    if state.get("decision") != ReviewDecision.approve.value:
        raise Conflict("reopen.not_approved", state=status_label(state))
    if not latest:
        raise Conflict("review.superseded")
    approved_at = ReviewLevel(state.get("level") or ReviewLevel.cluster)
    if RANK[level] < RANK[approved_at]:
        raise Forbidden("reopen.level", level=level_label(approved_at))
    if len(reason.strip()) < MIN_REASON:
        raise Invalid("request.invalid", [FieldError("reason", "reopen.reason_required", {"min": MIN_REASON})])
    return approved_at


def check_reviewable(state: dict[str, Any] | None, level: ReviewLevel, latest: bool) -> None:
    """Only the latest submission of a unit and period is reviewed, once per level, never after an
    appeal (the appeal decides) and never below a level that already decided."""
    if not latest:
        raise Conflict("review.superseded")
    state = state or {}
    if state.get("appeal"):
        raise Conflict("review.appealed")
    decided = state.get("level")
    if state.get("decision") and decided and RANK[ReviewLevel(decided)] >= RANK[level]:
        raise Conflict("review.decided", level=level_label(decided), state=status_label(state))


def decision_errors(
    decision: ReviewDecision, reason: str, reasons: dict[str, str], values: dict[str, float]
) -> list[FieldError]:
    """Return names at least one criterion of the submission, each with a reason; reject needs a
    reason; approve carries no per-criterion reasons."""
    errors: list[FieldError] = []
    if decision == ReviewDecision.return_:
        if not reasons:
            errors.append(FieldError("reasons", "review.reasons_required"))
        for criterion_id, text in reasons.items():
            field = f"reasons.{criterion_id}"
            if criterion_id not in values:
                errors.append(FieldError(field, "review.criterion_not_submitted", {"id": criterion_id}))
            elif not text.strip():
                errors.append(FieldError(field, "review.criterion_reason_missing", {"id": criterion_id}))
    elif reasons:
        errors.append(FieldError("reasons", "review.reasons_only_on_return"))
    if decision == ReviewDecision.reject and not reason.strip():
        errors.append(FieldError("reason", "review.reason_required"))
    return errors


def resubmission(
    state: dict[str, Any] | None, previous: dict[str, float], values: dict[str, float], latest: bool
) -> dict[str, float]:
    """The values of the resubmission: the previous ones with the returned criteria replaced.
    A value for a criterion that was not returned, or a missing returned one, is refused (422)."""
    state = state or {}
    if state.get("decision") != ReviewDecision.return_.value:
        raise Conflict("resubmit.not_returned", state=status_label(state))
    if not latest:
        raise Conflict("review.superseded")
    if (state.get("appeal") or {}).get("status") == "pending":
        raise Conflict("resubmit.appeal_pending")
    returned = state.get("reasons") or {}
    errors = [
        FieldError(f"values.{c}", "resubmit.not_returned_criterion", {"id": c}) for c in values if c not in returned
    ]
    errors += [FieldError(f"values.{c}", "resubmit.missing", {"id": c}) for c in returned if c not in values]
    if errors:
        raise Invalid("request.invalid", errors)
    return {**previous, **values}


def appeal_levels(
    state: dict[str, Any] | None, reason: str, latest: bool
) -> tuple[ReviewDecision, ReviewLevel, ReviewLevel]:
    """A unit appeals a return or a reject once, with a reason, to the next level.
    Returns (against, from_level, to_level)."""
    state = state or {}
    if state.get("appeal"):
        raise Conflict("appeal.once")
    decision = state.get("decision")
    if decision not in (ReviewDecision.return_.value, ReviewDecision.reject.value):
        raise Conflict("appeal.not_appealable", state=status_label(state))
    if not latest:
        raise Conflict("review.superseded")
    from_level = ReviewLevel(state["level"])
    to_level = NEXT_LEVEL[from_level]
    if to_level is None:
        raise Conflict("appeal.last_level")
    if len(reason.strip()) < MIN_REASON:
        raise Invalid("request.invalid", [FieldError("reason", "appeal.reason_required", {"min": MIN_REASON})])
    return ReviewDecision(decision), from_level, to_level


def appeal_decision(
    state: dict[str, Any] | None,
    unit_id: str,
    decider: Principal,
    outcome: AppealOutcome,
    decision: ReviewDecision | None,
    reason: str,
    reasons: dict[str, str],
    values: dict[str, float],
) -> tuple[ReviewDecision, ReviewLevel]:
    """The next level upholds the decision or overturns it with another one, never on the
    decider's own unit (`unit_id`: the unit whose submission it is). Returns the final decision
    and the level that took it."""
    appeal = (state or {}).get("appeal")
    if not appeal:
        raise Conflict("appeal.none")
    # who may decide, before whether it is still to decide: a refusal does not depend on timing
    level = ReviewLevel(appeal["to_level"])
    role = DECIDER_ROLE[level]
    if not decider.has_any(role):
        raise Forbidden("appeal.decider_role", level=level_label(level), role=role.value)
    conflict.check("appeal_decision", decider.unit_id, [unit_id])
    if appeal.get("status") == "decided":
        raise Conflict("appeal.decided")
    against = ReviewDecision(appeal["against"])
    errors: list[FieldError] = []
    if len(reason.strip()) < MIN_REASON:
        errors.append(FieldError("reason", "appeal.reason_required", {"min": MIN_REASON}))
    if outcome == AppealOutcome.upheld:
        if decision is not None and decision != against:
            errors.append(FieldError("decision", "appeal.upheld_decision", {"decision": against.value}))
        final = against
    elif decision is None or decision == against:
        errors.append(FieldError("decision", "appeal.overturn_decision", {"decision": against.value}))
        final = against
    else:
        final = decision
    if outcome == AppealOutcome.overturned and final == ReviewDecision.return_:
        errors += decision_errors(final, reason, reasons, values)
    elif reasons:
        errors.append(FieldError("reasons", "review.reasons_only_on_return"))
    if errors:
        raise Invalid("request.invalid", errors)
    return final, level
