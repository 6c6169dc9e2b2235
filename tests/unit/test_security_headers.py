"""issue 8, the pages people open: browser-facing headers on every answer (thidua_common.http),
/docs served whole by the service (no CDN, no inline script), and the public board's files (issue 10:
it replaced the token-in-page /dashboard)."""

import re
from pathlib import Path

import httpx
import pytest
from fastapi import Response
from pydantic import BaseModel

from thidua_common.http import create_app
from thidua_common.settings import Settings
from thidua_reporting.public.views import router as public_router
from thidua_reporting.settings import ReportingSettings


class Body(BaseModel):
    name: str


@pytest.fixture
def client():
    app = create_app("thử", Settings(max_body_bytes=1000))

    @app.post("/things")
    async def things(body: Body) -> dict:
        return {"name": body.name}

    @app.get("/own-policy")
    async def own_policy() -> Response:
        return Response("<p>x</p>", media_type="text/html", headers={"Content-Security-Policy": "sandbox"})

    app.state.reporting_settings = ReportingSettings(public_board_tenants=" daknong , ")
    app.include_router(public_router)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://thidua.test")


def directives(policy: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split(";") if d.strip()}


def assert_data_headers(r: httpx.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert directives(r.headers["content-security-policy"]) == {"default-src": "'none'", "frame-ancestors": "'none'"}


def assert_page_headers(r: httpx.Response) -> None:
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    policy = directives(r.headers["content-security-policy"])
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert "unsafe-eval" not in r.headers["content-security-policy"]


def inline_scripts(html: str) -> list[str]:
    """<script> elements without src, and on…= handler attributes."""
    tags = re.findall(r"<script\b[^>]*>", html, re.IGNORECASE)
    return [t for t in tags if "src=" not in t] + re.findall(r"\son[a-z]+\s*=", html, re.IGNORECASE)


async def test_every_html_answer_carries_the_page_policy(client):
    for path in ("/docs", "/public/daknong"):
        r = await client.get(path)
        assert r.status_code == 200, path
        assert_page_headers(r)


async def test_json_answers_carry_nosniff_and_the_data_policy(client):
    assert_data_headers(await client.get("/healthz"))
    assert_data_headers(await client.get("/openapi.json"))
    r = await client.post("/things", json={"name": "a"})
    assert r.status_code == 200 and r.json() == {"name": "a"}
    assert_data_headers(r)
    r = await client.post("/things", json={})
    assert r.status_code == 422
    assert_data_headers(r)
    assert_data_headers(await client.get("/no-such-page"))


async def test_the_body_limit_refusal_carries_them_too(client):
    r = await client.post("/things", content=b"x" * 2000, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert_data_headers(r)


async def test_a_response_with_its_own_policy_keeps_it(client):
    r = await client.get("/own-policy")
    assert r.headers.get_list("content-security-policy") == ["sandbox"]
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_docs_page_loads_only_its_own_files_and_has_no_inline_script(client):
    html = (await client.get("/docs")).text
    assert inline_scripts(html) == []
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no other origin"
    assets = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    assert {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/docs.js"} <= set(assets)
    for asset in assets:
        r = await client.get(asset)
        assert r.status_code == 200 and r.content, asset
        assert r.headers["x-content-type-options"] == "nosniff"
    bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith("text/javascript") and b"SwaggerUIBundle" in bundle.content
    assert (await client.get("/docs/assets/swagger-ui.css")).headers["content-type"].startswith("text/css")
    assert 'data-openapi-url="/openapi.json"' in html


async def test_docs_respects_the_root_path_behind_a_proxy():
    app = create_app("thử", Settings())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, root_path="/intake"),
                                 base_url="http://thidua.test") as client:
        html = (await client.get("/docs")).text
    assert 'data-openapi-url="/intake/openapi.json"' in html and 'src="/intake/docs/assets/docs.js"' in html


async def test_only_the_pages_files_are_served_and_redoc_is_off(client):
    for path in ("/docs/assets/index.html", "/docs/assets/swagger-initializer.js", "/docs/assets/..%2Fapp.py",
                 "/redoc", "/docs/oauth2-redirect", "/public/assets/views.py", "/public/assets/board.html",
                 "/dashboard", "/dashboard/dashboard.js", "/public/other-tenant", "/public/api/other-tenant/campaigns"):
        assert (await client.get(path)).status_code == 404, path


async def test_public_board_page_and_script_put_data_in_as_text_and_hold_no_credentials(client):
    html = (await client.get("/public/daknong")).text
    assert inline_scripts(html) == [] and "<style" not in html and "style=" not in html
    assert 'data-tenant="daknong"' in html and 'src="assets/board.js"' in html
    r = await client.get("/public/assets/board.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    script = r.text
    assert "textContent" in script and "new Option" in script
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "localStorage",
                   "sessionStorage", "document.cookie", "eval(", "Authorization", "token"):
        assert banned not in script, banned
    css = await client.get("/public/assets/board.css")
    assert css.headers["content-type"].startswith("text/css")
    assert not re.search(r"(https?:)?//[a-z]", html + script + css.text), "loads nothing from another origin"


def test_no_file_of_the_services_or_libraries_names_a_cdn_or_browser_storage():
    repo = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("services", "libs"):
        for path in (repo / folder).rglob("*"):
            # static/vendor/: third-party files copied by the bootstrap (the console's htmx, whose
            # history cache the console switches off: tests/unit/test_web_console.py)
            if path.suffix in (".py", ".js", ".html", ".css", ".toml", ".md") and not {".venv", "vendor"} & set(path.parts):
                text = path.read_text(encoding="utf-8", errors="ignore")
                for word in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "localStorage", "sessionStorage"):
                    if word in text:
                        offenders.append(f"{path.relative_to(repo)}: {word}")
    assert offenders == []
