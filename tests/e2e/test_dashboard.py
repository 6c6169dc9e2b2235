"""The leaderboard page as a person sees it: headless Chromium (Debian package) loads the
dashboard from the reporting service, runs its script and renders the ranked units."""

import shutil
import subprocess
import tempfile

import httpx
import pytest

from .conftest import eventually, reporter, reporting_get, submission

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


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by ./scripts/bootstrap")
async def test_dashboard_shows_the_ranked_units_in_vietnamese(stack, settings, board, campaign):
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        for unit, homes in (("don-vi-1", 100), ("don-vi-2", 40)):
            body = submission(campaign["id"], unit, **{"ho-thoat-ngheo": homes, "nha-dai-doan-ket": 10})
            r = await client.post("/api/v1/submissions", json=body, headers=reporter(settings, unit))
            assert r.status_code == 202

    async def scored():
        b = await reporting_get(stack, f"/api/v1/campaigns/{campaign['id']}/leaderboard", board)
        return b if sum(s["reported"] for s in b["standings"]) == 2 else None

    await eventually(scored)
    token = board["Authorization"].split()[1]
    dom = render(f"{stack.url('reporting')}/dashboard#token={token}&campaign={campaign['id']}")
    assert "Bảng xếp hạng thi đua" in dom
    status = dom[dom.index('<span id="status"'):].split("</span>")[0]
    assert "Cập nhật lúc" in status, status  # the script fetched the leaderboard with the token
    # ranked rows: 100 homes → 60 + 40 = 100 points; 40 homes → 24 + 40 = 64 points
    assert dom.index("Đơn vị số 1") < dom.index("Đơn vị số 2") < dom.index("Đơn vị số 3")
    assert '<td class="num">100</td>' in dom and '<td class="num">64</td>' in dom
