"""Issue 13, Excel both ways, through the real stack (console stack: Kafka, SecantusDB, the four
services, Keycloak, the console; Chromium through Playwright for the browser part).

- The must-show case through intake's API: a 2 000-row workbook of units with 50 bad rows. The dry
  run names each bad row and its column, in Vietnamese, and writes nothing; the confirmed import
  writes the 1 950 others exactly once, with one audit record; importing the same workbook again
  writes nothing new.
- Results imported for a campaign's quarter arrive with channel "import" and are scored; reporting's
  leaderboard as `?format=xlsx` reads back equal to its JSON.
- In the browser: the board uploads a small workbook, confirms the proposed mapping, sees the dry
  run's error row, imports, and downloads the units register with «Tải Excel»: read back with
  openpyxl, it equals the table on the page."""

import io
import time
import uuid

import httpx
import openpyxl
import pytest

from thidua_common.auth import mint_token
from thidua_common.spreadsheets import XlsxColumn, write_xlsx

from .conftest import TENANT, small_campaign
from .console_stack import console_browser, sign_in
from .helpers import put_running

pytestmark = pytest.mark.timeout(1500)  # Keycloak's first start and 2 000 transactions on a busy machine

BOARD = "board-officer.so-noi-vu"
HEADERS = ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Thư điện tử")
# the bad rows: every 40th item, and the column each one breaks (in turn)
BAD_KINDS = ("Loại đơn vị", "Tên đơn vị", "Thư điện tử", "Mã đơn vị cấp trên", "Mã đơn vị")


def _board(stack) -> dict:
    token = mint_token(stack.settings(), subject="can-bo-tdkt", tenant=TENANT, roles=["board_officer"])
    return {"Authorization": f"Bearer {token}"}


def _units_workbook(prefix: str, n: int = 2000) -> tuple[bytes, dict[int, str]]:
    """n units under prefix; every 40th is bad in one column. Returns the file and, per bad row's
    number in the sheet (header = row 1), the column at fault."""
    rows, bad = [], {}
    for i in range(n):
        uid, name, kind, parent, email = f"{prefix}-{i:04d}", f"Xã Thử Nghiệm Số {i}", "commune", None, None
        if i % 40 == 7:
            column = BAD_KINDS[(i // 40) % len(BAD_KINDS)]
            bad[i + 2] = column
            if column == "Loại đơn vị":
                kind = "hanh-tinh"
            elif column == "Tên đơn vị":
                name = "X"
            elif column == "Thư điện tử":
                email = "khong-phai-thu"
            elif column == "Mã đơn vị cấp trên":
                parent = f"khong-co-{prefix}"
            else:
                uid = "Mã Sai!"
        rows.append([uid, name, kind, parent, email])
    return write_xlsx([XlsxColumn(h) for h in HEADERS], rows), bad


def _upload(intake: httpx.Client, headers: dict, data: bytes, kind: str = "units", **form) -> dict:
    sent = intake.post("/api/v1/imports", headers=headers, data={"kind": kind, **form},
                       files={"file": ("don-vi.xlsx", data, "application/octet-stream")})  # fmt: skip
    assert sent.status_code == 201, sent.text
    return sent.json()


def _count(intake: httpx.Client, headers: dict, prefix: str) -> int:
    units = intake.get("/api/v1/units", headers=headers).json()
    return sum(1 for u in units if u["unit_id"].startswith(prefix))


def test_a_2000_row_workbook_with_50_bad_rows_dry_run_then_exactly_once(console_stack):
    prefix = f"xa-nhap-{uuid.uuid4().hex[:6]}"
    data, bad = _units_workbook(prefix)
    assert len(bad) == 50
    headers = _board(console_stack)
    with httpx.Client(base_url=console_stack.url("intake"), timeout=900) as intake:
        found = _upload(intake, headers, data)
        assert found["rows"] == 2000
        assert found["mapping"] == {"unit_id": "Mã đơn vị", "name_vi": "Tên đơn vị", "name_en": None,
                                    "unit_type": "Loại đơn vị", "parent_id": "Mã đơn vị cấp trên",
                                    "email": "Thư điện tử"}  # fmt: skip

        dry = intake.post(f"/api/v1/imports/{found['import_id']}/dry-run", json={"mapping": found["mapping"]},
                          headers=headers)  # fmt: skip
        assert dry.status_code == 200, dry.text
        report = dry.json()
        assert (report["rows"], report["valid"], report["invalid"]) == (2000, 1950, 50)
        assert {e["row"]: e["column"] for e in report["errors"]} == bad
        assert all(e["reason"] and e["reason"].isascii() is False for e in report["errors"])  # Vietnamese
        assert _count(intake, headers, prefix) == 0  # the dry run wrote nothing

        started = time.monotonic()
        done = intake.post(f"/api/v1/imports/{found['import_id']}/confirm", json={"mapping": found["mapping"]},
                           headers=headers)  # fmt: skip
        assert done.status_code == 200, done.text
        print(f"2 000-row import: {time.monotonic() - started:.1f} s")
        assert (done.json()["written"], done.json()["already"], done.json()["invalid"]) == (1950, 0, 50)
        assert _count(intake, headers, prefix) == 1950

        # the same workbook again, uploaded anew: nothing new is written
        again = _upload(intake, headers, data)
        repeat = intake.post(f"/api/v1/imports/{again['import_id']}/confirm", json={"mapping": again["mapping"]},
                             headers=headers)  # fmt: skip
        assert repeat.status_code == 200, repeat.text
        assert (repeat.json()["written"], repeat.json()["already"]) == (0, 1950)
        assert _count(intake, headers, prefix) == 1950

        # one audit record per import, with its counts and actor
        deadline = time.monotonic() + 60
        while True:
            trail = intake.get("/api/v1/audit", headers=headers, params={"subject": f"import:{found['import_id']}"})
            items = trail.json() if trail.status_code == 200 else []
            if items or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert trail.status_code == 200, trail.text
        assert len(items) == 1, items
        assert items[0]["action"] == "vn.thidua.import.completed.v1" and items[0]["actor"] == "can-bo-tdkt"


def test_results_import_is_scored_and_the_leaderboard_reads_back_as_xlsx(console_stack):
    headers = _board(console_stack)
    cid = f"pt-nhap-{uuid.uuid4().hex[:6]}"
    put_running(console_stack, cid, small_campaign(cid), headers)
    with httpx.Client(base_url=console_stack.url("intake"), timeout=120) as intake:
        # participants: one more unit joins the campaign (one new revision), once
        joining = write_xlsx([XlsxColumn("Mã đơn vị"), XlsxColumn("Tên đơn vị"), XlsxColumn("Loại"), XlsxColumn("Cụm")],
                             [["don-vi-9", "Đơn vị số 9", "district", "khoi-huyen"], ["don-vi-x", "Sai", "x", "khong-co"]])  # fmt: skip
        for attempt in (1, 2):
            found = _upload(intake, headers, joining, "participants", campaign_id=cid)
            done = intake.post(f"/api/v1/imports/{found['import_id']}/confirm", json={"mapping": found["mapping"]},
                               headers=headers).json()  # fmt: skip
            assert (done["written"], done["already"]) == ((1, 0) if attempt == 1 else (0, 1)), done
            assert [(e["row"], e["column"]) for e in done["errors"]] == [(3, "Cụm")]
        defined = intake.get(f"/api/v1/campaigns/{cid}", headers=headers).json()
        assert [p["cluster_id"] for p in defined["participants"] if p["unit_id"] == "don-vi-9"] == ["khoi-huyen"]
    cols = [XlsxColumn("Mã đơn vị"), XlsxColumn("Số hộ thoát nghèo", "number"), XlsxColumn("Nhà đại đoàn kết", "number")]
    data = write_xlsx(cols, [["don-vi-1", 80, 12], ["don-vi-2", 100, 10], ["don-vi-3", 20000, 1]])
    with httpx.Client(base_url=console_stack.url("intake"), timeout=120) as intake:
        found = _upload(intake, headers, data, "results", campaign_id=cid, period="2018-Q2")
        assert found["mapping"]["values.ho-thoat-ngheo"] == "Số hộ thoát nghèo"
        done = intake.post(f"/api/v1/imports/{found['import_id']}/confirm", json={"mapping": found["mapping"]},
                           headers=headers).json()  # fmt: skip
        assert done["written"] == 2 and [(e["row"], e["column"]) for e in done["errors"]] == [(4, "Số hộ thoát nghèo")]
        listed = intake.get("/api/v1/submissions", headers=headers, params={"campaign_id": cid}).json()["items"]
        assert sorted((i["unit_id"], i["channel"]) for i in listed) == [("don-vi-1", "import"), ("don-vi-2", "import")]
    reporting = console_stack.url("reporting")
    deadline = time.monotonic() + 120
    while True:
        board = httpx.get(f"{reporting}/api/v1/campaigns/{cid}/leaderboard", headers=headers, timeout=30).json()
        if sum(s["periods_reported"] for s in board["standings"]) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    got = httpx.get(f"{reporting}/api/v1/campaigns/{cid}/leaderboard", params={"format": "xlsx"}, headers=headers,
                    timeout=30)  # fmt: skip
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:4] == ("Hạng", "Hạng trong cụm", "Mã đơn vị", "Đơn vị")
    assert [(r[0], r[2], r[5]) for r in lines[1:]] == [
        (s["rank"], s["unit_id"], s["score"]) for s in board["standings"]
    ]
    assert sheet["F2"].number_format == "#,##0.0#" and isinstance(sheet["F2"].value, (int, float))


def test_the_board_imports_in_the_browser_and_downloads_the_register(console_stack, tmp_path):
    console = console_stack.url("web")
    suffix = uuid.uuid4().hex[:6]
    rows = [[f"xa-web-{suffix}-1", f"Xã Trình Duyệt Một {suffix}", "commune"],
            [f"xa-web-{suffix}-2", "X", "commune"],
            [f"xa-web-{suffix}-3", f"Xã Trình Duyệt Ba {suffix}", "commune"]]  # fmt: skip
    workbook = tmp_path / "don-vi.xlsx"
    workbook.write_bytes(write_xlsx([XlsxColumn("MÃ ĐƠN VỊ"), XlsxColumn("Tên"), XlsxColumn("Loại")], rows))
    shot = iter(range(1, 100))

    def snap(page, name: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shot):02d}-{name}.png"), full_page=True)

    with console_browser() as (browser, seen):
        board = sign_in(browser, console_stack, BOARD, seen)
        board.click("#nav-imports")
        board.wait_for_selector("#xl-upload-form")
        board.select_option("#xl-kind", "units")
        board.set_input_files("#xl-file", str(workbook))
        snap(board, "upload")
        with board.expect_navigation():
            board.click("#xl-upload")
        board.wait_for_selector("#xl-mapping-form")
        # the mapping proposed from the headers (diacritics and case aside)
        assert board.locator('select[data-field="unit_id"]').input_value() == "MÃ ĐƠN VỊ"
        assert board.locator('select[data-field="name_vi"]').input_value() == "Tên"
        assert board.locator('select[data-field="unit_type"]').input_value() == "Loại"
        snap(board, "mapping")
        with board.expect_navigation():
            board.click("#xl-dry-run")
        board.wait_for_selector("#xl-errors")
        assert board.locator("#xl-errors tbody tr").count() == 1
        error = board.locator('#xl-errors tr[data-row="3"]').inner_text()
        assert "Tên" in error
        assert "3 dòng: 2 dòng hợp lệ, 1 dòng có lỗi" in board.inner_text("#xl-report-counts")
        snap(board, "dry-run")
        with board.expect_navigation():
            board.click("#xl-confirm")
        board.wait_for_selector("#xl-done-counts")
        assert board.inner_text("#xl-done-counts").startswith("Đã ghi 2 dòng mới")
        snap(board, "done")

        board.goto(f"{console}/units?q={suffix}")
        board.wait_for_selector("#unt-tree")
        page_rows = board.eval_on_selector_all(
            "#unt-tree tr", "rows => rows.map(r => [...r.children].map(c => c.innerText.split(' (')[0].trim()))"
        )
        with board.expect_download() as caught:
            board.click("#xl-units")
        with open(caught.value.path(), "rb") as got:
            sheet = openpyxl.load_workbook(io.BytesIO(got.read())).active
        cells = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
        assert cells == page_rows
        assert [r[1] for r in cells[1:]] == [f"xa-web-{suffix}-3", f"xa-web-{suffix}-1"]  # Vietnamese order: Ba, Một
        snap(board, "register")
    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    assert not seen.errors, seen.errors
