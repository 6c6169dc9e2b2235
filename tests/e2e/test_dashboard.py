"""The public board as a person sees it (issue 10: it replaced the token-in-page /dashboard):
headless Chromium (Debian package) loads /public/<tenant> from the reporting service, without
sign-in, runs its script and renders the verified standings; a tenant that did not enable it has
none, and /dashboard is gone."""

import shutil
import subprocess
import tempfile

import httpx
import pytest

from .conftest import TENANT, eventually, reporter, reporting_get, submission
from .helpers import call

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def render(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=8000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


async def approve(stack, board, submission_id: str) -> None:
    r = await call(stack, "POST", f"/api/v1/submissions/{submission_id}/review", board, {"decision": "approve"})
    assert r.status_code == 201, r.text


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by ./scripts/bootstrap")
async def test_public_board_shows_the_verified_ranking_in_vietnamese_without_sign_in(stack, settings, board, campaign):
    cid = campaign["id"]
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        sent = {}
        for unit, homes in (("don-vi-1", 100), ("don-vi-2", 40), ("don-vi-3", 100)):
            body = submission(cid, unit, **{"ho-thoat-ngheo": homes, "nha-dai-doan-ket": 10})
            r = await client.post("/api/v1/submissions", json=body, headers=reporter(settings, unit))
            assert r.status_code == 202
            sent[unit] = r.json()["submission_id"]
    for unit in ("don-vi-1", "don-vi-2"):  # don-vi-3's report stays provisional: not public
        await approve(stack, board, sent[unit])

    async def verified():
        b = await reporting_get(stack, f"/public/api/{TENANT}/campaigns/{cid}/leaderboard", {})
        return b if b and sum(s["reported"] for s in b["standings"]) == 2 else None

    public = await eventually(verified, timeout=30)
    assert public["status"] == "verified"
    assert {s["unit_id"] for s in public["standings"] if s["reported"]} == {"don-vi-1", "don-vi-2"}
    dom = render(f"{stack.url('reporting')}/public/{TENANT}#campaign={cid}")
    assert "Bảng xếp hạng thi đua (kết quả đã thẩm định)" in dom
    status = dom[dom.index('<span id="status"'):].split("</span>")[0]
    assert "Cập nhật lúc" in status, status  # the script fetched the public leaderboard, with no credentials
    # ranked rows: 100 homes → 60 + 40 = 100 points; 40 homes → 24 + 40 = 64 points; don-vi-3 not verified
    assert dom.index("Đơn vị số 1") < dom.index("Đơn vị số 2") < dom.index("Đơn vị số 3")
    assert '<td class="num">100</td>' in dom and '<td class="num">64</td>' in dom
    rows = dom[dom.index('<tbody id="rows"'):].split("</tbody>")[0]
    assert rows.count('class="missing"') == 2  # don-vi-3 (provisional only) and don-vi-4


async def test_public_board_is_off_for_a_tenant_that_did_not_enable_it_and_dashboard_is_gone(stack, campaign):
    async with httpx.AsyncClient(base_url=stack.url("reporting")) as client:
        for path in ("/public/tinh-khac", "/public/api/tinh-khac/campaigns",
                     f"/public/api/tinh-khac/campaigns/{campaign['id']}/leaderboard", "/dashboard",
                     "/dashboard/dashboard.js"):
            r = await client.get(path, headers={"Accept-Language": "en"})
            assert r.status_code == 404, path
        assert r.json()["message"] == "No such address."  # /dashboard/dashboard.js: no route any more
        off = await client.get("/public/tinh-khac")
        assert off.json()["message"] == "Không có bảng xếp hạng công khai của 'tinh-khac'."
        on = await client.get(f"/public/{TENANT}")
        assert on.status_code == 200 and on.headers["content-type"].startswith("text/html")
        # the public API answers without credentials, and with verified standings only
        r = await client.get(f"/public/api/{TENANT}/campaigns/{campaign['id']}/leaderboard")
        assert r.status_code == 200 and r.json()["status"] == "verified"
        assert "scorecard" not in r.text and "criteria" not in r.text
        assert (await client.get(f"/public/api/{TENANT}/campaigns/{campaign['id']}/leaderboard",
                                 params={"status": "provisional"})).json()["status"] == "verified"
