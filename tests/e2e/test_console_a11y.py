"""The automated accessibility check (axe-core, WCAG 2.1 A/AA and best practices) on every page of
the console, as each role sees it, through the real stack with Keycloak in Debian's Chromium: no
serious or critical violation anywhere. The demo's data is loaded (as the run command does) and
the reporter of huyen-cu-jut has reported a quarter, so that the unit's pages and the reviewer's
pages have something to show; the board's pages (issue 11: editor, unit register, commendation
configuration, nominations, awards, audit trail) are checked as the board, the council, the chair
and the auditor see them."""

import time

import httpx
import pytest

from thidua_devstack import demo, demo_data

from .a11y import serious_violations
from .console_stack import console_browser, sign_in
from .helpers import password_token
from .test_console_ballots import a_nomination_at_vote  # issue 11: ballots
from .test_console_dossier import filed_by_api  # issue 11 (dossier)

pytestmark = pytest.mark.timeout(900)

CID = demo_data.CURRENT_CAMPAIGN
UNIT = "huyen-cu-jut"
PERIOD = f"{demo_data.CURRENT_YEAR}-Q1"


def reported(stack) -> str:
    """The reporter's first-quarter report (through intake's API): its id, once listed."""
    headers = {"Authorization": f"Bearer {password_token(stack, f'unit-reporter.{UNIT}')}"}
    body = {"tenant": demo_data.TENANT, "campaign_id": CID, "unit_id": UNIT, "period": PERIOD,
            "values": {"nhiem-vu-chinh-tri": 95, "dung-han": 97.5, "sang-kien": 2}}  # fmt: skip
    response = httpx.post(f"{stack.url('intake')}/api/v1/submissions", json=body, headers=headers, timeout=30)
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        listed = httpx.get(f"{stack.url('intake')}/api/v1/submissions", headers=headers, timeout=30,
                           params={"campaign_id": CID, "unit_id": UNIT, "period": PERIOD})  # fmt: skip
        items = listed.json().get("items", []) if listed.status_code == 200 else []
        if items:
            return str(items[0]["submission_id"])
        time.sleep(0.5)
    raise AssertionError("the report was never listed")


def test_no_page_of_the_console_has_a_serious_accessibility_violation(console_stack, tmp_path):
    demo.load_campaigns(console_stack.url("intake"), console_stack.settings())
    submission = reported(console_stack)
    console = console_stack.url("web")
    pages = {
        f"unit-reporter.{UNIT}": [
            "/", "/my/campaigns", f"/my/campaigns/{CID}", f"/my/campaigns/{CID}/targets",
            f"/my/campaigns/{CID}/periods/{demo_data.CURRENT_YEAR}-Q2", f"/submissions/{submission}",
            f"/campaigns/{CID}", f"/campaigns/{CID}/units/{UNIT}", "/notifications",
            "/campaigns/khong-co-phong-trao", f"/campaigns/{CID}/units/huyen-dak-mil",  # the 404 and 403 pages
        ],
        "cluster-head.tx-gia-nghia": ["/", "/review", f"/review/{submission}", f"/review/campaigns/{CID}/ratings"],
        "board-officer.so-noi-vu": [
            "/", f"/campaigns/{CID}?status=verified", "/review",
            # issue 11: the board's own work
            "/editor", "/editor/new", f"/editor/{CID}", "/units", "/units?q=cu+jut", "/units/new", "/units/merge",
            f"/units/{UNIT}", "/commendation", "/commendation/holidays", "/commendation/awards",
            "/commendation/awards/lao-dong-tien-tien", "/commendation/rules", "/commendation/flags",
            "/nominations", "/awards", "/audit", "/audit/verify", "/audit/1", "/board",
            # issue 11 (revisions): a campaign's revisions, and two of them compared
            f"/editor/{CID}/revisions", f"/editor/{CID}/revisions?a=1&b=1",
            # issue 11, board2: the board's charts for a year, the holidays with their names
            "/board?year=2026", "/commendation/holidays?year=2026",
            # issue 11: preview — the editor's «Xem thử điểm»
            f"/editor/{CID}/preview",
        ],
        f"unit-leader.{UNIT}": ["/nominations", "/nominations/new"],
        "council-member.daknong": ["/", "/nominations"],
        "chairperson.daknong": ["/", "/nominations", "/commendation"],
        "auditor.daknong": ["/", "/audit", "/units"],
    }  # fmt: skip
    # issue 11 (dossier): a nomination whose documents are uploaded files, as its unit and the board see it
    dossier = filed_by_api(console_stack)
    pages[f"unit-leader.{UNIT}"].append(f"/nominations/{dossier}")
    pages["board-officer.so-noi-vu"].append(f"/nominations/{dossier}")
    # issue 11: ballots — a nomination in the council's vote: the tally and the ballot form as a
    # council member sees them, the tally and "close the vote" as the board sees them
    at_vote = a_nomination_at_vote(console_stack)
    pages["council-member.daknong"].append(f"/nominations/{at_vote}")
    pages["board-officer.so-noi-vu"].append(f"/nominations/{at_vote}")
    # issue 11: nomnotice — the unit leader's notifications (a nomination's return, failure or decision)
    pages[f"unit-leader.{UNIT}"].append("/notifications")
    found: dict[str, list[str]] = {}
    with console_browser() as (browser, _):
        welcome = browser.new_page()
        welcome.goto(f"{console}/")
        found["(signed out) /"] = serious_violations(welcome)
        # the checker itself finds what it must: an image without a text alternative is critical
        welcome.evaluate("document.querySelector('main').append(Object.assign(document.createElement('img'), {src: '/static/favicon.svg'}))")
        assert any(v.startswith("image-alt (critical)") for v in serious_violations(welcome))
        welcome.close()
        for username, paths in pages.items():
            page = sign_in(browser, console_stack, username)
            for path in paths:
                page.goto(f"{console}{path}")
                page.wait_for_load_state("networkidle")  # the fragments htmx fetches after the page
                found[f"{username} {path}"] = serious_violations(page)
            page.context.close()
    checked = len(found)
    bad = {page: v for page, v in found.items() if v}
    assert not bad, "\n".join(f"{page}: {v}" for page, v in bad.items())
    assert checked == 1 + sum(len(p) for p in pages.values())
