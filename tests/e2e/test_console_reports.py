"""Issue 13: the console's «Báo cáo sơ kết/tổng kết» page through the real stack with Keycloak, in
Chromium driven by Playwright. A campaign with an interim review date; its drafts are generated
(reporting's check, as of the review date); the board officer opens the page, writes the
assessment, regenerates (version 2 listed beside version 1) and downloads the DOCX, which holds the
text written; the unit's reporter sees only its own draft and no editing forms. No request to
another origin, no browser console error, no serious accessibility violation."""

import io
import uuid

import httpx
import pytest
from docx import Document

from .a11y import serious_violations
from .conftest import submission
from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)

BOARD = "board-officer.so-noi-vu"
UNITS = {"huyen-cu-jut": "Huyện Cư Jút", "huyen-dak-mil": "Huyện Đắk Mil"}
REVIEW = "2027-01-15"


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


def test_the_board_edits_regenerates_and_downloads_a_review_draft(console_stack, tmp_path):
    cid = f"rpt-{uuid.uuid4().hex[:8]}"
    board = bearer(console_stack, BOARD)
    body = {
        "name_vi": f"Phong trào sơ kết {cid}", "launched_by": "UBND tỉnh Đắk Nông", "kind": "regular",
        "start": "2026-01-01", "end": "2027-06-30", "reporting_frequency": "quarter",
        "interim_reviews": [REVIEW], "final_review": "2027-07-15",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 60,
             "target": 100, "max_value": 100000},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn", "max_points": 40,
             "target": 10, "max_value": 500},
        ],
        "clusters": [{"id": "cum-tay-nam", "name_vi": "Cụm thi đua Tây Nam"}],
        "participants": [{"unit_id": u, "name_vi": n, "unit_type": "district", "cluster_id": "cum-tay-nam"}
                         for u, n in UNITS.items()],
    }  # fmt: skip
    put_running(console_stack, cid, body, board)
    sent = httpx.post(f"{console_stack.url('intake')}/api/v1/submissions",
                      json=submission(cid, "huyen-cu-jut", "2026-Q3"),
                      headers=bearer(console_stack, "unit-reporter.huyen-cu-jut"), timeout=30)  # fmt: skip
    assert sent.status_code == 202, sent.text
    reporting = console_stack.url("reporting")
    checked = httpx.post(f"{reporting}/api/v1/reviews/check", json={"as_of": REVIEW}, headers=board, timeout=300)
    assert checked.status_code == 200, checked.text
    assert [g["version"] for g in checked.json()["generated"] if g["campaign_id"] == cid] == [1]

    console = console_stack.url("web")
    anchor = f"#review-{REVIEW}"
    written = "Các đơn vị triển khai đồng bộ, hiệu quả; còn chậm báo cáo."
    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, BOARD, seen)
        page.goto(f"{console}/campaigns/{cid}/reviews")
        page.wait_for_selector(anchor)
        assert page.inner_text("#nav-reports") == "Báo cáo sơ kết/tổng kết"
        assert page.inner_text(f"{anchor} .rpt-state") == "Đã có dự thảo"
        assert page.locator(f"{anchor} .rpt-versions tbody tr").count() == 1
        page.screenshot(path=str(tmp_path / "01-reviews.png"), full_page=True)
        assert serious_violations(page) == []

        page.fill(f"#review-{REVIEW}-assessment", written)
        page.click(f"{anchor} .rpt-save")
        page.wait_for_selector("#rpt-notice")
        assert "Đã lưu nội dung" in page.inner_text("#rpt-notice")
        assert page.input_value(f"#review-{REVIEW}-assessment") == written
        page.click(f"{anchor} .rpt-regenerate button")
        page.wait_for_selector("#rpt-notice")
        assert "phiên bản 2" in page.inner_text("#rpt-notice")
        rows = page.locator(f"{anchor} .rpt-versions tbody tr")
        assert rows.count() == 2 and rows.first.locator("td").first.inner_text() == "2"
        page.screenshot(path=str(tmp_path / "02-regenerated.png"), full_page=True)
        with page.expect_download() as caught:
            page.click(f"{anchor} .rpt-versions tbody tr:first-child a.rpt-docx")
        saved = tmp_path / "draft.docx"
        caught.value.save_as(str(saved))
        text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
        assert written in text and "I. ĐẶC ĐIỂM TÌNH HÌNH" in text

        unit = sign_in(browser, console_stack, "unit-reporter.huyen-cu-jut", seen)
        unit.goto(f"{console}/campaigns/{cid}/reviews")
        unit.wait_for_selector(anchor)
        assert unit.locator(".rpt-narrative").count() == 0 and unit.locator(".rpt-upload").count() == 0
        # its own draft only: regenerating made its version 2 too
        versions = unit.locator(f"{anchor} .rpt-versions tbody tr td:first-child").all_inner_texts()
        assert versions == ["2", "1"]
        assert "Báo cáo của đơn vị" in unit.inner_text(anchor)
        unit.screenshot(path=str(tmp_path / "03-unit.png"), full_page=True)
        assert serious_violations(unit) == []

    assert seen.strangers(console, console_stack.keycloak_url) == []
    assert seen.errors == []
