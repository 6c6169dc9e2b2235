"""issue 13: award papers — the tờ trình and the quyết định (DOCX, then PDF through LibreOffice)
and the certificates (reportlab) checked as files: A4 / 420×297 mm, Liberation Serif embedded and
nothing else, the quốc hiệu on one line, the numbers, Vietnamese letters round-tripped, margins
and fonts as python-docx reads them, fields at their calibrated positions."""

import asyncio
import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from thidua_reporting.award_papers import calibration as cal
from thidua_reporting.award_papers import certificates, docx_papers, pdf, texts

from .award_paper_samples import QUOC_HIEU, fonts, page_size, sample_decision, screenshot, tool

needs_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")), reason="LibreOffice and poppler-utils are needed"
)


def test_dates_as_decree_30_writes_them():
    assert texts.vn_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert texts.vn_date(date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert texts.vn_date(date(2026, 6, 9)) == "ngày 09 tháng 6 năm 2026"
    assert texts.vn_date(date(2026, 12, 31)) == "ngày 31 tháng 12 năm 2026"
    assert texts.money(1_490_000) == "1.490.000 đồng"


def test_the_decision_reads_as_decree_30_and_the_annex_groups_collectives_then_individuals():
    d = sample_decision()
    body = texts.decision_articles(d)
    assert body["bases"][-1] == "Theo đề nghị của Sở nội vụ tại Tờ trình số 12/TTr-SNV ngày 05 tháng 01 năm 2026."
    assert [a[:6] for a in body["articles"]] == ["Điều 1", "Điều 2", "Điều 3"]
    assert "1 tập thể và 2 cá nhân" in body["articles"][0]
    assert "5.960.000 đồng" in body["articles"][1]
    assert body["annex_ref"] == "(Kèm theo Quyết định số 15/QĐ-UBND ngày 05 tháng 01 năm 2026)"
    sections = texts.annex_sections(d)
    assert [title for title, _ in sections] == ["I. TẬP THỂ", "II. CÁ NHÂN"]
    assert sections[1][1][0][:4] == ["1", "Phạm Thị Thơ", "Trưởng phòng, Sở Nội vụ tỉnh Đắk Nông", "Bằng khen của Chủ tịch UBND tỉnh"]
    assert texts.header(d, submission=False).number == "Số: 15/QĐ-UBND"
    assert texts.header(d, submission=True).left == ["UBND TỈNH ĐẮK NÔNG", "SỞ NỘI VỤ"]


def test_without_cash_article_2_says_so():
    d = sample_decision()
    d = d.model_copy(update={"awardees": [a.model_copy(update={"cash_amount": None}) for a in d.awardees]})
    assert texts.decision_articles(d)["articles"][1] == "Điều 2. Khen thưởng không kèm theo tiền thưởng."


@pytest.mark.parametrize("kind", ["quyet-dinh", "to-trinh"])
def test_the_docx_has_decree_30_margins_and_liberation_serif(kind):
    render = docx_papers.decision_docx if kind == "quyet-dinh" else docx_papers.submission_docx
    doc = Document(io.BytesIO(render(sample_decision())))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert tuple(round(m.mm, 1) for m in margins) == (20, 20, 30, 15)
    assert doc.styles["Normal"].font.name == "Liberation Serif"
    runs = [r for t in doc.tables for c in t._cells for p in c.paragraphs for r in p.runs]
    runs += [r for p in doc.paragraphs for r in p.runs]
    assert runs and {r.font.name for r in runs if r.text} == {"Liberation Serif"}
    header = doc.tables[0]
    assert QUOC_HIEU in [p.text for p in header.cell(0, 1).paragraphs]
    annex = doc.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == texts.ANNEX_COLUMNS
    assert annex.rows[1].cells[0].text == "I. TẬP THỂ"


@needs_tools
@pytest.mark.parametrize("kind", ["quyet-dinh", "to-trinh"])
def test_the_pdf_is_a4_in_liberation_serif_with_the_quoc_hieu_on_one_line(kind, tmp_path: Path):
    render = docx_papers.decision_docx if kind == "quyet-dinh" else docx_papers.submission_docx
    target = tmp_path / f"{kind}.pdf"
    target.write_bytes(asyncio.run(pdf.to_pdf(render(sample_decision()))))
    width, height = page_size(target)
    assert (round(width), round(height)) == (595, 842)
    listed = fonts(target)
    assert listed and {name for name, _ in listed} <= {"LiberationSerif", "LiberationSerif-Bold",
                                                         "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}
    assert not any("DejaVu" in name for name, _ in listed)
    assert all(embedded for _, embedded in listed)
    text = tool("pdftotext", "-layout", str(target), "-")
    assert any(QUOC_HIEU in line for line in text.splitlines())
    number = "15/QĐ-UBND" if kind == "quyet-dinh" else "12/TTr-SNV"
    assert f"Số: {number}" in text
    for letters in ("Thơ", "Hưởng", "Phạm", "Nguyễn", "Sở Nội vụ"):
        assert letters in text
    signer = "Lê Văn Chiến" if kind == "quyet-dinh" else "Hồ Thị Lựu"  # the issuing head, the board's head
    assert signer in text
    assert "ngày 05 tháng 01 năm 2026" in text
    screenshot(target, f"{kind}", tmp_path)


@needs_tools
def test_certificates_print_each_field_at_its_calibrated_box(tmp_path: Path):
    c = cal.default("bang-khen")
    d = sample_decision()
    target = tmp_path / "bang-khen.pdf"
    target.write_bytes(certificates.certificates_pdf(d, d.awardees, c))
    width, height = page_size(target)
    assert abs(width - 1190.55) < 0.05 and abs(height - 841.89) < 0.05  # 420×297 mm
    assert tool("pdfinfo", str(target)).count("Pages:") == 1 and re.search(r"Pages:\s+3", tool("pdfinfo", str(target)))
    assert {name for name, _ in fonts(target)} <= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                                                    "LiberationSerif-BoldItalic"}
    words = _words(tool("pdftotext", "-bbox", "-f", "2", "-l", "2", str(target), "-"))
    pt = 72 / 25.4
    for field, word in (("recipient", "Thơ"), ("decision", "15/QĐ-UBND,"), ("signer_name", "Chiến")):
        box = c.fields[field]
        x_min, y_min, x_max, _ = words[word]
        assert box.x_mm * pt <= x_min and x_max <= (box.x_mm + box.width_mm) * pt, field
        assert abs(y_min - box.y_mm * pt) < box.font_pt * 0.6, (field, y_min, box.y_mm * pt)
    screenshot(target, "bang-khen", tmp_path)


@needs_tools
def test_a_moved_field_moves_on_the_page_and_the_test_page_draws_every_box(tmp_path: Path):
    c = cal.default("bang-khen")
    moved = c.model_copy(update={"fields": {**c.fields, "recipient": c.fields["recipient"].model_copy(update={"y_mm": 60})}})
    d = sample_decision()
    target = tmp_path / "moved.pdf"
    target.write_bytes(certificates.certificates_pdf(d, d.awardees[:1], moved))
    words = _words(tool("pdftotext", "-bbox", str(target), "-"))
    assert abs(words["Phòng"][1] - 60 * 72 / 25.4) < 20
    page = tmp_path / "test-page.pdf"
    page.write_bytes(certificates.test_page_pdf(c))
    text = tool("pdftotext", str(page), "-")
    for field in cal.FIELDS:
        assert field in text
    assert "400" in text and "250" in text  # millimetre marks
    screenshot(page, "calibration-test-page", tmp_path)


def test_a_box_off_the_blank_is_refused_naming_the_field():
    body = cal.CalibrationWrite(width_mm=297, height_mm=210, fields={"recipient": cal.FieldBox(x_mm=200, y_mm=50, width_mm=150, font_pt=20)})
    with pytest.raises(Exception) as caught:
        cal.check(body)
    assert caught.value.errors[0].field == "fields.recipient"
    assert "297×210" in caught.value.errors[0].reason("vi")


def _words(bbox_html: str) -> dict[str, tuple[float, float, float, float]]:
    found = {}
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', bbox_html):
        found.setdefault(m[5], (float(m[1]), float(m[2]), float(m[3]), float(m[4])))
    return found
