"""Spreadsheets in and out (issue 13, Excel both ways): one XLSX writer that reporting (its
`xlsx` report format) and the console (tables it assembles itself) share, the formula-injection
guard that the CSV export uses too, and the reader that intake's imports use. Pure: bytes in,
bytes out, no I/O."""

from .formulas import FORMULA_TRIGGERS, neutralise_formula, starts_formula
from .reader import SheetUnreadable, read_table
from .writer import XLSX_MEDIA_TYPE, XlsxColumn, write_xlsx

__all__ = [
    "FORMULA_TRIGGERS",
    "XLSX_MEDIA_TYPE",
    "SheetUnreadable",
    "XlsxColumn",
    "neutralise_formula",
    "read_table",
    "starts_formula",
    "write_xlsx",
]
