"""Issue 10, the console's pages of a unit's reporter and leader (thidua_web.reporter) and my
notifications (thidua_web.notifications), against fake intake and reporting APIs (httpx
MockTransport): what each page shows, what the APIs received (body, bearer), CSRF refusals, the
403 page for another unit, the API's field errors next to the right input with what was typed
kept, Vietnamese numbers, and a stored <script> shown as text."""

import json
from datetime import date

import httpx
import pytest

from thidua_web.main import COOKIE
from thidua_web.reporter import models

from .test_web_console import Fakes, sign_in
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)

SCRIPT = "<script>alert('x')</script>"
SHA = "ab" * 32
UNIT = "huyen-cu-jut"


def campaign_definition() -> dict:
    return {
        "campaign_id": "c1", "tenant": "daknong", "revision": 3, "status": "running", "name_vi": "Thi đua 2026",
        "name_en": "Emulation 2026", "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
        "criteria": [
            {"id": "kinh-te", "name_vi": "Kinh tế", "max_points": 60, "children": [
                {"id": "ho-ngheo", "name_vi": f"Hộ thoát nghèo {SCRIPT}", "unit_of_measure": "hộ", "max_points": 30,
                 "target": 100, "min_value": 0, "max_value": 10000, "direction": "higher"},
                {"id": "vi-pham", "name_vi": "Vi phạm", "max_points": 30, "target": 5, "min_value": 0,
                 "max_value": 50, "direction": "lower"},
            ]},
            {"id": "danh-gia", "name_vi": "Đánh giá của cụm", "max_points": 40, "scorer": "reviewer_rating"},
        ],
        "participants": [{"unit_id": UNIT, "name_vi": "Huyện Cư Jút", "unit_type": "district"},
                         {"unit_id": "huyen-dak-mil", "name_vi": "Huyện Đắk Mil", "unit_type": "district"}],
        "clusters": [],
    }  # fmt: skip


def submission_doc(sid="s1", unit=UNIT, status="returned", appeal=None, superseded_by=None) -> dict:
    return {
        "submission_id": sid, "tenant": "daknong", "campaign_id": "c1", "unit_id": unit, "period": "2026-Q1",
        "values": {"ho-ngheo": 1234.5, "vi-pham": 2}, "note": f"ghi chú {SCRIPT}",
        "evidence": [{"evidence_id": "e1", "sha256": SHA, "size": 2048, "file_name": "bao-cao.pdf"}],
        "submitted_by": "unit-reporter.huyen-cu-jut", "submitted_at": "2026-03-30T03:00:00Z", "channel": "http",
        "criteria_version": 1,
        "review": {"status": status, "decision": {"returned": "return", "rejected": "reject"}.get(status),
                   "level": "cluster", "reasons": {"ho-ngheo": f"Thiếu minh chứng {SCRIPT}"} if status == "returned"
                   else {}, "appeal": appeal, "resubmission_of": None, "superseded_by": superseded_by,
                   "history": [{"step": "review", "decision": "return", "level": "cluster",
                                "reviewer": "cluster-head.tx-gia-nghia", "reason": "", "at": "2026-04-02T01:00:00Z",
                                "reasons": {"ho-ngheo": "Thiếu minh chứng"}}]},
    }  # fmt: skip


class ApiFakes(Fakes):
    """The OIDC provider (the console's tests' fakes) plus intake and reporting."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str, dict, object]] = []  # (method, path, query, body)
        self.campaign = campaign_definition()
        self.registration: dict | None = None
        self.items: list[dict] | None = []  # intake's submission list (None: the endpoint is absent)
        self.submissions = {"s1": submission_doc()}
        self.refusals: dict[tuple[str, str], tuple[int, dict]] = {}
        self.cards: list[dict] = []
        self.inbox = {"items": [], "unread": 0, "next": None}
        self.uploads: list[tuple[str, bytes]] = []

    def answer(self, request: httpx.Request):
        key = (request.method, request.url.path)
        body: object = None
        if request.headers.get("content-type", "").startswith("application/json") and request.content:
            body = json.loads(request.content)
        self.calls.append((request.method, request.url.path, dict(request.url.params), body))
        self.seen_bearers.append(request.headers.get("authorization", ""))
        if key in self.refusals:
            status, error = self.refusals[key]
            return httpx.Response(status, json=error)
        return None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host, path, method = request.url.host, request.url.path, request.method
        if host == "intake.test":
            if (refused := self.answer(request)) is not None:
                return refused
            if path == "/api/v1/campaigns" and method == "GET":
                return httpx.Response(200, json=getattr(self, "campaign_list", [self.campaign]))
            if path == "/api/v1/campaigns/c1" and method == "GET":
                return httpx.Response(200, json=self.campaign)
            if path.startswith("/api/v1/campaigns/c1/registrations/"):
                if method == "GET":
                    return httpx.Response(200, json=self.registration) if self.registration else httpx.Response(
                        404, json={"message": "chưa đăng ký", "errors": []})
                return httpx.Response(200, json={"campaign_id": "c1", "unit_id": UNIT, "revision": 1})
            if path == "/api/v1/submissions" and method == "GET":
                if self.items is None:
                    return httpx.Response(405, json={"message": "method"})
                return httpx.Response(200, json={"items": self.items, "next": None})
            if path == "/api/v1/submissions" and method == "POST":
                return httpx.Response(202, json={"submission_id": "s9", "event_id": "ev", "message": "ok"})
            if path.startswith("/api/v1/submissions/") and method == "GET":
                sid = path.rsplit("/", 1)[1]
                if sid not in self.submissions:
                    return httpx.Response(404, json={"message": "không có", "errors": []})
                return httpx.Response(200, json=self.submissions[sid])
            if path.endswith("/resubmit"):
                return httpx.Response(202, json={"submission_id": "s2", "resubmission_of": "s1", "event_id": "e",
                                                 "message": "ok"})
            if path.endswith("/appeal"):
                return httpx.Response(201, json={"submission_id": "s1", "event_id": "e", "status": "appealed",
                                                 "message": "ok"})
            if path == f"/api/v1/campaigns/c1/units/{UNIT}/evidence" and method == "POST":
                content = request.content
                self.uploads.append((request.headers["content-type"], content))
                name = "bien-ban.pdf" if b"bien-ban.pdf" in content else "khac.pdf"
                return httpx.Response(201, json={"evidence_id": f"ev-{len(self.uploads)}", "sha256": SHA,
                                                 "size": 5, "content_type": "application/pdf", "file_name": name})
            if path == f"/api/v1/campaigns/c1/units/{UNIT}/evidence" and method == "GET":
                return httpx.Response(200, json=[{"evidence_id": "ev-old", "sha256": "cd" * 32, "size": 7,
                                                  "content_type": "application/pdf", "file_name": "cu.pdf",
                                                  "uploaded_by": "x", "uploaded_at": "2026-03-01T00:00:00Z"}])
            if path.startswith("/api/v1/campaigns/c1/units/") and "/evidence/" in path:
                return httpx.Response(200, content=b"%PDF-1.4 test", headers={
                    "content-type": "application/pdf", "content-disposition": 'attachment; filename="bao-cao.pdf"',
                    "x-content-sha256": SHA})
            return httpx.Response(404, json={"message": "?", "errors": []})
        if host == "reporting.test":
            if (refused := self.answer(request)) is not None:
                return refused
            if path == "/api/v1/campaigns/c1/units/huyen-cu-jut/history":
                return httpx.Response(200, json=self.cards)
            if path == "/api/v1/campaigns/c1/units/huyen-cu-jut/progress":
                return httpx.Response(200, json={"campaign_id": "c1", "unit_id": UNIT, "unit_name": "x", "criteria": [
                    {"criterion_id": "ho-ngheo", "criterion_name": "Hộ thoát nghèo", "unit_of_measure": "hộ",
                     "direction": "higher", "series": [{"period": "2026-Q1", "period_label": "Quý 1/2026",
                                                        "value": 1234.5, "target": 1000, "achieved_pct": 123.45,
                                                        "points": 30, "max_points": 30}]}]})
            if path == "/api/v1/notifications" and method == "GET":
                return httpx.Response(200, json=self.inbox)
            if path == "/api/v1/notifications/read":
                return httpx.Response(200, json={"unread": 0})
            return httpx.Response(404, json={"message": "?", "errors": []})
        return super().__call__(request)

    def sent(self, method: str, path: str) -> list:
        return [c for c in self.calls if c[0] == method and c[1] == path]


@pytest.fixture
def fakes():
    return ApiFakes()


async def signed_in(client, fakes) -> str:
    """Signs in; returns the session's CSRF token."""
    response, _ = await sign_in(client, fakes)
    return client.app.state.sessions.get(response.cookies[COOKIE]).csrf


def access_token(client) -> str:
    return next(iter(client.app.state.sessions._sessions.values())).tokens.access_token


# -- pure parts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "lang", "value"), [
    ("1.234,5", "vi", 1234.5), ("1234.5", "vi", 1234.5), ("1234,5", "vi", 1234.5), ("1 234,5", "vi", 1234.5),
    ("1.234", "vi", 1234.0), ("12.345.678", "vi", 12345678.0), ("0,5", "vi", 0.5), ("0.125", "vi", 0.125),
    ("-2,5", "vi", -2.5), ("1,234.5", "vi", 1234.5), ("80", "vi", 80.0), ("1\u00a0234,5", "vi", 1234.5),
    ("1,234.5", "en", 1234.5), ("1,234", "en", 1234.0), ("1234.5", "en", 1234.5), (".5", "en", 0.5),
])
def test_numbers_typed_the_vietnamese_or_the_plain_way(text, lang, value):
    assert models.parse_number(text, lang) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.2.3,4,5", "1e5", "inf", "nan", "12a", "--1", "1..2", ","])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        models.parse_number(text, "vi")


def test_a_typed_number_reads_back():
    assert models.typed(1234.5, "vi") == "1234,5" and models.parse_number(models.typed(1234.5, "vi")) == 1234.5
    assert models.typed(100.0, "en") == "100" and models.typed(None) == ""


def test_the_reported_leaves_skip_groups_and_reviewer_rated_ones():
    leaves = models.reported_leaves(campaign_definition()["criteria"])
    assert [leaf.id for leaf in leaves] == ["ho-ngheo", "vi-pham"]
    assert leaves[0].path == ["Kinh tế"] and leaves[0].max_value == 10000 and leaves[1].direction == "lower"


def test_periods_and_next_steps():
    rows = models.period_rows(campaign_definition(), [
        {"period": "2026-Q1", "status": "returned", "appeal": None, "submission_id": "s1"},
        {"period": "2026-Q2", "status": "approved", "submission_id": "s2"},
        {"period": "2026-Q3", "status": "rejected", "appeal": {"status": "pending"}, "submission_id": "s3"},
    ], date(2026, 11, 30))
    assert [r.period for r in rows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [r.steps for r in rows] == [["resubmit", "appeal"], ["locked"], ["appealed"], ["report"]]
    assert models.next_steps({"status": "pending"}) == ["wait"]
    assert models.next_steps({"status": "rejected", "appeal": {"status": "decided"}}) == []
    assert models.next_steps(None, known=False) == ["unknown"]
    future = models.period_rows(campaign_definition(), [], date(2026, 2, 1))
    assert [r.started for r in future] == [True, False, False, False]
    assert models.period_label("2026-Q1") == "Quý I/2026" and models.period_label("2026-03", "en") == "03/2026"


def test_the_target_of_a_period_prefers_the_period_then_the_registration_then_the_default():
    leaf = models.reported_leaves(campaign_definition()["criteria"])[0]
    registration = {"targets": [{"criterion_id": "ho-ngheo", "period": None, "value": 120},
                                {"criterion_id": "ho-ngheo", "period": "2026-Q2", "value": 150}]}
    assert models.target_for(registration, leaf, "2026-Q2") == (150.0, "period")
    assert models.target_for(registration, leaf, "2026-Q1") == (120.0, "registered")
    assert models.target_for(None, leaf, "2026-Q1") == (100, "default")


def test_the_score_of_a_submission_is_its_latest_card():
    cards = [{"submission_id": "s0", "status": "provisional", "revision": 1, "criteria": []},
             {"submission_id": "s1", "status": "provisional", "revision": 1, "criteria": [{"kind": "leaf", "x": 1}]},
             {"submission_id": "s1", "status": "provisional", "revision": 2,
              "criteria": [{"kind": "group"}, {"kind": "leaf", "x": 2}]}]
    score = models.score_of(cards, "s1")
    assert score.card["revision"] == 2 and score.verified is None and score.lines == [{"kind": "leaf", "x": 2}]
    assert models.score_of(cards, "s5").card is None


# -- my campaign ------------------------------------------------------------------------------------------
async def test_my_campaign_shows_periods_with_status_and_next_step_targets_and_links(client, fakes):
    fakes.items = [{"submission_id": "s1", "campaign_id": "c1", "unit_id": UNIT, "period": "2026-Q1",
                    "submitted_at": "2026-03-30T03:00:00Z", "status": "returned", "appeal": None,
                    "reasons": {"ho-ngheo": "x"}, "overdue": False}]
    fakes.registration = {"campaign_id": "c1", "unit_id": UNIT, "revision": 1, "titles": [f"Cờ thi đua {SCRIPT}"],
                          "targets": [{"criterion_id": "ho-ngheo", "period": None, "value": 1500.5}], "history": []}
    await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1")
    assert page.status_code == 200
    text = page.text
    assert "Quý I/2026" in text and "Quý IV/2026" in text
    assert "Bị trả lại" in text and 'href="/submissions/s1#resubmit"' in text and 'href="/submissions/s1#appeal"' in text
    assert 'href="/my/campaigns/c1/periods/2026-Q2">Báo cáo kết quả' in text
    assert "1.500,5" in text and "(mặc định)" in text  # the registered target and vi-pham's default
    assert 'href="/campaigns/c1/units/huyen-cu-jut"' in text and 'href="/my/campaigns/c1/targets"' in text
    assert "&lt;script&gt;" in text and SCRIPT not in text
    assert "Đánh giá của cụm" not in text  # rated by reviewers, not reported
    [(_, _, query, _)] = fakes.sent("GET", "/api/v1/submissions")
    assert query["campaign_id"] == "c1" and query["unit_id"] == UNIT
    assert fakes.seen_bearers[-1] == f"Bearer {access_token(client)}"
    listing = await client.get("/my/campaigns")
    assert listing.status_code == 200 and 'href="/my/campaigns/c1"' in listing.text


async def test_without_intakes_submission_list_the_status_is_unknown_not_an_error(client, fakes):
    fakes.items = None  # intake before h10-queue: GET /api/v1/submissions is 405
    await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1")
    assert page.status_code == 200 and "Xem và báo cáo" in page.text


@pytest.mark.parametrize("path", ["/my/campaigns/c1", "/my/campaigns/c1/targets", "/my/campaigns/c1/periods/2026-Q1"])
async def test_a_unit_outside_the_campaign_or_without_a_unit_role_gets_the_403_page(client, fakes, path):
    fakes.unit = "huyen-khac"
    await signed_in(client, fakes)
    page = await client.get(path)
    assert page.status_code == 403 and "Bạn không có quyền xem trang này." in page.text


async def test_a_board_officer_has_no_my_pages_but_reads_a_submission_without_forms(client, fakes):
    fakes.unit, fakes.roles = None, ["board_officer"]
    await signed_in(client, fakes)
    assert (await client.get("/my/campaigns/c1")).status_code == 403
    page = await client.get("/submissions/s1")
    assert page.status_code == 200 and "1.234,5" in page.text
    assert 'id="resubmit-form"' not in page.text and 'id="appeal-form"' not in page.text
    assert "Đơn vị của tôi" not in page.text  # the nav link is for unit roles


async def test_bad_ids_and_periods_are_pages_that_do_not_exist(client, fakes):
    await signed_in(client, fakes)
    for path in ("/my/campaigns/..%2Fx", "/my/campaigns/c1/periods/2026-Q9", "/my/campaigns/c1/periods/2027-Q1",
                 "/submissions/a%20b", "/submissions/..."):
        response = await client.get(path)
        assert response.status_code == 404 and "Không tìm thấy" in response.text, path


# -- targets ---------------------------------------------------------------------------------------------
async def test_registering_targets_and_titles_puts_the_registration(client, fakes):
    csrf = await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1/targets")
    assert page.status_code == 200 and 'name="target.ho-ngheo"' in page.text and "Càng thấp càng tốt" in page.text
    done = await client.post("/my/campaigns/c1/targets", data={
        "csrf": csrf, "target.ho-ngheo": "1.234,5", "target.vi-pham": "", "titles": "Cờ thi đua\n\n Bằng khen "})
    assert done.status_code == 303 and done.headers["location"] == "/my/campaigns/c1/targets?saved=registered"
    [(_, _, _, body)] = fakes.sent("PUT", f"/api/v1/campaigns/c1/registrations/{UNIT}")
    assert body == {"targets": [{"criterion_id": "ho-ngheo", "period": None, "value": 1234.5}],
                    "titles": ["Cờ thi đua", "Bằng khen"], "reason": ""}


async def test_a_registration_keeps_the_targets_of_single_periods_and_sends_its_revision(client, fakes):
    fakes.registration = {"campaign_id": "c1", "unit_id": UNIT, "revision": 4, "titles": [], "history": [],
                          "targets": [{"criterion_id": "ho-ngheo", "period": None, "value": 100},
                                      {"criterion_id": "ho-ngheo", "period": "2026-Q2", "value": 150}]}
    csrf = await signed_in(client, fakes)
    await client.post("/my/campaigns/c1/targets", data={"csrf": csrf, "target.ho-ngheo": "110",
                                                         "reason": "Sát thực tế hơn"})
    [(_, _, _, body)] = fakes.sent("PUT", f"/api/v1/campaigns/c1/registrations/{UNIT}")
    assert body["targets"] == [{"criterion_id": "ho-ngheo", "period": None, "value": 110.0},
                               {"criterion_id": "ho-ngheo", "period": "2026-Q2", "value": 150}]
    assert body["expected_revision"] == 4 and body["reason"] == "Sát thực tế hơn"


async def test_a_target_that_is_not_a_number_is_refused_at_its_input_and_nothing_is_sent(client, fakes):
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/targets", data={"csrf": csrf, "target.ho-ngheo": "mười",
                                                                "target.vi-pham": "3", "titles": "Cờ"})
    assert page.status_code == 422 and "Không phải là số" in page.text
    assert 'value="mười"' in page.text and 'value="3"' in page.text and ">Cờ</textarea>" in page.text
    assert 'id="target-error-ho-ngheo"' in page.text and 'id="target-error-vi-pham"' not in page.text
    assert not fakes.sent("PUT", f"/api/v1/campaigns/c1/registrations/{UNIT}")


async def test_the_apis_refusal_of_a_registration_is_shown_at_the_criterion(client, fakes):
    fakes.refusals[("PUT", f"/api/v1/campaigns/c1/registrations/{UNIT}")] = (422, {
        "message": "Yêu cầu không hợp lệ.", "errors": [
            {"field": "targets.0.value", "reason": "Phải lớn hơn hoặc bằng 0.", "code": "x"},
            {"field": "reason", "reason": "Cần nêu lý do khi đổi chỉ tiêu.", "code": "y"}]})
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/targets", data={"csrf": csrf, "target.ho-ngheo": "5"})
    assert page.status_code == 422 and "Yêu cầu không hợp lệ." in page.text
    assert 'id="target-error-ho-ngheo">Phải lớn hơn hoặc bằng 0.' in page.text


async def test_changing_a_target_needs_a_reason_and_patches_it(client, fakes):
    fakes.registration = {"campaign_id": "c1", "unit_id": UNIT, "revision": 2, "titles": [],
                          "targets": [{"criterion_id": "ho-ngheo", "period": None, "value": 100}],
                          "history": [{"criterion_id": "ho-ngheo", "period": None, "old": 90, "new": 100,
                                       "reason": f"Điều chỉnh {SCRIPT}", "by": "u", "at": "2026-02-01T00:00:00Z"}]}
    csrf = await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1/targets")
    assert 'id="change-form"' in page.text and "Điều chỉnh &lt;script&gt;" in page.text
    refused = await client.post("/my/campaigns/c1/targets/change", data={
        "csrf": csrf, "criterion_id": "ho-ngheo", "period": "2026-Q3", "value": "120", "reason": ""})
    assert refused.status_code == 422 and "Vui lòng nêu lý do" in refused.text and 'value="120"' in refused.text
    assert not fakes.sent("PATCH", f"/api/v1/campaigns/c1/registrations/{UNIT}/targets")
    done = await client.post("/my/campaigns/c1/targets/change", data={
        "csrf": csrf, "criterion_id": "ho-ngheo", "period": "2026-Q3", "value": "1.200", "reason": "Thêm vốn vay"})
    assert done.status_code == 303
    [(_, _, _, body)] = fakes.sent("PATCH", f"/api/v1/campaigns/c1/registrations/{UNIT}/targets")
    assert body == {"criterion_id": "ho-ngheo", "period": "2026-Q3", "value": 1200.0, "reason": "Thêm vốn vay"}


async def test_the_apis_refusal_of_a_target_change_is_shown_at_the_field(client, fakes):
    fakes.registration = {"campaign_id": "c1", "unit_id": UNIT, "revision": 2, "titles": [], "targets": [],
                          "history": []}
    fakes.refusals[("PATCH", f"/api/v1/campaigns/c1/registrations/{UNIT}/targets")] = (422, {
        "message": "Yêu cầu không hợp lệ.", "errors": [{"field": "reason", "reason": "Ít nhất 5 ký tự.", "code": "x"}]})
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/targets/change", data={
        "csrf": csrf, "criterion_id": "ho-ngheo", "period": "", "value": "5", "reason": "abc"})
    assert page.status_code == 422 and 'id="change-reason-error">Ít nhất 5 ký tự.' in page.text
    assert ">abc</textarea>" in page.text


# -- reporting a period ------------------------------------------------------------------------------------
async def test_the_period_form_has_an_input_per_reported_leaf_with_bounds(client, fakes):
    await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1/periods/2026-Q1")
    assert page.status_code == 200
    assert 'name="value.ho-ngheo"' in page.text and 'name="value.vi-pham"' in page.text
    assert 'name="value.danh-gia"' not in page.text
    assert 'min="0.0" max="10000.0"' in page.text and "Từ 0 đến 10.000" in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text and "multiple" in page.text
    assert "Hộ thoát nghèo &lt;script&gt;" in page.text and SCRIPT not in page.text
    [(_, _, query, _)] = fakes.sent("GET", "/api/v1/submissions")
    assert query["period"] == "2026-Q1"


async def test_reporting_uploads_the_files_then_posts_the_submission_with_their_ids(client, fakes):
    csrf = await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1/periods/2026-Q1")
    key = page.text.split('name="idempotency" value="')[1].split('"')[0]
    done = await client.post("/my/campaigns/c1/periods/2026-Q1", data={
        "csrf": csrf, "idempotency": key, "value.ho-ngheo": "1.234,5", "value.vi-pham": "2", "note": "Quý 1",
        "action": "submit"}, files=[("files", ("bien-ban.pdf", b"%PDF-", "application/pdf"))])
    assert done.status_code == 303 and done.headers["location"] == "/submissions/s9"
    [(ctype, content)] = fakes.uploads
    assert ctype.startswith("multipart/form-data") and b'name="file"; filename="bien-ban.pdf"' in content
    [(_, _, _, body)] = fakes.sent("POST", "/api/v1/submissions")
    assert body == {"tenant": "daknong", "campaign_id": "c1", "unit_id": UNIT, "period": "2026-Q1",
                    "values": {"ho-ngheo": 1234.5, "vi-pham": 2.0}, "evidence": [{"evidence_id": "ev-1"}],
                    "note": "Quý 1"}


async def test_uploading_first_shows_name_size_and_sha256_and_keeps_what_was_typed(client, fakes):
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/periods/2026-Q1", data={
        "csrf": csrf, "value.ho-ngheo": "1.234,5", "note": "ghi chú", "action": "upload", "evidence": "ev-old"},
        files=[("files", ("bien-ban.pdf", b"%PDF-", "application/pdf"))])
    assert page.status_code == 200 and not fakes.sent("POST", "/api/v1/submissions")
    assert "bien-ban.pdf" in page.text and SHA in page.text and "5 byte" in page.text
    assert "cu.pdf" in page.text and "cd" * 32 in page.text  # uploaded earlier, described by intake's list
    assert 'value="ev-1"' in page.text and 'value="ev-old"' in page.text
    assert 'value="1.234,5"' in page.text and ">ghi chú</textarea>" in page.text


async def test_a_refused_file_is_shown_in_the_apis_words(client, fakes):
    fakes.refusals[("POST", f"/api/v1/campaigns/c1/units/{UNIT}/evidence")] = (415, {
        "message": "Loại tệp không được nhận.", "errors": [
            {"field": "file", "reason": "Tệp virus.exe không phải PDF, JPEG, PNG.", "code": "x"}]})
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/periods/2026-Q1", data={
        "csrf": csrf, "value.ho-ngheo": "12", "action": "submit"},
        files=[("files", ("virus.exe", b"MZ", "application/octet-stream"))])
    assert page.status_code == 422
    assert "virus.exe: Loại tệp không được nhận. Tệp virus.exe không phải PDF, JPEG, PNG." in page.text
    assert not fakes.sent("POST", "/api/v1/submissions") and 'value="12"' in page.text


async def test_the_apis_field_errors_are_shown_next_to_the_right_input_keeping_what_was_typed(client, fakes):
    fakes.refusals[("POST", "/api/v1/submissions")] = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "values.vi-pham", "reason": "Giá trị 60 ngoài khoảng 0 – 50.", "code": "value.range"},
        {"field": "period", "reason": "Kỳ không hợp lệ.", "code": "x"}]})
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/periods/2026-Q1", data={
        "csrf": csrf, "value.ho-ngheo": "1.234,5", "value.vi-pham": "60", "action": "submit"})
    assert page.status_code == 422
    assert 'id="error-vi-pham">Giá trị 60 ngoài khoảng 0 – 50.' in page.text
    assert 'id="error-ho-ngheo"' not in page.text
    assert 'aria-describedby="hint-vi-pham error-vi-pham" aria-invalid="true"' in page.text
    assert 'value="1.234,5"' in page.text and 'value="60"' in page.text
    assert "Kỳ không hợp lệ." in page.text.split('id="other-errors"')[1]


async def test_a_value_that_is_not_a_number_is_refused_before_anything_is_sent(client, fakes):
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/periods/2026-Q1", data={
        "csrf": csrf, "value.ho-ngheo": "12,3,4", "action": "submit"})
    assert page.status_code == 422 and 'id="error-ho-ngheo">Không phải là số' in page.text
    assert not fakes.sent("POST", "/api/v1/submissions")


async def test_an_approved_period_shows_it_is_locked_without_a_form(client, fakes):
    fakes.items = [{"submission_id": "s1", "period": "2026-Q1", "status": "approved",
                    "submitted_at": "2026-03-30T03:00:00Z"}]
    await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1/periods/2026-Q1")
    assert page.status_code == 200 and 'id="locked"' in page.text and "đã được phê duyệt và khóa" in page.text
    assert 'id="report-form"' not in page.text and 'href="/submissions/s1"' in page.text


async def test_a_locked_period_refused_by_intake_says_so_on_the_form(client, fakes):
    fakes.refusals[("POST", "/api/v1/submissions")] = (409, {"message": "Kỳ 2026-Q1 đã được phê duyệt.",
                                                             "errors": []})
    csrf = await signed_in(client, fakes)
    page = await client.post("/my/campaigns/c1/periods/2026-Q1", data={
        "csrf": csrf, "value.ho-ngheo": "5", "action": "submit"})
    assert page.status_code == 409 and "Kỳ 2026-Q1 đã được phê duyệt." in page.text


@pytest.mark.parametrize(("path", "data"), [
    ("/my/campaigns/c1/periods/2026-Q1", {"value.ho-ngheo": "5", "action": "submit"}),
    ("/my/campaigns/c1/targets", {"target.ho-ngheo": "5"}),
    ("/my/campaigns/c1/targets/change", {"criterion_id": "ho-ngheo", "value": "5", "reason": "Lý do đủ dài"}),
    ("/submissions/s1/resubmit", {"value.ho-ngheo": "5"}),
    ("/submissions/s1/appeal", {"reason": "Lý do đủ dài"}),
    ("/notifications/read", {}),
])
async def test_every_form_without_the_csrf_token_is_refused_and_nothing_is_sent(client, fakes, path, data):
    await signed_in(client, fakes)
    for forged in ({}, {"csrf": "forged"}):
        response = await client.post(path, data={**data, **forged})
        assert response.status_code == 403 and "Biểu mẫu đã hết hạn" in response.text
    assert [c for c in fakes.calls if c[0] != "GET"] == []


# -- a submission ------------------------------------------------------------------------------------------
async def test_a_returned_submission_shows_values_evidence_review_and_the_forms(client, fakes):
    fakes.cards = [{"submission_id": "s1", "status": "provisional", "revision": 1, "period": "2026-Q1",
                    "total": 45, "total_display": "45", "max_total": 100, "computed_at": "2026-03-30T03:01:00Z",
                    "criteria": [{"criterion_id": "ho-ngheo", "criterion_name": "Hộ thoát nghèo", "kind": "leaf",
                                  "value": 1234.5, "target": 1000, "points": 30, "max_points": 30,
                                  "explanation": f"1.234,5/1.000 hộ ≥ chỉ tiêu: 30 điểm {SCRIPT}"}]}]
    await signed_in(client, fakes)
    page = await client.get("/submissions/s1")
    assert page.status_code == 200
    text = page.text
    assert "1.234,5" in text and "Bị trả lại" in text
    assert 'href="/evidence/c1/huyen-cu-jut/e1"' in text and SHA in text and "2.048 byte" in text
    assert "Tổng điểm: 45/100" in text and "1.234,5/1.000 hộ ≥ chỉ tiêu: 30 điểm &lt;script&gt;" in text
    assert "123,45%" in text  # progress against the target in the period
    assert 'id="resubmit-form"' in text and 'name="value.ho-ngheo"' in text and 'name="value.vi-pham"' not in text
    assert "Thiếu minh chứng &lt;script&gt;" in text and 'id="appeal-form"' in text
    assert SCRIPT not in text
    assert fakes.sent("GET", "/api/v1/campaigns/c1/units/huyen-cu-jut/history")[0][2] == {"period": "2026-Q1"}


async def test_a_submission_not_yet_scored_or_with_reporting_down_is_still_shown(client, fakes):
    await signed_in(client, fakes)
    page = await client.get("/submissions/s1")
    assert page.status_code == 200 and 'id="score-pending"' in page.text
    fakes.refusals[("GET", "/api/v1/campaigns/c1/units/huyen-cu-jut/history")] = (503, {"message": "down"})
    page = await client.get("/submissions/s1")
    assert page.status_code == 200 and 'id="score-unavailable"' in page.text and "1.234,5" in page.text


async def test_resubmitting_sends_only_the_returned_criteria(client, fakes):
    csrf = await signed_in(client, fakes)
    page = await client.get("/submissions/s1")
    key = page.text.split('name="idempotency" value="')[1].split('"')[0]
    done = await client.post("/submissions/s1/resubmit", data={
        "csrf": csrf, "idempotency": key, "value.ho-ngheo": "1.300", "value.vi-pham": "0", "note": "Bổ sung"})
    assert done.status_code == 303 and done.headers["location"] == "/submissions/s2"
    [(_, _, _, body)] = fakes.sent("POST", "/api/v1/submissions/s1/resubmit")
    assert body == {"values": {"ho-ngheo": 1300.0}, "note": "Bổ sung"}


async def test_a_refused_resubmission_is_shown_at_the_criterion(client, fakes):
    fakes.refusals[("POST", "/api/v1/submissions/s1/resubmit")] = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "values.ho-ngheo", "reason": "Ngoài khoảng cho phép.", "code": "x"}]})
    csrf = await signed_in(client, fakes)
    page = await client.post("/submissions/s1/resubmit", data={"csrf": csrf, "value.ho-ngheo": "99999"})
    assert page.status_code == 422 and 'id="resubmit-error-ho-ngheo">Ngoài khoảng cho phép.' in page.text
    assert 'value="99999"' in page.text
    empty = await client.post("/submissions/s1/resubmit", data={"csrf": csrf, "value.ho-ngheo": ""})
    assert empty.status_code == 422 and "Vui lòng nhập giá trị mới." in empty.text


async def test_the_one_appeal_is_posted_then_its_state_shown(client, fakes):
    csrf = await signed_in(client, fakes)
    done = await client.post("/submissions/s1/appeal", data={"csrf": csrf, "reason": "Đã có minh chứng đầy đủ"})
    assert done.status_code == 303 and done.headers["location"] == "/submissions/s1"
    [(_, _, _, body)] = fakes.sent("POST", "/api/v1/submissions/s1/appeal")
    assert body == {"reason": "Đã có minh chứng đầy đủ"}
    fakes.submissions["s1"] = submission_doc(status="rejected", appeal={
        "status": "pending", "to_level": "board", "reason": f"Đã có minh chứng {SCRIPT}"})
    page = await client.get("/submissions/s1")
    assert 'id="appeal-state" data-status="pending"' in page.text and "Đang chờ giải quyết" in page.text
    assert "Ban Thi đua – Khen thưởng" in page.text and 'id="appeal-form"' not in page.text
    assert "Đã có minh chứng &lt;script&gt;" in page.text


async def test_a_refused_appeal_keeps_the_reason_and_names_the_field(client, fakes):
    fakes.refusals[("POST", "/api/v1/submissions/s1/appeal")] = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "reason", "reason": "Cần ít nhất 5 ký tự.", "code": "x"}]})
    csrf = await signed_in(client, fakes)
    page = await client.post("/submissions/s1/appeal", data={"csrf": csrf, "reason": "abc"})
    assert page.status_code == 422 and 'id="appeal-error">Cần ít nhất 5 ký tự.' in page.text
    assert ">abc</textarea>" in page.text


async def test_a_superseded_submission_offers_neither_form(client, fakes):
    fakes.submissions["s1"] = submission_doc(superseded_by="s2")
    await signed_in(client, fakes)
    page = await client.get("/submissions/s1")
    assert 'id="resubmit-form"' not in page.text and 'id="appeal-form"' not in page.text
    assert 'href="/submissions/s2"' in page.text


async def test_another_units_submission_and_evidence_are_the_403_page(client, fakes):
    fakes.submissions["s5"] = submission_doc("s5", unit="huyen-dak-mil")
    csrf = await signed_in(client, fakes)
    resubmitted = await client.post("/submissions/s5/resubmit", data={"csrf": csrf, "value.ho-ngheo": "5"})
    assert resubmitted.status_code == 403 and not fakes.sent("POST", "/api/v1/submissions/s5/resubmit")
    page = await client.get("/submissions/s5")
    assert page.status_code == 403 and "Bạn không có quyền xem trang này." in page.text
    evidence = await client.get("/evidence/c1/huyen-dak-mil/e1")
    assert evidence.status_code == 403 and "Bạn không có quyền" in evidence.text
    assert not [c for c in fakes.calls if "huyen-dak-mil/evidence" in c[1]]
    fakes.refusals[("GET", "/api/v1/submissions/s6")] = (403, {"message": "Không phải đơn vị của bạn.", "errors": []})
    refused = await client.get("/submissions/s6")  # intake says so too
    assert refused.status_code == 403 and "Không phải đơn vị của bạn." in refused.text


async def test_the_evidence_download_streams_intakes_file_as_an_attachment_never_sniffed(client, fakes):
    await signed_in(client, fakes)
    response = await client.get("/evidence/c1/huyen-cu-jut/e1")
    assert response.status_code == 200 and response.content == b"%PDF-1.4 test"
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-content-sha256"] == SHA
    assert fakes.seen_bearers[-1] == f"Bearer {access_token(client)}"
    fakes.refusals[("GET", "/api/v1/campaigns/c1/units/huyen-cu-jut/evidence/e2")] = (404, {"message": "?"})
    missing = await client.get("/evidence/c1/huyen-cu-jut/e2")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.text


async def test_the_pages_in_english(client, fakes):
    await signed_in(client, fakes)
    client.cookies.set("lang", "en")
    page = await client.get("/my/campaigns/c1/periods/2026-Q1")
    assert "Report results" in page.text and "From 0 to 10,000" in page.text and "Báo cáo" not in page.text
    assert ("GET", "/api/v1/campaigns/c1", {}, None) in fakes.calls


# -- notifications ----------------------------------------------------------------------------------------
async def test_notifications_unread_first_each_linking_to_its_submission(client, fakes):
    fakes.inbox = {"unread": 1, "next": None, "items": [
        {"id": "n1", "kind": "review", "title": "Đã phê duyệt", "body": "Quý 4", "submission_id": "s0",
         "created_at": "2026-11-02T00:00:00Z", "read": True},
        {"id": "n2", "kind": "review", "title": f"Bị trả lại {SCRIPT}", "body": "Quý 1", "submission_id": "s1",
         "created_at": "2026-11-01T00:00:00Z", "read": False}]}
    csrf = await signed_in(client, fakes)
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert page.text.index('data-id="n2"') < page.text.index('data-id="n1"')
    assert 'class="ntf-item ntf-unread" data-id="n2"' in page.text and 'class="ntf-item" data-id="n1"' in page.text
    assert 'href="/submissions/s1"' in page.text and "Bị trả lại &lt;script&gt;" in page.text
    assert "1 thông báo chưa đọc" in page.text and 'id="mark-all-read"' in page.text
    done = await client.post("/notifications/read", data={"csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/notifications"
    [(_, _, _, body)] = fakes.sent("POST", "/api/v1/notifications/read")
    assert body == {"all": True}


async def test_the_unread_badge_is_loaded_after_the_page_and_stays_quiet_when_the_inbox_fails(client, fakes):
    fakes.inbox = {"unread": 3, "items": [], "next": None}
    await signed_in(client, fakes)
    home_calls = len(fakes.sent("GET", "/api/v1/notifications"))
    page = await client.get("/my/campaigns/c1")
    assert 'hx-get="/notifications/badge"' in page.text
    assert len(fakes.sent("GET", "/api/v1/notifications")) == home_calls  # no call while rendering a page
    badge = await client.get("/notifications/badge")
    assert badge.status_code == 200 and ">3<" in badge.text and "3 chưa đọc" in badge.text
    assert fakes.sent("GET", "/api/v1/notifications")[-1][2] == {"unread": "true", "limit": "1"}
    fakes.refusals[("GET", "/api/v1/notifications")] = (404, {"message": "?"})
    quiet = await client.get("/notifications/badge")
    assert quiet.status_code == 200 and quiet.text.strip() == ""


async def test_a_unit_leader_has_the_same_pages_and_my_campaigns_lists_only_the_units(client, fakes):
    fakes.roles = ["unit_leader"]
    other = {**campaign_definition(), "campaign_id": "c2", "name_vi": "Phong trào khác",
             "participants": [{"unit_id": "huyen-dak-mil", "name_vi": "Huyện Đắk Mil", "unit_type": "district"}]}  # fmt: skip
    campaigns = [fakes.campaign, other]
    fakes.campaign_list = campaigns
    await signed_in(client, fakes)
    listing = await client.get("/my/campaigns")
    assert listing.status_code == 200 and 'data-campaign="c1"' in listing.text and "c2" not in listing.text
    assert 'href="/my/campaigns" aria-current="page">Đơn vị của tôi' in listing.text
    assert (await client.get("/my/campaigns/c1")).status_code == 200
