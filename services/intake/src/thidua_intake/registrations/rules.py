"""Checks of targets against their campaign, and what a new set of targets changes. Pure
functions: no I/O, easy to test."""

from collections.abc import Iterable, Iterator

from thidua_common.contracts.campaign import CampaignDefined, Criterion, leaves_of
from thidua_common.contracts.registration import Target
from thidua_common.errors import FieldError

from ..submissions.rules import REVIEWER_RATING, period_error, range_error

TargetKey = tuple[str, str | None]  # (criterion id, period or None for every period)


def key_of(target: Target) -> TargetKey:
    return target.criterion_id, target.period


def _walk(nodes: Iterable[Criterion]) -> Iterator[Criterion]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def criterion_error(campaign: CampaignDefined, criterion_id: str, field: str) -> FieldError | None:
    """None if `criterion_id` is a leaf of the campaign's criteria tree."""
    nodes = {node.id: node for node in _walk(campaign.criteria)}
    node = nodes.get(criterion_id)
    if node is None:
        return FieldError(field, "criterion.unknown", {"id": criterion_id})
    if not node.is_leaf:
        return FieldError(field, "criterion.not_leaf", {"id": criterion_id})
    return None


def check_target(campaign: CampaignDefined, target: Target, prefix: str = "") -> list[FieldError]:
    """A target belongs to a leaf that units report (not one reviewers rate), for a period of the
    campaign (or every period), within the values the leaf accepts."""
    errors: list[FieldError] = []
    if error := criterion_error(campaign, target.criterion_id, f"{prefix}criterion_id"):
        errors.append(error)
    else:
        leaf = next(c for c in leaves_of(campaign.criteria) if c.id == target.criterion_id)
        if leaf.scorer == REVIEWER_RATING:
            errors.append(FieldError(f"{prefix}criterion_id", "target.reviewer_rated", {"id": leaf.id}))
        elif error := range_error(f"{prefix}value", target.value, leaf.min_value, leaf.max_value):
            errors.append(error)
    if target.period is not None and (error := period_error(campaign, target.period, f"{prefix}period")):
        errors.append(error)
    return errors


def check_targets(campaign: CampaignDefined, targets: list[Target]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[TargetKey] = set()
    for i, target in enumerate(targets):
        errors.extend(check_target(campaign, target, f"targets.{i}."))
        if key_of(target) in seen:
            errors.append(
                FieldError(
                    f"targets.{i}",
                    "registration.duplicate_target",
                    {"criterion": target.criterion_id, "period": target.period or "—"},
                )
            )
        seen.add(key_of(target))
    return errors


def diff_targets(old: list[Target], new: list[Target]) -> tuple[list[tuple[Target, float | None]], list[Target]]:
    """(changed, removed): every new target whose value differs from the registered one (with the
    old value, None when it is new), and every registered target the new list leaves out."""
    before = {key_of(t): t.value for t in old}
    after = {key_of(t) for t in new}
    changed = [(t, before.get(key_of(t))) for t in new if before.get(key_of(t)) != t.value]
    removed = [t for t in old if key_of(t) not in after]
    return changed, removed


def removed_errors(removed: list[Target]) -> list[FieldError]:
    return [
        FieldError("targets", "registration.target_removed", {"criterion": t.criterion_id, "period": t.period or "—"})
        for t in removed
    ]
