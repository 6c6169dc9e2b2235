"""Issue 13 item 4 through the real stack: campaigns defined and awards decided through intake's API
(a fresh tenant: the reporting unit), then the statutory forms 0601.N, 0602.N and 0603.N
downloaded from reporting as XLSX and PDF. The figures read back from each workbook equal what
this test counts from what it created, with its own plain code."""

import io
import shutil
import subprocess
import time
import uuid
from collections import Counter

import httpx
import pytest
from openpyxl import load_workbook

from .a11y import serious_violations
from .conftest import eventually, small_campaign, token
from .test_nominations import Tenant

YEAR = 2026
ONE_STEP = [{"id": "quyet-dinh", "name_vi": "Ký quyết định", "role": "chairperson", "service_days": 3,
             "kind": "decision"}]


def award_kind(kid, name, nominee_kind, **statistics):
    return {"id": kid, "name_vi": name, "nominee_kind": nominee_kind, "chain": ONE_STEP, "required_documents": [],
            **statistics}


CONFIG = {
    "award_kinds": [
        award_kind("hcld-3", "Huân chương Lao động hạng Ba", "individual", level="state", form="medal"),
        award_kind("bk-ttg", "Bằng khen của Thủ tướng Chính phủ", "collective", level="state",
                   form="pm_certificate", recipient_type="enterprise"),
        award_kind("bk-ct", "Bằng khen của Chủ tịch UBND tỉnh", "individual", level="ministry_province",
                   form="certificate"),
        award_kind("co-tinh", "Cờ thi đua của UBND tỉnh", "collective", level="ministry_province",
                   form="emulation_flag"),
        award_kind("ldtt", "Lao động tiên tiến", "individual"),  # no level: on no form
    ],
}
# (award kind, nominee kind, basis, decision date): what the test decides through intake
AWARDS = [
    ("hcld-3", "individual", "contribution", "2026-03-02"),
    ("hcld-3", "individual", "regular", "2026-05-04"),
    ("bk-ttg", "collective", "themed", "2026-06-01"),
    ("bk-ct", "individual", "regular", "2026-01-20"),
    ("bk-ct", "individual", "ad_hoc", "2026-11-11"),
    ("bk-ct", "individual", "regular", "2025-12-30"),  # another year
    ("co-tinh", "collective", "regular", "2026-12-15"),
    ("ldtt", "individual", "regular", "2026-04-04"),
]
LEVEL_OF = {a["id"]: a.get("level") for a in CONFIG["award_kinds"]}
COLUMN = {"hcld-3": "Huân chương, Huy chương", "bk-ttg": "Bằng khen của Thủ tướng Chính phủ", "bk-ct": "Bằng khen",
          "co-tinh": "Cờ thi đua"}
RECIPIENT = {"hcld-3": "Cá nhân", "bk-ttg": "Doanh nghiệp", "bk-ct": "Cá nhân", "co-tinh": "Tập thể"}
BASIS = {"regular": "Khen thưởng thường xuyên", "themed": "Khen thưởng theo chuyên đề (theo đợt)",
         "ad_hoc": "Khen thưởng đột xuất", "contribution": "Khen thưởng quá trình cống hiến"}
KIND = {"collective": "Tập thể", "individual": "Cá nhân"}
# (start, end, kind, scope, launch level, duration row, launched?)
CAMPAIGNS = [
    ("2026-01-01", "2026-12-31", "regular", "ministry_province", "ministry_province", "1 năm", True),
    ("2026-03-01", "2026-09-30", "themed", "cluster", "agency", "Dưới 1 năm", True),
    ("2026-01-01", "2030-12-31", "regular", "national", "central", "Từ 5 năm trở lên", True),
    ("2026-05-01", "2026-12-31", "themed", "ministry_province", "ministry_province", None, False),  # a draft
    ("2025-01-01", "2026-12-31", "regular", "ministry_province", "ministry_province", None, True),  # 2025's
]
SCOPE = {"national": "Toàn quốc", "ministry_province": "Bộ, ngành, địa phương", "cluster": "Cụm, khối thi đua"}
LEVEL = {"central": "Cấp Trung ương", "ministry_province": "Cấp bộ, ngành, tỉnh", "agency": "Cơ quan, tổ chức, đơn vị"}
METHOD = {"themed": "Thi đua theo chuyên đề (theo đợt)", "regular": "Thi đua thường xuyên (hàng năm)"}


def read_form(data: bytes) -> dict[str, dict[str, int]]:
    """{row label: {column heading: value}} as the workbook shows them."""
    ws = load_workbook(io.BytesIO(data)).active
    code_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "A")
    paired = ws.cell(code_row, 3).value == "C"
    first = 4 if paired else 3
    headings = {first: "Tổng số"}
    for c in range(first + 1, ws.max_column + 1):
        if paired:
            group = ws.cell(code_row - 2, c).value or ws.cell(code_row - 2, c - 1).value
            headings[c] = f"{group} / {ws.cell(code_row - 1, c).value}"
        else:
            headings[c] = ws.cell(code_row - 1, c).value
    figures, r = {}, code_row + 1
    while ws.cell(r, 1).value:
        if ws.cell(r, 2).value:
            figures[ws.cell(r, 1).value.strip()] = {h: ws.cell(r, c).value for c, h in headings.items()}
        r += 1
    return figures


def matches(figures: dict[str, dict[str, int]], expected: dict[str, Counter]) -> bool:
    return set(expected) <= set(figures) and all(
        value == expected.get(label, Counter())[heading]
        for label, cells in figures.items()
        for heading, value in cells.items()
    )


def expected_0601() -> dict[str, Counter]:
    rows: dict[str, Counter] = {}
    for start, _end, kind, scope, level, duration, launched in CAMPAIGNS:
        if not launched or not start.startswith(str(YEAR)):
            continue
        for label in ("Tổng số phong trào thi đua", SCOPE[scope], duration, METHOD[kind]):
            rows.setdefault(label, Counter()).update({LEVEL[level]: 1, "Tổng số": 1})
    return rows


def expected_awards(level: str) -> dict[str, Counter]:
    rows: dict[str, Counter] = {}
    for kid, nominee_kind, basis, day in AWARDS:
        if LEVEL_OF[kid] != level or not day.startswith(str(YEAR)):
            continue
        column = f"{COLUMN[kid]} / {KIND[nominee_kind]}"
        for label in ("Tổng số", RECIPIENT[kid], BASIS[basis]):
            rows.setdefault(label, Counter()).update({column: 1, "Tổng số": 1})
    return rows


@pytest.fixture
async def tenant(stack, settings):
    t = Tenant(stack, settings)
    yield t
    await t.client.aclose()


async def create_campaigns(tenant: Tenant) -> None:
    for i, (start, end, kind, scope, level, _duration, launched) in enumerate(CAMPAIGNS):
        cid = f"pt-{uuid.uuid4().hex[:8]}"
        body = {**small_campaign(cid), "name_vi": f"Phong trào số {i + 1}", "start": start, "end": end, "kind": kind,
                "scope": scope, "launch_level": level}
        r = await tenant.call("PUT", f"/campaigns/{cid}", body=body)
        assert r.status_code == 200, r.text
        assert (r.json()["scope"], r.json()["launch_level"]) == (scope, level)
        if launched:
            r = await tenant.call("POST", f"/campaigns/{cid}/status", body={"status": "launched", "reason": "Phát động"})
            assert r.status_code == 200, r.text


async def decide_awards(tenant: Tenant) -> None:
    for i, (kid, nominee_kind, basis, day) in enumerate(AWARDS):
        unit = f"dv-{i}"  # one awardee per unit: no two awards of a kind collide on the same nominee
        nominee = {"kind": nominee_kind, "unit_id": unit}
        if nominee_kind == "individual":
            nominee |= {"person_id": f"ng-{i}", "person_name": f"Nguyễn Văn Ơn {i}", "position": "Chuyên viên"}
        body = {"award_kind": kid, "nominee": nominee, "year": int(day[:4]), "basis": basis,
                "achievement": "Hoàn thành xuất sắc nhiệm vụ", "documents": []}
        r = await tenant.call("POST", "/nominations", body=body)
        assert r.status_code == 201, r.text
        decision = {"number": f"{100 + i}/QĐ-UBND", "date": day, "signer": "Chủ tịch UBND tỉnh"}
        r = await tenant.act(r.json()["nomination_id"], "chairperson", "decide", decision=decision)
        assert r.status_code == 200 and r.json()["status"] == "decided", r.text


async def test_statutory_forms_from_campaigns_and_awards_created_through_intake(stack, settings, tenant, tmp_path):
    await tenant.configure(CONFIG)
    await create_campaigns(tenant)
    await decide_awards(tenant)
    board = tenant.headers["board_officer"]
    reporting = httpx.AsyncClient(base_url=stack.url("reporting"), timeout=120)

    async def form(slug: str, **params) -> httpx.Response:
        return await reporting.get(f"/api/v1/forms/{slug}", params={"year": YEAR, **params}, headers=board)

    async def figures_equal(slug: str, expected: dict[str, Counter]):
        r = await form(slug)
        assert r.status_code == 200, r.text
        figures = read_form(r.content)
        return figures if matches(figures, expected) else None

    try:
        expected = {"0601": expected_0601(), "0602": expected_awards("state"), "0603": expected_awards("ministry_province")}
        assert expected["0601"]["Tổng số phong trào thi đua"]["Tổng số"] == 3
        assert expected["0602"]["Tổng số"]["Tổng số"] == 3 and expected["0603"]["Tổng số"]["Tổng số"] == 3
        for slug, want in expected.items():
            # the projection catches up with the events intake published
            assert await eventually(lambda slug=slug, want=want: figures_equal(slug, want), timeout=60)

        r = await form("0602")
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
        assert f'bieu-0602-{tenant.id}-{YEAR}.xlsx' in r.headers["content-disposition"]
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws["A1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and ws["A4"].value == "Biểu số: 0602.N/BNV-TĐKT"

        # the PDF, converted by LibreOffice in reporting
        r = await form("0603", format="pdf", unit_name="UBND tỉnh Đắk Nông")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
        if shutil.which("pdftotext") and shutil.which("pdfinfo"):
            path = tmp_path / "bieu-0603.pdf"
            path.write_bytes(r.content)
            assert "(A4)" in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
            text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
            assert "Biểu số: 0603.N/BNV-TĐKT" in text and "UBND tỉnh Đắk Nông" in text
            assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in text.splitlines())

        # a unit's roles may not; a bad form or year is refused in Vietnamese, naming it
        unit = {"Authorization": f"Bearer {token(settings, ['unit_leader'], 'so-noi-vu', tenant.id)}"}
        r = await reporting.get("/api/v1/forms/0601", params={"year": YEAR}, headers=unit)
        assert r.status_code == 403
        r = await reporting.get("/api/v1/forms/0604", params={"year": YEAR}, headers=board)
        assert r.status_code == 404 and "Không có biểu mẫu '0604'" in r.json()["message"]
        r = await reporting.get("/api/v1/forms/0601", params={"year": "năm"}, headers=board)
        assert r.status_code == 422 and "year" in r.text
    finally:
        await reporting.aclose()


# -- the console: /board links the forms, downloaded as the signed-in board officer ----------------
CONSOLE_YEAR = 2041  # a year no other console test defines campaigns in (the console tests share a tenant)


@pytest.mark.timeout(900)
def test_the_board_downloads_the_forms_from_the_console(console_stack, tmp_path):
    from .console_stack import console_browser, sign_in
    from .helpers import password_token, put_running

    board = {"Authorization": f"Bearer {password_token(console_stack, 'board-officer.so-noi-vu')}"}
    cid = f"sf-{uuid.uuid4().hex[:8]}"
    body = {**small_campaign(cid), "start": f"{CONSOLE_YEAR}-01-01", "end": f"{CONSOLE_YEAR}-06-30",
            "kind": "themed", "scope": "cluster", "launch_level": "agency"}
    put_running(console_stack, cid, body, board)
    reporting, console = console_stack.url("reporting"), console_stack.url("web")

    def counted() -> dict | None:
        r = httpx.get(f"{reporting}/api/v1/forms/0601", params={"year": CONSOLE_YEAR}, headers=board, timeout=120)
        figures = read_form(r.content) if r.status_code == 200 else {}
        return figures if figures.get("Cụm, khối thi đua", {}).get("Cơ quan, tổ chức, đơn vị", 0) >= 1 else None

    deadline = time.monotonic() + 60
    while (expected := counted()) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert expected is not None

    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, "board-officer.so-noi-vu", seen)
        page.goto(f"{console}/board?year={CONSOLE_YEAR}")
        page.wait_for_selector("#sf-forms")
        assert page.inner_text("#sf-title") == "Biểu mẫu thống kê (TT 02/2023)"
        page.screenshot(path=str(tmp_path / "board-forms.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#sf-0601-xlsx")
        data = open(download.value.path(), "rb").read()
        assert read_form(data) == expected  # the console passes reporting's workbook on as it is
        assert download.value.suggested_filename.endswith(f"-{CONSOLE_YEAR}.xlsx")
        # the form: 0603 as PDF for the year typed
        page.select_option("#sf-form", "0603")
        page.fill("#sf-year", str(CONSOLE_YEAR))
        with page.expect_download(timeout=120_000) as download:
            page.click("#sf-pdf")
        assert open(download.value.path(), "rb").read(4) == b"%PDF"
        assert serious_violations(page) == []
        # a year typed wrong is named next to its field, in Vietnamese
        page.goto(f"{console}/board/forms?form=0601&year=20x1&format=xlsx")
        page.wait_for_selector("#sf-err-year")
        assert "Năm phải là số có bốn chữ số" in page.inner_text("#sf-err-year")
    assert seen.strangers(console, console_stack.keycloak_url) == []
    assert [e for e in seen.errors if "20x1" not in e] == []
