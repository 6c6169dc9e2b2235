"""Issue 10: a newcomer signs in as each demo user the run command prints, through Keycloak's form in
Debian's Chromium, and every page the console links them to opens (home, every link of the nav, a
campaign's leaderboard) without an error page, a browser console error or a request to another
origin. The demo's own data is loaded first (demo.load_campaigns), as the run command does."""

import pytest

from thidua_devstack import demo, demo_data

from .console_stack import console_browser, sign_in

pytestmark = pytest.mark.timeout(900)


def test_every_demo_user_signs_in_and_every_linked_page_opens(console_stack, tmp_path):
    demo.load_campaigns(console_stack.url("intake"), console_stack.settings())
    console = console_stack.url("web")
    users = [u["username"] for u in console_stack.keycloak_users]
    assert {"unit-reporter.huyen-cu-jut", "cluster-head.tx-gia-nghia", "board-officer.so-noi-vu",
            "chairperson.daknong", "auditor.daknong", "council-member.daknong"} <= set(users)
    opened: dict[str, list[str]] = {}
    with console_browser() as (browser, seen):
        for username in users:
            page = sign_in(browser, console_stack, username, seen)
            page.wait_for_selector("#me-username")
            assert page.inner_text("#me-username") == username
            links = page.eval_on_selector_all("nav.nav a", "els => els.map(e => e.getAttribute('href'))")
            links.append(f"/campaigns/{demo_data.CURRENT_CAMPAIGN}")
            for href in links:
                response = page.goto(f"{console}{href}")
                assert response.status == 200, f"{username}: {href} answered {response.status}"
                assert page.locator("p.error[role=alert]").count() == 0, f"{username}: {href} is an error page"
            opened[username] = links
            page.screenshot(path=str(tmp_path / f"{username}.png"), full_page=True)
            page.context.close()
    assert seen.strangers(console, console_stack.keycloak_url) == []
    assert seen.errors == [], seen.errors
    assert "/review" in opened["cluster-head.tx-gia-nghia"] and "/review" not in opened["unit-reporter.huyen-cu-jut"]
    assert "/my/campaigns" in opened["unit-leader.huyen-cu-jut"] and "/my/campaigns" not in opened["auditor.daknong"]
