"""Score a cohort (the units of one cluster, for one period) against a campaign's criteria tree.
Pure: no I/O, deterministic for given inputs, so a replay reaches exactly the live result."""

from dataclasses import dataclass, field
from typing import Any

from thidua_common.contracts.campaign import CampaignDefined, Criterion, leaves_of
from thidua_common.contracts.registration import RegistrationChanged
from thidua_common.contracts.score import CriterionScore
from thidua_common.i18n import format_number

from .scorers import LeafInput, Scorer, UnknownScorer


@dataclass
class UnitState:
    unit_id: str
    values: dict[str, float]
    targets: dict[str, tuple[float | None, str]] = field(default_factory=dict)  # leaf → (target, source)


@dataclass
class UnitScore:
    total: float
    max_total: float
    lines: list[dict[str, Any]]  # CriterionScore fields; plain dicts because a rescoring builds millions

    def criteria(self) -> list[CriterionScore]:
        return [CriterionScore.model_validate(line) for line in self.lines]


def resolve_targets(
    campaign: CampaignDefined, registration: RegistrationChanged | None, period: str
) -> dict[str, tuple[float | None, str]]:
    """The target of each leaf for a period: the registration's target for that period, else its
    target for every period, else the criterion's default, else none."""
    own: dict[tuple[str, str | None], float] = {}
    if registration:
        own = {(t.criterion_id, t.period): t.value for t in registration.targets}
    out: dict[str, tuple[float | None, str]] = {}
    for leaf in leaves_of(campaign.criteria):
        if (leaf.id, period) in own:
            out[leaf.id] = (own[(leaf.id, period)], "registration-period")
        elif (leaf.id, None) in own:
            out[leaf.id] = (own[(leaf.id, None)], "registration")
        elif leaf.target is not None:
            out[leaf.id] = (leaf.target, "criterion")
        else:
            out[leaf.id] = (None, "none")
    return out


def max_total(campaign: CampaignDefined, scorers: dict[str, Scorer]) -> float:
    """The campaign's cap, or the sum of its top-level maxima (penalties add nothing)."""
    if campaign.max_total:
        return campaign.max_total

    def positive(node: Criterion) -> float:
        if node.is_leaf and getattr(scorers.get(node.scorer or ""), "sign", 1) < 0:
            return 0.0
        return node.max_points

    return round(sum(positive(n) for n in campaign.criteria), 4)


def score_cohort(campaign: CampaignDefined, units: list[UnitState], scorers: dict[str, Scorer]) -> dict[str, UnitScore]:
    leaf_points: dict[str, dict[str, dict[str, Any]]] = {u.unit_id: {} for u in units}
    for leaf in leaves_of(campaign.criteria):
        scorer = scorers.get(leaf.scorer or "") or UnknownScorer(leaf.scorer or "?")
        cohort = [LeafInput(u.unit_id, u.values.get(leaf.id), u.targets.get(leaf.id, (None, "none"))[0]) for u in units]
        results = scorer.score(leaf, cohort)
        for u in units:
            p = results[u.unit_id]
            sign = getattr(scorer, "sign", 1)
            # no leaf ever exceeds its maximum (a penalty never deducts more than its maximum)
            raw = round(p.points, 4)
            points = min(0.0, max(-leaf.max_points, raw)) if sign < 0 else max(0.0, min(leaf.max_points, raw))
            target, source = u.targets.get(leaf.id, (None, "none"))
            leaf_points[u.unit_id][leaf.id] = dict(
                criterion_id=leaf.id,
                parent_id=None,
                kind="leaf",
                scorer=leaf.scorer,
                value=u.values.get(leaf.id),
                target=target,
                target_source=source,
                max_points=leaf.max_points,
                points=points,
                formula=p.formula,
                inputs=p.inputs,
                explanation_vi=p.explanation_vi,
                explanation_en=p.explanation_en,
            )
            if sign < 0:
                # told in the event, so readers need not know which scorers deduct; only on
                # deduction lines, so that other scores keep their content digest
                leaf_points[u.unit_id][leaf.id]["deduction"] = True
    cap = max_total(campaign, scorers)
    out = {}
    for u in units:
        lines: list[dict[str, Any]] = []
        top = [_node(node, None, leaf_points[u.unit_id], lines) for node in campaign.criteria]
        raw = sum(top)
        total = max(0.0, min(cap, round(raw, 4)))
        out[u.unit_id] = UnitScore(total=total, max_total=cap, lines=lines)
    return out


def _node(node: Criterion, parent: str | None, leaves: dict[str, dict[str, Any]], lines: list[dict[str, Any]]) -> float:
    if node.is_leaf:
        line = {**leaves[node.id], "parent_id": parent}
        lines.append(line)
        points: float = line["points"]
        return points
    index = len(lines)
    lines.append({})  # the group's line goes before its children's: filled in below
    parts = [_node(child, node.id, leaves, lines) for child in node.children]
    raw = round(sum(parts), 4)
    points = max(0.0, min(node.max_points, raw))
    capped_vi = f", tối đa {format_number(node.max_points)}" if raw > node.max_points else ""
    capped_en = f", capped at {format_number(node.max_points, lang='en')}" if raw > node.max_points else ""
    lines[index] = dict(
        criterion_id=node.id,
        parent_id=parent,
        kind="group",
        max_points=node.max_points,
        points=points,
        formula="min(MS, Σ)",
        inputs={"sum": raw, "MS": node.max_points},
        explanation_vi=f"Cộng các tiêu chí con: {' + '.join(format_number(p) for p in parts)} = {format_number(raw)}"
        f"{capped_vi} → {format_number(points)} điểm.",
        explanation_en=f"Sum of sub-criteria: {' + '.join(format_number(p, lang='en') for p in parts)} = "
        f"{format_number(raw, lang='en')}{capped_en} → {format_number(points, lang='en')} points.",
        scorer=None,
        value=None,
        target=None,
        target_source=None,
    )
    return points
