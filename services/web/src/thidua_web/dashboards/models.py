"""The dashboards' view models, built from reporting's answers without I/O: the campaign's periods,
the choices of a leaderboard (cluster, period, provisional or verified), the chart data, and the
red/amber/green status of a unit's progress against its targets."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from thidua_common.contracts.period import periods_between
from thidua_common.i18n.format import format_period

STATUSES = ("provisional", "verified")


# --- progress against targets: red / amber / green ----------------------------------------------------
class Rag(StrEnum):
    green = "green"  # on target
    amber = "amber"  # close to the target
    red = "red"  # behind
    no_target = "no-target"  # nothing to compare with: no status rather than a made-up one
    no_value = "no-value"  # not reported for this period


# Thresholds on the achievement ratio (1.0 = exactly the target). A target is set per period (the
# registration's target for that period, else for every period, else the criterion's default, as
# scoring resolves it), so the period's value is compared with that period's share of the goal:
# - green ≥ 100 %: the period's target is met;
# - amber ≥ 80 %: within a fifth of it: recoverable in the next periods, and still worth 40 % of
#   the criterion's points under the ratio-to-target rule (0.5·MS·A/T), so it is worth a warning,
#   not an alarm;
# - red below 80 %: clearly behind; the unit should act.
GREEN_AT = 1.0
AMBER_AT = 0.8


def achievement(value: float | None, target: float | None, direction: str = "higher") -> float | None:
    """How much of the target a value achieves (1.0 = on target), better is always larger.
    Lower-is-better criteria (violations, overdue dossiers) invert the ratio: 4 against a ceiling
    of 5 achieves 1.25, 10 against 5 achieves 0.5. None when there is no value or no target."""
    if value is None or target is None:
        return None
    if direction == "lower":
        if value <= 0:
            return float("inf") if target > 0 else 1.0  # none at all: as good as it gets
        return target / value
    if target <= 0:
        return float("inf") if value > 0 else 1.0  # a target of zero is met by anything
    return value / target


def rag(value: float | None, target: float | None, direction: str = "higher") -> Rag:
    if value is None:
        return Rag.no_value
    ratio = achievement(value, target, direction)
    if ratio is None:
        return Rag.no_target
    if ratio >= GREEN_AT:
        return Rag.green
    if ratio >= AMBER_AT:
        return Rag.amber
    return Rag.red


@dataclass
class ProgressRow:
    """One period of one criterion, as the progress table shows it."""

    period: str
    period_label: str
    value: float | None
    target: float | None
    achieved: float | None  # percent, direction taken into account; None: nothing to compare
    status: Rag


@dataclass
class CriterionProgress:
    criterion_id: str
    name: str
    unit_of_measure: str
    direction: str
    rows: list[ProgressRow]

    @property
    def latest(self) -> ProgressRow | None:
        """The newest period with a value: the criterion's headline status."""
        reported = [r for r in self.rows if r.value is not None]
        return reported[-1] if reported else None


def progress(answer: dict[str, Any]) -> list[CriterionProgress]:
    """Reporting's progress answer (per leaf criterion, a series of periods) with a status per period.
    Reporting gives value, target and a plain value/target percentage but no status: the status is
    ours, and so is the percentage, which must respect `direction`."""
    out = []
    for criterion in answer.get("criteria", []):
        direction = str(criterion.get("direction") or "higher")
        rows = []
        for point in criterion.get("series", []):
            value, target = point.get("value"), point.get("target")
            ratio = achievement(value, target, direction)
            shown = None if ratio is None or ratio == float("inf") else round(100 * ratio, 1)
            rows.append(
                ProgressRow(
                    period=point["period"],
                    period_label=point.get("period_label") or point["period"],
                    value=value,
                    target=target,
                    achieved=shown,
                    status=rag(value, target, direction),
                )
            )
        out.append(
            CriterionProgress(
                criterion_id=criterion["criterion_id"],
                name=criterion.get("criterion_name") or criterion["criterion_id"],
                unit_of_measure=criterion.get("unit_of_measure") or "",
                direction=direction,
                rows=rows,
            )
        )
    return out


# --- the overview's choices ----------------------------------------------------------------------------
def campaign_periods(campaign: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(period, label) of every reporting period of the campaign, in order."""
    try:
        first, last = date.fromisoformat(str(campaign["start"])), date.fromisoformat(str(campaign["end"]))
        frequency = str(campaign["reporting_frequency"])
    except (KeyError, ValueError):
        return []
    return [(p, format_period(p, lang)) for p in periods_between(first, last, frequency)]


@dataclass
class BoardChoice:
    """What a leaderboard shows: one cluster or all, one period or the whole campaign, provisional
    or verified. Unknown choices (an edited URL) fall back to the default instead of failing."""

    cluster: str | None = None
    period: str | None = None
    status: str = "provisional"

    @classmethod
    def of(
        cls, campaign: dict[str, Any], periods: list[tuple[str, str]], cluster: str | None, period: str | None,
        status: str | None,
    ) -> "BoardChoice":  # fmt: skip
        clusters = {str(c.get("id")) for c in campaign.get("clusters", [])}
        return cls(
            cluster=cluster if cluster in clusters else None,
            period=period if period in {p for p, _ in periods} else None,
            status=status if status in STATUSES else "provisional",
        )

    def params(self) -> dict[str, str]:
        """The query of the page and of reporting's leaderboard (empty choices left out)."""
        out = {"status": self.status}
        if self.cluster:
            out["cluster"] = self.cluster
        if self.period:
            out["period"] = self.period
        return out


CHART_UNITS = 30  # a chart of 2 000 bars says nothing: the first ones, the table has all


PAGE_ROWS = 100  # rows of a leaderboard table per page: 2 000 rows cost more to send and read than to compute


@dataclass(frozen=True)
class BoardPage:
    """One page of a leaderboard's standings, and where the caller's unit stands on the whole board."""

    rows: list[dict[str, Any]]
    number: int  # 1-based, within 1..count
    count: int
    first: int  # position (1-based) of the first row shown, 0 when there is none
    mine: dict[str, Any] | None

    @classmethod
    def of(cls, standings: list[dict[str, Any]], asked: str | None, my_unit: str | None) -> "BoardPage":
        count = max(1, -(-len(standings) // PAGE_ROWS))
        try:
            number = min(max(int(asked or 1), 1), count)  # an edited address: the nearest page
        except ValueError:
            number = 1
        start = (number - 1) * PAGE_ROWS
        rows = standings[start : start + PAGE_ROWS]
        mine = next((s for s in standings if my_unit and s.get("unit_id") == my_unit), None)
        return cls(rows, number, count, start + 1 if rows else 0, mine)


def board_chart(board: dict[str, Any], title: str) -> dict[str, Any]:
    """The chart of a leaderboard's standings (best first): read by static/dashboards.js."""
    standings = board.get("standings", [])[:CHART_UNITS]
    return {
        "kind": "board",
        "title": title,
        "names": [str(s.get("unit_name") or s.get("unit_id")) for s in standings],
        "values": [s.get("score") for s in standings],
        "max": max((s.get("max_total") or 0) / max(s.get("periods_due") or 1, 1) for s in standings)
        if standings
        else None,
    }


def history_chart(scorecard: dict[str, Any], title: str, series_name: str) -> dict[str, Any]:
    """The chart of a unit's total per period."""
    periods = scorecard.get("periods", [])
    return {
        "kind": "history",
        "title": title,
        "names": [str(p.get("period_label") or p.get("period")) for p in periods],
        "values": [p.get("total") for p in periods],
        "max": max((p.get("max_total") or 0 for p in periods), default=None),
        "series": series_name,
    }


def chosen_card(scorecard: dict[str, Any], period: str | None) -> dict[str, Any] | None:
    """The period card to show: the one asked for, else the newest."""
    periods = scorecard.get("periods", [])
    if period:
        for card in periods:
            if card.get("period") == period:
                return card
    return periods[-1] if periods else None


def depth_of(lines: list[dict[str, Any]]) -> dict[str, int]:
    """Criterion id → depth in the tree (0 for top level), from the lines' parent ids."""
    parents = {str(line.get("criterion_id")): line.get("parent_id") for line in lines}
    depth: dict[str, int] = {}
    for cid in parents:
        d, seen, node = 0, {cid}, parents.get(cid)
        while node and node not in seen and d < 20:
            seen.add(node)
            d, node = d + 1, parents.get(node)
        depth[cid] = d
    return depth
