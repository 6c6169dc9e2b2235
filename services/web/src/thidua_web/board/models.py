"""The board's dashboards as figures: pure functions from the APIs' answers (no I/O), unit-tested.

- timeliness of reports and reviews: intake's GET /api/v1/submissions items (latest per unit and period)
- the nomination pipeline: reporting's GET /api/v1/nominations/timeliness rows, and the overdue
  nominations themselves from intake's GET /api/v1/nominations
- award statistics by award, recipient type and year: reporting's GET /api/v1/awards rows
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

READERS = ("board_officer", "chairperson", "council_member", "auditor")
# submissions are read page by page: at most MAX_PAGES pages of PAGE_SIZE (intake's largest page),
# so one dashboard never walks an unbounded list; beyond that the page says the count is partial
PAGE_SIZE = 200
MAX_PAGES = 20
YEARS = (2000, 2100)  # as the reporting API accepts them


def read_year(value: str | None) -> tuple[int | None, bool]:
    """The year asked for in the form: (year or None, whether what was given is acceptable)."""
    text = (value or "").strip()
    if not text:
        return None, True
    if not text.isdigit() or len(text) != 4 or not YEARS[0] <= int(text) <= YEARS[1]:
        return None, False
    return int(text), True


@dataclass
class Timeliness:
    total: int = 0
    pending: int = 0
    overdue: int = 0
    awaiting_unit: int = 0
    approved: int = 0
    returned: int = 0
    rejected: int = 0
    average_age_pending: float | None = None
    partial: bool = False


def timeliness(items: Iterable[Mapping[str, Any]], partial: bool = False) -> Timeliness:
    """Counts over the submissions read: pending reviews (whoever is to act), overdue ones (intake
    marks a submission overdue only while a reviewer is to act), those awaiting the unit (returned
    for correction), each final status, and the average age in days of the pending ones."""
    result = Timeliness(partial=partial)
    ages: list[float] = []
    for item in items:
        result.total += 1
        status = item.get("status")
        if status == "pending":
            result.pending += 1
            age = item.get("age_days")
            if isinstance(age, int | float) and not isinstance(age, bool):
                ages.append(float(age))
        elif status == "approved":
            result.approved += 1
        elif status == "returned":
            result.returned += 1
        elif status == "rejected":
            result.rejected += 1
        if item.get("overdue") is True:
            result.overdue += 1
        if item.get("awaiting") == "unit":
            result.awaiting_unit += 1
    if ages:
        result.average_age_pending = round(sum(ages) / len(ages), 1)
    return result


@dataclass
class Stage:
    stage: str
    count: int
    in_stage_now: int
    average_working_days: float | None
    max_working_days: float | None
    overdue: int


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _days(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def stages(rows: Iterable[Mapping[str, Any]]) -> list[Stage]:
    """reporting's per-stage rows in the chain's order, anything malformed read as nothing."""
    return [
        Stage(
            stage=str(r.get("stage") or ""),
            count=_count(r.get("count")),
            in_stage_now=_count(r.get("in_stage_now")),
            average_working_days=_days(r.get("average_working_days")),
            max_working_days=_days(r.get("max_working_days")),
            overdue=_count(r.get("overdue")),
        )
        for r in rows
        if isinstance(r, Mapping) and r.get("stage")
    ]


@dataclass
class OverdueNomination:
    nomination_id: str
    award_name: str
    nominee: str
    unit_id: str
    stage: str
    due_on: date
    days_late: int


def overdue_nominations(items: Iterable[Mapping[str, Any]], today: date) -> list[OverdueNomination]:
    """Nominations still in the chain whose current stage was due before today, the latest first."""
    found: list[OverdueNomination] = []
    for n in items:
        if not isinstance(n, Mapping) or n.get("status") != "in_progress" or not n.get("due_on"):
            continue
        try:
            due = date.fromisoformat(str(n["due_on"]))
        except ValueError:
            continue
        if due >= today:
            continue
        nominee = n.get("nominee") or {}
        unit = str(nominee.get("unit_id") or "")
        found.append(
            OverdueNomination(
                nomination_id=str(n.get("nomination_id") or ""),
                award_name=str(n.get("award_name_vi") or n.get("award_kind") or ""),
                nominee=str(nominee.get("person_name") or unit),
                unit_id=unit,
                stage=str(n.get("stage") or ""),
                due_on=due,
                days_late=(today - due).days,
            )
        )
    found.sort(key=lambda o: (o.due_on, o.nomination_id))
    return found


@dataclass
class AwardRow:
    year: int
    award_name: str
    by_recipient: dict[str, int]
    total: int


@dataclass
class AwardStats:
    recipients: list[str] = field(default_factory=list)  # the recipient types present, as reporting names them
    rows: list[AwardRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    total: int = 0


def award_stats(awards: Iterable[Mapping[str, Any]]) -> AwardStats:
    """Awards counted per year and award, split by recipient type (collective / individual, in the
    language reporting answered in); newest year first, then by award name."""
    cells: Counter[tuple[int, str, str]] = Counter()
    for a in awards:
        if not isinstance(a, Mapping) or not isinstance(a.get("year"), int):
            continue
        name = str(a.get("award_name") or a.get("award_kind") or "")
        cells[(a["year"], name, str(a.get("nominee_kind") or ""))] += 1
    stats = AwardStats(recipients=sorted({k for _, _, k in cells}))
    grouped: dict[tuple[int, str], dict[str, int]] = {}
    for (year, name, kind), n in cells.items():
        grouped.setdefault((year, name), {})[kind] = n
        stats.totals[kind] = stats.totals.get(kind, 0) + n
        stats.total += n
    for (year, name), counts in sorted(grouped.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        stats.rows.append(AwardRow(year, name, counts, sum(counts.values())))
    return stats
