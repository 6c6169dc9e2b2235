"""The figures of a review report, assembled from reporting's read models (pure: the documents
come in as plain dicts, nothing is read here).

- Results per target (leaf criterion): plan (kế hoạch: the targets scoring used), achieved
  (thực hiện: the values reported), % of plan, the same for the previous period and the change.
  Counts add up over units and periods; a criterion measured in % is averaged instead.
- Each unit-period counts once: the verified score when there is one, else the provisional one
  (marked "tạm tính"); withdrawn scores do not count.
- Rankings per cluster on the campaign's own rule (leaderboard.basis, leaderboard.ranking) over
  the periods the review covers; exemplars are the first of each cluster.
- Awards: the awards projection's decisions of this campaign dated on or before the review date.
- Timeliness: per unit, the periods it was due to report, reported on time (by the period's last
  day + `grace_days`), late, or not at all."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from thidua_common.contracts.campaign import Criterion, MissingReports, leaves_of
from thidua_common.contracts.period import period_bounds

from ..leaderboard.basis import unit_basis
from ..leaderboard.ranking import Standing, rank
from ..timeliness import figures as deadline_figures
from .schedule import Review

PERCENT_UNITS = {"%", "phần trăm", "tỷ lệ"}


@dataclass(frozen=True)
class TargetLine:
    criterion_id: str
    name: str
    unit_of_measure: str
    direction: str
    plan: float | None
    actual: float | None
    pct: float | None
    previous_actual: float | None
    previous_pct: float | None
    provisional: bool  # some figure comes from a score not verified yet

    @property
    def change(self) -> float | None:
        """Change of the achieved figure against the previous period, in % of it."""
        if self.actual is None or not self.previous_actual:
            return None
        return 100 * (self.actual - self.previous_actual) / self.previous_actual

    @property
    def achieved(self) -> bool | None:
        if self.actual is None or self.plan is None:
            return None
        return self.actual <= self.plan if self.direction == "lower" else self.actual >= self.plan


@dataclass(frozen=True)
class UnitResult:
    unit_id: str
    name: str
    cluster_id: str | None
    cluster_name: str
    score: float
    periods_reported: int
    rank: int
    cluster_rank: int


@dataclass(frozen=True)
class AwardLine:
    unit_id: str
    award_name: str
    nominee_kind: str  # collective | individual
    nominee: str
    unit_name: str
    decision_number: str
    decision_date: date


@dataclass(frozen=True)
class Timeliness:
    unit_id: str
    name: str
    due: int
    on_time: int
    late: int
    missing: int


@dataclass
class ReviewFigures:
    campaign_id: str
    campaign_name: str
    review: Review
    participants: int
    targets: list[TargetLine]
    standings: list[UnitResult]
    clusters: list[tuple[str, list[UnitResult]]]
    exemplars: list[UnitResult]
    awards: list[AwardLine]
    timeliness: list[Timeliness]
    units_reported: int = 0
    criteria: list[Criterion] = field(default_factory=list)
    # (unit, period) → counted score, grouped by unit: a unit's report reads only its own
    counted_by_unit: dict[str, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)


def counted_scores(scores: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(unit, period) → the score that counts: verified over provisional; withdrawn ones dropped."""
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in scores:
        if doc.get("withdrawn"):
            continue
        key = (doc["unit_id"], doc["period"])
        held = best.get(key)
        if held is None or (doc["status"] == "verified" and held["status"] != "verified"):
            best[key] = doc
    return best


def _aggregate(values: list[float], percent: bool) -> float | None:
    if not values:
        return None
    return sum(values) / len(values) if percent else sum(values)


def _pct(actual: float | None, plan: float | None) -> float | None:
    return None if actual is None or not plan else 100 * actual / plan


def target_lines(
    criteria: list[Criterion],
    counted: dict[tuple[str, str], dict[str, Any]],
    periods: Iterable[str],
    previous: Iterable[str],
    units: set[str] | None = None,
) -> list[TargetLine]:
    """Plan and achievement per leaf criterion over `periods` (and `previous`), for `units` (all when None)."""
    current, before = set(periods), set(previous)
    gathered: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    provisional: set[str] = set()
    for (unit, period), doc in counted.items():
        if units is not None and unit not in units:
            continue
        # a final review's previous period lies inside its own: a period may count in both windows
        windows = [w for w, inside in (("now", period in current), ("before", period in before)) if inside]
        for window in windows:
            for line in doc.get("criteria", []):
                cid = line["criterion_id"]
                if line.get("value") is not None:
                    gathered[cid][f"{window}_actual"].append(float(line["value"]))
                    if window == "now" and doc["status"] != "verified":
                        provisional.add(cid)
                if line.get("target") is not None:
                    gathered[cid][f"{window}_plan"].append(float(line["target"]))
    out = []
    for leaf in leaves_of(criteria):
        g = gathered.get(leaf.id, {})
        percent = leaf.unit_of_measure.strip().lower() in PERCENT_UNITS
        plan, actual = _aggregate(g.get("now_plan", []), percent), _aggregate(g.get("now_actual", []), percent)
        prev_plan = _aggregate(g.get("before_plan", []), percent)
        prev_actual = _aggregate(g.get("before_actual", []), percent)
        out.append(
            TargetLine(
                criterion_id=leaf.id,
                name=leaf.name_vi,
                unit_of_measure=leaf.unit_of_measure,
                direction=leaf.direction.value,
                plan=plan,
                actual=actual,
                pct=_pct(actual, plan),
                previous_actual=prev_actual,
                previous_pct=_pct(prev_actual, prev_plan),
                provisional=leaf.id in provisional,
            )
        )
    return out


def standings(
    campaign: dict[str, Any], counted: dict[tuple[str, str], dict[str, Any]], periods: tuple[str, ...]
) -> list[UnitResult]:
    """The campaign's ranking over the review's periods, overall and per cluster."""
    missing = MissingReports(campaign.get("missing_reports") or MissingReports.zero)
    clusters = {c["id"]: c["name_vi"] for c in campaign.get("clusters", [])}
    rows = []
    for p in campaign["participants"]:
        totals = {
            period: float(counted[(p["unit_id"], period)]["total"])
            for period in periods
            if (p["unit_id"], period) in counted
        }
        basis = unit_basis(totals, list(periods), missing)
        rows.append(
            Standing(
                unit_id=p["unit_id"],
                name=p["name_vi"],
                cluster_id=p.get("cluster_id"),
                total=basis.total,
                max_total=0.0,
                periods_reported=len(totals),
                score=basis.score,
            )
        )
    return [
        UnitResult(
            unit_id=s.unit_id,
            name=s.name,
            cluster_id=s.cluster_id,
            cluster_name=clusters.get(s.cluster_id or "", "Chưa xếp khối"),
            score=s.score if s.score is not None else s.total,
            periods_reported=s.periods_reported,
            rank=s.rank,
            cluster_rank=s.cluster_rank,
        )
        for s in rank(rows)
    ]


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment


def timeliness(
    campaign: dict[str, Any],
    counted: dict[tuple[str, str], dict[str, Any]],
    periods: tuple[str, ...],
    grace_days: int,
) -> list[Timeliness]:
    out = []
    # issue 15: deadlines — the period's due date intake computed (working days, holidays) when the
    # campaign carries it, the same rule as the timeliness figures; otherwise the grace days
    dues = deadline_figures.due_dates(campaign)
    for p in campaign["participants"]:
        on_time = late = missing = 0
        for period in periods:
            doc = counted.get((p["unit_id"], period))
            submitted = _aware(doc.get("submitted_at")) if doc else None
            if doc is None:
                missing += 1
            elif submitted is None:
                on_time += 1  # a score without a submission time (a rating) is not late
            elif period in dues:
                outcome = deadline_figures.report_outcome(dues[period], submitted, date.max)
                on_time, late = on_time + (outcome == "on_time"), late + (outcome == "late")
            elif submitted.date() <= period_bounds(period)[1] + timedelta(days=grace_days):
                on_time += 1
            else:
                late += 1
        out.append(Timeliness(p["unit_id"], p["name_vi"], len(periods), on_time, late, missing))
    return out


def award_lines(
    awards: Iterable[dict[str, Any]], names: dict[str, str], until: date, since: date | None = None
) -> list[AwardLine]:
    out = []
    for a in awards:
        decided = date.fromisoformat(str(a["decision"]["date"])[:10])
        if decided > until or (since is not None and decided <= since):
            continue
        nominee = a["nominee"]
        unit_name = names.get(nominee["unit_id"], nominee["unit_id"])
        label = nominee.get("person_name") or unit_name
        if nominee.get("position") and nominee.get("person_name"):
            label = f"{label}, {nominee['position']}"
        out.append(
            AwardLine(
                nominee["unit_id"],
                a["award_name_vi"],
                nominee["kind"],
                label,
                unit_name,
                a["decision"]["number"],
                decided,
            )
        )
    out.sort(key=lambda line: (line.decision_date, line.nominee_kind, line.nominee))
    return out


def assemble(
    campaign: dict[str, Any],
    review: Review,
    scores: Iterable[dict[str, Any]],
    awards: Iterable[dict[str, Any]],
    grace_days: int = 10,
) -> ReviewFigures:
    """The board's figures for one review of one campaign."""
    criteria = [Criterion.model_validate(c) for c in campaign["criteria"]]
    counted = counted_scores(scores)
    ranked = standings(campaign, counted, review.periods)
    clusters: dict[str, list[UnitResult]] = defaultdict(list)
    for row in sorted(ranked, key=lambda r: (r.cluster_name, r.cluster_rank, r.name)):
        clusters[row.cluster_name].append(row)
    exemplars = [rows[0] for rows in clusters.values() if rows and rows[0].periods_reported]
    names = {p["unit_id"]: p["name_vi"] for p in campaign["participants"]}
    reported = {unit for (unit, period) in counted if period in review.periods}
    by_unit: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for key, doc in counted.items():
        by_unit[key[0]][key] = doc
    return ReviewFigures(
        campaign_id=campaign["campaign_id"],
        campaign_name=campaign["name_vi"],
        review=review,
        participants=len(campaign["participants"]),
        targets=target_lines(criteria, counted, review.periods, review.previous),
        standings=ranked,
        clusters=sorted(clusters.items()),
        exemplars=exemplars,
        awards=award_lines(awards, names, review.review_date),
        timeliness=timeliness(campaign, counted, review.periods, grace_days),
        units_reported=len(reported & set(names)),
        criteria=criteria,
        counted_by_unit=by_unit,
        unit_names=names,
    )


@dataclass
class UnitFigures:
    unit_id: str
    unit_name: str
    board: ReviewFigures
    targets: list[TargetLine]
    standing: UnitResult | None
    timeliness: Timeliness | None
    awards: list[AwardLine]


def for_unit(figures: ReviewFigures, unit_id: str) -> UnitFigures:
    """One participating unit's own results (its report to the board for the same review)."""
    review = figures.review
    return UnitFigures(
        unit_id=unit_id,
        unit_name=figures.unit_names[unit_id],
        board=figures,
        targets=target_lines(
            figures.criteria, figures.counted_by_unit.get(unit_id, {}), review.periods, review.previous
        ),
        standing=next((s for s in figures.standings if s.unit_id == unit_id), None),
        timeliness=next((t for t in figures.timeliness if t.unit_id == unit_id), None),
        awards=[a for a in figures.awards if a.unit_id == unit_id],
    )
