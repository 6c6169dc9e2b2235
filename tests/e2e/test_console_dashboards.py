"""Issue 10, the console's dashboards through the real stack with Keycloak, in Debian's Chromium
driven by Playwright: a board officer opens a campaign's overview (facts, leaderboard table and
ECharts chart), changes cluster and period through the form (htmx swaps only the board, the address
follows), opens a unit's page (scorecard with explanations, points per period, progress with its
status in words); a submission made through intake's API then changes the open leaderboard live,
without reload (reporting's stream relayed by the console); a unit reporter sees the leaderboard
and their own unit's page, and gets the 403 page for another unit's. In every test: the figures
shown are reporting's, nothing loads from another origin, no console error, no CSP violation.
Screenshots go to the test's tmp dir."""

import re
import time
import uuid

import httpx
import pytest

from thidua_web.formats import number

from .conftest import small_campaign, submission
from .console_stack import Seen, console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

BOARD = "board-officer.so-noi-vu"
REPORTER = "unit-reporter.huyen-cu-jut"
PERIOD = "2018-Q2"
EVIL = "Sở Tài chính </script><script>document.title='pwned'</script>"
# the units of the demo realm: three districts in one cluster (headed in 2018 by tx-gia-nghia), a department
UNITS = (("huyen-cu-jut", "Huyện Cư Jút", "khoi-huyen"), ("huyen-dak-mil", "Huyện Đắk Mil", "khoi-huyen"),
         ("tx-gia-nghia", "Thị xã Gia Nghĩa", "khoi-huyen"), ("so-tai-chinh", EVIL, "khoi-so"))
# runs in every document before its own scripts (injected by the browser's DevTools, outside the policy)
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.effectiveDirective + " " + e.blockedURI));
"""


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


def leaderboard(stack, campaign_id: str, headers: dict, **params) -> dict:
    response = httpx.get(f"{stack.url('reporting')}/api/v1/campaigns/{campaign_id}/leaderboard", params=params,
                         headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def submit(stack, campaign_id: str, unit: str, **values) -> None:
    """A unit's report, through intake's API as that unit's reporter (Keycloak token)."""
    body = submission(campaign_id, unit, PERIOD, **values)
    response = httpx.post(f"{stack.url('intake')}/api/v1/submissions", json=body,
                          headers=bearer(stack, f"unit-reporter.{unit}"), timeout=30)
    assert response.status_code in (200, 201, 202), response.text


def scored(stack, campaign_id: str, unit: str, timeout: float = 90) -> dict:
    """The unit's standing on the period's provisional board, once scoring and reporting have it."""
    headers = bearer(stack, BOARD)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        board = leaderboard(stack, campaign_id, headers, period=PERIOD)
        mine = next(s for s in board["standings"] if s["unit_id"] == unit)
        if mine["reported"]:
            return mine
        time.sleep(0.5)
    raise AssertionError(f"{unit} never scored for {PERIOD}")


@pytest.fixture(scope="module")
def campaign(console_stack):
    """Created by the board officer through intake: four units in two clusters, one with a <script>
    name; huyen-dak-mil has reported the period already."""
    campaign_id = f"dash-{uuid.uuid4().hex[:8]}"
    body = small_campaign(campaign_id, units=4)
    body["clusters"][0]["leadership"] = [{"year": 2018, "head_unit_id": "tx-gia-nghia"}]
    for participant, (unit, name, cluster) in zip(body["participants"], UNITS, strict=True):
        participant.update(unit_id=unit, name_vi=name, cluster_id=cluster)
    put_running(console_stack, campaign_id, body, bearer(console_stack, BOARD))
    deadline = time.monotonic() + 60
    reporter = bearer(console_stack, REPORTER)
    while time.monotonic() < deadline:  # reporting's read model follows intake's events
        listed = httpx.get(f"{console_stack.url('reporting')}/api/v1/campaigns", headers=reporter, timeout=30)
        if listed.status_code == 200 and any(c["campaign_id"] == campaign_id for c in listed.json()):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"reporting never listed {campaign_id}")
    submit(console_stack, campaign_id, "huyen-dak-mil", **{"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 12})
    scored(console_stack, campaign_id, "huyen-dak-mil")
    return {"id": campaign_id, "name": body["name_vi"]}


def watched(page) -> None:
    page.context.add_init_script(WATCH)


def no_violations(page) -> None:
    assert page.evaluate("window.__violations") == [], page.evaluate("window.__violations")


def score_cell(page, unit: str) -> str:
    return page.inner_text(f'#standings tr[data-unit="{unit}"] .score')


def test_a_board_officer_follows_the_leaderboard_live_and_opens_a_units_page(console_stack, campaign, tmp_path):
    console = console_stack.url("web")
    cid = campaign["id"]
    seen = Seen()
    headers = bearer(console_stack, BOARD)
    with console_browser() as (browser, _):
        page = sign_in(browser, console_stack, BOARD, seen)
        watched(page)

        # the home page links the campaign to its overview
        page.goto(f"{console}/")
        page.click(f'tr[data-campaign="{cid}"] a.campaign-name')
        page.wait_for_url(f"{console}/campaigns/{cid}")
        assert page.inner_text("#campaign-name") == campaign["name"]
        assert page.inner_text("#campaign-status") == "Đang diễn ra"
        assert page.inner_text("#campaign-dates") == "01/01/2016 – 31/12/2020"
        assert page.inner_text("#campaign-participants") == "4"
        assert page.inner_text("#campaign-clusters") == "Khối các huyện; Khối sở ngành"
        assert page.inner_text("#campaign-periods").startswith("quý I/2016, quý II/2016")
        # the whole campaign's provisional board: reporting's figures, the Vietnamese way
        whole = leaderboard(console_stack, cid, headers)
        for s in whole["standings"]:
            assert score_cell(page, s["unit_id"]) == number(s["score"], "vi")
        assert page.locator("#standings tbody tr").count() == 4
        evil_row = page.locator('#standings tr[data-unit="so-tai-chinh"] .unit-name')
        assert evil_row.inner_text() == EVIL and page.title() != "pwned"  # a name is text, in the table
        page.wait_for_selector("#board .board-chart canvas")  # ECharts drew the standings
        page.wait_for_selector("#live:has-text('Đang nhận cập nhật trực tiếp.')")
        page.hover("#board .board-chart canvas")  # the tooltip is drawn too, without inline style
        no_violations(page)
        page.screenshot(path=str(tmp_path / "01-overview.png"), full_page=True)

        # one cluster and one period through the form: htmx swaps only the board, the address follows
        page.evaluate("window.__same_page = true")
        page.select_option("#choice-cluster", "khoi-huyen")
        page.select_option("#choice-period", PERIOD)
        page.click("#board-choice button[type=submit]")
        page.wait_for_url(re.compile(rf"/campaigns/{cid}\?status=provisional&cluster=khoi-huyen&period={PERIOD}$"))
        page.wait_for_selector("#standings caption:has-text('Khối các huyện, quý II/2018, tạm tính')")
        assert page.evaluate("window.__same_page") is True  # no reload
        cluster_board = leaderboard(console_stack, cid, headers, period=PERIOD, cluster="khoi-huyen")
        assert page.locator("#standings tbody tr").count() == len(cluster_board["standings"]) == 3
        dak_mil = next(s for s in cluster_board["standings"] if s["unit_id"] == "huyen-dak-mil")
        assert score_cell(page, "huyen-dak-mil") == number(dak_mil["score"], "vi") and dak_mil["rank"] == 1
        page.wait_for_selector("#board .board-chart canvas")  # redrawn in the swapped board
        page.screenshot(path=str(tmp_path / "02-cluster-period.png"), full_page=True)

        # live: a report made through intake's API changes the open board without reload
        page.wait_for_selector("#live:has-text('Đang nhận cập nhật trực tiếp.')")
        assert score_cell(page, "huyen-cu-jut") == "0"
        submit(console_stack, cid, "huyen-cu-jut", **{"ho-thoat-ngheo": 100, "nha-dai-doan-ket": 10})
        expected = number(scored(console_stack, cid, "huyen-cu-jut")["score"], "vi")
        assert expected != "0"
        page.wait_for_function(
            "([unit, text]) => { const c = document.querySelector(`#standings tr[data-unit='${unit}'] .score`);"
            " return c && c.textContent.trim() === text; }",
            arg=["huyen-cu-jut", expected], timeout=60_000,
        )
        assert page.evaluate("window.__same_page") is True  # updated in place, not reloaded
        page.wait_for_selector("#live:has-text('Bảng xếp hạng vừa được cập nhật.')")
        page.screenshot(path=str(tmp_path / "03-live-update.png"), full_page=True)

        # verified: nothing approved yet, every unit still listed
        page.select_option("#choice-status", "verified")
        page.click("#board-choice button[type=submit]")
        page.wait_for_selector("#standings caption:has-text('đã thẩm định')")
        assert score_cell(page, "huyen-dak-mil") == "0"
        no_violations(page)

        # a unit's page: scorecard with explanations, points per period, progress in words
        page.goto(f"{console}/campaigns/{cid}?period={PERIOD}")
        page.click('#standings tr[data-unit="huyen-dak-mil"] .unit-name a')
        page.wait_for_url(re.compile(rf"/campaigns/{cid}/units/huyen-dak-mil\?status=provisional$"))
        assert page.inner_text("#unit-title") == "Kết quả thi đua của Huyện Đắk Mil"
        card = httpx.get(f"{console_stack.url('reporting')}/api/v1/campaigns/{cid}/units/huyen-dak-mil/scorecard",
                         headers=headers, timeout=30).json()["periods"][-1]
        assert page.inner_text("#card-total") == number(card["total"], "vi")
        for line in card["criteria"]:
            row = page.locator(f'#scorecard tr[data-criterion="{line["criterion_id"]}"]')
            assert row.locator(".value").inner_text() == number(line["value"], "vi")
            assert row.locator(".target").inner_text() == number(line["target"], "vi")
            assert row.locator(".explanation").inner_text() == line["explanation"]
        assert page.locator(f'#history tr[data-period="{PERIOD}"] .total').inner_text() == number(card["total"], "vi")
        # 80 of a target of 100 is 80 %: close to target; 12 of 10 is on target
        poor = page.locator('table.progress[data-criterion="ho-thoat-ngheo"]')
        assert poor.locator(f'tr[data-period="{PERIOD}"] .rag').inner_text() == "Gần đạt"
        assert poor.locator(f'tr[data-period="{PERIOD}"] .achieved').inner_text() == "80 %"
        good = page.locator('table.progress[data-criterion="nha-dai-doan-ket"]')
        assert good.locator(f'tr[data-period="{PERIOD}"] .rag').inner_text() == "Đạt chỉ tiêu"
        page.wait_for_selector("#history-chart canvas")
        no_violations(page)
        page.screenshot(path=str(tmp_path / "04-unit.png"), full_page=True)

        # English
        page.click('a[lang="en"]')
        page.wait_for_selector("text=Close to target")
        page.wait_for_selector("#history-chart canvas")
        page.screenshot(path=str(tmp_path / "05-unit-en.png"), full_page=True)
        page.click('a[lang="vi"]')
        page.wait_for_selector("text=Gần đạt")
        no_violations(page)

    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    assert seen.errors == [], seen.errors
    assert len(list(tmp_path.glob("*.png"))) == 5


def test_a_unit_reporter_sees_the_board_and_only_their_own_units_page(console_stack, campaign, tmp_path):
    console = console_stack.url("web")
    cid = campaign["id"]
    seen = Seen()
    with console_browser() as (browser, _):
        page = sign_in(browser, console_stack, REPORTER, seen)
        watched(page)
        page.goto(f"{console}/")
        row = page.locator(f'tr[data-campaign="{cid}"]')
        assert row.locator("a.my-campaign").get_attribute("href") == f"/my/campaigns/{cid}"
        row.locator("a.campaign-name").click()
        page.wait_for_url(f"{console}/campaigns/{cid}")
        page.wait_for_selector("#board .board-chart canvas")
        assert page.locator('#standings tr[data-unit="huyen-dak-mil"] .unit-name a').count() == 0
        mine = page.locator('#standings tr[data-unit="huyen-cu-jut"]')
        assert "(đơn vị của bạn)" in mine.inner_text() and mine.locator("a").count() == 1
        no_violations(page)
        page.screenshot(path=str(tmp_path / "01-reporter-overview.png"), full_page=True)

        page.click("#my-unit-link")
        page.wait_for_url(f"{console}/campaigns/{cid}/units/huyen-cu-jut")
        assert page.inner_text("#unit-title") == "Kết quả thi đua của Huyện Cư Jút"
        no_violations(page)
        page.screenshot(path=str(tmp_path / "02-reporter-unit.png"), full_page=True)

        other = f"{console}/campaigns/{cid}/units/huyen-dak-mil"
        refused = page.goto(other)
        assert refused.status == 403 and "Bạn không có quyền xem trang này." in page.inner_text("main")
        page.screenshot(path=str(tmp_path / "03-reporter-other-unit-403.png"), full_page=True)

    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    expected = {f"{other}: HTTP 403",
                f"{other}: Failed to load resource: the server responded with a status of 403 (Forbidden)"}
    assert [e for e in seen.errors if e not in expected] == [], seen.errors
