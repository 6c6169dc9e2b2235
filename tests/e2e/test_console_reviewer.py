"""Issue 10, the console's reviewer pages through the real stack with Keycloak, in Debian's Chromium
driven by Playwright: a campaign whose cluster khoi-huyen is headed by tx-gia-nghia in 2018 and
holds huyen-cu-jut; the unit's reporter submits through intake's API with their Keycloak token;
cluster-head.tx-gia-nghia signs in, finds it in the review queue, is refused a return without a
ticked criterion (intake's message next to the criteria), returns one criterion with a reason; the
reporter resubmits that criterion through the API; the head approves the resubmission in the
browser and rates the unit; their own unit's submission offers no decision and intake's refusal is
shown; board-officer.so-noi-vu reopens the approval with a reason; the reporter gets the 403 page.
What intake holds afterwards is what the pages sent. Screenshots go to the test's tmp dir."""

import re
import time
import uuid

import httpx
import pytest

from .conftest import TENANT, small_campaign
from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

REPORTER = "unit-reporter.huyen-cu-jut"
HEAD = "cluster-head.tx-gia-nghia"
BOARD = "board-officer.so-noi-vu"
UNITS = [("huyen-cu-jut", "khoi-huyen"), ("huyen-dak-mil", "khoi-huyen"), ("tx-gia-nghia", "khoi-huyen"),
         ("so-noi-vu", "khoi-so")]
RETURN_REASON = "Thiếu biên bản nghiệm thu nhà đại đoàn kết"
REOPEN_REASON = "Phát hiện sai lệch số liệu khi hậu kiểm"
MOMENT = re.compile(r"\d\d:\d\d \d\d/\d\d/\d{4}")


def definition(campaign_id: str) -> dict:
    body = small_campaign(campaign_id, units=len(UNITS))
    body["name_vi"] = f"Phong trào thẩm định {campaign_id}"
    for participant, (unit, cluster) in zip(body["participants"], UNITS, strict=True):
        participant.update(unit_id=unit, cluster_id=cluster, email=f"{unit}@{campaign_id}.test")
    body["participants"][0]["name_vi"] = "Huyện Cư Jút"
    body["clusters"] = [
        {"id": "khoi-huyen", "name_vi": "Khối các huyện", "leadership": [{"year": 2018, "head_unit_id": "tx-gia-nghia"}]},
        {"id": "khoi-so", "name_vi": "Khối sở ngành", "leadership": [{"year": 2018, "head_unit_id": "so-noi-vu"}]},
    ]
    body["criteria"].append({"id": "danh-gia", "name_vi": "Đánh giá của cụm trưởng", "max_points": 20,
                             "scorer": "reviewer_rating", "params": {"scale": 10}})
    return body


def intake(stack, method: str, path: str, token: str, body: dict | None = None) -> httpx.Response:
    return httpx.request(method, f"{stack.url('intake')}{path}", json=body, timeout=30,
                         headers={"Authorization": f"Bearer {token}"})


def submit(stack, token: str, campaign_id: str, unit: str, values: dict) -> str:
    response = intake(stack, "POST", "/api/v1/submissions", token, {
        "tenant": TENANT, "campaign_id": campaign_id, "unit_id": unit, "period": "2018-Q2", "values": values,
        "evidence": [{"url": "https://vanban.daknong.test/bao-cao.pdf", "description": "Báo cáo quý II"}]})
    assert response.status_code == 202, response.text
    return response.json()["submission_id"]


def test_a_cluster_head_returns_then_approves_and_the_board_reopens(console_stack, tmp_path):
    console = console_stack.url("web")
    board_token = password_token(console_stack, BOARD)
    campaign_id = f"rev-{uuid.uuid4().hex[:8]}"
    put_running(console_stack, campaign_id, definition(campaign_id), {"Authorization": f"Bearer {board_token}"})
    reporter_token = password_token(console_stack, REPORTER)
    first = submit(console_stack, reporter_token, campaign_id, "huyen-cu-jut",
                   {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 12})
    own = submit(console_stack, board_token, campaign_id, "tx-gia-nghia", {"ho-thoat-ngheo": 90, "nha-dai-doan-ket": 9})
    shot = iter(range(1, 100))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the home page (signed in) shows reporting's leaderboards
        board_view = httpx.get(f"{console_stack.url('reporting')}/api/v1/campaigns/{campaign_id}/leaderboard",
                               headers={"Authorization": f"Bearer {board_token}"}, timeout=30)
        if board_view.status_code == 200:
            break
        time.sleep(0.5)

    def snap(page, name: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shot):02d}-{name}.png"), full_page=True)

    with console_browser() as (browser, seen):
        head = sign_in(browser, console_stack, HEAD, seen)
        assert head.inner_text("#nav-review") == "Duyệt báo cáo"

        # the queue: the reporter's submission with its unit's name, Vietnamese times, the awaited level
        head.click("#nav-review")
        head.wait_for_selector("#rev-filter")
        head.select_option("#rev-campaign", campaign_id)
        head.click("#rev-filter")
        row = head.locator(f'tr[data-submission="{first}"]')
        row.wait_for()
        assert head.locator("tr[data-submission]").count() == 1  # the head's own unit is not in its queue
        assert row.locator(".rev-unit").inner_text() == "Huyện Cư Jút"
        assert "quý II/2018" in row.inner_text() and "Cụm, khối trưởng" in row.inner_text()
        assert MOMENT.fullmatch(row.locator(".rev-submitted").inner_text())
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", row.locator(".rev-due").inner_text())
        assert row.locator(".rev-age").inner_text() == "0 ngày"
        snap(head, "queue")

        # the submission: values with names, units and targets, the evidence link
        row.locator("a.rev-open").click()
        head.wait_for_selector("#rev-decide")
        assert head.inner_text("#rev-unit-name") == "Huyện Cư Jút"
        poverty = head.locator('tr[data-criterion="ho-thoat-ngheo"]')
        assert "Số hộ thoát nghèo" in poverty.inner_text()
        assert poverty.locator(".rev-value").inner_text() == "80" and poverty.locator(".rev-target").inner_text() == "100"
        assert head.locator('#rev-evidence a[href="https://vanban.daknong.test/bao-cao.pdf"]').count() == 1
        assert head.inner_text("#rev-status") == "Chờ thẩm định"
        snap(head, "submission")

        # return without a ticked criterion: intake's reason shown with the criteria, nothing decided
        head.click("#rev-return")
        head.wait_for_selector("#rev-refusal")
        assert head.locator(".rev-field-error").count() >= 1
        snap(head, "return-refused")

        # return one criterion with a reason
        head.check("#ret-nha-dai-doan-ket")
        head.fill("#reason-nha-dai-doan-ket", RETURN_REASON)
        with head.expect_navigation(url=re.compile(r"/review\?done=returned$")):
            head.click("#rev-return")
        assert head.inner_text("#rev-done") == "Đã trả lại báo cáo để đơn vị bổ sung."
        assert head.locator(f'tr[data-submission="{first}"]').count() == 0
        snap(head, "returned")
        review = intake(console_stack, "GET", f"/api/v1/submissions/{first}", board_token).json()["review"]
        assert review["status"] == "returned" and review["reasons"] == {"nha-dai-doan-ket": RETURN_REASON}
        assert review["level"] == "cluster"

        # the reporter resubmits only that criterion through intake's API
        response = intake(console_stack, "POST", f"/api/v1/submissions/{first}/resubmit", reporter_token,
                          {"values": {"nha-dai-doan-ket": 15}})
        assert response.status_code == 202, response.text
        second = response.json()["submission_id"]

        # the head approves the resubmission in the browser
        head.goto(f"{console}/review?campaign_id={campaign_id}")
        head.locator(f'tr[data-submission="{second}"] a.rev-open').click()
        head.wait_for_selector("#rev-decide")
        assert head.locator('tr[data-criterion="nha-dai-doan-ket"] .rev-value').inner_text() == "15"
        assert head.locator(f'a[href="/review/{first}"]').count() == 1  # the returned one it follows
        previous = head.locator('tr[data-criterion="nha-dai-doan-ket"] .rev-previous').inner_text()
        assert previous == f"12 – lý do: {RETURN_REASON}"
        snap(head, "resubmission")
        with head.expect_navigation(url=re.compile(r"/review\?done=approved$")):
            head.click("#rev-approve")
        assert head.inner_text("#rev-done") == "Đã phê duyệt báo cáo."
        snap(head, "approved")
        review = intake(console_stack, "GET", f"/api/v1/submissions/{second}", board_token).json()["review"]
        assert review["status"] == "approved" and review["level"] == "cluster"

        # the head's own unit: no decision offered; intake's refusal shown on the page when forced
        page = head.goto(f"{console}/review/{own}")
        assert page.status == 200 and head.locator("#rev-own").count() == 1 and head.locator("#rev-decide").count() == 0
        csrf = head.locator('form.logout input[name="csrf"]').get_attribute("value")
        forced = head.request.post(f"{console}/review/{own}/review", form={"csrf": csrf, "decision": "approve"})
        assert forced.status == 403
        assert "không ai được thẩm định báo cáo của chính đơn vị mình" in forced.text()
        review = intake(console_stack, "GET", f"/api/v1/submissions/{own}", board_token).json()["review"]
        assert review["status"] == "pending"
        snap(head, "own-unit")

        # the head rates the unit of its cluster
        head.goto(f"{console}/review/campaigns/{campaign_id}/ratings?period=2018-Q2")
        head.wait_for_selector("#rate-huyen-cu-jut")
        assert head.locator("#rate-tx-gia-nghia").count() == 0 and head.locator("#rate-so-noi-vu").count() == 0
        head.fill("#r-huyen-cu-jut-danh-gia", "8,5")
        head.fill("#c-huyen-cu-jut", "Tích cực trong phong trào")
        with head.expect_navigation(url=re.compile(r"done=rated$")):
            head.click("#save-huyen-cu-jut")
        assert head.inner_text("#rev-done") == "Đã lưu điểm thẩm định."
        assert "Đánh giá của cụm trưởng: 8,5" in head.inner_text("#rev-ratings-history")
        assert head.input_value("#r-huyen-cu-jut-danh-gia") == "8,5"
        snap(head, "ratings")
        given = intake(console_stack, "GET", f"/api/v1/campaigns/{campaign_id}/ratings?period=2018-Q2",
                       board_token).json()
        assert [(r["unit_id"], r["ratings"], r["comment"]) for r in given] == [
            ("huyen-cu-jut", {"danh-gia": 8.5}, "Tích cực trong phong trào")]

        # the board officer reopens the approval with a reason
        board = sign_in(browser, console_stack, BOARD, seen)
        board.goto(f"{console}/review/{second}")
        board.wait_for_selector("#rev-reopen")
        assert board.inner_text("#rev-status") == "Đã phê duyệt"
        board.fill("#rev-reopen-reason", REOPEN_REASON)
        snap(board, "reopen")
        with board.expect_navigation(url=re.compile(r"/review\?done=reopened$")):
            board.click("#rev-reopen-submit")
        assert board.inner_text("#rev-done") == "Đã mở lại báo cáo đã phê duyệt."
        board.goto(f"{console}/review?campaign_id={campaign_id}")
        assert board.locator(f'tr[data-submission="{second}"]').count() == 1  # awaiting review again
        snap(board, "board-queue")
        review = intake(console_stack, "GET", f"/api/v1/submissions/{second}", board_token).json()["review"]
        assert review["status"] == "pending" and review["history"][-1]["step"] == "reopen"
        assert review["history"][-1]["reason"] == REOPEN_REASON
        board.goto(f"{console}/review/{second}")
        assert REOPEN_REASON in board.inner_text("#rev-history")
        snap(board, "history")

        # a unit reporter does not reach the reviewer's pages
        reporter = sign_in(browser, console_stack, REPORTER, seen)
        assert reporter.locator("#nav-review").count() == 0
        refused = reporter.goto(f"{console}/review")
        assert refused.status == 403 and "Bạn không có quyền xem trang này." in reporter.inner_text("main")
        snap(reporter, "reporter-403")

    assert not seen.strangers(console, console_stack.keycloak_url), seen.strangers(console, console_stack.keycloak_url)
    expected = (f"{console}/review/{first}/review", f"{console}/review")  # the refusals asked for on purpose
    unexpected = [e for e in seen.errors if not any(e.startswith(f"{u}: ") for u in expected)]
    assert unexpected == [], unexpected
    assert len(list(tmp_path.glob("*.png"))) == 12
