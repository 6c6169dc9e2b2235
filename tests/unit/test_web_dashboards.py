"""Issue 10, the console's dashboards (services/web, thidua_web.dashboards) against fakes of the OIDC
provider and reporting's API: the overview and its leaderboard (numbers the Vietnamese way, the
choice sent to reporting, the board fragment for htmx), the chart data escaped, a unit's page
(scorecard, history, progress with red/amber/green in words), unit roles kept to their own unit,
and the live-update relay (events passed through, the session's token sent upstream)."""

import json
import re
from datetime import date

import httpx
import pytest

from thidua_web.dashboards import live, models
from thidua_web.dashboards.models import Rag, achievement, rag

from .test_web_console import Fakes, sign_in
from .test_web_console import client as client  # noqa: F401  (the app over this module's fakes)

EVIL = "</script><script>alert('x')</script> Huyện 'A' & co"
STREAM = (
    b"event: hello\ndata: {}\n\n"
    b": ping\n\n"
    b'event: scores\ndata: {"campaign_id": "c1", "version": 7, "period": "2026-Q1"}\n\n'
)


# -- the RAG status (pure) -------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "target", "direction", "status"), [
    (100, 100, "higher", Rag.green), (120, 100, "higher", Rag.green), (80, 100, "higher", Rag.amber),
    (99.9, 100, "higher", Rag.amber), (79.9, 100, "higher", Rag.red), (0, 100, "higher", Rag.red),
    (5, 5, "lower", Rag.green), (4, 5, "lower", Rag.green), (0, 5, "lower", Rag.green),
    (6.25, 5, "lower", Rag.amber), (6.3, 5, "lower", Rag.red), (10, 5, "lower", Rag.red),
    (0, 0, "lower", Rag.green), (1, 0, "lower", Rag.red), (0, 0, "higher", Rag.green),
    (50, None, "higher", Rag.no_target), (None, 100, "higher", Rag.no_value), (None, None, "lower", Rag.no_value),
])
def test_rag_status_against_the_periods_target_respects_the_direction(value, target, direction, status):
    assert rag(value, target, direction) is status


def test_achievement_is_larger_when_better_in_both_directions():
    assert achievement(90, 100) == pytest.approx(0.9)
    assert achievement(4, 5, "lower") == pytest.approx(1.25)  # fewer violations than the ceiling
    assert achievement(10, 5, "lower") == pytest.approx(0.5)
    assert achievement(None, 5) is None and achievement(5, None) is None


def test_progress_rows_carry_the_status_and_a_direction_aware_percentage():
    answer = {"criteria": [
        {"criterion_id": "tc-1", "criterion_name": "Giải ngân", "unit_of_measure": "%", "direction": "higher",
         "series": [{"period": "2026-Q1", "period_label": "quý I/2026", "value": 85, "target": 100,
                     "achieved_pct": 85.0},
                    {"period": "2026-Q2", "period_label": "quý II/2026", "value": 101, "target": 100}]},
        {"criterion_id": "tc-2", "criterion_name": "Hồ sơ trễ hạn", "direction": "lower",
         "series": [{"period": "2026-Q1", "period_label": "quý I/2026", "value": 10, "target": 5,
                     "achieved_pct": 200.0}]},
        {"criterion_id": "tc-3", "criterion_name": "Chưa báo cáo", "direction": "higher", "series": []},
    ]}
    first, second, third = models.progress(answer)
    assert [(r.status, r.achieved) for r in first.rows] == [(Rag.amber, 85.0), (Rag.green, 101.0)]
    assert first.latest.period == "2026-Q2"
    assert second.rows[0].status is Rag.red and second.rows[0].achieved == 50.0  # not reporting's 200 %
    assert third.latest is None and third.rows == []


def test_the_campaigns_periods_and_an_edited_choice_falls_back_to_the_default():
    campaign = {"start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
                "clusters": [{"id": "khoi-huyen", "name": "Khối huyện"}]}
    periods = models.campaign_periods(campaign, "vi")
    assert periods[0] == ("2026-Q1", "quý I/2026") and len(periods) == 4
    assert models.campaign_periods({"start": "x"}, "vi") == []
    choice = models.BoardChoice.of(campaign, periods, "khoi-huyen", "2026-Q2", "verified")
    assert choice.params() == {"status": "verified", "cluster": "khoi-huyen", "period": "2026-Q2"}
    edited = models.BoardChoice.of(campaign, periods, "khoi-khac", "2031-Q9", "anything")
    assert edited.params() == {"status": "provisional"}
    assert date(2026, 1, 1)  # (dates come from reporting as ISO strings)


def test_a_stream_lasts_until_shortly_before_the_token_expires():
    assert live.lifetime(1000 + 300, now=1000) == 270
    assert live.lifetime(1000 + 10, now=1000) == 5  # refreshed just before: never a busy loop
    assert live.lifetime(1000 + 86400, now=1000) == live.MAX_SECONDS


# -- the pages against fakes -----------------------------------------------------------------------------
CAMPAIGN = {"campaign_id": "c1", "name": "Phong trào thi đua 2026", "status": "running", "start": "2026-01-01",
            "end": "2026-12-31", "reporting_frequency": "quarter", "participants": 3,
            "clusters": [{"id": "khoi-huyen", "name": "Khối các huyện"}, {"id": "khoi-so", "name": "Khối sở"}]}


def standing(unit, name, rank, score, cluster="khoi-huyen", reported=True):
    return {"rank": rank, "cluster_rank": rank, "unit_id": unit, "unit_name": name, "cluster_id": cluster,
            "cluster_name": "Khối các huyện", "total": score * 2, "total_display": "x", "max_total": 2000.0,
            "periods_reported": 2 if reported else 0, "inherited_periods": 0, "reported": reported,
            "score": score, "score_display": "x", "periods_due": 2}


def board(status="provisional", period=None, standings=None):
    return {"campaign_id": "c1", "campaign_name": "Phong trào thi đua 2026", "status": status, "period": period,
            "period_label": "quý I/2026" if period else None, "cluster_id": None, "generated_at": "09:00 30/11/2026",
            "tie_rule": "Bằng điểm thì đồng hạng", "basis": {"periods": ["2026-Q1"], "period_labels": ["quý I/2026"],
            "missing_reports": "zero", "as_of": "2026-11-30", "description": "Trung bình 2 kỳ"},
            "standings": standings if standings is not None else [
                standing("huyen-dak-mil", EVIL, 1, 1234.5), standing("huyen-cu-jut", "Huyện Cư Jút", 2, 987.25),
                standing("so-noi-vu", "Sở Nội vụ", 3, 0, cluster="khoi-so", reported=False)]}


CARD = {"period": "2026-Q1", "period_label": "quý I/2026", "status": "provisional", "total": 72.5,
        "total_display": "72,5", "max_total": 100.0, "revision": 2, "criteria_version": 1, "submission_id": "s1",
        "submitted_at": "08:00 01/04/2026", "computed_at": "08:01 01/04/2026", "cause": "Báo cáo kỳ",
        "cause_kind": "submission", "criteria": [
            {"criterion_id": "g1", "criterion_name": "Nhóm I", "parent_id": None, "kind": "group", "scorer": None,
             "value": None, "target": None, "target_source": None, "points": 72.5, "max_points": 100,
             "formula": "min(MS, Σ)", "inputs": {}, "explanation": "Cộng các tiêu chí con"},
            {"criterion_id": "tc-1", "criterion_name": "Tỷ lệ giải ngân", "parent_id": "g1", "kind": "leaf",
             "scorer": "ratio_to_target", "value": 1234.5, "target": 1500, "target_source": "registration",
             "points": 72.5, "max_points": 100, "formula": "0.5·MS·A/T", "inputs": {},
             "explanation": "1.234,5 < 1.500 → 0,5 × 100 × 1.234,5/1.500 = 41,15 điểm <b>x</b>"}]}


class DashFakes(Fakes):
    """The OIDC provider (Fakes) and reporting's dashboards API: records what the console asked for."""

    def __init__(self):
        super().__init__()
        self.campaigns = [CAMPAIGN]
        self.params: list[dict] = []
        self.stream_status = 200
        self.stream_accept: str | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "reporting.test":
            return super().__call__(request)
        self.seen_bearers.append(request.headers["authorization"])
        self.seen_paths.append(request.url.path)
        self.params.append(dict(request.url.params))
        path, params = request.url.path, request.url.params
        if self.reporting_status != 200:
            return httpx.Response(self.reporting_status, json={"message": "boom"})
        if path == "/api/v1/campaigns":
            return httpx.Response(200, json=self.listed())
        if path == "/api/v1/campaigns/c1/leaderboard":
            return httpx.Response(200, json=board(params.get("status", "provisional"), params.get("period")))
        if path == "/api/v1/campaigns/c1/stream":
            self.stream_accept = request.headers.get("accept")
            return httpx.Response(self.stream_status, content=STREAM, headers={"content-type": "text/event-stream"})
        m = re.fullmatch(r"/api/v1/campaigns/c1/units/([a-z0-9-]+)/(scorecard|progress|history)", path)
        if m is None:
            return httpx.Response(404, json={"message": "không có"})
        unit, what = m.groups()
        if what == "scorecard":
            return httpx.Response(200, json={
                "campaign_id": "c1", "campaign_name": "Phong trào thi đua 2026", "unit_id": unit, "unit_name": EVIL,
                "status": params.get("status", "provisional"), "total": 72.5, "total_display": "72,5",
                "periods": [CARD], "inherited_from": []})
        if what == "progress":
            return httpx.Response(200, json={"campaign_id": "c1", "unit_id": unit, "unit_name": "x", "criteria": [{
                "criterion_id": "tc-1", "criterion_name": "Tỷ lệ giải ngân", "unit_of_measure": "%",
                "direction": "higher", "series": [
                    {"period": "2026-Q1", "period_label": "quý I/2026", "value": 1234.5, "target": 1500,
                     "achieved_pct": 82.3, "points": 41.15, "max_points": 100}]}]})
        return httpx.Response(200, json=[CARD, {**CARD, "status": "verified", "revision": 1}])


@pytest.fixture
def fakes():
    return DashFakes()


def cells(html: str, row_marker: str) -> str:
    start = html.index(row_marker)
    return html[start:html.index("</tr>", start)]


async def test_the_overview_shows_the_campaign_and_the_leaderboard_in_vietnamese_numbers(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await sign_in(client, fakes)
    page = await client.get("/campaigns/c1")
    assert page.status_code == 200, page.text
    html = page.text
    assert 'id="campaign-name">Phong trào thi đua 2026<' in html and "Đang diễn ra" in html
    assert "01/01/2026 – 31/12/2026" in html and "Hằng quý" in html
    assert 'id="campaign-participants">3<' in html and "Khối các huyện; Khối sở" in html
    assert "quý I/2026, quý II/2026, quý III/2026, quý IV/2026" in html
    row = cells(html, 'data-unit="huyen-dak-mil"')
    assert '<td class="score">1.234,5</td>' in row and '<td class="total">2.469</td>' in row
    assert "2.000" in row and "2/2" in row
    assert '<td class="score">987,25</td>' in cells(html, 'data-unit="huyen-cu-jut"')
    assert "(chưa báo cáo)" in cells(html, 'data-unit="so-noi-vu"')
    assert "Bảng xếp hạng Tất cả đơn vị, Cả phong trào, tạm tính" in html
    assert "<script>alert" not in html and "&lt;/script&gt;&lt;script&gt;alert" in html
    assert fakes.params[-1] == {"status": "provisional"}
    # the page loads only its own scripts, no inline one, and the stream's address for the script
    assert '<script src="/static/vendor/echarts.min.js" defer></script>' in html
    assert '<script src="/static/vendor/echarts-langVI.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and "style=" not in html
    assert 'data-live="/campaigns/c1/live"' in html
    # every unit opens its page for a board officer
    assert 'href="/campaigns/c1/units/so-noi-vu?status=provisional"' in html


async def test_the_chart_data_cannot_break_out_of_its_attribute_or_block(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await sign_in(client, fakes)
    html = (await client.get("/campaigns/c1")).text
    attribute = re.search(r"data-chart='([^']*)'", html)
    assert attribute is not None  # the single-quoted attribute ends where it should
    data = json.loads(attribute.group(1).replace("&amp;", "&"))
    assert data["names"][0] == EVIL and data["values"] == [1234.5, 987.25, 0] and data["max"] == 1000
    assert "\\u003c/script\\u003e" in attribute.group(1) and "\\u0027A\\u0027" in attribute.group(1)
    unit = (await client.get("/campaigns/c1/units/huyen-dak-mil")).text
    block = re.search(r'<script type="application/json" id="history-data">(.*?)</script>', unit, re.S)
    assert block is not None and "</script><script>" not in block.group(1)
    assert "\\u003c/script\\u003e\\u003cscript\\u003e" in block.group(1)
    assert json.loads(block.group(1))["title"] == EVIL


async def test_the_choice_goes_to_reporting_and_htmx_gets_only_the_board(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await sign_in(client, fakes)
    page = await client.get("/campaigns/c1", params={"cluster": "khoi-huyen", "period": "2026-Q1",
                                                     "status": "verified"})
    assert fakes.params[-1] == {"status": "verified", "cluster": "khoi-huyen", "period": "2026-Q1"}
    assert 'value="khoi-huyen" selected' in page.text and 'value="verified" selected' in page.text
    assert "Bảng xếp hạng Khối các huyện, quý I/2026, đã thẩm định" in page.text
    fragment = await client.get("/campaigns/c1/board", params={"status": "verified", "period": "2026-Q1"},
                                headers={"HX-Request": "true", "HX-Trigger": "board-choice"})
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="board"')
    assert "<html" not in fragment.text and "<script" not in fragment.text
    # no id on the chart: htmx would copy the style ECharts gave the old one (refused by the policy)
    assert '<div class="chart board-chart" role="img"' in fragment.text
    assert fragment.headers["hx-push-url"] == "/campaigns/c1?status=verified&period=2026-Q1"
    assert 'hx-get="/campaigns/c1/board?status=verified&amp;period=2026-Q1" hx-trigger="live-scores"' in fragment.text
    refreshed = await client.get("/campaigns/c1/board", params={"status": "verified"},
                                 headers={"HX-Request": "true", "HX-Trigger": "board"})
    assert "hx-push-url" not in refreshed.headers  # a live refresh keeps the address
    edited = await client.get("/campaigns/c1", params={"cluster": "<x>", "period": "9999", "status": "x"})
    assert edited.status_code == 200 and fakes.params[-1] == {"status": "provisional"}


async def test_an_unknown_campaign_or_a_malformed_id_is_the_404_page(client, fakes):
    await sign_in(client, fakes)
    calls = len(fakes.seen_paths)
    for path in ("/campaigns/zz", "/campaigns/-a", "/campaigns/c1/units/A%20B"):
        response = await client.get(path)
        assert response.status_code == 404 and "Không tìm thấy trang này." in response.text
    assert fakes.seen_paths[calls:] == ["/api/v1/campaigns"]  # malformed ids cost no call


async def test_a_unit_reporter_sees_the_board_but_opens_only_their_own_unit(client, fakes):
    await sign_in(client, fakes)  # unit_reporter of huyen-cu-jut
    html = (await client.get("/campaigns/c1")).text
    assert 'href="/campaigns/c1/units/huyen-cu-jut?status=provisional"' in html
    assert 'id="my-unit-link" href="/campaigns/c1/units/huyen-cu-jut"' in html
    assert 'href="/campaigns/c1/units/huyen-dak-mil' not in html  # another unit's name, no link
    assert 'class="mine"' in cells(html, 'data-unit="huyen-cu-jut"') and "(đơn vị của bạn)" in html
    calls = len(fakes.seen_paths)
    other = await client.get("/campaigns/c1/units/huyen-dak-mil")
    assert other.status_code == 403 and "Bạn không có quyền xem trang này." in other.text
    assert len(fakes.seen_paths) == calls  # refused before asking reporting
    own = await client.get("/campaigns/c1/units/huyen-cu-jut")
    assert own.status_code == 200


async def test_a_cluster_head_may_open_another_units_page(client, fakes):
    fakes.unit, fakes.roles = "tx-gia-nghia", ["cluster_head", "unit_reporter"]
    await sign_in(client, fakes)
    overview = (await client.get("/campaigns/c1")).text
    assert "my-unit-link" not in overview  # their unit is not on this board: no link to a missing page
    assert (await client.get("/campaigns/c1/units/huyen-cu-jut")).status_code == 200


async def test_the_unit_page_shows_the_scorecard_history_and_progress_with_words(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await sign_in(client, fakes)
    page = await client.get("/campaigns/c1/units/huyen-cu-jut", params={"status": "verified"})
    assert page.status_code == 200, page.text
    html = page.text
    paths = [p for p in fakes.seen_paths if "/units/" in p]
    assert sorted(paths[-3:]) == sorted(f"/api/v1/campaigns/c1/units/huyen-cu-jut/{w}"
                                        for w in ("scorecard", "progress", "history"))
    assert {"status": "verified"} in fakes.params
    leaf = cells(html, 'data-criterion="tc-1"')
    assert '<td class="value">1.234,5</td>' in leaf and '<td class="target">1.500</td>' in leaf
    assert '<td class="points">72,5/100</td>' in leaf
    assert "1.234,5 &lt; 1.500 → 0,5 × 100 × 1.234,5/1.500 = 41,15 điểm &lt;b&gt;x&lt;/b&gt;" in leaf
    assert 'class="depth-1"' in leaf and "group" in cells(html, 'data-criterion="g1"')
    assert "Bảng điểm quý I/2026 (đã thẩm định)" in html and 'id="card-total">72,5<' in html
    # progress: the status in words, not by colour alone; 1.234,5 of 1.500 is 82,3 %: close
    progress = html[html.index('id="progress-heading"'):]
    assert '<span class="rag rag-amber">Gần đạt</span>' in progress and "82,3 %" in progress
    assert "Kỳ gần nhất: <span class=\"rag rag-amber\">Gần đạt</span>" in progress
    # the revisions of the chosen status only
    revisions = html[html.index('id="revisions"'):]
    assert "<td>1</td>" in revisions and "<td>2</td>" not in revisions
    english = await client.get("/campaigns/c1/units/huyen-cu-jut", headers={"Accept-Language": "en"})
    assert "Close to target" in english.text and "Gần đạt" not in english.text and "1,234.5" in english.text


async def test_reporting_failures_are_error_pages_not_crashes(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await sign_in(client, fakes)
    fakes.reporting_status = 500
    response = await client.get("/campaigns/c1")
    assert response.status_code == 502 and "Không lấy được dữ liệu" in response.text
    fakes.reporting_status = 403
    assert (await client.get("/campaigns/c1/units/huyen-cu-jut")).status_code == 403


async def test_the_home_page_links_each_campaign_and_unit_roles_to_their_own_page(client, fakes):
    await sign_in(client, fakes)
    html = (await client.get("/")).text
    assert '<a class="campaign-name" href="/campaigns/c1">' in html
    assert 'href="/my/campaigns/c1"' in html
    fakes.unit, fakes.roles = None, ["board_officer"]
    client.cookies.clear()
    await sign_in(client, fakes, code="code-2")
    html = (await client.get("/")).text
    assert 'href="/campaigns/c1"' in html and "/my/campaigns/" not in html


# -- live updates ----------------------------------------------------------------------------------------
async def test_the_relay_passes_reportings_events_through_with_the_sessions_token(client, fakes):
    response, _ = await sign_in(client, fakes)
    session = client.app.state.sessions.get(response.cookies["thidua_session"])
    live_response = await client.get("/campaigns/c1/live")
    assert live_response.status_code == 200
    assert live_response.headers["content-type"].startswith("text/event-stream")
    assert live_response.headers["cache-control"] == "no-store"
    assert live_response.content == f"retry: {live.RETRY_MS}\n\n".encode() + STREAM
    assert fakes.seen_paths[-1] == "/api/v1/campaigns/c1/stream"
    assert fakes.seen_bearers[-1] == f"Bearer {session.tokens.access_token}"
    assert fakes.stream_accept == "text/event-stream"
    assert session.tokens.access_token not in live_response.text


async def test_the_relay_without_a_session_or_a_stream_tells_the_browser_to_stop(client, fakes):
    assert (await client.get("/campaigns/c1/live")).status_code == 204  # not a redirect to sign in
    await sign_in(client, fakes)
    fakes.stream_status = 404  # reporting without the stream, or not this user's
    assert (await client.get("/campaigns/c1/live")).status_code == 204
    fakes.stream_status = 503
    assert (await client.get("/campaigns/c1/live")).status_code == 502
    assert (await client.get("/campaigns/%3Cx%3E/live")).status_code == 404


class Upstream:
    """An upstream stream of many chunks that records whether it was closed."""

    def __init__(self, chunks: int):
        self.chunks = chunks
        self.sent = 0
        self.closed = False

    async def aiter_bytes(self):
        for _ in range(self.chunks):
            self.sent += 1
            yield b": ping\n\n"

    async def aclose(self):
        self.closed = True


async def test_the_relay_stops_when_the_browser_goes_or_its_time_is_up():
    upstream = Upstream(100)
    left = iter([False, False, True])

    async def gone():
        return next(left)

    out = [chunk async for chunk in live.relay(upstream, 600, gone)]  # type: ignore[arg-type]
    assert out[0].startswith(b"retry:") and len(out) == 4 and upstream.sent == 3 and upstream.closed

    upstream, now = Upstream(100), iter(range(0, 1000, 10))

    async def present():
        return False

    out = [chunk async for chunk in live.relay(upstream, 25, present, clock=lambda: next(now))]  # type: ignore[arg-type]
    assert upstream.sent == 3 and upstream.closed  # 10, 20, 30 ≥ 0 + 25: ended so the browser reconnects


# -- vendored assets -------------------------------------------------------------------------------------
def _tarball(folder, name: str, files: dict[str, bytes]):
    import io
    import tarfile

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with tarfile.open(path, "w:gz") as tar:
        for member, data in files.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_assets_install_every_pinned_package_and_refuse_a_changed_one(tmp_path):
    import hashlib

    from thidua_web import assets

    one = _tarball(tmp_path / "cache" / "npm", "a-1.0.0.tgz", {"package/a.js": b"a();"})
    two = _tarball(tmp_path / "cache" / "npm", "b-2.0.0.tgz", {"package/b.js": b"b();", "package/l/vi.js": b"vi"})
    packages = (
        assets.Package("a", "1.0.0", hashlib.sha256(one.read_bytes()).hexdigest(), {"package/a.js": "a.js"}),
        assets.Package("b", "2.0.0", hashlib.sha256(two.read_bytes()).hexdigest(),
                       {"package/b.js": "b.js", "package/l/vi.js": "b-vi.js"}),
    )
    vendor = assets.install(tmp_path / "cache", tmp_path / "vendor", packages)
    assert sorted(p.name for p in vendor.iterdir()) == ["a.js", "b-vi.js", "b.js"]
    assert (vendor / "b-vi.js").read_bytes() == b"vi"
    changed = (assets.Package("c", "1.0.0", "0" * 64, {"package/a.js": "c.js"}),)
    _tarball(tmp_path / "cache" / "npm", "c-1.0.0.tgz", {"package/a.js": b"evil();"})
    with pytest.raises(RuntimeError, match="SHA-256"):
        assets.install(tmp_path / "cache", tmp_path / "vendor", changed)
    assert not (tmp_path / "cache" / "npm" / "c-1.0.0.tgz").exists() and not (vendor / "c.js").exists()
    # the console's own pins: ECharts with its Vietnamese locale beside htmx
    assert {p.name for p in assets.PACKAGES} == {"htmx.org", "echarts"}
    assert "package/i18n/langVI.js" in assets.ECHARTS.files


async def test_a_board_officer_with_a_unit_sees_every_campaign_on_the_home_page(client, fakes):
    # a board officer belonging to a unit that takes no part in c1 (so-y-te): c1 is listed all the same
    fakes.unit, fakes.roles = "so-y-te", ["board_officer"]
    await sign_in(client, fakes)
    html = (await client.get("/")).text
    assert 'href="/campaigns/c1"' in html and "Đơn vị không tham gia" in html
    # a unit reporter sees only the campaigns their unit takes part in
    client.cookies.clear()
    fakes.unit, fakes.roles = "huyen-khac", ["unit_reporter"]
    await sign_in(client, fakes, code="code-2")
    html = (await client.get("/")).text
    assert 'href="/campaigns/c1"' not in html and "Chưa có phong trào thi đua nào." in html


async def test_the_relay_closes_reportings_stream_when_the_browser_leaves():
    """Starlette cancels the response when the browser goes: reporting's stream (one of the tenant's
    limited number) must still be closed, inside the cancelled scope."""
    import anyio

    class Held(Upstream):
        async def aiter_bytes(self):
            yield b": ping\n\n"
            await anyio.sleep(3600)  # reporting quiet: the browser leaves meanwhile
            yield b""

        async def aclose(self):
            await anyio.sleep(0)  # a real close awaits the connection pool
            self.closed = True

    upstream = Held(0)

    async def present():
        return False

    async def browser():
        async for _ in live.relay(upstream, 600, present):  # type: ignore[arg-type]
            pass

    async with anyio.create_task_group() as group:
        group.start_soon(browser)
        await anyio.sleep(0.05)
        group.cancel_scope.cancel()
    assert upstream.closed


# -- a leaderboard of many units is shown a page at a time ------------------------------------------------
def test_a_board_page_holds_a_hundred_rows_and_says_where_my_unit_stands():
    standings = [{"unit_id": f"u{i}", "rank": i + 1} for i in range(250)]
    first = models.BoardPage.of(standings, None, "u180")
    assert (first.number, first.count, first.first, len(first.rows)) == (1, 3, 1, 100)
    assert first.mine == {"unit_id": "u180", "rank": 181}
    last = models.BoardPage.of(standings, "3", None)
    assert (last.number, last.first, len(last.rows), last.rows[0]["unit_id"]) == (3, 201, 50, "u200")
    for edited, number in (("99", 3), ("0", 1), ("-4", 1), ("abc", 1)):
        assert models.BoardPage.of(standings, edited, None).number == number
    empty = models.BoardPage.of([], None, "u1")
    assert (empty.count, empty.first, empty.rows, empty.mine) == (1, 0, [], None)


async def test_the_overview_shows_one_page_of_a_long_board_with_links_to_the_others(client, fakes, monkeypatch):
    monkeypatch.setattr(models, "PAGE_ROWS", 1)  # the fake board has two units: two pages
    await sign_in(client, fakes)
    html = (await client.get("/campaigns/c1")).text
    assert html.count('<tr data-unit="') == 1 and 'id="page-next"' in html and 'id="page-prev"' not in html
    second = (await client.get("/campaigns/c1", params={"page": "2"})).text
    assert second.count('<tr data-unit="') == 1 and 'id="page-prev"' in second
    assert 'hx-get="/campaigns/c1/board?' in second and "page=2" in second  # live updates keep the page
    assert 'id="my-standing"' in html  # where my unit stands, whatever the page
