"""Issue 11, the console's nomination pages (services/web, package nominations/) against a fake
intake and reporting: each role's queue (due dates in working days, overdue in words), filing a
dossier (the exact body posted, hashes, field errors), a nomination's actions (the bodies posted for
pass, return, comment, vote, decide; intake's refusal shown in Vietnamese; a return visible to the
unit), CSRF, the 403 page for roles that may not act, escaping, and the award history with its
exports proxied from reporting."""

import json
from datetime import date
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.nominations import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"
BK = "bang-khen"


def stage(sid, role, kind, days=2):
    return {"id": sid, "name_vi": f"Bước {sid}", "role": role, "service_days": days, "kind": kind}


CONFIG = {
    "tenant": "daknong", "revision": 1, "holidays": ["2026-01-01"], "escalate_to": ["board_officer"],
    "updated_at": "2026-01-01T00:00:00Z", "updated_by": "b",
    "award_kinds": [{
        "id": BK, "name_vi": "Bằng khen của Chủ tịch UBND tỉnh", "nominee_kind": "individual",
        "disclosure_days": 5, "vote_threshold": 0.8,
        "required_documents": ["cover_request", "achievement_report"],
        "comment_roles": ["unit_leader", "board_officer", "council_member", "chairperson"],
        "chain": [stage("tiep-nhan", "board_officer", "review"), stage("cong-khai", "board_officer", "disclosure"),
                  stage("hoi-dong", "council_member", "vote"), stage("ky", "chairperson", "decision")],
        "rules": []}],
}


def nomination(nid="dn-1", unit="huyen-cu-jut", stage_id="tiep-nhan", status="in_progress", **extra) -> dict:
    return {
        "nomination_id": nid, "revision": 3, "tenant": "daknong", "award_kind": BK,
        "award_name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
        "nominee": {"kind": "individual", "unit_id": unit, "person_id": "nv-01", "person_name": f"Bà A {SCRIPT}",
                    "position": "Chuyên viên"},
        "nominated_by": "unit-leader", "nominating_unit_id": unit, "year": 2026, "campaign_id": None,
        "basis": "regular", "achievement": "Hoàn thành xuất sắc", "status": status, "stage": stage_id,
        "stages": [{"stage": "tiep-nhan", "entered_at": "2026-03-02T02:00:00Z", "due_on": "2026-03-04",
                    "left_at": None, "outcome": None, "by": None, "reason": None, "working_days": None}],
        "documents": [{"kind": "cover_request", "name": "to-trinh.pdf", "url": "https://vanban.test/1.pdf",
                       "sha256": "a" * 64, "size": 2048}],
        "comments": [], "vote": None, "decision": None,
        "change": {"kind": "created", "by": "u"}, "due_on": "2026-03-04", "window_closes_on": None,
        "created_at": "2026-03-02T02:00:00Z", "updated_at": "2026-03-02T02:00:00Z", **extra,
    }


AWARD_ROWS = [
    {"decision_date": "2026-03-10", "decision_number": "12/QĐ-UBND", "signer": "Chủ tịch", "award_name": "Bằng khen",
     "award_kind": BK, "nominee_kind": "Cá nhân", "person_name": "Bà A", "person_id": "nv-01", "position": None,
     "unit_id": "huyen-cu-jut", "unit_name": "Huyện Cư Jút", "year": 2026, "basis": "Thường xuyên",
     "campaign_id": None, "nomination_id": "dn-1", "event_id": "e1"},
    {"decision_date": "2026-02-10", "decision_number": "9/QĐ-UBND", "signer": "Chủ tịch", "award_name": "Cờ thi đua",
     "award_kind": "co", "nominee_kind": "Tập thể", "person_name": None, "person_id": None, "position": None,
     "unit_id": "huyen-dak-mil", "unit_name": "Huyện Đắk Mil", "year": 2026, "basis": "Thường xuyên",
     "campaign_id": None, "nomination_id": None, "event_id": "e2"},
]


class NominationFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str, dict, object, str]] = []
        self.items = {"dn-1": nomination(),
                      "dn-2": nomination("dn-2", "huyen-dak-mil", "hoi-dong", due_on="2026-01-05"),
                      "dn-3": nomination("dn-3", "tx-gia-nghia", "ky")}
        self.answer: tuple[int, dict] | None = None

    def posted(self, path: str) -> list:
        return [body for method, p, _, body, _ in self.calls if method == "POST" and p == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host not in ("intake.test", "reporting.test"):
            return super().__call__(request)
        path, method = request.url.path, request.method
        body = json.loads(request.content) if request.content else None
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((method, f"{host}{path}", query, body, request.headers["authorization"]))
        if host == "reporting.test":
            if path == "/api/v1/awards":
                return httpx.Response(200, json=AWARD_ROWS)
            if path == "/api/v1/awards/export":
                media = "text/csv; charset=utf-8" if query.get("format") == "csv" else "application/json"
                return httpx.Response(200, content=b"a,b\n1,2\n", headers={
                    "content-type": media, "content-disposition": 'attachment; filename="khen-thuong.csv"'})
            return super().__call__(request)
        if method == "POST":
            if self.answer is not None:
                return httpx.Response(self.answer[0], json=self.answer[1])
            if path == "/api/v1/nominations":
                return httpx.Response(201, json=nomination("dn-9"))
            return httpx.Response(200, json=self.items["dn-1"])
        if path == "/api/v1/config/commendation":
            return httpx.Response(200, json=CONFIG)
        if path == "/api/v1/nominations":
            found = [n for n in self.items.values()
                     if all(n["nominee"]["unit_id"] == v if k == "unit" else n.get(k) == v for k, v in query.items())]
            return httpx.Response(200, json=found)
        if path.startswith("/api/v1/nominations/"):
            found = self.items.get(path.rsplit("/", 1)[1])
            return httpx.Response(200, json=found) if found else httpx.Response(404, json={"message": "Không có"})
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return NominationFakes()


async def signed(client, fakes, roles, unit=None) -> str:
    return await signed_in(client, fakes, roles, unit)


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</table>", start)]


# -- pure parts ------------------------------------------------------------------------------------
def test_due_counts_working_days_and_says_overdue():
    n = nomination(due_on="2026-03-04")
    assert models.due(n, date(2026, 3, 2), set()) == models.Due(date(2026, 3, 4), 2, None)
    late = models.due(n, date(2026, 3, 9), set())  # Wed → Mon: Thu, Fri, Mon
    assert late.overdue == 3 and late.left is None
    assert models.due({**n, "status": "decided"}, date(2026, 3, 9), set()).overdue is None


def test_actions_by_stage_role_unit_and_window():
    today = date(2026, 3, 3)
    board, council, chair = ["board_officer"], ["council_member"], ["chairperson"]
    review = nomination()
    assert models.actions(review, CONFIG, board, None, today) == ["pass", "return"]
    assert models.actions(review, CONFIG, council, None, today) == []
    assert models.actions(review, CONFIG, board, "huyen-cu-jut", today) == []  # own unit
    # entered on Monday 2 March (09:00 in Việt Nam), a window of 5 working days
    disclosure = nomination(stage_id="cong-khai", window_closes_on="2026-03-09")
    assert models.actions(disclosure, CONFIG, council, None, today) == ["comment"]
    assert models.actions(disclosure, CONFIG, board, None, today) == ["comment", "return"]  # window open: no pass
    closed = date(2026, 3, 9)  # five working days later
    assert models.actions(disclosure, CONFIG, board, None, closed) == ["pass", "return"]
    assert models.actions(disclosure, CONFIG, council, None, closed) == []
    assert models.actions(nomination(stage_id="hoi-dong"), CONFIG, council, None, today) == ["vote", "return"]
    assert models.actions(nomination(stage_id="ky"), CONFIG, chair, None, today) == ["decide", "return"]
    assert models.actions(nomination(status="returned"), CONFIG, board, None, today) == []


def test_vote_needed_meets_the_threshold():
    assert models.vote_needed(10, 0.8) == 8 and models.vote_needed(1, 0.8) == 1 and models.vote_needed(3, 0.5) == 2


def test_action_bodies_and_local_errors():
    body, errors = models.action_body("vote", {"members": "5", "yes": "4", "no": "1", "revision": "3"}, "hoi-dong")
    assert body == {"action": "vote", "stage": "hoi-dong", "reason": "", "expected_revision": 3,
                    "vote": {"members": 5, "yes": 4, "no": 1, "abstain": 0}} and not errors
    _, errors = models.action_body("vote", {"members": "x", "yes": "-1", "no": "0"}, "hoi-dong")
    assert set(errors) == {"vote.members", "vote.yes"}
    body, errors = models.action_body("decide", {"number": "1/QĐ", "date": "2026-13-01", "signer": ""}, "ky")
    assert set(errors) == {"decision.date", "decision.signer"}


# -- the list and the queues ---------------------------------------------------------------------
async def test_a_unit_leader_sees_their_units_nominations_and_the_filing_link(client, fakes):
    await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    response = await client.get("/nominations")
    assert response.status_code == 200
    html = response.text
    assert 'href="/nominations/new"' in html and 'id="nom-own"' in html
    assert 'data-nomination="dn-1"' in html and "dn-2" not in html and "dn-3" not in html
    assert 'id="nom-queue"' not in html
    assert [q for _, p, q, _, _ in fakes.calls if p == "intake.test/api/v1/nominations"] == [{"unit": "huyen-cu-jut"}]
    assert SCRIPT not in html and "&lt;script&gt;alert(" in html  # the nominee's name as text
    assert 'id="nav-nominations"' in html


@pytest.mark.parametrize(("roles", "queued"), [
    (["board_officer"], ["dn-1", "dn-3"]), (["council_member"], ["dn-2"]), (["chairperson"], ["dn-3"]),
])
async def test_each_stages_people_see_their_queue(client, fakes, roles, queued):
    fakes.items["dn-3"]["stage"] = "ky" if "board_officer" not in roles else "tiep-nhan"
    await signed(client, fakes, roles)
    html = (await client.get("/nominations")).text
    queue = section(html, 'id="nom-queue"')
    assert [nid for nid in ("dn-1", "dn-2", "dn-3") if f'data-nomination="{nid}"' in queue] == queued
    assert 'href="/nominations/new"' not in html


async def test_the_queue_marks_overdue_in_words_with_vietnamese_dates(client, fakes):
    await signed(client, fakes, ["council_member"])
    html = (await client.get("/nominations")).text
    row = section(html, 'id="nom-queue"')
    assert "05/01/2026" in row and "Quá hạn" in row and "ngày làm việc" in row


async def test_filters_are_passed_to_intake(client, fakes):
    await signed(client, fakes, ["board_officer"])
    await client.get("/nominations", params={"award_kind": BK, "status": "decided"})
    await client.get("/nominations", params={"award_kind": "../x", "status": "bogus"})
    queries = [q for _, p, q, _, _ in fakes.calls if p == "intake.test/api/v1/nominations"]
    assert queries == [{"award_kind": BK, "status": "decided"}, {}]


async def test_a_unit_reporter_gets_the_403_page(client, fakes):
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    for path in ("/nominations", "/nominations/new", "/nominations/dn-1"):
        assert (await client.get(path)).status_code == 403


# -- filing ----------------------------------------------------------------------------------------
def dossier(csrf: str, **extra) -> dict:
    return {"csrf": csrf, "award_kind": BK, "nominee_kind": "individual", "year": "2026", "person_id": "nv-01",
            "person_name": "Bà A", "position": "Chuyên viên", "achievement": "Xuất sắc",
            "doc.0.kind": "cover_request", "doc.0.name": "to-trinh.pdf", "doc.0.url": "https://vanban.test/1.pdf",
            "doc.0.sha256": "A" * 64, "doc.0.size": "2048",
            "doc.1.kind": "achievement_report", "doc.1.name": "bao-cao.pdf", "doc.1.url": "https://vanban.test/2.pdf",
            "doc.1.sha256": "b" * 64, "doc.1.size": "4096", **extra}


# issue 11 (dossier): the form takes files now; filing, its field errors and intake's refusal are
# tested in test_web_dossier.py


async def test_filing_needs_the_csrf_token_and_the_unit_leader_role(client, fakes):
    csrf = await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    assert (await client.post("/nominations/new", data=dossier("forged"))).status_code == 403
    await signed(client, fakes, ["council_member"])
    assert (await client.post("/nominations/new", data=dossier(csrf))).status_code == 403
    assert not fakes.posted("intake.test/api/v1/nominations")


# -- a nomination ------------------------------------------------------------------------------------
async def test_the_page_shows_the_dossier_its_hashes_history_and_the_board_actions(client, fakes):
    await signed(client, fakes, ["board_officer"])
    html = (await client.get("/nominations/dn-1")).text
    assert "a" * 64 in html and "to-trinh.pdf" in html and "Bước tiep-nhan" in html
    assert 'id="nom-pass"' in html and 'id="nom-return"' in html and 'id="nom-vote"' not in html
    assert SCRIPT not in html


async def test_passing_and_returning_post_what_intake_expects(client, fakes):
    csrf = await signed(client, fakes, ["board_officer"])
    response = await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "pass", "revision": "3"})
    assert response.status_code == 303 and response.headers["location"] == "/nominations/dn-1?done=pass"
    await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "return", "reason": "Thiếu biên bản"})
    assert fakes.posted("intake.test/api/v1/nominations/dn-1/actions") == [
        {"action": "pass", "stage": "tiep-nhan", "reason": "", "expected_revision": 3},
        {"action": "return", "stage": "tiep-nhan", "reason": "Thiếu biên bản"}]


async def test_the_council_sees_the_threshold_and_votes_with_labelled_fields(client, fakes):
    csrf = await signed(client, fakes, ["council_member"])
    html = (await client.get("/nominations/dn-2")).text
    assert "ít nhất 80% tổng số thành viên" in html
    for name in ("members", "yes", "no", "abstain"):
        assert f'<label for="vote-{name}">' in html and f'id="vote-{name}"' in html
    data = {"csrf": csrf, "action": "vote", "members": "1", "yes": "1", "no": "0", "abstain": "0"}
    assert (await client.post("/nominations/dn-2/act", data=data)).status_code == 303
    assert fakes.posted("intake.test/api/v1/nominations/dn-2/actions") == [
        {"action": "vote", "stage": "hoi-dong", "reason": "", "vote": {"members": 1, "yes": 1, "no": 0, "abstain": 0}}]


async def test_the_chairperson_decides(client, fakes):
    csrf = await signed(client, fakes, ["chairperson"])
    data = {"csrf": csrf, "action": "decide", "number": "12/QĐ-UBND", "date": "2026-03-10", "signer": "Chủ tịch"}
    assert (await client.post("/nominations/dn-3/act", data=data)).status_code == 303
    assert fakes.posted("intake.test/api/v1/nominations/dn-3/actions")[0]["decision"] == {
        "number": "12/QĐ-UBND", "date": "2026-03-10", "signer": "Chủ tịch"}


async def test_a_refusal_is_shown_in_vietnamese_with_its_reason(client, fakes):
    csrf = await signed(client, fakes, ["board_officer"])
    fakes.answer = (422, {"message": "Dữ liệu không hợp lệ.", "errors": [
        {"field": "reason", "code": "nomination.reason_required", "reason": "Cần ghi lý do, ít nhất 5 ký tự"}]})
    response = await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "return", "reason": "x"})
    assert response.status_code == 422
    assert "Cần ghi lý do, ít nhất 5 ký tự" in response.text and "Dữ liệu không hợp lệ." in response.text
    fakes.answer = (409, {"message": "Chưa hết thời hạn công khai", "errors": []})
    response = await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "pass"})
    assert response.status_code == 409 and "Chưa hết thời hạn công khai" in response.text


async def test_roles_that_may_not_act_get_the_403_page_and_nothing_is_sent(client, fakes):
    csrf = await signed(client, fakes, ["council_member"])
    response = await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "pass"})
    assert response.status_code == 403
    csrf = await signed(client, fakes, ["board_officer"], "huyen-cu-jut")  # its own unit
    assert (await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "pass"})).status_code == 403
    csrf = await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    assert (await client.post("/nominations/dn-1/act", data={"csrf": csrf, "action": "return",
                                                              "reason": "Thiếu hồ sơ"})).status_code == 403
    assert (await client.get("/nominations/dn-2")).status_code == 403  # another unit's dossier
    assert not fakes.posted("intake.test/api/v1/nominations/dn-1/actions")


async def test_an_action_needs_the_csrf_token(client, fakes):
    await signed(client, fakes, ["board_officer"])
    for data in ({"action": "pass"}, {"action": "pass", "csrf": "forged"}):
        assert (await client.post("/nominations/dn-1/act", data=data)).status_code == 403
    assert not fakes.posted("intake.test/api/v1/nominations/dn-1/actions")


async def test_a_return_and_a_failed_vote_reach_the_unit_on_its_page(client, fakes):
    returned = nomination(status="returned", stage_id="hoi-dong")
    returned["stages"] = [{**returned["stages"][0], "left_at": "2026-03-03T02:00:00Z", "outcome": "returned",
                           "by": "council", "reason": "Biên bản chưa có chữ ký"}]
    fakes.items["dn-1"] = returned
    await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    html = (await client.get("/nominations/dn-1")).text
    assert 'id="nom-returned"' in html and "Biên bản chưa có chữ ký" in html and "Hồ sơ bị trả lại" in html
    failed = {**returned, "status": "failed", "vote": {"members": 1, "yes": 0, "no": 1, "abstain": 0,
                                                       "threshold": 0.8, "passed": False}}
    failed["stages"] = [{**returned["stages"][0], "outcome": "failed", "reason": "Tỷ lệ phiếu đồng ý 0/1 (0%) "
                         "thấp hơn ngưỡng 80%"}]
    fakes.items["dn-1"] = failed
    html = (await client.get("/nominations/dn-1")).text
    assert "Hồ sơ không được thông qua" in html and "thấp hơn ngưỡng 80%" in html and "Không đạt ngưỡng" in html


async def test_an_unknown_or_malformed_nomination_is_the_404_page(client, fakes):
    await signed(client, fakes, ["board_officer"])
    assert (await client.get("/nominations/khong-co")).status_code == 404
    assert (await client.get("/nominations/..%2Fx")).status_code == 404


# -- award history -------------------------------------------------------------------------------------
async def test_award_history_filters_and_export_links(client, fakes):
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    html = (await client.get("/awards", params={"year": "2026", "award_kind": BK, "recipient": "individual"})).text
    assert "12/QĐ-UBND" in html and "9/QĐ-UBND" not in html and "10/03/2026" in html
    assert [q for _, p, q, _, _ in fakes.calls if p == "reporting.test/api/v1/awards"] == [
        {"year": "2026", "award_kind": BK}]
    assert 'href="/awards/export?year=2026&amp;award_kind=bang-khen&amp;format=csv"' in html
    html = (await client.get("/awards", params={"recipient": "collective", "year": "abc"})).text
    assert "9/QĐ-UBND" in html and "12/QĐ-UBND" not in html


async def test_the_export_is_proxied_with_the_sessions_token(client, fakes):
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    response = await client.get("/awards/export", params={"format": "csv", "year": "2026"})
    assert response.status_code == 200 and response.content == b"a,b\n1,2\n"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"].startswith("text/csv")
    method, path, query, _, bearer = fakes.calls[-1]
    assert path == "reporting.test/api/v1/awards/export" and query == {"format": "csv", "year": "2026"}
    assert bearer.startswith("Bearer ")
    assert (await client.get("/awards/export", params={"format": "exe"})).status_code == 404


async def test_the_english_pages(client, fakes):
    await signed(client, fakes, ["council_member"])
    client.cookies.set("lang", "en")
    html = (await client.get("/nominations")).text
    assert "Nominations waiting for you" in html and "2026-01-05" in html and "Overdue by" in html
    html = (await client.get("/nominations/dn-2")).text
    assert "at least 80% of all members voting yes" in html and "Ngưỡng" not in html


def returned_nomination() -> dict:
    n = nomination(status="returned", stage_id="hoi-dong")
    n["stages"] = [{**n["stages"][0], "left_at": "2026-03-03T02:00:00Z", "outcome": "returned", "by": "council",
                    "reason": "Thiếu báo cáo thành tích"}]
    return n


async def test_the_unit_resubmits_a_returned_dossier_with_the_body_intake_expects(client, fakes):
    fakes.items["dn-1"] = returned_nomination()
    csrf = await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    html = (await client.get("/nominations/dn-1")).text
    assert 'id="nom-resubmit"' in html and 'value="to-trinh.pdf"' in html and "a" * 64 in html
    data = {"csrf": csrf, "revision": "3", "achievement": "Bổ sung", "reason": "Thêm báo cáo",
            "doc.0.kind": "cover_request", "doc.0.name": "to-trinh.pdf", "doc.0.url": "https://vanban.test/1.pdf",
            "doc.0.sha256": "a" * 64, "doc.0.size": "2048",
            "doc.1.kind": "achievement_report", "doc.1.name": "bao-cao.pdf", "doc.1.url": "https://vanban.test/2.pdf",
            "doc.1.sha256": "c" * 64, "doc.1.size": "10"}
    response = await client.post("/nominations/dn-1/resubmit", data=data)
    assert response.status_code == 303 and response.headers["location"] == "/nominations/dn-1?done=resubmit"
    assert fakes.posted("intake.test/api/v1/nominations/dn-1/resubmit") == [{
        "achievement": "Bổ sung", "reason": "Thêm báo cáo", "expected_revision": 3,
        "documents": [{"kind": "cover_request", "name": "to-trinh.pdf", "url": "https://vanban.test/1.pdf",
                       "sha256": "a" * 64, "size": 2048},
                      {"kind": "achievement_report", "name": "bao-cao.pdf", "url": "https://vanban.test/2.pdf",
                       "sha256": "c" * 64, "size": 10}]}]


async def test_a_resubmission_missing_a_required_document_is_refused_next_to_it(client, fakes):
    fakes.items["dn-1"] = returned_nomination()
    csrf = await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    data = {"csrf": csrf, "doc.0.kind": "cover_request", "doc.0.name": "to-trinh.pdf",
            "doc.0.url": "https://vanban.test/1.pdf", "doc.0.sha256": "a" * 64, "doc.0.size": "2048"}
    response = await client.post("/nominations/dn-1/resubmit", data=data)
    assert response.status_code == 422  # the achievement report's row is added, empty, and marked
    assert 'id="doc-1-name"' in response.text and "Cần ghi tên tài liệu." in response.text
    assert not fakes.posted("intake.test/api/v1/nominations/dn-1/resubmit")


async def test_only_the_units_leader_or_the_board_resubmits(client, fakes):
    fakes.items["dn-1"] = returned_nomination()
    csrf = await signed(client, fakes, ["council_member"])
    assert 'id="nom-resubmit"' not in (await client.get("/nominations/dn-1")).text
    assert (await client.post("/nominations/dn-1/resubmit", data={"csrf": csrf})).status_code == 403
    assert (await client.post("/nominations/dn-1/resubmit", data={})).status_code == 403  # no CSRF token
    assert not fakes.posted("intake.test/api/v1/nominations/dn-1/resubmit")


async def test_a_comment_during_the_disclosure_window_posts_its_text(client, fakes):
    fakes.items["dn-1"] = nomination(stage_id="cong-khai", window_closes_on="2099-01-01",
                                     stages=[{"stage": "cong-khai", "entered_at": "2099-01-01T02:00:00Z",
                                              "due_on": "2099-01-08", "left_at": None}])
    csrf = await signed(client, fakes, ["council_member"])
    html = (await client.get("/nominations/dn-1")).text
    assert 'id="nom-comment"' in html and 'id="nom-pass"' not in html
    data = {"csrf": csrf, "action": "comment", "reason": "Đồng ý đề nghị"}
    assert (await client.post("/nominations/dn-1/act", data=data)).status_code == 303
    assert fakes.posted("intake.test/api/v1/nominations/dn-1/actions") == [
        {"action": "comment", "stage": "cong-khai", "reason": "Đồng ý đề nghị"}]
