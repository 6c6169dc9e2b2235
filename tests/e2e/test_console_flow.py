"""Issue 10, "must show": one period of a unit and its reviewer, entirely in the browser, through the
real stack with Keycloak, in Debian's Chromium driven by Playwright.

The board officer keeps the campaign's verified leaderboard open. The reporter of huyen-cu-jut
signs in, registers a target, reports the quarter's results with an evidence file and sees the score
with its explanation; the cluster head (tx-gia-nghia) finds the report in the review queue and
returns one criterion with a reason; the reporter resubmits only that criterion; the head approves
it; the board officer's open leaderboard shows the verified score without a reload. Every page
is screenshotted into the test's tmp dir and into .local/screenshots/console-flow/ (kept for a
person to look at after the run). No page loads anything from another origin, no browser console
error, no CSP violation."""

import hashlib
import re
import shutil
import time
import uuid

import httpx
import pytest

from thidua_devstack.stack import REPO
from thidua_web.formats import number

from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)

BOARD = "board-officer.so-noi-vu"
REPORTER = "unit-reporter.huyen-cu-jut"
HEAD = "cluster-head.tx-gia-nghia"
UNIT = "huyen-cu-jut"
PERIOD = "2026-Q1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RETURN_REASON = "Số hộ thoát nghèo chưa có xác nhận của UBND xã"
KEPT = REPO / ".local" / "screenshots" / "console-flow"
# runs in every document before its own scripts (injected by the browser's DevTools, outside the policy)
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.effectiveDirective + " " + e.blockedURI));
"""


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


@pytest.fixture(scope="module")
def campaign(console_stack):
    """A running quarterly campaign of 2026: one cluster headed by tx-gia-nghia that year, holding
    huyen-cu-jut, huyen-dak-mil and tx-gia-nghia."""
    campaign_id = f"flow-{uuid.uuid4().hex[:8]}"
    body = {
        "name_vi": f"Phong trào thi đua quý {campaign_id}", "launched_by": "UBND tỉnh Đắk Nông", "kind": "regular",
        "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 60,
             "target": 1000, "max_value": 100000},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn", "max_points": 40,
             "target": 10, "max_value": 500},
        ],
        "clusters": [{"id": "cum-tay-nam", "name_vi": "Cụm thi đua Tây Nam",
                      "leadership": [{"year": 2026, "head_unit_id": "tx-gia-nghia"}]}],
        "participants": [
            {"unit_id": unit, "name_vi": name, "unit_type": "district", "cluster_id": "cum-tay-nam"}
            for unit, name in (("huyen-cu-jut", "Huyện Cư Jút"), ("huyen-dak-mil", "Huyện Đắk Mil"),
                               ("tx-gia-nghia", "Thành phố Gia Nghĩa"))
        ],
    }  # fmt: skip
    put_running(console_stack, campaign_id, body, bearer(console_stack, BOARD))
    reporter = bearer(console_stack, REPORTER)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # reporting's read model follows intake's events
        listed = httpx.get(f"{console_stack.url('reporting')}/api/v1/campaigns", headers=reporter, timeout=30)
        if listed.status_code == 200 and any(c["campaign_id"] == campaign_id for c in listed.json()):
            return {"id": campaign_id, **body}
        time.sleep(0.5)
    raise AssertionError(f"reporting never listed {campaign_id}")


def verified_standing(stack, campaign_id: str) -> dict:
    response = httpx.get(f"{stack.url('reporting')}/api/v1/campaigns/{campaign_id}/leaderboard",
                         params={"period": PERIOD, "status": "verified"}, headers=bearer(stack, BOARD), timeout=30)
    assert response.status_code == 200, response.text
    return next(s for s in response.json()["standings"] if s["unit_id"] == UNIT)


def reload_until(page, selector: str, timeout: float = 120) -> None:
    """Reload until `selector` shows (scoring runs after the submission is accepted)."""
    deadline = time.monotonic() + timeout
    while not page.locator(selector).count():
        assert time.monotonic() < deadline, f"{selector} never showed on {page.url}"
        time.sleep(1)
        page.reload()


def test_a_period_from_report_to_verified_leaderboard_in_the_browser(console_stack, campaign, tmp_path):
    console = console_stack.url("web")
    cid = campaign["id"]
    shutil.rmtree(KEPT, ignore_errors=True)
    KEPT.mkdir(parents=True)
    shots = iter(range(1, 100))

    def snap(page, name: str) -> None:
        path = tmp_path / f"{next(shots):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy2(path, KEPT / path.name)

    with console_browser() as (browser, seen):
        # the board officer keeps the verified leaderboard of the quarter open
        board = sign_in(browser, console_stack, BOARD, seen)
        board.context.add_init_script(WATCH)
        board.goto(f"{console}/campaigns/{cid}?status=verified&period={PERIOD}")
        board.wait_for_selector("#standings caption:has-text('đã thẩm định')")
        board.wait_for_selector("#live:has-text('Đang nhận cập nhật trực tiếp.')")
        board.evaluate("window.__same_page = true")  # gone if the page reloads
        assert board.inner_text(f'#standings tr[data-unit="{UNIT}"] .score') == "0"
        snap(board, "board-verified-before")

        # the reporter: the campaign of the unit, a target registered, the quarter reported with a file
        reporter = sign_in(browser, console_stack, REPORTER, seen)
        reporter.context.add_init_script(WATCH)
        snap(reporter, "reporter-home")
        reporter.goto(f"{console}/my/campaigns/{cid}")
        reporter.wait_for_selector("#campaign-name")
        snap(reporter, "reporter-campaign")
        reporter.click("#targets-link")
        reporter.fill("#target-ho-thoat-ngheo", "1.200")
        reporter.click("#register-submit")
        reporter.wait_for_selector("#saved")
        snap(reporter, "reporter-targets")
        reporter.goto(f"{console}/my/campaigns/{cid}/periods/{PERIOD}")
        reporter.fill("#value-ho-thoat-ngheo", "900")
        reporter.fill("#value-nha-dai-doan-ket", "12")
        evidence = tmp_path / "bao-cao-quy-1.pdf"
        evidence.write_bytes(PDF)
        reporter.set_input_files("#files", str(evidence))
        reporter.click("#upload")
        reporter.wait_for_selector("#evidence-list")
        sha = hashlib.sha256(PDF).hexdigest()
        assert reporter.locator("#evidence-list .rep-sha").inner_text() == sha
        snap(reporter, "reporter-period-form")
        reporter.click("#submit-report")
        reporter.wait_for_url(re.compile(rf"{re.escape(console)}/submissions/[^/]+$"))
        first = reporter.url.rsplit("/", 1)[1]
        assert reporter.locator(".rep-evidence .rep-sha").inner_text() == sha
        # the score with its explanation per criterion, once scoring has run (900 of the target 1 200)
        reload_until(reporter, '.rep-score tr[data-criterion="ho-thoat-ngheo"] .rep-explanation')
        explanation = reporter.inner_text('.rep-score tr[data-criterion="ho-thoat-ngheo"] .rep-explanation')
        assert "900" in explanation and "1.200" in explanation, explanation
        snap(reporter, "reporter-submission-scored")

        # the cluster head: the report in the queue, one criterion returned with a reason
        head = sign_in(browser, console_stack, HEAD, seen)
        head.context.add_init_script(WATCH)
        head.click("#nav-review")
        head.wait_for_selector(f'tr[data-submission="{first}"]')
        snap(head, "head-queue")
        head.locator(f'tr[data-submission="{first}"] a.rev-open').click()
        head.wait_for_selector("#rev-decide")
        snap(head, "head-decide")
        head.check("#ret-ho-thoat-ngheo")
        head.fill("#reason-ho-thoat-ngheo", RETURN_REASON)
        with head.expect_navigation():
            head.click("#rev-return")
        assert head.locator(f'tr[data-submission="{first}"]').count() == 0  # left the queue
        snap(head, "head-queue-after-return")

        # the reporter resubmits only the returned criterion, the other value kept
        reporter.goto(f"{console}/submissions/{first}")
        reporter.wait_for_selector("#resubmit-form")
        assert RETURN_REASON in reporter.inner_text("#resubmit-form")
        assert reporter.locator("#resubmit-form input[type=text]").count() == 1
        snap(reporter, "reporter-returned")
        reporter.fill("#resubmit-ho-thoat-ngheo", "1.250")
        reporter.click("#resubmit-submit")
        reporter.wait_for_url(re.compile(r".*/submissions/(?!" + re.escape(first) + r"$)[^/]+$"))
        second = reporter.url.rsplit("/", 1)[1]
        assert reporter.inner_text('tr[data-criterion="ho-thoat-ngheo"] .rep-value') == "1.250"
        assert reporter.inner_text('tr[data-criterion="nha-dai-doan-ket"] .rep-value') == "12"
        snap(reporter, "reporter-resubmitted")

        # the head approves the resubmission
        head.goto(f"{console}/review")
        head.wait_for_selector(f'tr[data-submission="{second}"]')
        head.locator(f'tr[data-submission="{second}"] a.rev-open').click()
        head.wait_for_selector("#rev-decide")
        snap(head, "head-decide-resubmission")
        with head.expect_navigation():
            head.click("#rev-approve")
        snap(head, "head-queue-after-approval")

        # the board officer's open page: the verified score arrives live, without a reload
        deadline = time.monotonic() + 120
        while not verified_standing(console_stack, cid).get("reported"):
            assert time.monotonic() < deadline, "reporting never verified the approved score"
            time.sleep(0.5)
        expected = number(verified_standing(console_stack, cid)["score"], "vi")
        assert expected != "0"
        board.wait_for_function(
            "([unit, text]) => { const c = document.querySelector(`#standings tr[data-unit='${unit}'] .score`);"
            " return c && c.textContent.trim() === text; }",
            arg=[UNIT, expected], timeout=60_000,
        )
        assert board.evaluate("window.__same_page") is True  # updated in place
        snap(board, "board-verified-after")

        for page in (board, reporter, head):
            assert page.evaluate("window.__violations") == [], page.evaluate("window.__violations")

    assert not seen.strangers(console, console_stack.keycloak_url), seen.strangers(console, console_stack.keycloak_url)
    assert seen.errors == [], seen.errors
    assert len(list(KEPT.glob("*.png"))) >= 12
