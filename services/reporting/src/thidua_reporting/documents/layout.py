"""The Decree 30/2020 page and header as python-docx building blocks.

Why python-docx rather than docxtpl templates: the documents' shape follows the data (a table row
per target, unit or awardee, sections that exist or not), which a Jinja-in-Word template expresses
poorly; building the document in code keeps one tested layout for every kind. The output is an
ordinary DOCX with named styles (Normal, Title, Heading) that clerks open, edit and save in Word;
an edited file is accepted back as a new version (store.py).

Page: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; "Liberation Serif" (Debian
fonts-liberation2: Times metrics, full Vietnamese coverage) 14 pt justified; page numbers top
centre from page 2. Every text goes through NFC."""

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from .dates import place_and_date

FONT = "Liberation Serif"
BODY_PT = 14
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# millimetres (Decree 30: top/bottom 20–25, left 30–35, right 15–20)
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4 = (210, 297)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Letterhead:
    """The header's variable parts. `number` is the full register number without "Số: ",
    e.g. "15/BC-SNV"; `issued_on` None leaves the date for the clerk ("ngày    tháng    năm")."""

    parent_agency: str
    issuing_agency: str
    number: str
    place: str
    issued_on: date | None = None
    summary: str | None = None  # "V/v ..." under the number (letters only)


def _font(run_or_style, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    font = run_or_style.font
    font.name = FONT
    # Word picks the font per script: set every slot, or Vietnamese letters may take another one
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic


def new_document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(A4[0]), Mm(A4[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    section.header_distance = Mm(10)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid", "Header"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _font(style, size=BODY_PT if name in ("Normal", "Heading 1", "Heading 2", "Heading 3") else None)
        style.font.color.rgb = None
    normal = doc.styles["Normal"].paragraph_format
    normal.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.space_before, normal.space_after = Pt(0), Pt(6)
    normal.line_spacing = 1.15
    _page_numbers(section)
    return doc


def _page_numbers(section) -> None:
    """Top centre from page 2 (the first page has its own, empty header)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, size=13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _cell_paragraph(cell, text: str, *, size: float, bold=False, italic=False, first=False) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    _font(paragraph.add_run(nfc(text)), size=size, bold=bold, italic=italic)
    return paragraph


def _rule_under(above: Paragraph, indent_mm: float) -> None:
    """A short rule under a header line: the bottom border of an empty, tiny paragraph indented
    from both sides (the line above keeps the cell's full width)."""
    cell: Any = above._parent  # a table cell (python-docx types it as a story part)
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _no_borders(table: Table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr.append(borders)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid too (LibreOffice reads tblGrid; Word reads the cells)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def add_letterhead(doc: DocxDocument, head: Letterhead) -> Table:
    """The borderless two-column header: left the parent agency (upper), the issuing agency
    (upper, bold, a short rule) and "Số: …"; right the quốc hiệu (bold 12 pt, ONE line), the
    tiêu ngữ (bold 13 pt, a rule as long as the text) and place and date (italic)."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    # 165 mm between the margins: 60 left, 105 right (the quốc hiệu needs ~100 mm at 12 pt bold)
    _widths(table, (60, 105))
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_paragraph(left, head.parent_agency.upper(), size=12, first=True)
    _rule_under(_cell_paragraph(left, head.issuing_agency.upper(), size=12, bold=True), 18)
    _cell_paragraph(right, QUOC_HIEU, size=12, bold=True, first=True)
    _rule_under(_cell_paragraph(right, TIEU_NGU, size=13, bold=True), 20)
    number, when = table.cell(1, 0), table.cell(1, 1)
    _cell_paragraph(number, f"Số: {head.number}", size=13, first=True)
    if head.summary:
        _cell_paragraph(number, head.summary, size=12)
    dated = place_and_date(head.place, head.issued_on) if head.issued_on else f"{head.place}, ngày    tháng    năm"
    _cell_paragraph(when, dated, size=13, italic=True, first=True)
    doc.add_paragraph()
    return table


def title(doc: DocxDocument, text: str, subtitle: str | None = None) -> None:
    for line, size in ((text, 14), (subtitle, 14)):
        if not line:
            continue
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _font(paragraph.add_run(nfc(line)), size=size, bold=True)
    doc.add_paragraph()


def heading(doc: DocxDocument, text: str) -> Paragraph:
    """A section heading ("I. ĐẶC ĐIỂM TÌNH HÌNH"), bold, left, in the body font."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    _font(paragraph.add_run(nfc(text)), bold=True)
    return paragraph


def paragraph(doc: DocxDocument, text: str, *, bold=False, italic=False, indent=True) -> Paragraph:
    """Body text, justified, first line indented 10 mm; a blank line in `text` starts a new paragraph."""
    last = None
    for chunk in nfc(text).split("\n") or [""]:
        last = doc.add_paragraph()
        last.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            last.paragraph_format.first_line_indent = Mm(10)
        _font(last.add_run(chunk), bold=bold, italic=italic)
    assert last is not None
    return last


def table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    *,
    size: float = 12,
    numeric: Sequence[int] = (),
) -> Table:
    """A ruled table: bold centred headers (repeated on every page), `numeric` columns right-aligned."""
    grid = doc.add_table(rows=1 + len(rows), cols=len(headers))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(grid, widths_mm)
    header = grid.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(nfc(text)), size=size, bold=True)
    for row, values in zip(grid.rows[1:], rows, strict=True):
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.first_line_indent = None
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if index in numeric else WD_ALIGN_PARAGRAPH.LEFT
            _font(p.add_run(nfc(str(text))), size=size)
    doc.add_paragraph()
    return grid


def signature(doc: DocxDocument, recipients: Sequence[str], office: str, signer: str | None = None) -> None:
    """The closing block: "Nơi nhận:" (left, 12/11 pt) and the signer's office (right, bold upper)."""
    block = doc.add_table(rows=1, cols=2)
    _no_borders(block)
    _widths(block, (80, 85))
    left, right = block.cell(0, 0), block.cell(0, 1)
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _font(p.add_run("Nơi nhận:"), size=12, bold=True, italic=True)
    for line in recipients:
        q = left.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.LEFT
        q.paragraph_format.space_after = Pt(0)
        _font(q.add_run(nfc(f"- {line};")), size=11)
    _cell_paragraph(right, office.upper(), size=14, bold=True, first=True)
    for _ in range(4):
        right.add_paragraph()
    if signer:
        _cell_paragraph(right, signer, size=14, bold=True)


def to_bytes(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
