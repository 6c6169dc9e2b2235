"""Issue 11 (revisions): the editor's revisions page (/editor/{cid}/revisions) against a fake intake:
the list (number, date in Vietnamese, who, why), two revisions compared in words through the editor's
own diff (criterion added/removed/changed with its fields, clusters and heads, participants, periods,
review dates, status), bad choices refused next to the field, the 403 page, stored `<script>` as text."""

import copy
import re
from html import unescape
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.editor import revisions
from thidua_web.editor.texts import TEXTS

from .test_web_console import Fakes
from .test_web_editor import CAMPAIGN
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"
T = TEXTS["vi"] | {"status": "Trạng thái"}


def revision_1() -> dict:
    first = copy.deepcopy(CAMPAIGN)
    first.update(revision=1, status="draft", change={"kind": "created", "by": "an", "reason": "", "detail": {}})
    return first


def revision_2() -> dict:
    second = revision_1()
    second.update(revision=2, change={"kind": "updated", "by": "binh", "reason": f"Sửa {SCRIPT}", "detail": {}})
    second["criteria"][0]["children"][0].update(max_points=50.0, target=120.0, direction="lower",
                                                scorer="ratio_to_target", params={})
    second["criteria"].append({"id": "moi", "name_vi": "Tiêu chí mới", "name_en": "", "unit_of_measure": "",
                               "max_points": 10.0, "target": None, "direction": "higher", "min_value": 0.0,
                               "max_value": 1e9, "scorer": "reviewer_rating", "params": {}, "children": []})
    del second["criteria"][1]  # danh-gia removed
    second["clusters"][0]["leadership"][0]["deputy_unit_id"] = "huyen-dak-mil"
    second["participants"].append({"unit_id": "huyen-dak-mil", "name_vi": "Huyện Đắk Mil", "unit_type": "district",
                                   "cluster_id": "khoi-huyen", "email": None})
    second.update(end="2019-12-31", interim_reviews=["2018-06-30", "2018-09-30"], final_review="2019-12-15")
    return second


def revision_3() -> dict:
    third = revision_2()
    third.update(revision=3, status="launched",
                 change={"kind": "status", "by": "chi", "reason": "Phát động", "detail": {"from": "draft",
                                                                                         "to": "launched"}})
    return third


REVISIONS = {1: revision_1(), 2: revision_2(), 3: revision_3()}
SAVED_AT = {1: "2018-01-02T03:04:00+00:00", 2: "2018-01-05T10:00:00+00:00", 3: "2018-01-06T01:30:00+00:00"}


class RevisionFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.unit, self.roles = "so-noi-vu", ["board_officer"]
        self.calls: list[tuple[str, str, dict, str]] = []
        self.history_from = 1

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "intake.test":
            return super().__call__(request)
        path = request.url.path
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((request.method, path, query, request.headers["authorization"]))
        if path == "/api/v1/campaigns/c1":
            return httpx.Response(200, json=REVISIONS[3])
        if path == "/api/v1/campaigns/c1/revisions":
            after = int(query.get("after") or 10**9)
            items = [{"revision": n, "saved_at": SAVED_AT[n], "saved_by": d["change"]["by"],
                      "kind": d["change"]["kind"], "reason": d["change"]["reason"], "detail": d["change"]["detail"],
                      "status": d["status"]} for n, d in sorted(REVISIONS.items(), reverse=True)
                     if self.history_from <= n < after]
            return httpx.Response(200, json={"campaign_id": "c1", "current": 3, "history_from": self.history_from,
                                             "items": items, "next": None})
        if path.startswith("/api/v1/campaigns/c1/revisions/"):
            n = int(path.rsplit("/", 1)[1])
            if n not in REVISIONS or n < self.history_from:
                return httpx.Response(404, json={"message": f"Phong trào 'c1' không có phiên bản {n}.", "errors": []})
            return httpx.Response(200, json={"revision": n, "history_from": self.history_from,
                                             "definition": REVISIONS[n]})
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return RevisionFakes()


def _text(html: str) -> str:
    return unescape(html)


def _rows(html: str) -> dict[str, tuple[str, str, str, str]]:
    """{data-path: (what, how, before, after)} of the changes table."""
    out = {}
    for m in re.finditer(r'<tr data-path="([^"]+)" data-kind="[^"]+"><th scope="row">(.*?)</th><td>(.*?)</td>'
                         r"<td>(.*?)</td><td>(.*?)</td></tr>", html):
        out[unescape(m.group(1))] = tuple(unescape(g) for g in m.groups()[1:])
    return out


# -- pure: the diff of two revisions in words ---------------------------------------------------------
def test_two_revisions_differ_in_words_by_criterion_cluster_participant_periods_dates_and_status():
    lines = {line.path: line for line in revisions.between(REVISIONS[1], REVISIONS[3], T, "vi")}
    assert lines["criteria[moi]"].kind == "added" and lines["criteria[moi]"].what == "Tiêu chí moi"
    assert "Tiêu chí mới" in lines["criteria[moi]"].after and "Điểm tối đa: 10" in lines["criteria[moi]"].after
    assert lines["criteria[danh-gia]"].kind == "removed" and lines["criteria[danh-gia]"].after == ""
    assert "reviewer_rating" in lines["criteria[danh-gia]"].before
    assert not [p for p in lines if p.startswith("criteria[danh-gia].")]  # one line, not one per field
    points = lines["criteria[ho-thoat-ngheo].max_points"]
    assert (points.kind, points.before, points.after) == ("changed", "60", "50")
    assert lines["criteria[ho-thoat-ngheo].target"].after == "120"
    assert lines["criteria[ho-thoat-ngheo].direction"].after == "Càng thấp càng tốt"
    assert (lines["criteria[ho-thoat-ngheo].scorer"].before, lines["criteria[ho-thoat-ngheo].scorer"].after) == (
        "pass_fail", "ratio_to_target")
    threshold = lines["criteria[ho-thoat-ngheo].params.threshold"]
    assert threshold.kind == "removed" and threshold.before == "1,5"  # vi: decimal comma
    head = lines["clusters[khoi-huyen].2018"]
    assert head.after.endswith("huyen-dak-mil") and head.before.endswith("—")
    assert lines["participants[huyen-dak-mil]"].kind == "added" and "Huyện Đắk Mil" in lines[
        "participants[huyen-dak-mil]"].after
    assert (lines["end"].before, lines["end"].after) == ("31/12/2018", "31/12/2019")
    assert lines["interim_reviews"].after == "30/06/2018, 30/09/2018"
    assert (lines["final_review"].kind, lines["final_review"].after) == ("added", "15/12/2019")
    assert lines["periods"].before == "quý I/2018 – quý IV/2018 (4)"
    assert lines["periods"].after == "quý I/2018 – quý IV/2019 (8)"
    assert (lines["status"].before, lines["status"].after) == ("Dự thảo", "Đã phát động")
    assert list(lines)[0] == "status"  # the campaign's status first, then its fields, then its parts
    assert revisions.between(REVISIONS[2], REVISIONS[2], T, "vi") == []


def test_a_choice_is_a_known_revision_number():
    assert revisions.chosen("2", range(1, 4), "k") == (2, None)
    assert revisions.chosen("", range(1, 4), "k") == (None, None)
    assert revisions.chosen("x", range(1, 4), "k") == (None, "rvs_err_number")
    assert revisions.chosen("-1", range(1, 4), "k") == (None, "rvs_err_number")
    assert revisions.chosen("9", range(1, 4), "k") == (None, "k")


# -- the page --------------------------------------------------------------------------------------
async def test_the_page_lists_revisions_and_compares_the_two_chosen(client, fakes):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    page = await client.get("/editor/c1/revisions")
    assert page.status_code == 200
    html = page.text
    assert '<tr data-revision="3">' in html and '<tr data-revision="1">' in html
    assert "08:30 06/01/2018" in html and "chi" in html and "Phát động" in html  # Việt Nam's time, dd/mm/yyyy
    assert "Chuyển trạng thái: Dự thảo → Đã phát động" in _text(html)
    assert SCRIPT not in html and "Sửa &lt;script&gt;" in html
    assert 'id="rvs-diff"' not in html  # nothing compared until asked
    assert '<option value="2" selected>' in html and '<option value="3" selected>' in html
    compared = await client.get("/editor/c1/revisions", params={"a": "3", "b": "1"})
    assert compared.status_code == 200
    assert "Thay đổi từ phiên bản 1 đến phiên bản 3" in compared.text
    rows = _rows(compared.text)
    assert rows["criteria[moi]"][1] == "Thêm mới" and rows["criteria[danh-gia]"][1] == "Bỏ đi"
    assert rows["criteria[ho-thoat-ngheo].max_points"] == ("Tiêu chí ho-thoat-ngheo · Điểm tối đa", "Sửa đổi", "60",
                                                           "50")
    assert rows["status"][2:] == ("Dự thảo", "Đã phát động")
    asked = [(p, q) for m, p, q, bearer in fakes.calls if p.startswith("/api/v1/campaigns/c1/revisions/")]
    assert sorted(p for p, _ in asked) == ["/api/v1/campaigns/c1/revisions/1", "/api/v1/campaigns/c1/revisions/3"]
    assert all(bearer.startswith("Bearer ") for *_, bearer in fakes.calls)
    same = await client.get("/editor/c1/revisions", params={"a": "2", "b": "3"})
    assert "Trạng thái" in same.text and 'data-path="criteria[moi]"' not in same.text


async def test_the_editor_links_to_its_revisions():
    """The editor's own page (its own fakes: the campaign, scorers, audit) links to this one."""
    from thidua_common.settings import Settings
    from thidua_web.config import WebSettings
    from thidua_web.main import build_app

    from .test_web_console import ISSUER, sign_in
    from .test_web_editor import EditorFakes

    editor = EditorFakes()
    settings = Settings(oidc_issuer=ISSUER, environment="development")
    web = WebSettings(public_url="http://console.test", reporting_url="http://reporting.test",
                      intake_url="http://intake.test")
    async with httpx.AsyncClient(transport=httpx.MockTransport(editor)) as http:
        app = build_app(settings, web, http)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as c:
            await sign_in(c, editor)
            page = await c.get("/editor/c1")
    assert page.status_code == 200
    assert '<a href="/editor/c1/revisions" id="ed-revisions">Xem các phiên bản và so sánh hai phiên bản</a>' in page.text


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ({"a": "1", "b": "1"}, "b", "Hãy chọn hai phiên bản khác nhau."),
        ({"a": "9", "b": "1"}, "a", "Không có phiên bản này trong lịch sử đã lưu (chỉ có từ 1 đến 3)."),
        ({"a": "x", "b": "1"}, "a", "Phiên bản phải là một số nguyên dương."),
        ({"a": "1"}, "b", "Hãy chọn một phiên bản (từ 1 đến 3)."),
    ],
)
async def test_a_bad_choice_is_refused_next_to_its_field_and_nothing_is_compared(client, fakes, query, field, reason):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    page = await client.get("/editor/c1/revisions", params=query)
    assert page.status_code == 422
    assert f'<span class="error ed-field-error" id="rvs-{field}-err">{reason}</span>' in page.text
    assert f'id="rvs-{field}" aria-invalid="true" aria-describedby="rvs-{field}-err"' in page.text
    assert 'id="rvs-diff"' not in page.text
    assert not [p for _, p, _, _ in fakes.calls if p.startswith("/api/v1/campaigns/c1/revisions/")]


async def test_revisions_before_the_history_are_said_and_refused(client, fakes):
    fakes.history_from = 3
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    page = await client.get("/editor/c1/revisions")
    assert "Lịch sử được lưu từ phiên bản 3" in page.text and "trước khi hệ thống giữ lịch sử" in page.text
    assert '<tr data-revision="2">' not in page.text
    refused = await client.get("/editor/c1/revisions", params={"a": "1", "b": "3"})
    assert refused.status_code == 422 and "chỉ có từ 3 đến 3" in refused.text


async def test_english_page(client, fakes):
    await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    client.cookies.set("lang", "en")
    page = await client.get("/editor/c1/revisions", params={"a": "1", "b": "3"})
    assert "Changes from revision 1 to revision 3" in page.text and "2018-01-06 08:30" in page.text
    assert "Added" in page.text and "Thêm mới" not in page.text


async def test_a_unit_reporter_gets_the_403_page_and_intake_is_not_asked(client, fakes):
    await signed_in(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    page = await client.get("/editor/c1/revisions", params={"a": "1", "b": "3"})
    assert page.status_code == 403 and "không có quyền" in page.text
    assert fakes.calls == []
