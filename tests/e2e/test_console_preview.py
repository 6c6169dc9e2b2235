"""Issue 11, the editor's «Xem thử điểm» through the real stack with Keycloak, in Debian's Chromium
driven by Playwright: a board officer opens the preview of a campaign with a three-level criteria
tree, types a sample and sees the points scoring's engine computes (the console asks scoring's
POST /api/v1/preview with the officer's Keycloak token); a value that is not a number and one the
criterion refuses are named next to their inputs; the unsaved draft of the editor is previewed; a
unit reporter is refused, in the browser and by scoring's API. No request to another origin, no
browser console error, no serious accessibility violation."""

import json
import re
import uuid

import httpx
import pytest

from thidua_scoring.preview import parse, preview
from thidua_scoring.scorers import load_scorers
from thidua_web.formats import number

from .a11y import serious_violations
from .console_stack import console_browser, sign_in
from .helpers import password_token

pytestmark = pytest.mark.timeout(900)

BOARD = "board-officer.so-noi-vu"
REPORTER = "unit-reporter.huyen-cu-jut"

CRITERIA = [
    {"id": "kinh-te", "name_vi": "Phát triển kinh tế", "max_points": 60, "children": [
        {"id": "nong-thon-moi", "name_vi": "Nông thôn mới", "max_points": 40, "children": [
            {"id": "xa-dat-chuan", "name_vi": "Số xã đạt chuẩn", "unit_of_measure": "xã", "max_points": 30,
             "target": 10, "max_value": 100},
            {"id": "mo-hinh", "name_vi": "Mô hình mới", "max_points": 15, "scorer": "per_occurrence",
             "params": {"points_per": 5}, "max_value": 100},
        ]},
        {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 20,
         "target": 100, "max_value": 10000},
    ]},
    {"id": "vi-pham", "name_vi": "Vi phạm kỷ luật", "max_points": 10, "scorer": "penalty", "params": {"points_per": 2}},
]  # fmt: skip
SAMPLE = {"xa-dat-chuan": "8", "mo-hinh": "4", "ho-thoat-ngheo": "75,5", "vi-pham": "1"}
TARGETS = {"ho-thoat-ngheo": "150"}


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


def test_a_board_officer_previews_a_sample_and_sees_the_engines_points(console_stack, tmp_path):
    cid = f"pv-{uuid.uuid4().hex[:8]}"
    board = bearer(console_stack, BOARD)
    body = {
        "name_vi": f"Phong trào xem thử điểm {cid}", "launched_by": "UBND tỉnh Đắk Nông", "kind": "regular",
        "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter", "criteria": CRITERIA,
        "participants": [{"unit_id": "huyen-cu-jut", "name_vi": "Huyện Cư Jút", "unit_type": "district"}],
    }  # fmt: skip
    response = httpx.put(f"{console_stack.url('intake')}/api/v1/campaigns/{cid}", json=body, headers=board, timeout=30)
    assert response.status_code == 200, response.text

    # what scoring's engine computes for this sample (in this process, the installed scorers)
    values = {k: float(v.replace(",", ".")) for k, v in SAMPLE.items()}
    targets = {k: float(v) for k, v in TARGETS.items()}
    sent = {"criteria": CRITERIA, "values": values, "targets": targets}
    expected = preview(parse(json.dumps(sent).encode()), load_scorers(), "vi")
    # and what scoring's own endpoint answers with the officer's Keycloak token (OIDC verified there)
    scoring = console_stack.url("scoring")
    answered = httpx.post(f"{scoring}/api/v1/preview", json=sent, headers=board, timeout=30)
    assert answered.status_code == 200, answered.text
    assert answered.json() == expected.model_dump(mode="json")
    refused = httpx.post(f"{scoring}/api/v1/preview", json=sent, headers=bearer(console_stack, REPORTER), timeout=30)
    assert refused.status_code == 403 and "không được phép" in refused.json()["message"]
    assert httpx.post(f"{scoring}/api/v1/preview", json=sent, timeout=30).status_code == 401

    console = console_stack.url("web")
    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, BOARD, seen)
        page.goto(f"{console}/editor/{cid}")
        page.click("#ed-preview")
        page.wait_for_url(f"{console}/editor/{cid}/preview")
        page.wait_for_selector("#pv-form")
        assert page.locator("#pv-value-kinh-te").count() == 0  # groups have no input
        assert serious_violations(page) == []
        for leaf, value in SAMPLE.items():
            page.fill(f"#pv-value-{leaf}", value)
        for leaf, value in TARGETS.items():
            page.fill(f"#pv-target-{leaf}", value)
        page.click("#pv-submit")
        page.wait_for_selector("#pv-result")
        page.screenshot(path=str(tmp_path / "01-preview-result.png"), full_page=True)
        assert page.inner_text("#pv-total") == (
            f"Tổng điểm: {number(expected.total, 'vi')} / {number(expected.max_total, 'vi')}"
        )
        for line in expected.criteria:
            cells = page.locator(f'#pv-lines tr[data-criterion="{line.criterion_id}"] td').all_inner_texts()
            assert cells[2] == f"{number(line.points, 'vi')} / {number(line.max_points, 'vi')}", line
            assert cells[3] == line.explanation
        assert page.input_value("#pv-value-ho-thoat-ngheo") == "75,5"  # what was typed is kept
        assert serious_violations(page) == []

        # refused: a value that is not a number (the console), one the criterion refuses (scoring)
        page.fill("#pv-value-mo-hinh", "bốn")
        page.fill("#pv-value-xa-dat-chuan", "500")
        page.click("#pv-submit")
        page.wait_for_selector("#pv-value-mo-hinh-err")
        assert page.inner_text("#pv-value-mo-hinh-err") == "Phải là một số (ví dụ 12 hoặc 7,5)."
        assert page.locator("#pv-result").count() == 0
        page.fill("#pv-value-mo-hinh", "4")
        page.click("#pv-submit")
        page.wait_for_selector("#pv-value-xa-dat-chuan-err")
        assert re.search(r"Giá trị 500 nằm ngoài khoảng cho phép \[0; 100\]", page.inner_text("#pv-value-xa-dat-chuan-err"))
        page.screenshot(path=str(tmp_path / "02-preview-refused.png"), full_page=True)
        assert serious_violations(page) == []

        # the editor's unsaved draft: a changed maximum is previewed, nothing is saved
        page.goto(f"{console}/editor/{cid}")
        page.fill("#f-criteria-1-max_points", "4")
        page.click("#ed-preview-draft")
        page.wait_for_selector("#pv-form")
        page.fill("#pv-value-vi-pham", "5")
        page.click("#pv-submit")
        page.wait_for_selector("#pv-result")
        assert page.locator('#pv-lines tr[data-criterion="vi-pham"] td').all_inner_texts()[2] == "-4 / 4"
        page.screenshot(path=str(tmp_path / "03-preview-draft.png"), full_page=True)
        saved = httpx.get(f"{console_stack.url('intake')}/api/v1/campaigns/{cid}", headers=board, timeout=30).json()
        assert saved["criteria"][1]["max_points"] == 10 and saved["revision"] == response.json()["revision"]

        # a unit reporter may not open it
        reporter = sign_in(browser, console_stack, REPORTER)
        reply = reporter.goto(f"{console}/editor/{cid}/preview")
        assert reply is not None and reply.status == 403
        reporter.screenshot(path=str(tmp_path / "04-preview-reporter-refused.png"), full_page=True)

    assert seen.strangers(console, console_stack.keycloak_url) == []
    # the refused sample answers 422 on purpose (the response, and Chromium's console line about it)
    errors = [e for e in seen.errors if not (f"/editor/{cid}/preview" in e and "422" in e)]
    assert errors == []
