"""The console app over a module's fake provider and APIs, for the console's unit tests: a test
module defines its own `fakes` fixture (a MockTransport handler, usually a subclass of
test_web_console.Fakes) and imports `client` from here.

    from .web_console_app import client as client, signed_in  # noqa: F401
"""

import httpx
import pytest

from thidua_common.settings import Settings
from thidua_web.config import WebSettings
from thidua_web.main import COOKIE, build_app

from .test_web_console import ISSUER, sign_in


@pytest.fixture
async def client(fakes):
    """The console, calling intake at http://intake.test and reporting at http://reporting.test."""
    settings = Settings(oidc_issuer=ISSUER, environment="development")
    web = WebSettings(public_url="http://console.test", reporting_url="http://reporting.test",
                      intake_url="http://intake.test")
    http = httpx.AsyncClient(transport=httpx.MockTransport(fakes))
    app = build_app(settings, web, http)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as c:
        c.app = app
        yield c
    await http.aclose()


async def signed_in(client, fakes, roles: list[str], unit: str | None) -> str:
    """Sign in with `roles` for `unit`; returns the session's CSRF token."""
    fakes.roles, fakes.unit = roles, unit
    response, _ = await sign_in(client, fakes)
    return client.app.state.sessions.get(response.cookies[COOKIE]).csrf
