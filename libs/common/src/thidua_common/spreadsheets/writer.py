"""The one XLSX writer of the platform (reporting's `xlsx` format and the console's own tables).

Number formats. An XLSX number format is stored locale-independently: in the file `,` is always
the thousands separator and `.` the decimal sign, and Excel (and LibreOffice) display them with
the reader's own separators. So `#,##0.0#` shows 1.234,5 in a Vietnamese-locale Excel and 1,234.5
in an English one, and the cell stays a number that sums and sorts. Writing "1.234,5" as text
would look right in Vietnam only and break every formula, so numbers are written as numbers.
Dates are real dates with the format `dd/mm/yyyy` (as Vietnamese write them, whatever the
machine's locale); times `dd/mm/yyyy hh:mm`.

Formula injection: a text cell from data is written as a string cell (never a formula, even when
it starts with = + - @) with the quote prefix set, so that editing it in Excel keeps it text; the
text itself is unchanged (no visible quote, unlike the CSV export, which has no cell types)."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .formulas import starts_formula

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS = {
    "number": "#,##0.0#",  # 1.234,5 / 1.234,56 in a Vietnamese Excel
    "integer": "#,##0",
    "percent": "#,##0.0",  # a percentage as a number of percent (85,3), as the console shows it
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}
MAX_WIDTH = 60
# Excel refuses sheet names over 31 characters or with any of these
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class XlsxColumn:
    """A column as the reader sees it: its header (already in the reader's language) and kind:
    text, number, integer, percent, date, datetime."""

    title: str
    kind: str = "text"


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _date(value: Any, kind: str) -> date | datetime | None:
    if isinstance(value, datetime):
        # Excel has no time zones: the wall-clock time as stored (the console shows UTC+7 itself)
        return value.replace(tzinfo=None) if kind == "datetime" else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed.replace(tzinfo=None) if kind == "datetime" else parsed.date()
    return None


def _put(ws: Any, row: int, col: int, value: Any, kind: str) -> int:
    """Write one cell; return the width its text needs."""
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return 0
    if kind in ("number", "integer", "percent"):
        number = _number(value)
        if number is not None:
            cell.value = number
            cell.number_format = FORMATS[kind]
            return len(f"{number:,.2f}")
    if kind in ("date", "datetime"):
        moment = _date(value, kind)
        if moment is not None:
            cell.value = moment
            cell.number_format = FORMATS[kind]
            return 16 if kind == "datetime" else 10
    if isinstance(value, bool):
        value = "có" if value else "không"
    # XLSX cannot hold control characters (openpyxl raises on them): stored text keeps its words
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    if starts_formula(text):
        cell.quotePrefix = True
    return max((len(line) for line in text.splitlines()), default=0)


def write_xlsx(
    columns: Sequence[XlsxColumn],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Dữ liệu",
    heading: str | None = None,
) -> bytes:
    """An XLSX workbook of one sheet: an optional heading line (the table's title), a bold header
    row frozen at the top with an auto filter, then one line per row (values in column order)."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet (typed as possibly a chart sheet)
    ws.title = (sheet.translate(SHEET_FORBIDDEN).strip() or "Sheet")[:31]
    top = 1
    if heading:
        ws.cell(row=1, column=1, value=heading).font = Font(bold=True, size=13)
        ws.cell(row=1, column=1).data_type = "s"
        top = 3
    widths = [len(c.title) for c in columns]
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=i, value=column.title)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    last = top
    for r, values in enumerate(rows, start=top + 1):
        last = r
        for i, column in enumerate(columns, start=1):
            value = values[i - 1] if i - 1 < len(values) else None
            widths[i - 1] = max(widths[i - 1], _put(ws, r, i, value, column.kind))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, width + 2))
    if columns:
        ws.freeze_panes = f"A{top + 1}"  # the header row stays in view
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
