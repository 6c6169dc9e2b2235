"""Issue 10, the console's reviewer pages (services/web, package reviewer/) against a fake intake:
the review queue (overdue marked in words, Vietnamese dates, appeals, filters, pages, one's own unit
not offered), a submission to decide (names, targets, evidence, history; the bodies posted are
exactly what intake expects; intake's field errors next to their criterion; its 403 shown), an
appeal to decide, reopening, reviewer ratings, CSRF, and the 403 page for a unit reporter."""

import json
import re
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.reviewer import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"

CAMPAIGN = {
    "campaign_id": "c1", "name_vi": "Phong trào thi đua quý", "name_en": "Quarterly campaign", "status": "running",
    "start": "2018-01-01", "end": "2018-12-31", "reporting_frequency": "quarter",
    "criteria": [
        {"id": "kinh-te", "name_vi": "Kinh tế", "max_points": 80, "children": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "name_en": "Households out of poverty",
             "unit_of_measure": "hộ", "max_points": 60, "target": 100, "scorer": "ratio_to_target"},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn", "max_points": 20,
             "target": 10, "scorer": "ratio_to_target"}]},
        {"id": "danh-gia", "name_vi": "Đánh giá của cụm trưởng", "max_points": 20, "scorer": "reviewer_rating",
         "params": {"scale": 5}},
    ],
    "clusters": [
        {"id": "khoi-huyen", "name_vi": "Khối các huyện", "leadership": [{"year": 2018, "head_unit_id": "tx-gia-nghia"}]},
        {"id": "khoi-so", "name_vi": "Khối sở", "leadership": [{"year": 2018, "head_unit_id": "so-tai-chinh"}]},
    ],
    "participants": [
        {"unit_id": "huyen-cu-jut", "name_vi": f"Huyện Cư Jút {SCRIPT}", "unit_type": "district",
         "cluster_id": "khoi-huyen"},
        {"unit_id": "huyen-dak-mil", "name_vi": "", "unit_type": "district", "cluster_id": "khoi-huyen"},
        {"unit_id": "tx-gia-nghia", "name_vi": "Thành phố Gia Nghĩa", "unit_type": "district",
         "cluster_id": "khoi-huyen"},
        {"unit_id": "so-noi-vu", "name_vi": "Sở Nội vụ", "unit_type": "department", "cluster_id": "khoi-so"},
    ],
}


def item(sid: str, unit: str, **extra) -> dict:
    return {"submission_id": sid, "campaign_id": "c1", "unit_id": unit, "period": "2018-Q2",
            "submitted_at": "2018-07-01T03:00:00Z", "submitted_by": "u", "channel": "http", "status": "pending",
            "level": None, "awaiting": "cluster", "reasons": {}, "appeal": None, "resubmission_of": None,
            "due_date": "2018-07-16", "overdue": False, "age_days": 3, **extra}


def submission(sid: str = "s1", unit: str = "huyen-cu-jut", **review) -> dict:
    return {
        "submission_id": sid, "tenant": "daknong", "campaign_id": "c1", "unit_id": unit, "period": "2018-Q2",
        "values": {"ho-thoat-ngheo": 1234.5, "nha-dai-doan-ket": 12}, "note": "",
        "evidence": [{"url": "https://vanban.daknong.test/bao-cao.pdf", "description": "Báo cáo quý"},
                     {"evidence_id": "e1", "file_name": "bien-ban.pdf", "size": 2048, "sha256": "a" * 64}],
        "submitted_by": "unit-reporter", "submitted_at": "2018-07-01T03:00:00Z", "channel": "http",
        "criteria_version": 1,
        "review": {"status": "pending", "decision": None, "level": None, "reasons": {}, "history": [], "appeal": None,
                   **review},
    }


class ReviewFakes(Fakes):
    """The OIDC provider and reporting (the console's fakes) and intake at http://intake.test."""

    def __init__(self):
        super().__init__()
        self.unit, self.roles = "tx-gia-nghia", ["cluster_head"]
        self.calls: list[tuple[str, str, dict, object, str]] = []  # method, path, query, body, bearer
        self.pages = {None: {"items": [item("s1", "huyen-cu-jut", overdue=True, age_days=12, due_date="2018-07-10"),
                                       item("s2", "huyen-dak-mil", awaiting="board",
                                            appeal={"status": "pending", "to_level": "board", "reason": "Oan"}),
                                       item("s3", "tx-gia-nghia")],
                              "next": "cursor-2"},
                      "cursor-2": {"items": [item("s4", "huyen-dak-mil", overdue=True)], "next": None}}
        self.submissions = {"s1": submission()}
        self.answer: tuple[int, dict] | None = None  # what the next POST answers (default: success)
        self.ratings: list[dict] = [
            {"campaign_id": "c1", "unit_id": "huyen-cu-jut", "period": "2018-Q2", "ratings": {"danh-gia": 3.5},
             "comment": "Tốt", "by": "cluster-head", "at": "2018-07-02T01:00:00Z", "rating_id": "r1",
             "tenant": "daknong", "event_id": "ev"}]

    def posted(self, path: str) -> list:
        return [body for method, p, _, body, _ in self.calls if method == "POST" and p == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "intake.test":
            return super().__call__(request)
        path, method = request.url.path, request.method
        body = json.loads(request.content) if request.content else None
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((method, path, query, body, request.headers["authorization"]))
        if method == "POST":
            if self.answer is not None:
                status, answer = self.answer
                return httpx.Response(status, json=answer)
            if path.endswith("/review"):
                status = {"approve": "approved", "return": "returned", "reject": "rejected"}[body["decision"]]
                return httpx.Response(201, json={"submission_id": "s1", "event_id": "e", "status": status,
                                                 "message": "ok"})
            return httpx.Response(201, json={"status": "pending", "message": "ok"})
        if path == "/api/v1/campaigns":
            return httpx.Response(200, json=[CAMPAIGN])
        if path == "/api/v1/campaigns/c1":
            return httpx.Response(200, json=CAMPAIGN)
        if path == "/api/v1/submissions":
            return httpx.Response(200, json=self.pages[query.get("after")])
        if path.startswith("/api/v1/submissions/"):
            found = self.submissions.get(path.rsplit("/", 1)[1])
            return httpx.Response(200, json=found) if found else httpx.Response(404, json={"message": "không có"})
        if path == "/api/v1/campaigns/c1/registrations/huyen-cu-jut":
            return httpx.Response(200, json={"campaign_id": "c1", "unit_id": "huyen-cu-jut", "revision": 1, "targets": [
                {"criterion_id": "ho-thoat-ngheo", "period": None, "value": 90},
                {"criterion_id": "ho-thoat-ngheo", "period": "2018-Q2", "value": 120}]})
        if path == "/api/v1/campaigns/c1/ratings":
            return httpx.Response(200, json=[r for r in self.ratings if r["period"] == query.get("period")])
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return ReviewFakes()


async def signed(client, fakes, roles=None, unit="tx-gia-nghia") -> str:
    return await signed_in(client, fakes, roles or ["cluster_head"], unit)


def row(html: str, marker: str) -> str:
    """The HTML of the table row holding `marker` (data-submission="…" or data-criterion="…")."""
    start = html.index(marker)
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


# -- the queue -------------------------------------------------------------------------------------
async def test_the_queue_shows_age_due_date_overdue_in_words_and_vietnamese_dates(client, fakes):
    await signed(client, fakes)
    page = await client.get("/review")
    assert page.status_code == 200
    html = page.text
    overdue = row(html, 'data-submission="s1"')
    assert "Phong trào thi đua quý" in overdue and "quý II/2018" in overdue
    assert "10:00 01/07/2018" in overdue  # 03:00 UTC in Việt Nam
    assert "10/07/2018" in overdue and "12 ngày" in overdue
    assert 'class="rev-overdue"' in overdue and "Quá hạn" in overdue  # not by colour alone
    assert "Cụm, khối trưởng" in overdue
    on_time = row(html, 'data-submission="s3"')
    assert "Quá hạn" not in on_time and "16/07/2018" in on_time
    # the unit's name from the campaign's participants, as text; the id when it has none
    assert "Huyện Cư Jút &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in overdue and SCRIPT not in html
    assert '<th scope="row" class="rev-unit">huyen-dak-mil</th>' in row(html, 'data-submission="s2"')
    # what intake was asked: the caller's queue, with the caller's token
    method, path, query, _, bearer = next(c for c in fakes.calls if c[1] == "/api/v1/submissions")
    assert (method, query["queue"], query["limit"]) == ("GET", "true", "25")
    assert bearer.startswith("Bearer ey") and "after" not in query and "campaign_id" not in query


async def test_an_appeal_is_marked_as_such(client, fakes):
    await signed(client, fakes, ["board_officer"], "so-noi-vu")
    appeal = row((await client.get("/review")).text, 'data-submission="s2"')
    assert "Khiếu nại" in appeal and "Ban Thi đua – Khen thưởng" in appeal and "Xử lý khiếu nại" in appeal


async def test_the_own_unit_is_not_offered_in_the_queue(client, fakes):
    await signed(client, fakes)  # the head of khoi-huyen acts for tx-gia-nghia
    html = (await client.get("/review")).text
    own = row(html, 'data-submission="s3"')
    assert "Đơn vị của bạn" in own and 'href="/review/s3"' not in own
    assert 'href="/review/s1"' in row(html, 'data-submission="s1"')


async def test_filters_and_the_next_page(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/review", params={"campaign_id": "c1"})).text
    assert next(c for c in fakes.calls if c[1] == "/api/v1/submissions")[2]["campaign_id"] == "c1"
    assert 'href="/review?campaign_id=c1&amp;after=cursor-2"' in html and "Trang sau" in html
    assert '<option value="c1" selected>' in html
    second = (await client.get("/review", params={"campaign_id": "c1", "after": "cursor-2"})).text
    assert 'data-submission="s4"' in second and 'data-submission="s1"' not in second
    assert "Trang sau" not in second and "Về trang đầu" in second
    # overdue only: the overdue items of every API page until the console's page is full or the end
    fakes.calls.clear()
    late = (await client.get("/review", params={"overdue": "1"})).text
    assert 'data-submission="s1"' in late and 'data-submission="s4"' in late
    assert 'data-submission="s2"' not in late and 'data-submission="s3"' not in late
    assert [c[2].get("after") for c in fakes.calls if c[1] == "/api/v1/submissions"] == [None, "cursor-2"]
    assert 'name="overdue" value="1" checked' in late
    # a campaign id that is not one is not sent on
    fakes.calls.clear()
    await client.get("/review", params={"campaign_id": "../x"})
    assert "campaign_id" not in next(c for c in fakes.calls if c[1] == "/api/v1/submissions")[2]


async def test_an_empty_queue_says_so(client, fakes):
    fakes.pages[None] = {"items": [], "next": None}
    await signed(client, fakes)
    html = (await client.get("/review")).text
    assert "Không có báo cáo nào chờ bạn thẩm định." in html and "Trang sau" not in html


@pytest.mark.parametrize(("code", "shown"), [("approved", "Đã phê duyệt báo cáo."),
                                             ("reopened", "Đã mở lại báo cáo đã phê duyệt.")])
async def test_the_confirmation_maps_a_code_to_a_message_and_never_echoes(client, fakes, code, shown):
    await signed(client, fakes)
    assert shown in (await client.get("/review", params={"done": code})).text
    echoed = (await client.get("/review", params={"done": "<b>Bạn đã bị hack</b>"})).text
    assert "Bạn đã bị hack" not in echoed and 'id="rev-done"' not in echoed


async def test_the_nav_links_the_queue_for_reviewers_only(client, fakes):
    await signed(client, fakes)
    assert 'id="nav-review"' in (await client.get("/")).text


# -- who reaches the pages -------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/review", "/review/s1", "/review/campaigns/c1/ratings"])
async def test_a_unit_reporter_gets_the_403_page(client, fakes, path):
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    page = await client.get(path)
    assert page.status_code == 403 and "Bạn không có quyền xem trang này." in page.text
    assert not [c for c in fakes.calls if c[1].startswith("/api/v1/submissions")]
    assert 'id="nav-review"' not in page.text


async def test_a_unit_reporter_cannot_post_a_decision(client, fakes):
    csrf = await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    response = await client.post("/review/s1/review", data={"csrf": csrf, "decision": "approve"})
    assert response.status_code == 403 and not fakes.posted("/api/v1/submissions/s1/review")


async def test_the_chairperson_reaches_the_queue_but_not_the_ratings(client, fakes):
    await signed(client, fakes, ["chairperson"], None)
    assert (await client.get("/review")).status_code == 200
    assert (await client.get("/review/campaigns/c1/ratings")).status_code == 403


async def test_an_unknown_or_malformed_submission_is_the_404_page(client, fakes):
    await signed(client, fakes)
    assert (await client.get("/review/nope")).status_code == 404
    assert (await client.get("/review/..%2Fx")).status_code == 404
    assert (await client.get("/review/campaigns/a%20b/ratings")).status_code == 404


# -- a submission ----------------------------------------------------------------------------------
async def test_the_submission_shows_names_units_targets_evidence_and_history(client, fakes):
    fakes.submissions["s1"]["review"]["history"] = [
        {"step": "review", "decision": "return", "level": "cluster", "reviewer": "head-1",
         "reason": SCRIPT, "reasons": {"nha-dai-doan-ket": "Thiếu biên bản"}, "at": "2018-07-03T02:00:00Z"},
        {"step": "reopen", "level": "board", "by": "board-1", "reason": "Kiểm tra lại", "at": "2018-07-05T02:00:00Z"}]
    await signed(client, fakes)
    page = await client.get("/review/s1")
    html = page.text
    assert page.status_code == 200 and "Phong trào thi đua quý" in html
    poverty = row(html, 'data-criterion="ho-thoat-ngheo"')
    assert "Số hộ thoát nghèo" in poverty and "1.234,5" in poverty and "hộ" in poverty
    assert '<td class="rev-target">120</td>' in poverty  # the registered target of the period
    houses = row(html, 'data-criterion="nha-dai-doan-ket"')
    assert "Nhà đại đoàn kết" in houses and "căn" in houses and '<td class="rev-target">10</td>' in houses  # default
    assert 'data-criterion="danh-gia"' not in html  # rated by reviewers, not reported
    assert '<a href="https://vanban.daknong.test/bao-cao.pdf"' in html and "Báo cáo quý" in html
    # an uploaded file: streamed by the console from intake, its SHA-256 shown to the reviewer
    assert re.search(r'<a href="/evidence/[^/"]+/[^/"]+/[^"]+" rel="noopener noreferrer">bien-ban.pdf</a>', html)
    assert f"<code>{'a' * 64}</code>" in html
    history = html[html.index('id="rev-history"'):]
    assert "03/07/2018" in history and "Trả lại" in history and "Thiếu biên bản" in history
    assert "Mở lại" in history and "Kiểm tra lại" in history
    assert SCRIPT not in html and "&lt;script&gt;" in history
    assert 'action="/review/s1/review"' in html and 'id="rev-reopen"' not in html
    assert sorted(c[1] for c in fakes.calls) == [
        "/api/v1/campaigns/c1", "/api/v1/campaigns/c1/registrations/huyen-cu-jut", "/api/v1/submissions/s1"]


async def test_evidence_files_link_to_the_download_route_once_it_exists(client, fakes):
    from fastapi.responses import Response

    client.app.add_api_route("/evidence/{cid}/{unit}/{eid}", lambda cid, unit, eid: Response(b""))
    await signed(client, fakes)
    assert '<a href="/evidence/c1/huyen-cu-jut/e1"' in (await client.get("/review/s1")).text


async def test_the_english_page(client, fakes):
    await signed(client, fakes)
    client.cookies.set("lang", "en")
    html = (await client.get("/review/s1")).text
    assert "Households out of poverty" in html and "1,234.5" in html and "Return the ticked criteria" in html
    assert "2018-07-01 10:00" in html


async def test_returning_posts_a_reason_per_ticked_criterion_and_redirects_to_the_queue(client, fakes):
    csrf = await signed(client, fakes)
    response = await client.post("/review/s1/review", data={
        "csrf": csrf, "decision": "return", "reason": "", "returned": ["ho-thoat-ngheo", "not-a-criterion"],
        "reason.ho-thoat-ngheo": "Thiếu minh chứng", "reason.nha-dai-doan-ket": "không đánh dấu"})
    assert response.status_code == 303 and response.headers["location"] == "/review?done=returned"
    assert fakes.posted("/api/v1/submissions/s1/review") == [
        {"decision": "return", "reason": "", "reasons": {"ho-thoat-ngheo": "Thiếu minh chứng"}}]
    assert fakes.calls[-1][4].startswith("Bearer ")
    assert "Đã trả lại báo cáo để đơn vị bổ sung." in (await client.get(response.headers["location"])).text


@pytest.mark.parametrize(("decision", "reason", "done"), [("approve", "", "approved"),
                                                         ("reject", "Số liệu không trung thực", "rejected")])
async def test_approving_or_rejecting_sends_no_reasons_per_criterion(client, fakes, decision, reason, done):
    csrf = await signed(client, fakes)
    response = await client.post("/review/s1/review", data={
        "csrf": csrf, "decision": decision, "reason": reason, "returned": ["ho-thoat-ngheo"],
        "reason.ho-thoat-ngheo": "x"})
    assert response.status_code == 303 and response.headers["location"] == f"/review?done={done}"
    assert fakes.posted("/api/v1/submissions/s1/review") == [{"decision": decision, "reason": reason, "reasons": {}}]


async def test_intake_field_errors_are_shown_next_to_their_criterion_keeping_what_was_typed(client, fakes):
    fakes.answer = (422, {"message": "Dữ liệu không hợp lệ.", "errors": [
        {"field": "reasons.nha-dai-doan-ket", "reason": "Chưa ghi lý do trả lại tiêu chí nha-dai-doan-ket.",
         "code": "review.criterion_reason_missing"},
        {"field": "reason", "reason": "Cần ghi lý do chung.", "code": "x"}], "correlation_id": None})
    csrf = await signed(client, fakes)
    page = await client.post("/review/s1/review", data={
        "csrf": csrf, "decision": "return", "returned": ["ho-thoat-ngheo", "nha-dai-doan-ket"],
        "reason.ho-thoat-ngheo": "Thiếu minh chứng <b>gốc</b>"})
    assert page.status_code == 422
    html = page.text
    houses = row(html, 'data-criterion="nha-dai-doan-ket"')
    assert "Chưa ghi lý do trả lại tiêu chí nha-dai-doan-ket." in houses and 'aria-invalid="true"' in houses
    poverty = row(html, 'data-criterion="ho-thoat-ngheo"')
    assert "Chưa ghi lý do" not in poverty
    assert "Thiếu minh chứng &lt;b&gt;gốc&lt;/b&gt;</textarea>" in poverty and 'value="ho-thoat-ngheo" id="ret-ho-thoat-ngheo" checked' in poverty
    reason = html[html.index('id="rev-reason"'):]
    assert "Cần ghi lý do chung." in reason[:600]
    assert "Dữ liệu không hợp lệ." in html


async def test_the_csrf_token_is_required(client, fakes):
    await signed(client, fakes)
    for data in ({"decision": "approve"}, {"decision": "approve", "csrf": "forged"}):
        response = await client.post("/review/s1/review", data=data)
        assert response.status_code == 403 and "Biểu mẫu đã hết hạn" in response.text
    response = await client.post("/review/campaigns/c1/ratings", data={"unit_id": "huyen-cu-jut"})
    assert response.status_code == 403
    assert not [c for c in fakes.calls if c[0] == "POST"]


async def test_the_own_unit_gets_no_form_and_intakes_refusal_is_shown(client, fakes):
    fakes.submissions["s3"] = submission("s3", "tx-gia-nghia")
    csrf = await signed(client, fakes)
    html = (await client.get("/review/s3")).text
    assert 'id="rev-own"' in html and 'id="rev-decide"' not in html
    fakes.answer = (403, {"message": "Không ai được thẩm định kết quả của chính đơn vị mình (tx-gia-nghia).",
                          "errors": [], "correlation_id": None})
    page = await client.post("/review/s3/review", data={"csrf": csrf, "decision": "approve"})
    assert page.status_code == 403
    assert "Không ai được thẩm định kết quả của chính đơn vị mình (tx-gia-nghia)." in page.text
    assert 'id="rev-refusal"' in page.text and "Thẩm định báo cáo" in page.text  # the page, not the error page


async def test_a_conflict_is_shown_on_the_page(client, fakes):
    fakes.answer = (409, {"message": "Báo cáo đã được quyết định ở cấp cụm.", "errors": [], "correlation_id": None})
    csrf = await signed(client, fakes)
    page = await client.post("/review/s1/review", data={"csrf": csrf, "decision": "approve"})
    assert page.status_code == 409 and "Báo cáo đã được quyết định ở cấp cụm." in page.text


async def test_intake_down_on_a_decision_is_the_error_page(client, fakes):
    fakes.answer = (500, {"message": "boom"})
    csrf = await signed(client, fakes)
    page = await client.post("/review/s1/review", data={"csrf": csrf, "decision": "approve"})
    assert page.status_code == 502 and "Không lấy được dữ liệu" in page.text and "boom" not in page.text


# -- appeals and reopening -------------------------------------------------------------------------
APPEALED = {"status": "returned", "decision": "return", "level": "cluster", "reasons": {"ho-thoat-ngheo": "Thiếu"},
            "appeal": {"status": "pending", "against": "return", "from_level": "cluster", "to_level": "board",
                       "reason": "Đã đủ minh chứng", "by": "u", "at": "2018-07-04T00:00:00Z"}}


async def test_an_appeal_to_the_board_is_decided_by_a_board_officer(client, fakes):
    fakes.submissions["s2"] = submission("s2", "huyen-dak-mil", **APPEALED)
    csrf = await signed(client, fakes, ["board_officer"], "so-noi-vu")
    html = (await client.get("/review/s2")).text
    assert 'id="rev-appeal-form"' in html and 'id="rev-decide"' not in html
    assert "Khiếu nại lên cấp Ban Thi đua – Khen thưởng" in html and "Đã đủ minh chứng" in html
    upheld = await client.post("/review/s2/appeal", data={"csrf": csrf, "outcome": "upheld", "decision": "",
                                                          "reason": "Giữ nguyên vì thiếu biên bản"})
    assert upheld.status_code == 303 and upheld.headers["location"] == "/review?done=upheld"
    overturned = await client.post("/review/s2/appeal", data={
        "csrf": csrf, "outcome": "overturned", "decision": "return", "reason": "Trả lại tiêu chí khác",
        "returned": ["nha-dai-doan-ket"], "reason.nha-dai-doan-ket": "Số căn chưa khớp"})
    assert overturned.headers["location"] == "/review?done=overturned"
    assert fakes.posted("/api/v1/submissions/s2/appeal/decision") == [
        {"outcome": "upheld", "reason": "Giữ nguyên vì thiếu biên bản"},
        {"outcome": "overturned", "decision": "return", "reason": "Trả lại tiêu chí khác",
         "reasons": {"nha-dai-doan-ket": "Số căn chưa khớp"}}]


async def test_an_appeal_to_the_board_is_not_offered_to_a_cluster_head_nor_to_the_chair(client, fakes):
    fakes.submissions["s2"] = submission("s2", "huyen-dak-mil", **APPEALED)
    await signed(client, fakes)
    html = (await client.get("/review/s2")).text
    assert 'id="rev-appeal-form"' not in html and 'id="rev-decide"' not in html and 'id="rev-no-action"' in html


async def test_an_approved_submission_is_reopened_with_a_reason(client, fakes):
    fakes.submissions["s1"] = submission(status="approved", decision="approve", level="cluster")
    csrf = await signed(client, fakes, ["board_officer"], "so-noi-vu")
    html = (await client.get("/review/s1")).text
    assert 'id="rev-reopen"' in html and 'id="rev-decide"' not in html and "Đã phê duyệt" in html
    fakes.answer = (422, {"message": "Dữ liệu không hợp lệ.", "errors": [
        {"field": "reason", "reason": "Cần ghi lý do mở lại (ít nhất 5 ký tự).", "code": "x"}]})
    refused = await client.post("/review/s1/reopen", data={"csrf": csrf, "reason": "abc"})
    assert refused.status_code == 422 and "Cần ghi lý do mở lại (ít nhất 5 ký tự)." in refused.text
    assert ">abc</textarea>" in refused.text
    fakes.answer = None
    done = await client.post("/review/s1/reopen", data={"csrf": csrf, "reason": "Phát hiện sai số liệu"})
    assert done.status_code == 303 and done.headers["location"] == "/review?done=reopened"
    assert fakes.posted("/api/v1/submissions/s1/reopen")[-1] == {"reason": "Phát hiện sai số liệu"}


# -- ratings ---------------------------------------------------------------------------------------
async def test_a_cluster_head_rates_the_units_of_the_cluster_it_leads_that_year(client, fakes):
    await signed(client, fakes)
    page = await client.get("/review/campaigns/c1/ratings", params={"period": "2018-Q2"})
    html = page.text
    assert page.status_code == 200 and "Đánh giá của cụm trưởng (0–5)" in html
    assert 'id="rate-huyen-cu-jut"' in html and 'id="rate-huyen-dak-mil"' in html
    assert 'id="rate-tx-gia-nghia"' not in html and 'id="rate-so-noi-vu"' not in html  # own unit, other cluster
    assert 'name="rating.danh-gia" id="r-huyen-cu-jut-danh-gia"\n        value="3,5"' in html  # the latest rating
    history = html[html.index('id="rev-ratings-history"'):]
    assert "Đánh giá của cụm trưởng: 3,5" in history and "Tốt" in history and "08:00 02/07/2018" in history
    assert next(c for c in fakes.calls if c[1] == "/api/v1/campaigns/c1/ratings")[2] == {"period": "2018-Q2"}
    # a period the campaign does not have: the closest one it has
    other = (await client.get("/review/campaigns/c1/ratings", params={"period": "2019-Q1"})).text
    assert '<option value="2018-Q4" selected>' in other


def test_ratable_units_per_role_and_year():
    board = models.ratable_units(CAMPAIGN, "2018-Q2", ["board_officer"], "so-noi-vu")
    assert [u["unit_id"] for u in board] == ["huyen-cu-jut", "huyen-dak-mil", "tx-gia-nghia"]
    head = models.ratable_units(CAMPAIGN, "2018-Q2", ["cluster_head"], "tx-gia-nghia")
    assert [u["unit_id"] for u in head] == ["huyen-cu-jut", "huyen-dak-mil"]
    assert models.ratable_units(CAMPAIGN, "2019-Q2", ["cluster_head"], "tx-gia-nghia") == []
    assert models.ratable_units(CAMPAIGN, "2018-Q2", ["chairperson"], None) == []
    assert [u["name"] for u in head] == [f"Huyện Cư Jút {SCRIPT}", "huyen-dak-mil"]


def test_periods_and_the_chosen_one():
    from datetime import date

    periods = models.campaign_periods(CAMPAIGN)
    assert periods == ["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"]
    assert models.chosen_period(periods, "2018-Q3", date(2026, 1, 1), "quarter") == "2018-Q3"
    assert models.chosen_period(periods, "2030-Q1", date(2026, 1, 1), "quarter") == "2018-Q4"  # after the end
    assert models.chosen_period(periods, None, date(2018, 5, 1), "quarter") == "2018-Q2"
    assert models.chosen_period(periods, None, date(2017, 5, 1), "quarter") == "2018-Q1"
    assert models.chosen_period([], None, date(2018, 5, 1), "quarter") is None


async def test_a_rating_posts_what_intake_expects(client, fakes):
    csrf = await signed(client, fakes)
    response = await client.post("/review/campaigns/c1/ratings", data={
        "csrf": csrf, "unit_id": "huyen-dak-mil", "period": "2018-Q2", "rating.danh-gia": "4,5", "comment": "Khá"})
    assert response.status_code == 303
    assert response.headers["location"] == "/review/campaigns/c1/ratings?period=2018-Q2&done=rated"
    assert fakes.posted("/api/v1/campaigns/c1/ratings") == [
        {"unit_id": "huyen-dak-mil", "period": "2018-Q2", "ratings": {"danh-gia": 4.5}, "comment": "Khá"}]
    assert "Đã lưu điểm thẩm định." in (await client.get(response.headers["location"])).text


async def test_a_rating_that_is_not_a_number_or_missing_is_refused_next_to_its_field(client, fakes):
    csrf = await signed(client, fakes)
    page = await client.post("/review/campaigns/c1/ratings", data={
        "csrf": csrf, "unit_id": "huyen-dak-mil", "period": "2018-Q2", "rating.danh-gia": "tốt"})
    assert page.status_code == 422
    form = page.text[page.text.index('id="rate-huyen-dak-mil"'):]
    assert "Giá trị phải là một số." in form[:3000] and 'value="tốt"' in form[:3000]
    assert "Giá trị phải là một số." not in page.text[:page.text.index('id="rate-huyen-dak-mil"')]
    empty = await client.post("/review/campaigns/c1/ratings", data={
        "csrf": csrf, "unit_id": "huyen-dak-mil", "period": "2018-Q2", "rating.danh-gia": ""})
    assert empty.status_code == 422 and "Nhập ít nhất một điểm." in empty.text
    assert not fakes.posted("/api/v1/campaigns/c1/ratings")


async def test_intakes_refusal_of_a_rating_is_shown_on_the_units_form(client, fakes):
    fakes.answer = (422, {"message": "Dữ liệu không hợp lệ.", "errors": [
        {"field": "ratings.danh-gia", "reason": "Giá trị 7 nằm ngoài khoảng 0–5.", "code": "value.range"}]})
    csrf = await signed(client, fakes)
    page = await client.post("/review/campaigns/c1/ratings", data={
        "csrf": csrf, "unit_id": "huyen-cu-jut", "period": "2018-Q2", "rating.danh-gia": "7"})
    assert page.status_code == 422
    form = page.text[page.text.index('id="rate-huyen-cu-jut"'):page.text.index('id="rate-huyen-dak-mil"')]
    assert "Giá trị 7 nằm ngoài khoảng 0–5." in form and 'value="7"' in form
    fakes.answer = (403, {"message": "Không ai được chấm điểm chính đơn vị mình.", "errors": []})
    page = await client.post("/review/campaigns/c1/ratings", data={
        "csrf": csrf, "unit_id": "huyen-cu-jut", "period": "2018-Q2", "rating.danh-gia": "3"})
    assert page.status_code == 403 and "Không ai được chấm điểm chính đơn vị mình." in page.text


async def test_the_queue_links_the_ratings_of_campaigns_rated_by_reviewers(client, fakes):
    await signed(client, fakes)
    assert 'href="/review/campaigns/c1/ratings"' in (await client.get("/review")).text


# -- pure parts ------------------------------------------------------------------------------------
def test_actions_by_state_role_and_unit():
    pending = submission()
    assert models.actions(pending, ["cluster_head"], "tx-gia-nghia") == {"review"}
    assert models.actions(pending, ["chairperson"], None) == set()
    assert models.actions(pending, ["board_officer"], "huyen-cu-jut") == set()  # own unit
    approved = submission(status="approved", decision="approve", level="board")
    assert models.actions(approved, ["chairperson"], None) == {"reopen"}
    to_chair = submission(**{**APPEALED, "appeal": {**APPEALED["appeal"], "to_level": "chair"}})
    assert models.actions(to_chair, ["chairperson"], None) == {"appeal"}
    assert models.actions(to_chair, ["board_officer"], "so-noi-vu") == set()


def test_evidence_links_only_http():
    sub = submission()
    sub["evidence"] = [{"url": "javascript:alert(1)"}, {"evidence_id": "../x", "file_name": "a.pdf"}]
    assert [r["href"] for r in models.evidence_rows(sub, True)] == [None, None]


async def test_a_resubmission_shows_the_returned_values_and_reasons_beside_the_new_ones(client, fakes):
    returned = submission("s0", status="returned", decision="return", level="cluster",
                          reasons={"nha-dai-doan-ket": f"Thiếu biên bản {SCRIPT}"})
    returned["values"] = {"ho-thoat-ngheo": 1234.5, "nha-dai-doan-ket": 9}
    fakes.submissions["s0"] = returned
    fakes.submissions["s1"]["review"]["resubmission_of"] = "s0"
    await signed(client, fakes)
    html = (await client.get("/review/s1")).text
    houses = row(html, 'data-criterion="nha-dai-doan-ket"')
    assert "9 – lý do: Thiếu biên bản &lt;script&gt;" in houses and '<td class="rev-value">12</td>' in houses
    assert "Không bị trả lại" in row(html, 'data-criterion="ho-thoat-ngheo"')
    assert 'href="/review/s0"' in html
    assert "/api/v1/submissions/s0" in [c[1] for c in fakes.calls]


async def test_a_first_submission_asks_for_no_previous_one(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/review/s1")).text
    assert "Lần nộp trước bị trả lại" not in html
    assert [c[1] for c in fakes.calls].count("/api/v1/submissions/s1") == 1 and len(fakes.calls) == 3
