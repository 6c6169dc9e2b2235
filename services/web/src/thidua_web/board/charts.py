"""The board's charts as data: pure functions from the dashboard's figures (board/models.py) to what
static/board.js hands ECharts. The page renders each as a JSON block (never executed: CSP allows no
inline script) next to the table holding the same figures, which stays the accessible version.

Every chart is bars over named categories, one or more series:
    {"names": [category, ...], "series": [{"name": str, "values": [number, ...]}], "stacked": bool}
An empty chart (no category) is None: the page then shows no chart, the table says there is nothing."""

from collections.abc import Mapping, Sequence
from typing import Any

from .models import AwardStats, Stage, Timeliness

Chart = dict[str, Any]
AWARD_NAMES = 20  # more bars than this say nothing: the table lists every award


def _series(name: str, values: Sequence[int | float]) -> dict[str, Any]:
    return {"name": name, "values": list(values)}


def timeliness_chart(figures: Timeliness | None, words: Mapping[str, str]) -> Chart | None:
    """The campaign's submissions by where they stand: awaiting review (of which overdue), awaiting
    the unit, and decided (approved, returned, rejected)."""
    if figures is None or figures.total == 0:
        return None
    rows = [
        ("brd_pending", figures.pending),
        ("brd_overdue", figures.overdue),
        ("brd_awaiting_unit", figures.awaiting_unit),
        ("brd_approved", figures.approved),
        ("brd_returned", figures.returned),
        ("brd_rejected", figures.rejected),
    ]
    return {
        "names": [words[key] for key, _ in rows],
        "series": [_series(words["brd_value"], [n for _, n in rows])],
        "stacked": False,
    }


def pipeline_chart(stages: Sequence[Stage], words: Mapping[str, str]) -> Chart | None:
    """Per stage in the chain's order: nominations through it, sitting in it now, and overdue."""
    if not stages:
        return None
    return {
        "names": [s.stage for s in stages],
        "series": [
            _series(words["brd_passed"], [s.count for s in stages]),
            _series(words["brd_in_stage"], [s.in_stage_now for s in stages]),
            _series(words["brd_stage_overdue"], [s.overdue for s in stages]),
        ],
        "stacked": False,
    }


def awards_chart(stats: AwardStats) -> Chart | None:
    """Awards per award kind (the years shown added up), stacked by recipient type; the most
    awarded kinds first, at most AWARD_NAMES of them."""
    if not stats.rows:
        return None
    per_kind: dict[str, dict[str, int]] = {}
    for row in stats.rows:
        counts = per_kind.setdefault(row.award_name, {})
        for kind, n in row.by_recipient.items():
            counts[kind] = counts.get(kind, 0) + n
    names = sorted(per_kind, key=lambda name: (-sum(per_kind[name].values()), name))[:AWARD_NAMES]
    return {
        "names": names,
        "series": [_series(kind, [per_kind[name].get(kind, 0) for name in names]) for kind in stats.recipients],
        "stacked": True,
    }
