"""Issue 13 item 4: the statutory forms of Circular 02/2023/TT-BNV (0601.N, 0602.N, 0603.N).

The must-show: campaign and award events are published to reporting's projector (some twice), the
forms are computed and rendered to XLSX by reporting, and every figure read back from the workbook
equals what this test counts from the events it published, with its own plain code (not
reporting's). Then the layout (headers, merged cells, fonts, print setup), the PDF (A4, only
Liberation Serif embedded, the quốc hiệu on one line, the form code, Vietnamese letters
round-tripping) and a PNG of page 1 of each form."""

import io
import re
import subprocess
from collections import Counter
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook

from thidua_common.auth import Principal, Role
from thidua_common.contracts import new_event
from thidua_common.contracts.registry import AWARD_DECIDED, CAMPAIGN_DEFINED, payload_model
from thidua_common.http import create_app
from thidua_common.http.deps import get_principal
from thidua_common.settings import Settings
from thidua_reporting.documents import pdf as toolkit_pdf
from thidua_reporting.forms import compute, pdf, service, views, xlsx
from thidua_reporting.projection.projector import Projector

from .. import documents_checks as checks
from .fake_uow import FakeDatabase

T = "daknong"
YEAR = 2026
UNIT_NAME = "Ủy ban nhân dân tỉnh Đắk Nông (ơ ư ạ ễ ộ)"

# (id, status, start, end, kind, scope, launch level, the duration row as the Circular words it)
CAMPAIGNS = [
    ("pt-1", "running", "2026-01-01", "2026-12-31", "regular", "ministry_province", "ministry_province", "1 năm"),
    ("pt-2", "running", "2026-03-01", "2026-06-30", "themed", "cluster", "agency", "Dưới 1 năm"),
    ("pt-3", "closed", "2026-01-01", "2027-06-30", "themed", "agency", "agency", "Từ trên 1 năm đến dưới 3 năm"),
    ("pt-4", "launched", "2026-05-01", "2029-04-30", "regular", "national", "central", "Từ 3 năm đến dưới 5 năm"),
    ("pt-5", "running", "2026-01-01", "2030-12-31", "regular", "ministry_province", "ministry_province",
     "Từ 5 năm trở lên"),
    ("pt-6", "running", "2026-09-02", "2027-09-01", "themed", "ministry_province", "central", "1 năm"),
    ("pt-7", "reviewing", "2026-02-01", "2026-11-30", "regular", "cluster", "ministry_province", "Dưới 1 năm"),
    ("pt-draft", "draft", "2026-01-01", "2026-12-31", "regular", "ministry_province", "ministry_province", None),
    ("pt-old", "closed", "2025-01-01", "2026-12-31", "regular", "ministry_province", "ministry_province", None),
]
SCOPE = {"national": "Toàn quốc", "ministry_province": "Bộ, ngành, địa phương", "cluster": "Cụm, khối thi đua",
         "agency": "Cơ quan, tổ chức, đơn vị"}
LEVEL = {"central": "Cấp Trung ương", "ministry_province": "Cấp bộ, ngành, tỉnh", "agency": "Cơ quan, tổ chức, đơn vị"}
METHOD = {"themed": "Thi đua theo chuyên đề (theo đợt)", "regular": "Thi đua thường xuyên (hàng năm)"}

# (decision date, level, form, nominee kind, recipient type, basis)
AWARDS = [
    ("2026-03-10", "state", "medal", "individual", "individual", "contribution"),
    ("2026-03-10", "state", "medal", "collective", "collective", "regular"),
    ("2026-04-01", "state", "pm_certificate", "collective", "enterprise", "themed"),
    ("2026-04-01", "state", "pm_certificate", "individual", "individual", "regular"),
    ("2026-06-15", "state", "national_fighter", "individual", "individual", "regular"),
    ("2026-07-01", "state", "government_flag", "collective", "collective", "regular"),
    ("2026-12-31", "state", "honorary_title", "individual", "individual", "long_service"),
    ("2026-05-05", "state", "certificate", "collective", "household", "ad_hoc"),  # not a 0602 column: other
    ("2026-01-20", "ministry_province", "certificate", "individual", "individual", "regular"),
    ("2026-01-20", "ministry_province", "certificate", "individual", "individual", "regular"),
    ("2026-01-20", "ministry_province", "certificate", "collective", "household", "ad_hoc"),
    ("2026-02-02", "ministry_province", "emulation_flag", "collective", "collective", "regular"),
    ("2026-02-02", "ministry_province", "provincial_fighter", "individual", "individual", "themed"),
    ("2026-08-08", "ministry_province", "excellent_collective", "collective", "collective", "regular"),
    ("2026-08-08", "ministry_province", "other", "collective", "enterprise", "foreign"),
    ("2026-11-11", "ministry_province", "certificate", "individual", "individual", "long_service"),
    ("2025-12-31", "state", "medal", "individual", "individual", "regular"),  # another year
    ("2027-01-01", "ministry_province", "certificate", "individual", "individual", "regular"),  # another year
    ("2026-06-06", None, None, "individual", None, "regular"),  # an award kind without a level: on no form
    ("2026-06-06", "agency", "other", "individual", "individual", "regular"),  # grassroots: on no form
]
COLUMNS_0602 = {"medal": "Huân chương, Huy chương", "honorary_title": "Danh hiệu vinh dự Nhà nước",
                "hcm_prize": "Giải thưởng Hồ Chí Minh", "state_prize": "Giải thưởng Nhà nước",
                "government_flag": "Cờ thi đua của Chính phủ", "pm_certificate": "Bằng khen của Thủ tướng Chính phủ",
                "national_fighter": "Chiến sĩ thi đua toàn quốc"}
COLUMNS_0603 = {"emulation_flag": "Cờ thi đua", "provincial_fighter": "Chiến sĩ thi đua cấp bộ, ngành, tỉnh",
                "excellent_collective": "Tập thể lao động xuất sắc", "certificate": "Bằng khen"}
RECIPIENT = {"collective": "Tập thể", "enterprise": "Doanh nghiệp", "household": "Hộ gia đình", "individual": "Cá nhân"}
BASIS = {"regular": "Khen thưởng thường xuyên", "themed": "Khen thưởng theo chuyên đề (theo đợt)",
         "ad_hoc": "Khen thưởng đột xuất", "foreign": "Khen thưởng đối ngoại",
         "contribution": "Khen thưởng quá trình cống hiến", "long_service": "Khen thưởng theo niên hạn"}
KIND = {"collective": "Tập thể", "individual": "Cá nhân"}


def _event(kind: str, data: dict, event_id: str | None = None):
    return new_event(type=kind, source="/test", tenant=T, data=payload_model(kind).model_validate(data), id=event_id)


def campaign_event(cid, status, start, end, kind, scope, level, _duration):
    return _event(CAMPAIGN_DEFINED, {
        "campaign_id": cid, "revision": 1, "status": status, "criteria_version": 1, "name_vi": f"Phong trào {cid}",
        "launched_by": "UBND tỉnh", "kind": kind, "start": start, "end": end, "scope": scope, "launch_level": level,
        "criteria": [{"id": "c", "name_vi": "Chỉ tiêu", "max_points": 10}],
    })


def award_event(i, day, level, form, kind, recipient, basis):
    data = {"nomination_id": f"hs-{i}", "award_kind": "bk", "award_name_vi": "Bằng khen", "year": int(day[:4]),
            "nominee": {"kind": kind, "unit_id": f"dv-{i}", "person_name": "Nguyễn Văn Ơn" if kind == "individual"
                        else None}, "basis": basis,
            "decision": {"number": f"{i}/QĐ-UBND", "date": day, "signer": "Chủ tịch"}}
    if level:
        data |= {"level": level, "form": form, "recipient_type": recipient}
    return _event(AWARD_DECIDED, data, event_id=f"award-{i}")


@pytest.fixture
async def db():
    database = FakeDatabase()
    projector = Projector(database)
    events = [campaign_event(*c) for c in CAMPAIGNS] + [award_event(i, *a) for i, a in enumerate(AWARDS)]
    for e in events + events[::3]:  # some delivered twice: counted once
        await projector.apply(e)
    return database


def read_form(data: bytes) -> tuple[dict[str, dict[str, int]], object]:
    """The workbook's figures: {row label: {column heading: value}}, headings as the sheet names them
    (the group's label, with " / Tập thể" or " / Cá nhân" under a pair); and the sheet."""
    ws = load_workbook(io.BytesIO(data)).active
    code_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "A")
    paired = ws.cell(code_row, 3).value == "C"
    first = 4 if paired else 3
    headings = {}
    for c in range(first, ws.max_column + 1):
        if c == first:
            headings[c] = "Tổng số"
            continue
        group = ws.cell(code_row - (2 if paired else 1), c).value or ws.cell(code_row - 2, c - 1).value
        headings[c] = f"{group} / {ws.cell(code_row - 1, c).value}" if paired else ws.cell(code_row - 1, c).value
    figures = {}
    r = code_row + 1
    while ws.cell(r, 1).value:
        if ws.cell(r, 2).value:
            figures[ws.cell(r, 1).value.strip()] = {h: ws.cell(r, c).value for c, h in headings.items()}
        r += 1
    return figures, ws


def expected_0601() -> dict[str, Counter]:
    """Counted from the published campaign events, plainly: launched in the year, not drafts."""
    rows: dict[str, Counter] = {}
    for _cid, status, start, _end, kind, scope, level, duration in CAMPAIGNS:
        if status == "draft" or not start.startswith(str(YEAR)):
            continue
        for label in ("Tổng số phong trào thi đua", SCOPE[scope], duration, METHOD[kind]):
            rows.setdefault(label, Counter())
            rows[label][LEVEL[level]] += 1
            rows[label]["Tổng số"] += 1
    return rows


def expected_awards(level: str, columns: dict[str, str]) -> dict[str, Counter]:
    rows: dict[str, Counter] = {}
    for day, lv, form, kind, recipient, basis in AWARDS:
        if lv != level or not day.startswith(str(YEAR)):
            continue
        column = f"{columns.get(form, 'Hình thức khác')} / {KIND[kind]}"
        for label in ("Tổng số", RECIPIENT[recipient], BASIS[basis]):
            rows.setdefault(label, Counter())
            rows[label][column] += 1
            rows[label]["Tổng số"] += 1
    return rows


def assert_figures(figures: dict[str, dict[str, int]], expected: dict[str, Counter]) -> None:
    for label, cells in figures.items():
        want = expected.get(label, Counter())
        for heading, value in cells.items():
            assert value == want[heading], (label, heading, value, want[heading])
    assert set(expected) <= set(figures), set(expected) - set(figures)


async def render(db, slug: str) -> bytes:
    table = await service.table(db, T, slug, YEAR)
    return xlsx.render(table, UNIT_NAME, date(2026, 1, 5), "Đắk Nông")


async def test_0601_figures_equal_a_count_of_the_published_campaign_events(db):
    figures, _ = read_form(await render(db, "0601"))
    expected = expected_0601()
    assert expected["Tổng số phong trào thi đua"]["Tổng số"] == 7
    assert_figures(figures, expected)


@pytest.mark.parametrize(("slug", "level", "columns"), [("0602", "state", COLUMNS_0602),
                                                         ("0603", "ministry_province", COLUMNS_0603)])
async def test_award_form_figures_equal_a_count_of_the_published_award_events(db, slug, level, columns):
    figures, _ = read_form(await render(db, slug))
    expected = expected_awards(level, columns)
    assert expected["Tổng số"]["Tổng số"] == 8
    assert_figures(figures, expected)


async def test_awards_without_a_level_are_counted_as_unclassified(db):
    table = await service.table(db, T, "0602", YEAR)
    assert table.unclassified == 1


@pytest.mark.parametrize(("start", "end", "row"), [
    (date(2026, 1, 1), date(2026, 12, 31), "1"),
    (date(2026, 1, 1), date(2026, 12, 30), "lt1"),
    (date(2026, 1, 15), date(2027, 1, 14), "1"),
    (date(2026, 1, 15), date(2027, 1, 15), "1to3"),
    (date(2026, 1, 1), date(2028, 12, 31), "3to5"),
    (date(2026, 1, 1), date(2028, 12, 30), "1to3"),
    (date(2026, 1, 1), date(2030, 12, 31), "ge5"),
    (date(2026, 1, 1), date(2030, 12, 30), "3to5"),
    (date(2026, 3, 31), date(2026, 4, 1), "lt1"),
])
def test_duration_rows(start, end, row):
    assert compute.duration_class(start, end) == row


@pytest.mark.parametrize(("d", "text"), [
    (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (date(2026, 6, 9), "ngày 09 tháng 6 năm 2026"),
    (date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
])
def test_vietnamese_dates(d, text):
    assert xlsx.vn_date(d) == text


@pytest.mark.parametrize("slug", ["0601", "0602", "0603"])
async def test_workbook_layout(db, slug):
    _, ws = read_form(await render(db, slug))
    assert ws.cell(1, 1).value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws.cell(2, 1).value == "Độc lập - Tự do - Hạnh phúc"
    assert ws.cell(4, 1).value == f"Biểu số: {slug}.N/BNV-TĐKT"
    assert "02/2023/TT-BNV" in ws.cell(5, 1).value
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert f"Năm {YEAR}" in texts
    assert f"Đơn vị báo cáo: {UNIT_NAME}" in texts
    assert "Đắk Nông, ngày 05 tháng 01 năm 2026" in texts
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A8:A10" in merged if slug != "0601" else "A8:A9" in merged  # Tên chỉ tiêu over the header rows
    assert any(m.startswith("E8:") or m.startswith("D8:") for m in merged)  # "Chia theo …" over the groups
    assert {c.font.name for row in ws.iter_rows() for c in row if c.value is not None} == {"Liberation Serif"}
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    code_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "A")
    assert ws.cell(code_row + 1, 2).value == "01" and ws.cell(code_row + 1, ws.max_column).number_format == xlsx.NUMBER


@pytest.mark.skipif(bool(checks.tools_missing()), reason="LibreOffice and poppler-utils are not installed")
@pytest.mark.parametrize("slug", ["0601", "0602", "0603"])
async def test_pdf_is_a4_liberation_serif_with_quoc_hieu_on_one_line(db, slug, tmp_path):
    data = await pdf.to_pdf(await render(db, slug))
    path = tmp_path / f"bieu-{slug}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info)
    # the Circular's forms are printed landscape: A4 as 842 x 595
    assert size and (round(float(size.group(1))), round(float(size.group(2)))) == (842, 595), info
    checks.assert_only_liberation_serif(data, tmp_path, slug)  # embedded, no DejaVu or other fallback
    text = checks.pdf_text(data, tmp_path, slug)
    assert any(checks.QUOC_HIEU in line for line in text.splitlines())  # on one line
    assert checks.TIEU_NGU in text
    assert f"Biểu số: {slug}.N/BNV-TĐKT" in text  # the form's number
    # Vietnamese letters round-trip (the unit's name may wrap inside its cell, so letter by letter)
    assert all(letter in text for letter in "ơưạễộ") and "Đắk Nông, ngày 05 tháng 01 năm 2026" in text
    png = checks.save_first_page(data, tmp_path, f"form-{slug}")
    assert png.parent == tmp_path


# -- the route -------------------------------------------------------------------------------
def _principal(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="someone", tenant=T, roles=frozenset(roles), unit_id=unit)


@pytest.fixture
def call(db):
    app = create_app("reporting-test", Settings())
    app.include_router(views.router)
    app.state.db = db

    async def request(who: Principal, path: str, **kwargs) -> httpx.Response:
        app.dependency_overrides[get_principal] = lambda: who
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting.test") as c:
            return await c.get(path, **kwargs)

    return request


async def test_route_serves_the_xlsx_to_the_board(call):
    r = await call(_principal(Role.board_officer), "/api/v1/forms/0601", params={"year": YEAR})
    assert r.status_code == 200 and r.headers["content-type"] == views.XLSX
    assert f'filename="bieu-0601-{T}-{YEAR}.xlsx"' in r.headers["content-disposition"]
    figures, _ = read_form(r.content)
    assert figures["Tổng số phong trào thi đua"]["Tổng số"] == 7


async def test_route_refuses_unit_roles_and_bad_input_in_vietnamese(call):
    r = await call(_principal(Role.unit_reporter, unit="dv-1"), "/api/v1/forms/0601", params={"year": YEAR})
    assert r.status_code == 403
    board = _principal(Role.chairperson)
    r = await call(board, "/api/v1/forms/0609", params={"year": YEAR})
    assert r.status_code == 404 and "Không có biểu mẫu '0609'" in r.json()["message"]
    r = await call(board, "/api/v1/forms/0601", params={"year": 1800})
    assert r.status_code == 422 and "year" in r.text
    r = await call(board, "/api/v1/forms/0601", params={"year": YEAR, "format": "doc"})
    assert r.status_code == 422 and "format" in r.text
    # found by the fuzzer: a control character in the printed unit name was a 500
    r = await call(board, "/api/v1/forms/0603", params={"year": YEAR, "unit_name": "Sở\x1d Nội vụ"})
    assert r.status_code == 422 and "unit_name" in r.text


async def test_route_pdf_unavailable_is_a_clear_503(call, monkeypatch):
    def missing():
        raise pdf.ConversionFailed("soffice not found")

    monkeypatch.setattr(toolkit_pdf, "soffice", missing)  # forms convert through the toolkit
    r = await call(_principal(Role.board_officer), "/api/v1/forms/0602", params={"year": YEAR, "format": "pdf"})
    assert r.status_code == 503 and "PDF" in r.json()["message"]


@pytest.mark.skipif(bool(checks.tools_missing()), reason="LibreOffice and poppler-utils are not installed")
async def test_numbers_are_written_the_vietnamese_way(tmp_path):
    """1 234 campaigns print as "1.234" (the cells' format names the Vietnamese locale)."""
    items = [compute.Item(frozenset({"scope:national", "duration:1", "kind:regular"}), "level:central")] * 1234
    table = compute.tabulate(compute.FORMS["0601"], YEAR, items)
    text = checks.pdf_text(await pdf.to_pdf(xlsx.render(table, UNIT_NAME, date(2026, 1, 5))), tmp_path, "big")
    total = next(line for line in text.splitlines() if "Tổng số phong trào thi đua" in line)
    assert total.split()[-4:] == ["1.234", "1.234", "0", "0"], total
