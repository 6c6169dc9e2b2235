"""Issue 13: the shared document toolkit (dates, Decree 30 layout, DOCX → PDF, access)."""

import asyncio
import io
from datetime import date

import pytest
from docx import Document

from tests import documents_checks as checks
from thidua_common.auth import Principal, Role
from thidua_reporting.documents import Letterhead, add_letterhead, layout, new_document, to_bytes, to_pdf, vn_date
from thidua_reporting.documents.access import may_read
from thidua_reporting.documents.pdf import ConversionFailed, to_pdf_many

needs_tools = pytest.mark.skipif(bool(checks.tools_missing()), reason="LibreOffice / poppler-utils not installed")


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 6, 9), "ngày 09 tháng 6 năm 2026"),
        (date(2026, 3, 10), "ngày 10 tháng 3 năm 2026"),
        (date(2026, 11, 30), "ngày 30 tháng 11 năm 2026"),
        (date(2026, 12, 1), "ngày 01 tháng 12 năm 2026"),
        (date(2026, 10, 15), "ngày 15 tháng 10 năm 2026"),
    ],
)
def test_vn_date_zero_pads_only_small_days_and_january_february(day, words):
    assert vn_date(day) == words


def sample(number="15/BC-SNV") -> bytes:
    doc = new_document()
    add_letterhead(doc, Letterhead("UBND tỉnh Đắk Nông", "Sở Nội vụ", number, "Đắk Nông", date(2026, 1, 5)))
    # decomposed input (NFD) comes out composed (NFC)
    layout.title(doc, "BÁO CÁO", "Sơ kết phong trào thi đua \u01a1 u\u031b a\u0323")
    layout.heading(doc, "I. ĐẶC ĐIỂM TÌNH HÌNH")
    layout.paragraph(doc, "Chữ Việt đủ dấu: ơ ư ạ ễ ộ Ơ Ư Ạ Ễ Ộ ỹ ừ ợ.\nĐoạn thứ hai. " * 30)
    rows = [[str(i), "Tỷ lệ hộ nghèo giảm", "100", "95", "95,0", ""] for i in range(1, 70)]
    layout.table(doc, ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "%", "Ghi chú"], rows, [12, 58, 24, 24, 17, 30])
    layout.signature(doc, ["Như trên", "Lưu: VT"], "Giám đốc", "Nguyễn Văn A")
    return to_bytes(doc)


def test_docx_has_decree_30_page_fonts_and_nfc_text():
    docx = sample()
    checks.assert_docx_layout(docx)
    text = checks.docx_text(docx)
    assert checks.QUOC_HIEU in text and "Số: 15/BC-SNV" in text
    assert "Đắk Nông, ngày 05 tháng 01 năm 2026" in text
    assert "Sơ kết phong trào thi đua ơ ư ạ" in text  # composed
    header_table = Document(io.BytesIO(docx)).tables[0]
    assert checks.QUOC_HIEU in header_table.cell(0, 1).text  # right column
    assert "SỞ NỘI VỤ" in header_table.cell(0, 0).text  # issuing agency upper-cased, left column


@needs_tools
def test_pdf_is_a4_liberation_serif_only_with_header_on_one_line(tmp_path):
    pdf = asyncio.run(to_pdf(sample()))
    pages = checks.assert_a4(pdf, tmp_path)
    assert pages >= 2
    checks.assert_only_liberation_serif(pdf, tmp_path)
    text = checks.pdf_text(pdf, tmp_path)
    checks.assert_header(text, "15/BC-SNV")
    for letters in ("ơ ư ạ ễ ộ", "Ơ Ư Ạ Ễ Ộ"):  # round-trips: no fallback font, no missing glyph
        assert letters in text
    assert "ngày 05 tháng 01 năm 2026" in text
    checks.save_first_page(pdf, tmp_path, "toolkit-sample")


@needs_tools
def test_many_documents_convert_in_one_start_in_order(tmp_path):
    pdfs = asyncio.run(to_pdf_many([sample("1/BC-X"), sample("2/BC-X")]))
    assert "Số: 1/BC-X" in checks.pdf_text(pdfs[0], tmp_path, "a")
    assert "Số: 2/BC-X" in checks.pdf_text(pdfs[1], tmp_path, "b")


@needs_tools
def test_conversion_times_out_and_reports_it():
    with pytest.raises(ConversionFailed, match="within"):
        asyncio.run(to_pdf(sample(), timeout=0.01))


def person(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="u", tenant="t", roles=frozenset(roles), unit_id=unit)


def test_board_reads_every_document_a_unit_only_its_own():
    board_doc, unit_doc = {"unit_id": None}, {"unit_id": "huyen-a"}
    assert may_read(person(Role.board_officer), board_doc) and may_read(person(Role.chairperson), unit_doc)
    assert may_read(person(Role.unit_reporter, unit="huyen-a"), unit_doc)
    assert not may_read(person(Role.unit_reporter, unit="huyen-b"), unit_doc)
    assert not may_read(person(Role.unit_leader, unit="huyen-a"), board_doc)
    assert not may_read(person(Role.cluster_head, unit="huyen-c"), board_doc)
