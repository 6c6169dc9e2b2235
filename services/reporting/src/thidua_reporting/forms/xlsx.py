"""A form as an XLSX workbook in the Circular's layout: quốc hiệu, the form's code and legal basis
on the left, title and year in the middle, reporting and receiving units on the right, header rows
with merged cells, the row and column codes, the figures (totals included, as values, so every
reader sees them without recalculating), Liberation Serif, borders, Vietnamese number format, A4
landscape fitted to the page width."""

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..documents.dates import vn_date
from .compute import Table
from .layout import CIRCULAR, DUE, RECEIVER

FONT = "Liberation Serif"  # metric-compatible with Times New Roman, full Vietnamese (fonts-liberation2)
NUMBER = "[$-42A]#,##0"  # Vietnamese locale: 1.234
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
KIND_LABEL = {"collective": "Tập thể", "individual": "Cá nhân"}


def _font(size: float = 11, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def _put(ws: Worksheet, row: int, col: int, value, *, font: Font | None = None, align=CENTER, border=False):
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = font or _font()
    cell.alignment = align
    if border:
        cell.border = BOX
    return cell


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value, **kw) -> None:
    _put(ws, r1, c1, value, **kw)
    if kw.get("border"):
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).border = BOX
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def render(table: Table, reporting_unit: str, today: date, place: str = "") -> bytes:
    form = table.form
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = form.slug
    lead = 3 if form.paired else 2  # Tên chỉ tiêu, Mã số (, Đơn vị tính)
    first = lead + 1  # the "Tổng số" column
    last = lead + len(table.columns)
    third = max(first + 1, last - (last - first) // 3)  # the right block's first column

    _merge(ws, 1, 1, 1, last, QUOC_HIEU, font=_font(12, bold=True))
    _merge(ws, 2, 1, 2, last, TIEU_NGU, font=_font(13, bold=True))
    left = lead
    _merge(ws, 4, 1, 4, left, f"Biểu số: {form.code}", font=_font(11, bold=True), align=LEFT)
    _merge(ws, 5, 1, 5, left, f"Ban hành theo {CIRCULAR}", font=_font(10, italic=True), align=LEFT)
    _merge(ws, 6, 1, 6, left, f"Ngày nhận báo cáo: {DUE}", font=_font(10, italic=True), align=LEFT)
    _merge(ws, 4, left + 1, 4, third - 1, form.title, font=_font(14, bold=True))
    _merge(ws, 5, left + 1, 5, third - 1, f"Năm {table.year}", font=_font(12, bold=True))
    _merge(ws, 4, third, 4, last, f"Đơn vị báo cáo: {reporting_unit}", font=_font(10), align=LEFT)
    _merge(ws, 5, third, 5, last, f"Đơn vị nhận báo cáo: {RECEIVER}", font=_font(10), align=LEFT)
    _merge(ws, 6, third, 6, last, form.unit_note, font=_font(10, italic=True), align=LEFT)
    for r in (5, 6):
        ws.row_dimensions[r].height = 30

    head = 8
    depth = 3 if form.paired else 2  # header rows above the code row
    bold = _font(11, bold=True)
    _merge(ws, head, 1, head + depth - 1, 1, "Tên chỉ tiêu", font=bold, border=True)
    _merge(ws, head, 2, head + depth - 1, 2, "Mã số", font=bold, border=True)
    if form.paired:
        _merge(ws, head, 3, head + depth - 1, 3, "Đơn vị tính", font=bold, border=True)
    _merge(ws, head, first, head + depth - 1, first, "Tổng số", font=bold, border=True)
    _merge(ws, head, first + 1, head, last, form.group_heading, font=bold, border=True)
    col = first + 1
    for g in form.groups:
        if form.paired:
            _merge(ws, head + 1, col, head + 1, col + 1, g.label, font=bold, border=True)
            for k, kind in enumerate(("collective", "individual")):
                _put(ws, head + 2, col + k, KIND_LABEL[kind], font=bold, border=True)
            col += 2
        else:
            _put(ws, head + 1, col, g.label, font=bold, border=True)
            col += 1
    ws.row_dimensions[head + 1].height = 45
    codes = head + depth
    letters = ["A", "B", "C"][:lead]
    numbers = list(range(1, len(table.columns) + 1))
    total_code = "1" if form.paired else "1=" + "+".join(str(n) for n in numbers[1:])
    for c, code in enumerate([*letters, total_code, *(str(n) for n in numbers[1:])], start=1):
        _put(ws, codes, c, code, font=_font(10, italic=True), border=True)

    r = codes + 1
    for row, values in zip(form.rows, table.cells, strict=True):
        heading = row.code is None
        label = ("    " * row.indent) + row.label
        _put(ws, r, 1, label, font=_font(11, bold=heading or row.key is None, italic=heading), align=LEFT, border=True)
        _put(ws, r, 2, row.code or "", border=True)
        if form.paired:
            _put(ws, r, 3, row.unit, border=True)
        for c, v in enumerate(values, start=first):
            cell = _put(ws, r, c, None if heading else v, font=_font(11, bold=row.key is None), border=True)
            cell.number_format = NUMBER
            cell.alignment = Alignment(horizontal="right", vertical="center")
        r += 1

    r += 1
    where = f"{place}, " if place else ""
    _merge(ws, r, third, r, last, f"{where}{vn_date(today)}", font=_font(11, italic=True))
    _merge(ws, r + 1, 1, r + 1, lead, "NGƯỜI LẬP BIỂU", font=_font(11, bold=True))
    _merge(ws, r + 1, third, r + 1, last, "THỦ TRƯỞNG ĐƠN VỊ", font=_font(11, bold=True))
    _merge(ws, r + 2, 1, r + 2, lead, "(Ký, ghi rõ họ tên)", font=_font(10, italic=True))
    _merge(ws, r + 2, third, r + 2, last, "(Ký, đóng dấu, ghi rõ họ tên)", font=_font(10, italic=True))

    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 7
    if form.paired:
        ws.column_dimensions["C"].width = 11
    for c in range(first, last + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9 if form.paired else 16
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{head}:{codes}"
    wb.properties.title = f"Biểu {form.code} năm {table.year}"
    wb.properties.creator = "Thi Đua"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
