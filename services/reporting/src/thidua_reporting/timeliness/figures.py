"""Timeliness figures of a campaign (pure, no I/O).

- Reports: a period counts once its due date (the campaign's `period_deadlines`, as intake computed
  them) has passed; a unit's report for it is on time when submitted on or before the due date (its
  local day, thidua_common.deadlines.is_late), late when after, missing when not at all. The on-time
  rate is on time / due. A cluster's figures are the sums of its units'.
- Reviews: from each submission's arrival to its first review decision, in working days (week-ends
  skipped; reporting does not hold the tenant's holidays); overdue when longer than the campaign's
  review service time or escalated by intake's ladder.
- Escalations: how many steps of each ladder fired, by the role they reached.
Nomination stage times are GET /api/v1/nominations/timeliness (awards.service)."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Any

from thidua_common.calendar import working_days_between
from thidua_common.deadlines import DEFAULT_REVIEW_DUE_WORKING_DAYS, is_late, on_time_rate
from thidua_common.i18n.format import VN_TZ


def local_day(value: Any) -> date | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TZ).date()


def due_dates(campaign: dict[str, Any]) -> dict[str, date]:
    return {pd["period"]: date.fromisoformat(str(pd["due_on"])) for pd in campaign.get("period_deadlines", [])}


def report_outcome(due: date, submitted_at: Any, today: date) -> str | None:
    """on_time, late, missing; None while the due date has not passed and nothing came in."""
    submitted = local_day(submitted_at)
    if submitted is not None:
        return "late" if is_late(due, submitted) else "on_time"
    return "missing" if today > due else None


def _row(key: dict[str, Any], outcomes: Counter) -> dict[str, Any]:
    due = outcomes["on_time"] + outcomes["late"] + outcomes["missing"]
    return {
        **key,
        "due": due,
        "on_time": outcomes["on_time"],
        "late": outcomes["late"],
        "missing": outcomes["missing"],
        "on_time_rate": on_time_rate([True] * outcomes["on_time"] + [False] * (due - outcomes["on_time"])),
    }


def reports(
    campaign: dict[str, Any], submitted: dict[tuple[str, str], Any], today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per unit and per cluster. `submitted`: (unit, period) -> when the unit reported."""
    dues = due_dates(campaign)
    clusters = {c["id"]: c.get("name_vi", c["id"]) for c in campaign.get("clusters", [])}
    units: list[dict[str, Any]] = []
    by_cluster: defaultdict[str | None, Counter] = defaultdict(Counter)
    for p in campaign.get("participants", []):
        outcomes: Counter = Counter()
        for period, due in dues.items():
            outcome = report_outcome(due, submitted.get((p["unit_id"], period)), today)
            if outcome:
                outcomes[outcome] += 1
        units.append(
            _row(
                {"unit_id": p["unit_id"], "unit_name": p.get("name_vi", ""), "cluster_id": p.get("cluster_id")},
                outcomes,
            )
        )
        by_cluster[p.get("cluster_id")] += outcomes
    cluster_rows = [
        _row({"cluster_id": cid, "cluster_name": clusters.get(cid, "") if cid else ""}, outcomes)
        for cid, outcomes in sorted(by_cluster.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
    return units, cluster_rows


def reviews(
    arrivals: dict[str, Any],
    decisions: dict[str, Any],
    today: date,
    service_days: int | None,
    escalated: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    """`arrivals`: submission id -> when it came in; `decisions`: submission id -> its first review
    decision; `escalated`: submission ids whose review climbed intake's ladder."""
    limit = service_days or DEFAULT_REVIEW_DUE_WORKING_DAYS
    times, overdue, waiting = [], 0, 0
    for sid, arrived in arrivals.items():
        start = local_day(arrived)
        if start is None:
            continue
        end = local_day(decisions.get(sid))
        days = working_days_between(start, end or today)
        if end is None:
            waiting += 1
        else:
            times.append(days)
        overdue += days > limit or sid in escalated
    return {
        "decided": len(times),
        "waiting": waiting,
        "average_working_days": round(sum(times) / len(times), 2) if times else None,
        "longest_working_days": max(times) if times else None,
        "overdue": overdue,
        "service_working_days": limit,
    }


def escalations(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter((s["subject"], s["kind"], s["step_role"]) for s in steps)
    return [
        {"subject": subject, "kind": kind, "role": role, "count": n}
        for (subject, kind, role), n in sorted(counts.items())
    ]
