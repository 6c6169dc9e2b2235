"""Report formats are plugins (entry point group `thidua.report_formats`): a class with `name`,
`media_type`, `file_extension` and `render(rows, columns, lang) -> bytes`. A province adds a
format (e.g. an .xlsx or the ministry's own layout) by installing a package that declares one."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from thidua_common.i18n import format_date, format_datetime, format_number
from thidua_common.plugins import REPORT_FORMATS, load_plugins

# the formula-injection guard is shared with the XLSX writer (thidua_common.spreadsheets)
from thidua_common.spreadsheets import FORMULA_TRIGGERS as FORMULA_TRIGGERS
from thidua_common.spreadsheets import XLSX_MEDIA_TYPE, XlsxColumn, write_xlsx
from thidua_common.spreadsheets import neutralise_formula as neutralise_formula


@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    en: str
    kind: str = "text"  # text, date, number

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class ReportFormat(Protocol):
    name: str
    media_type: str
    file_extension: str

    def render(self, rows: list[dict[str, Any]], columns: list[Column], lang: str = "vi") -> bytes: ...


def display(value: Any, lang: str = "vi") -> str:
    """A cell as people read it: dd/mm/yyyy dates and 1.234,5 numbers in Vietnamese."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value, 2, lang)
    return str(value)


def spreadsheet_cell(value: Any, lang: str = "vi") -> str:
    """display(), with text from data neutralised (see neutralise_formula)."""
    return neutralise_formula(value) if isinstance(value, str) else display(value, lang)


class CsvFormat:
    """CSV for spreadsheets: UTF-8 with a byte order mark (so Excel shows Vietnamese letters),
    headers in the reader's language, dates dd/mm/yyyy, CRLF line ends. Every cell is quoted and
    every text cell that could start a formula is neutralised (OWASP, CSV Injection): quoting keeps
    a `;` inside a name from opening a new cell where `;` is the list separator (Excel where the
    decimal sign is a comma, as in Vietnamese)."""

    name = "csv"
    media_type = "text/csv; charset=utf-8"
    file_extension = "csv"

    def render(self, rows: list[dict[str, Any]], columns: list[Column], lang: str = "vi") -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        writer.writerow([neutralise_formula(c.title(lang)) for c in columns])
        for row in rows:
            writer.writerow([spreadsheet_cell(row.get(c.key), lang) for c in columns])
        return "\ufeff".encode() + out.getvalue().encode("utf-8")


class JsonFormat:
    """JSON for programs: keys are the column keys, dates ISO 8601, numbers as numbers."""

    name = "json"
    media_type = "application/json"
    file_extension = "json"

    def render(self, rows: list[dict[str, Any]], columns: list[Column], lang: str = "vi") -> bytes:
        def value(v: Any) -> Any:
            return v.isoformat() if isinstance(v, (date, datetime)) else v

        return json.dumps(
            {
                "columns": [{"key": c.key, "title": c.title(lang)} for c in columns],
                "rows": [{c.key: value(row.get(c.key)) for c in columns} for row in rows],
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8")


# issue 13: Excel both ways
class XlsxFormat:
    """XLSX for Excel: headers in the reader's language, numbers as numbers with a format that
    Excel shows the reader's way (1.234,5 in Vietnamese), dates as real dates dd/mm/yyyy, text that
    could start a formula kept text (thidua_common.spreadsheets.writer says why)."""

    name = "xlsx"
    media_type = XLSX_MEDIA_TYPE
    file_extension = "xlsx"

    def render(self, rows: list[dict[str, Any]], columns: list[Column], lang: str = "vi") -> bytes:
        head = [XlsxColumn(c.title(lang), c.kind) for c in columns]
        return write_xlsx(head, ([row.get(c.key) for c in columns] for row in rows))


def load_formats() -> dict[str, ReportFormat]:
    """Every installed format, instantiated, by name."""
    formats = {}
    for name, factory in load_plugins(REPORT_FORMATS).items():
        plugin = factory() if isinstance(factory, type) else factory
        formats[getattr(plugin, "name", name)] = plugin
    return formats
