"""Award history queries and nomination timeliness (read side)."""

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.i18n import vi_sort_key

from ..formats import Column
from .projection import fold

LIMIT = 5000

COLUMNS = [
    Column("decision_date", "Ngày quyết định", "Decision date", "date"),
    Column("decision_number", "Số quyết định", "Decision number"),
    Column("signer", "Người ký", "Signed by"),
    Column("award_name", "Danh hiệu / hình thức khen thưởng", "Title / form of commendation"),
    Column("award_kind", "Mã khen thưởng", "Award code"),
    Column("nominee_kind", "Tập thể / cá nhân", "Collective / individual"),
    Column("person_name", "Họ và tên", "Full name"),
    Column("position", "Chức vụ", "Position"),
    Column("unit_id", "Mã đơn vị", "Unit code"),
    Column("unit_name", "Đơn vị", "Unit"),
    Column("year", "Năm", "Year", "number"),
    Column("basis", "Hình thức xét", "Basis"),
    Column("campaign_id", "Phong trào", "Campaign"),
    Column("nomination_id", "Mã hồ sơ đề nghị", "Nomination"),
]

KIND = {"collective": {"vi": "Tập thể", "en": "Collective"}, "individual": {"vi": "Cá nhân", "en": "Individual"}}
BASIS = {
    "regular": {"vi": "Thường xuyên", "en": "Regular"},
    "themed": {"vi": "Theo chuyên đề (đợt)", "en": "Themed"},
    "ad_hoc": {"vi": "Đột xuất", "en": "Ad hoc"},
    "foreign": {"vi": "Đối ngoại", "en": "Foreign"},
    "contribution": {"vi": "Cống hiến", "en": "Contribution"},
    "long_service": {"vi": "Niên hạn", "en": "Long service"},
}


async def _unit_names(db: AsyncDatabase, tenant: str) -> dict[str, str]:
    """Unit names from the units registry, else from campaign participants."""
    names: dict[str, str] = {}
    async for c in db.campaigns.find({"tenant": tenant}, {"participants.unit_id": 1, "participants.name_vi": 1}):
        for p in c.get("participants", []):
            names.setdefault(p["unit_id"], p["name_vi"])
    async for u in db.units.find({"tenant": tenant}, {"unit_id": 1, "name_vi": 1}):
        names[u["unit_id"]] = u["name_vi"]
    return names


async def awards(
    db: AsyncDatabase,
    tenant: str,
    lang: str = "vi",
    unit_id: str | None = None,
    person: str | None = None,
    award_kind: str | None = None,
    year: int | None = None,
    q: str | None = None,
) -> list[dict[str, Any]]:
    names = await _unit_names(db, tenant)
    query: dict[str, Any] = {"tenant": tenant}
    if unit_id:
        query["nominee.unit_id"] = unit_id
    if person:
        query["$or"] = [{"nominee.person_id": person}, {"search": {"$regex": re.escape(fold(person))}}]
    if award_kind:
        query["award_kind"] = award_kind
    if year:
        query["year"] = year
    if q:
        needle = fold(q.strip())
        units = [u for u, name in names.items() if needle in fold(name)]
        text = [{"search": {"$regex": re.escape(needle)}}, {"nominee.unit_id": {"$in": units}}]
        query = {"$and": [query, {"$or": text}]}
    rows = [_row(doc, names, lang) async for doc in db.awards.find(query).limit(LIMIT)]
    rows.sort(
        key=lambda r: (
            -r["decision_date"].toordinal(),
            vi_sort_key(r["unit_name"]),
            vi_sort_key(r["person_name"] or ""),
        )
    )
    return rows


def _row(doc: dict, names: dict[str, str], lang: str) -> dict[str, Any]:
    nominee, decision = doc["nominee"], doc["decision"]
    return {
        "decision_date": date.fromisoformat(decision["date"]),
        "decision_number": decision["number"],
        "signer": decision["signer"],
        "award_name": doc["award_name_vi"],
        "award_kind": doc["award_kind"],
        "nominee_kind": KIND.get(nominee["kind"], {}).get(lang, nominee["kind"]),
        "person_name": nominee.get("person_name"),
        "person_id": nominee.get("person_id"),
        "position": nominee.get("position"),
        "unit_id": nominee["unit_id"],
        "unit_name": names.get(nominee["unit_id"], nominee["unit_id"]),
        "year": doc["year"],
        "basis": BASIS.get(doc["basis"], {}).get(lang, doc["basis"]),
        "campaign_id": doc.get("campaign_id"),
        "nomination_id": doc["nomination_id"],
        "event_id": doc["event_id"],
    }


# -- timeliness ------------------------------------------------------------------------------
def _date(value: str | None) -> date | None:
    return datetime.fromisoformat(value).date() if value else None


def timeliness_of(nominations: list[dict], alerts: list[dict], today: date) -> list[dict[str, Any]]:
    """Per stage: how many nominations passed through or sit in it, the average and longest
    working days spent (as the nomination events count them: tenant holidays included), and how
    many were overdue (left after, or still in it past, the due date; or alerted as overdue)."""
    seen: dict[str, set[str]] = defaultdict(set)
    days: dict[str, list[float]] = defaultdict(list)
    overdue: dict[str, set[str]] = defaultdict(set)
    open_now: dict[str, int] = defaultdict(int)
    order: list[str] = []
    for n in nominations:
        for s in n.get("stages", []):
            stage = s["stage"]
            if stage not in order:
                order.append(stage)
            seen[stage].add(n["nomination_id"])
            if s.get("working_days") is not None:
                days[stage].append(float(s["working_days"]))
            if s.get("left_at") is None:
                open_now[stage] += 1
            due = date.fromisoformat(s["due_on"]) if s.get("due_on") else None
            left = _date(s.get("left_at"))
            if due and ((left or today) > due):
                overdue[stage].add(n["nomination_id"])
    for a in alerts:
        if a["stage"] not in order:
            order.append(a["stage"])
        overdue[a["stage"]].add(a["nomination_id"])
    return [
        {
            "stage": stage,
            "count": len(seen[stage]),
            "in_stage_now": open_now[stage],
            "average_working_days": round(sum(days[stage]) / len(days[stage]), 2) if days[stage] else None,
            "max_working_days": max(days[stage]) if days[stage] else None,
            "overdue": len(overdue[stage]),
        }
        for stage in order
    ]


async def timeliness(db: AsyncDatabase, tenant: str, year: int | None, award_kind: str | None) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"tenant": tenant}
    if year:
        query["year"] = year
    if award_kind:
        query["award_kind"] = award_kind
    nominations = await db.nominations.find(query, {"nomination_id": 1, "stages": 1}).to_list(None)
    alert_query: dict[str, Any] = {"tenant": tenant}
    if year or award_kind:
        alert_query["nomination_id"] = {"$in": [n["nomination_id"] for n in nominations]}
    alerts = await db.nomination_overdue.find(alert_query).to_list(None)
    return timeliness_of(nominations, alerts, datetime.now(UTC).date())
