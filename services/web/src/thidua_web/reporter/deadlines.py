"""Issue 15: deadlines on the reporter's campaign page — each period's due date and, for a period
whose report is late (sent late, or still missing after its due date), by how many working days
(intake's GET /api/v1/campaigns/{id}/deadlines counts them with the tenant's holidays). Pure."""

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PeriodDeadline:
    due_on: date | None
    late_days: int | None  # None: on time, or not due yet


def period_deadlines(answer: dict[str, Any] | None, unit: str) -> dict[str, PeriodDeadline]:
    """By period: the campaign's due dates, with the unit's lateness where intake reports one."""
    if not answer:
        return {}
    late = {
        u["period"]: int(u.get("working_days_late", 0))
        for u in answer.get("units", [])
        if u.get("unit_id") == unit and u.get("late")
    }
    return {
        p["period"]: PeriodDeadline(date.fromisoformat(p["due_on"]), late.get(p["period"]))
        for p in answer.get("periods", [])
    }
