"""Issue 11, the board's dashboards (/board) through the real stack with Keycloak, in Debian's
Chromium driven by Playwright: a campaign and two submissions go in through intake's API (password
tokens of the demo users); the board officer opens /board for that campaign and the counts shown
are those the APIs answer (intake's submissions, reporting's nomination timeliness and awards).
No request to another origin, no browser console error, no serious accessibility violation."""

import time
import uuid

import httpx
import pytest

from thidua_web.board import models
from thidua_web.formats import number

from .a11y import serious_violations
from .conftest import submission
from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)

BOARD = "board-officer.so-noi-vu"
UNITS = {"huyen-cu-jut": "Huyện Cư Jút", "huyen-dak-mil": "Huyện Đắk Mil"}
PERIOD = "2026-Q1"


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


def test_the_board_sees_the_timeliness_pipeline_and_award_figures_the_apis_give(console_stack, tmp_path):
    cid = f"brd-{uuid.uuid4().hex[:8]}"
    board = bearer(console_stack, BOARD)
    body = {
        "name_vi": f"Phong trào bảng điều hành {cid}", "launched_by": "UBND tỉnh Đắk Nông", "kind": "regular",
        "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 60,
             "target": 1000, "max_value": 100000},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn", "max_points": 40,
             "target": 10, "max_value": 500},
        ],
        "clusters": [{"id": "cum-tay-nam", "name_vi": "Cụm thi đua Tây Nam",
                      "leadership": [{"year": 2026, "head_unit_id": "tx-gia-nghia"}]}],
        "participants": [{"unit_id": u, "name_vi": n, "unit_type": "district", "cluster_id": "cum-tay-nam"}
                         for u, n in UNITS.items()],
    }  # fmt: skip
    put_running(console_stack, cid, body, board)
    intake = console_stack.url("intake")
    for unit in UNITS:
        sent = submission(cid, unit, PERIOD)
        answer = httpx.post(f"{intake}/api/v1/submissions", json=sent,
                            headers=bearer(console_stack, f"unit-reporter.{unit}"), timeout=30)
        assert answer.status_code == 202, answer.text

    def listed() -> list[dict]:
        found = httpx.get(f"{intake}/api/v1/submissions", params={"campaign_id": cid, "limit": 200},
                          headers=board, timeout=30)
        assert found.status_code == 200, found.text
        return found.json()["items"]

    deadline = time.monotonic() + 60
    while len(items := listed()) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(items) == 2
    expected = models.timeliness(items)
    assert expected.total == 2 and expected.pending == 2
    reporting = console_stack.url("reporting")
    stage_rows = httpx.get(f"{reporting}/api/v1/nominations/timeliness", headers=board, timeout=30).json()
    awards = httpx.get(f"{reporting}/api/v1/awards", headers=board, timeout=30).json()
    stats = models.award_stats(awards)

    console = console_stack.url("web")
    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, BOARD, seen)
        assert page.inner_text("#nav-board") == "Bảng điều hành"
        page.click("#nav-board")
        page.wait_for_selector("#brd-campaign")
        page.select_option("#brd-campaign", cid)
        page.click("#brd-apply")
        page.wait_for_url(f"{console}/board?campaign_id={cid}*")
        page.wait_for_selector("#brd-timeliness-table")
        page.screenshot(path=str(tmp_path / "01-board.png"), full_page=True)

        def cell(row_id: str) -> str:
            return page.inner_text(f"#{row_id} td").strip()

        assert cell("brd-total") == number(expected.total, "vi") == "2"
        assert cell("brd-pending") == number(expected.pending, "vi")
        assert cell("brd-overdue") == number(expected.overdue, "vi")
        assert cell("brd-awaiting-unit") == number(expected.awaiting_unit, "vi")
        assert cell("brd-approved") == number(expected.approved, "vi")
        assert page.locator("#brd-partial").count() == 0
        # the pipeline and the awards as reporting answers them (other tests may have filed some)
        for s in models.stages(stage_rows):
            cells = page.locator(f'tr[data-stage="{s.stage}"] td').all_inner_texts()
            assert cells[0] == number(s.count, "vi") and cells[4] == number(s.overdue, "vi")
        if stats.rows:
            assert page.inner_text("#brd-awards-total") == number(stats.total, "vi")
        else:
            assert page.locator("#brd-no-awards").count() == 1
        assert serious_violations(page) == []

        # a refused year: named next to its field, every year shown
        page.goto(f"{console}/board?campaign_id={cid}&year=20x6")
        page.wait_for_selector("#err-year")
        page.screenshot(path=str(tmp_path / "02-board-bad-year.png"), full_page=True)
        assert serious_violations(page) == []

    assert seen.strangers(console, console_stack.keycloak_url) == []
    errors = [e for e in seen.errors if "year=20x6" not in e]  # the refused year answers 422 on purpose
    assert errors == []
