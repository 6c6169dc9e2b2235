"""The tờ trình and the quyết định as DOCX (python-docx): clerks open and edit them in Word.
The page and the two-column header are the documents toolkit's (..documents.layout: A4, Decree 30
margins, Liberation Serif, page numbers from page 2); the body, the signature block and the annex
table (rows that vary per decision, which is why code rather than a .docx template) are built here."""

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from thidua_common.contracts.award_papers import AwardDecisionIssued

from ..documents import layout
from . import texts

FONT = layout.FONT  # Liberation Serif: Times metrics, full Vietnamese coverage (fonts-liberation2)
BODY_PT = layout.BODY_PT


def _font(run, size: float | None = None, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.bold = bold
    run.font.italic = italic
    if size:
        run.font.size = Pt(size)
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(
    container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold=False,
    italic=False,
    align=None,
    indent=False,
    after: float = 3,
):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    if text:
        _font(p.add_run(texts.nfc(text)), size, bold, italic)
    return p


def _cell(table, row: int, col: int):
    """A table cell emptied of its first (blank) paragraph, to be filled by _para."""
    cell = table.cell(row, col)
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


def _letterhead(doc, d: AwardDecisionIssued, submission: bool) -> None:
    """The toolkit's two-column header (quốc hiệu on one line, tiêu ngữ, place and date)."""
    agency = d.board_agency if submission else d.issuing_agency
    paper = d.submission_number if submission else d.decision_number
    head = layout.Letterhead(agency.parent_vi, agency.name_vi, paper.number, d.place_vi, paper.date)
    layout.add_letterhead(doc, head)


def _signature(doc, recipients: list[str], lines: list[str], name: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    for col, width in zip(table.columns, (Cm(7.5), Cm(9)), strict=True):
        for cell in col.cells:
            cell.width = width
    lcell, rcell = _cell(table, 0, 0), _cell(table, 0, 1)
    _para(lcell, "Nơi nhận:", size=12, bold=True, italic=True, after=0)
    for r in recipients:
        _para(lcell, f"- {r};", size=11, after=0)
    for line in lines:
        _para(rcell, line, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    for _ in range(4):  # room for the signature and the seal
        _para(rcell, "", after=0)
    _para(rcell, name, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)


def _title(doc, title: str, subject: str) -> None:
    _para(doc, "", after=0)
    _para(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)


def _annex(doc, d: AwardDecisionIssued, heading: list[str]) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for i, line in enumerate(heading):
        _para(doc, line, bold=i == 0, italic=i > 0, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, "", after=0)
    table = doc.add_table(rows=1, cols=len(texts.ANNEX_COLUMNS))
    table.style = "Table Grid"
    widths = [Cm(1.1), Cm(3.6), Cm(3.4), Cm(2.6), Cm(4.2), Cm(1.6)]
    for cell, name, width in zip(table.rows[0].cells, texts.ANNEX_COLUMNS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(name), 12, bold=True)
    for title, rows in texts.annex_sections(d):
        section = table.add_row().cells
        merged = section[0].merge(section[-1])
        _font(merged.paragraphs[0].add_run(title), 12, bold=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, value, width in zip(cells, values, widths, strict=True):
                cell.width = width
                _font(cell.paragraphs[0].add_run(value), 12)
            cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _bytes(doc) -> bytes:
    return layout.to_bytes(doc)


def decision_docx(d: AwardDecisionIssued) -> bytes:
    body = texts.decision_articles(d)
    doc = layout.new_document()
    _letterhead(doc, d, submission=False)
    _title(doc, body["title"], body["subject"])
    _para(doc, body["authority"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    for basis in body["bases"]:
        _para(doc, basis, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(doc, body["decides"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    for article in body["articles"]:
        _para(doc, article, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _signature(doc, ["Như Điều 3", "Lưu: VT"], d.signer.lines, d.signer.name)
    _annex(doc, d, [body["annex_title"], body["annex_ref"]])
    return _bytes(doc)


def submission_docx(d: AwardDecisionIssued) -> bytes:
    body = texts.submission_body(d)
    doc = layout.new_document()
    _letterhead(doc, d, submission=True)
    _title(doc, body["title"], body["subject"])
    _para(doc, body["to"], align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    for paragraph in body["paragraphs"]:
        _para(doc, paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    head = d.board_signer  # none configured: the title alone, the name left for the clerk
    _signature(doc, ["Như trên", "Lưu: VT"], head.lines if head else ["GIÁM ĐỐC"], head.name if head else "")
    ref = texts.nfc(f"(Kèm theo Tờ trình số {d.submission_number.number} {texts.vn_date(d.submission_number.date)})")
    _annex(doc, d, ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", ref])
    return _bytes(doc)
