"""Reading an uploaded table (XLSX or CSV) into a header line and rows of text, for intake's
imports. Cells come back as Python values (numbers, dates, text); empty trailing rows are dropped.
Row numbers are those the user sees in the spreadsheet (the header is row 1)."""

import csv
import io
from datetime import datetime
from typing import Any

ZIP_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 200
MAX_LINES = 20_000  # read no further (a file of more rows is refused by its caller anyway)


class SheetUnreadable(Exception):
    """The file is neither an XLSX workbook nor a CSV text we can read (the reason is a catalogue
    key: import.file_unreadable, import.file_empty)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date()
    return value


def _xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # only imports need it

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook, or a damaged one: any of zipfile's or openpyxl's errors
        raise SheetUnreadable("import.file_unreadable") from None
    try:
        ws = wb.worksheets[0]
        lines = []
        for row in ws.iter_rows(values_only=True):
            lines.append([_clean(v) for v in row[:MAX_COLUMNS]])
            if len(lines) > MAX_LINES:
                break
        return lines
    except Exception:  # a damaged part of the workbook: any of openpyxl's parse errors
        raise SheetUnreadable("import.file_unreadable") from None
    finally:
        wb.close()


def _csv(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetUnreadable("import.file_unreadable")
    sample = text[:4096]
    # Excel in Vietnamese saves CSV with `;` (the decimal sign is a comma)
    delimiter = max((",", ";", "\t"), key=sample.count)
    lines = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            lines.append([_clean(v) for v in row[:MAX_COLUMNS]])
            if len(lines) > MAX_LINES:
                break
    except csv.Error:  # a NUL byte, a field over the size limit
        raise SheetUnreadable("import.file_unreadable") from None
    return lines


def read_table(data: bytes, filename: str = "") -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(headers, [(row number, cells)]) of the first sheet; rows with no value are left out."""
    rows = _xlsx(data) if data.startswith(ZIP_MAGIC) or filename.lower().endswith(".xlsx") else _csv(data)
    top = next((i for i, r in enumerate(rows) if any(v is not None for v in r)), None)  # blank lines above
    if top is None:
        raise SheetUnreadable("import.file_empty")
    headers = ["" if v is None else str(v) for v in rows[top]]
    while headers and not headers[-1]:
        headers.pop()
    body = [
        (n, r[: len(headers)]) for n, r in enumerate(rows[top + 1 :], start=top + 2) if any(v is not None for v in r)
    ]
    if not headers:
        raise SheetUnreadable("import.file_empty")
    return headers, body
