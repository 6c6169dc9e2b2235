"""Issue 13, Excel both ways, in the console (package excel/): «Tải Excel» of the units register
equal to the page's table, reporting's xlsx passed through, the import pages over a fake intake
(the file and form intake receives, the proposed mapping preselected, the dry-run report naming
row and column, confirm then redirect, CSRF, 403 for a role that imports nothing, escaping)."""

import io
import json
import re
from html import unescape
from urllib.parse import parse_qs

import httpx
import openpyxl
import pytest

from thidua_common.spreadsheets import XlsxColumn, write_xlsx

from .test_web_console import Fakes
from .test_web_units import UNITS
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"
IMPORT = {
    "import_id": "abc123",
    "kind": "units",
    "campaign_id": None,
    "period": None,
    "filename": "don-vi.xlsx",
    "sha256": "0" * 64,
    "headers": ["Mã đơn vị", "Tên đơn vị", f"Loại {SCRIPT}"],
    "rows": 3,
    "fields": [
        {"key": "unit_id", "vi": "Mã đơn vị", "en": "Unit code", "required": True},
        {"key": "name_vi", "vi": "Tên đơn vị", "en": "Name", "required": True},
        {"key": "unit_type", "vi": "Loại đơn vị", "en": "Unit type", "required": True},
    ],
    "mapping": {"unit_id": "Mã đơn vị", "name_vi": "Tên đơn vị", "unit_type": None},
    "created_by": "someone",
    "created_at": "2026-11-30T05:00:00+00:00",
    "result": None,
}


class ExcelFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str, dict, bytes, str]] = []
        self.result = None
        self.refuse: tuple[int, dict] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host, path, method = request.url.host, request.url.path, request.method
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if host == "reporting.test" and query.get("format") == "xlsx":
            self.calls.append((method, path, query, b"", request.headers["authorization"]))
            body = write_xlsx([XlsxColumn("Hạng", "integer")], [[1]])
            return httpx.Response(200, content=body, headers={
                "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "content-disposition": 'attachment; filename="xep-hang-c1.xlsx"'})
        if host != "intake.test":
            return super().__call__(request)
        content = request.read()
        self.calls.append((method, path, query, content, request.headers["authorization"]))
        if path == "/api/v1/units":
            return httpx.Response(200, json=UNITS)
        if path == "/api/v1/campaigns":
            return httpx.Response(200, json=[{"campaign_id": "c1", "name_vi": "Phong trào 1"}])
        if method == "POST" and self.refuse:
            return httpx.Response(self.refuse[0], json=self.refuse[1])
        if path == "/api/v1/imports" and method == "POST":
            return httpx.Response(201, json=IMPORT)
        if path == "/api/v1/imports/abc123":
            return httpx.Response(200, json={**IMPORT, "result": self.result})
        if path == "/api/v1/imports/abc123/dry-run":
            return httpx.Response(200, json={"rows": 3, "valid": 2, "invalid": 1, "errors": [
                {"row": 3, "column": "Tên đơn vị", "field": "name_vi", "reason": f"Quá ngắn {SCRIPT}", "code": "x"}]})
        if path == "/api/v1/imports/abc123/confirm":
            self.confirm_timeout = request.extensions["timeout"]["read"]
            self.result = {"rows": 3, "valid": 2, "invalid": 1, "written": 2, "already": 0}
            return httpx.Response(200, json={**self.result, "errors": []})
        return httpx.Response(404, json={"message": "không có"})

    def posted(self, path: str) -> list[bytes]:
        return [c for m, p, _, c, _ in self.calls if m == "POST" and p == path]


@pytest.fixture
def fakes():
    return ExcelFakes()


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = html[html.index(f'id="{table_id}"'):]
    table = table[: table.index("</table>")]
    out = []
    for tr in re.findall(r"<tr.*?</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        out.append([unescape(re.sub(r"<[^>]+>", "", c)).split(" (")[0].strip() for c in cells])
    return out


async def test_the_units_register_downloads_as_the_table_the_page_shows(client, fakes):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    page = (await client.get("/units")).text
    assert 'href="/units.xlsx" id="xl-units"' in page
    download = await client.get("/units.xlsx")
    assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    got = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert got == _cells(page, "unt-tree")
    assert got[0] == ["Tên đơn vị", "Mã đơn vị", "Loại đơn vị", "Trạng thái"] and len(got) == 1 + len(UNITS)


async def test_a_unit_role_gets_no_units_register_file(client, fakes):
    await signed_in(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    assert (await client.get("/units.xlsx")).status_code == 403


async def test_the_leaderboard_file_is_reportings_xlsx_with_the_pages_choice(client, fakes):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    got = await client.get("/campaigns/c1/leaderboard.xlsx?cluster=khoi-huyen&period=2026-Q1&status=verified")
    assert got.status_code == 200 and got.headers["content-disposition"] == 'attachment; filename="xep-hang-c1.xlsx"'
    method, path, query, _, bearer = fakes.calls[-1]
    assert path == "/api/v1/campaigns/c1/leaderboard" and bearer.startswith("Bearer ")
    assert query == {"cluster": "khoi-huyen", "period": "2026-Q1", "status": "verified", "format": "xlsx"}
    assert (await client.get("/campaigns/c1/units/huyen-cu-jut/progress.xlsx")).status_code == 200
    assert fakes.calls[-1][1] == "/api/v1/campaigns/c1/units/huyen-cu-jut/progress"
    assert (await client.get("/campaigns/c1/units/huyen-cu-jut/secrets.xlsx")).status_code == 404


async def test_a_unit_may_not_download_another_units_scorecard(client, fakes):
    await signed_in(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    assert (await client.get("/campaigns/c1/units/huyen-dak-mil/scorecard.xlsx")).status_code == 403


async def test_upload_sends_the_file_to_intake_and_the_mapping_page_preselects_the_proposal(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    form = (await client.get("/imports")).text
    assert 'enctype="multipart/form-data"' in form and 'name="csrf"' in form
    posted = await client.post("/imports", data={"csrf": csrf, "kind": "units"},
                               files={"file": ("don-vi.xlsx", b"PK\x03\x04data", "application/octet-stream")})
    assert posted.status_code == 303 and posted.headers["location"] == "/imports/abc123"
    sent = fakes.posted("/api/v1/imports")[0]
    assert b'name="kind"' in sent and b"units" in sent and b"PK\x03\x04data" in sent
    page = (await client.get("/imports/abc123")).text
    assert '<option value="Mã đơn vị" selected>' in page and '<option value="Tên đơn vị" selected>' in page
    assert SCRIPT not in page and "&lt;script&gt;" in page  # a header is data: shown as text


async def test_the_dry_run_shows_each_bad_row_and_column_and_confirm_redirects(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    form = {"csrf": csrf, "map.unit_id": "Mã đơn vị", "map.name_vi": "Tên đơn vị", "map.unit_type": f"Loại {SCRIPT}",
            "action": "dry-run"}
    report = await client.post("/imports/abc123", data=form)
    assert report.status_code == 200
    sent = json.loads(fakes.posted("/api/v1/imports/abc123/dry-run")[0])
    assert sent == {"mapping": {"unit_id": "Mã đơn vị", "name_vi": "Tên đơn vị", "unit_type": f"Loại {SCRIPT}"}}
    assert _cells(report.text, "xl-errors")[1] == ["3", "Tên đơn vị", "Quá ngắn <script>alert('x')</script>"]
    assert SCRIPT not in report.text
    assert "3 dòng: 2 dòng hợp lệ, 1 dòng có lỗi" in report.text
    assert fakes.posted("/api/v1/imports/abc123/confirm") == []  # a dry run never confirms
    done = await client.post("/imports/abc123", data={**form, "action": "confirm"})
    assert done.status_code == 303 and done.headers["location"] == "/imports/abc123?done=1"
    assert fakes.confirm_timeout >= 600  # a 2 000-row import takes longer than the console's usual 10 s
    shown = (await client.get(done.headers["location"])).text
    assert "Đã ghi 2 dòng mới" in shown


async def test_a_refused_mapping_is_shown_next_to_its_field(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    fakes.refuse = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "mapping.unit_type", "reason": "Cần chọn cột cho trường bắt buộc 'Loại đơn vị'.", "code": "x"}]})
    page = await client.post("/imports/abc123", data={"csrf": csrf, "action": "dry-run"})
    assert page.status_code == 422 and "Cần chọn cột cho trường bắt buộc" in page.text


async def test_posts_without_csrf_are_refused_and_roles_that_import_nothing_get_403(client, fakes):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    refused = await client.post("/imports/abc123", data={"action": "confirm"})
    assert refused.status_code in (400, 403) and fakes.posted("/api/v1/imports/abc123/confirm") == []
    await signed_in(client, fakes, ["auditor"], None)
    assert (await client.get("/imports")).status_code == 403


async def test_a_unit_reporter_may_import_only_targets_and_results(client, fakes):
    await signed_in(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    form = (await client.get("/imports")).text
    assert 'value="targets"' in form and 'value="results"' in form and 'value="units"' not in form


async def test_the_timeliness_file_is_reportings_with_the_chosen_year(client, fakes):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    got = await client.get("/board/timeliness.xlsx?year=2026")
    assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
    assert fakes.calls[-1][1] == "/api/v1/nominations/timeliness"
    assert fakes.calls[-1][2] == {"year": "2026", "format": "xlsx"}
    await client.get("/board/timeliness.xlsx?year=%3Cscript%3E")
    assert fakes.calls[-1][2] == {"format": "xlsx"}  # a year that is not one is left out
