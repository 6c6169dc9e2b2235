"""The console's end-to-end tests share one stack with Keycloak (Kafka, SecantusDB, Keycloak, the
four services and the console, on free ports), started once per test session by the first test that
asks for it: Keycloak's start takes a minute or more on a 2-core machine.

    def test_x(console_stack, tmp_path):
        with console_browser() as (browser, seen):
            page = sign_in(browser, console_stack, "unit-reporter.huyen-cu-jut")

A test that stops a service must start it again before it ends (`console_stack.start_services`)."""

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from thidua_devstack import keycloak
from thidua_devstack.stack import REPO, Ports, Stack
from thidua_web import assets

from .conftest import TEST_ENV

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def console_stack(tmp_path_factory):
    keycloak.find_java_home()
    assets.install()  # the vendored browser assets (scripts/bootstrap does the same)
    s = Stack(tmp_path_factory.mktemp("console-stack"), Ports.free(), cache=REPO / ".local" / "cache",
              prefix=f"web{uuid.uuid4().hex[:6]}", extra_env=TEST_ENV, keycloak=True)
    try:
        s.start_infra()
        s.start_services()  # the four services and the console
        s.keycloak.ready(timeout=600)
        s.keycloak.allow_console(s.url("web"))
        yield s
    finally:
        s.down()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Seen:
    """What the pages of a browser did: every URL asked for, console errors, failed responses."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        page.on("response", lambda r: self.errors.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)

    def strangers(self, *allowed: str) -> list[str]:
        """Origins asked for other than the allowed ones (data: URLs aside)."""
        return sorted({origin(u) for u in self.requests if not u.startswith(("data:", "blob:"))} - set(allowed))


@contextmanager
def console_browser() -> Iterator[tuple[object, Seen]]:
    """Debian's Chromium through Playwright (its own browser download is not reachable here)."""
    from playwright.sync_api import sync_playwright

    seen = Seen()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser, seen
        finally:
            browser.close()


def password_of(stack: Stack, username: str) -> str:
    return next(u["password"] for u in stack.keycloak_users if u["username"] == username)


def sign_in(browser, stack: Stack, username: str, seen: Seen | None = None, lang: str = "vi-VN"):
    """A new browser context signed in as a demo user through Keycloak's form; returns its page,
    on the console's home page."""
    context = browser.new_context(locale=lang)
    page = context.new_page()
    if seen is not None:
        seen.watch(page)
    console = stack.url("web")
    page.goto(f"{console}/login")
    page.wait_for_selector("#username")
    page.fill("#username", username)
    page.fill("#password", password_of(stack, username))
    with page.expect_navigation(url=f"{console}/"):
        page.click("#kc-login")
    return page
