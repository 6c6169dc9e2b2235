"""The console's own tables as spreadsheet rows: the same view models the pages render, the
same headers (the page's texts), one line per table row. Pure; the XLSX itself is written by the
platform's one writer (thidua_common.spreadsheets), shared with reporting's `xlsx` format: the
console needs it for the tables it assembles itself (units register, review queue, nominations),
reporting for the tables it serves, and one implementation keeps number formats, dates and the
formula guard the same in every file a user downloads."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from thidua_common.spreadsheets import XlsxColumn

from ..formats import LOCAL, period
from ..i18n import label

Table = tuple[list[XlsxColumn], list[list[Any]]]


def _local(value: Any) -> datetime | None:
    """An ISO moment as the console shows it: wall-clock time in Vietnam (Excel has no zones)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL).replace(tzinfo=None)
    return moment


def units_table(rows: Iterable[Any], t: Mapping[str, str], lang: str) -> Table:
    """The units register (units/index.html): name, code, type, status."""
    columns = [
        XlsxColumn(t["unt_name"]),
        XlsxColumn(t["unt_id"]),
        XlsxColumn(t["unt_type"]),
        XlsxColumn(t["unt_status"]),
    ]
    values = []
    for row in rows:
        unit = row.unit
        name = unit.get("name_en") if lang == "en" and unit.get("name_en") else unit.get("name_vi")
        values.append(
            [
                name,
                unit.get("unit_id"),
                label(f"unit_type.{unit.get('unit_type')}", lang),
                label(f"unit_status.{unit.get('status')}", lang),
            ]
        )
    return columns, values


def queue_table(rows: Iterable[Any], t: Mapping[str, str], lang: str) -> Table:
    """The review queue (reviewer/queue.html), without its action column."""
    columns = [
        XlsxColumn(t["rev_campaign"]),
        XlsxColumn(t["rev_unit"]),
        XlsxColumn(t["rev_period"]),
        XlsxColumn(t["rev_submitted_at"], "datetime"),
        XlsxColumn(t["rev_age"], "integer"),
        XlsxColumn(t["rev_due"], "date"),
        XlsxColumn(t["rev_awaiting"]),
    ]
    values = []
    for r in rows:
        awaiting = t.get(f"rev_level_{r.awaiting}", r.awaiting) if r.awaiting else ""
        if r.appeal_to:
            awaiting = f"{t['rev_appeal_marker']} {awaiting}".strip()
        values.append(
            [
                r.campaign_name,
                r.unit_name,
                period(r.period, lang),
                _local(r.submitted_at),
                r.age_days,
                r.due_date,
                awaiting,
            ]
        )
    return columns, values


def nominations_table(rows: Iterable[Any], t: Mapping[str, str]) -> Table:
    """The nominations list (nominations/_macros.html table), without its action column."""
    columns = [
        XlsxColumn(t["nom_award"]),
        XlsxColumn(t["nom_nominee"]),
        XlsxColumn(t["nom_unit"]),
        XlsxColumn(t["nom_year"], "integer"),
        XlsxColumn(t["nom_status"]),
        XlsxColumn(t["nom_stage"]),
        XlsxColumn(t["nom_due"], "date"),
    ]
    values = []
    for r in rows:
        nominee = f"{r.nominee} ({t.get('nom_kind_' + r.kind, r.kind)})"
        status = t.get(f"nom_status_{r.status}", r.status)
        values.append([r.award, nominee, r.unit, r.year, status, r.stage or "", r.due.on])
    return columns, values
