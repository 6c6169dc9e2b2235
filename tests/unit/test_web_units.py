"""Issue 11, the board's unit register in the console (services/web, package units/) against a fake
intake: the tree with a search that ignores diacritics, a new unit, rename, split and merge (the
bodies intake receives, its field errors next to the fields in Vietnamese, what was typed kept,
POST/redirect/GET), the lineage as links, CSRF, read-only and 403 pages, stored `<script>` as text."""

import json
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.units import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"


def unit(uid: str, name: str, parent: str | None = None, **extra) -> dict:
    return {"unit_id": uid, "revision": 1, "name_vi": name, "name_en": "", "unit_type": "district",
            "parent_id": parent, "status": "active", "valid_from": "2020-01-01", "valid_to": None,
            "predecessors": [], "successors": [], "name_history": [{"name_vi": name, "valid_from": "2020-01-01",
                                                                    "valid_to": None}],
            "email": None, "change": {"kind": "created"}, "tenant": "daknong", **extra}


UNITS = [
    unit("tinh-dak-nong", "Tỉnh Đắk Nông", unit_type="province"),
    unit("huyen-cu-jut", "Huyện Cư Jút", "tinh-dak-nong"),
    unit("xa-ea-po", "Xã Ea Pô", "huyen-cu-jut", unit_type="commune"),
    unit("huyen-dak-mil", f"Huyện Đắk Mil {SCRIPT}", "tinh-dak-nong"),
    unit("huyen-cu", "Huyện Cũ", "tinh-dak-nong", status="merged", valid_to="2024-12-31",
         successors=["huyen-moi"]),
]


class UnitFakes(Fakes):
    """The OIDC provider and reporting (the console's fakes) and intake's unit registry."""

    def __init__(self):
        super().__init__()
        self.unit, self.roles = "so-noi-vu", ["board_officer"]
        self.units = {u["unit_id"]: u for u in UNITS}
        self.calls: list[tuple[str, str, dict, object, str]] = []
        self.answer: tuple[int, dict] | None = None  # what the next change answers (default: success)

    def sent(self, method: str, path: str) -> list:
        return [body for m, p, _, body, _ in self.calls if m == method and p == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "intake.test":
            return super().__call__(request)
        path, method = request.url.path, request.method
        body = json.loads(request.content) if request.content else None
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((method, path, query, body, request.headers["authorization"]))
        if method in ("PUT", "POST"):
            if self.answer is not None:
                return httpx.Response(self.answer[0], json=self.answer[1])
            if path == "/api/v1/units/merge":
                return httpx.Response(200, json={"unit": unit(body["into"]["unit_id"], "X"), "units": [],
                                                 "campaigns": []})
            return httpx.Response(200, json={"unit": unit("u", "X"), "units": [], "campaigns": []})
        if path == "/api/v1/units":
            return httpx.Response(200, json=list(self.units.values()))
        parts = path.split("/")
        if len(parts) >= 5 and parts[3] == "units":
            found = self.units.get(parts[4])
            if found is None:
                return httpx.Response(404, json={"message": "Không tìm thấy đơn vị."})
            if path.endswith("/lineage"):
                return httpx.Response(200, json={
                    "unit": found,
                    "predecessors": [{"unit_id": "huyen-cu", "name_vi": f"Huyện Cũ {SCRIPT}", "unit_type": "district",
                                      "status": "merged", "valid_from": "2020-01-01", "valid_to": "2024-12-31",
                                      "depth": 1, "via": found["unit_id"], "effective": "2025-01-01"}],
                    "successors": []})
            return httpx.Response(200, json=found)
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return UnitFakes()


async def signed(client, fakes, roles=None, unit="so-noi-vu") -> str:
    return await signed_in(client, fakes, roles or ["board_officer"], unit)


def row(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


# -- pure parts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "name", "hit"), [
    ("cu jut", "Huyện Cư Jút", True), ("CƯ JÚT", "Huyện Cư Jút", True), ("dak nong", "Tỉnh Đắk Nông", True),
    ("Đắk", "Tỉnh Đắk Nông", True), ("cu-jut", "Huyện Cư Jút", True), ("mil", "Huyện Cư Jút", False),
])
def test_search_ignores_case_and_diacritics(query, name, hit):
    assert models.matches({"unit_id": "x", "name_vi": name}, query) is hit


def test_the_tree_is_depth_first_in_vietnamese_order_and_a_search_keeps_the_ancestors():
    rows = models.tree(UNITS)
    assert [(r.unit["unit_id"], r.depth) for r in rows] == [
        ("tinh-dak-nong", 0), ("huyen-cu", 1), ("huyen-cu-jut", 1), ("xa-ea-po", 2), ("huyen-dak-mil", 1)]
    found = models.tree(UNITS, "ea po")
    assert [(r.unit["unit_id"], r.matched) for r in found] == [
        ("tinh-dak-nong", False), ("huyen-cu-jut", False), ("xa-ea-po", True)]
    # a loop of parents does not hang nor lose units
    looped = [unit("a", "A", "b"), unit("b", "B", "a")]
    assert sorted(r.unit["unit_id"] for r in models.tree(looped)) == ["a", "b"]


def test_bodies_leave_out_what_was_not_typed():
    form = models.create_form({"unit_id": "x", "name_vi": "Xã X", "unit_type": "commune", "parent_id": ""})
    assert models.create_body(form) == {"name_vi": "Xã X", "name_en": "", "reason": "", "unit_type": "commune"}
    split = models.compact_split(models.split_form({"into.1.unit_id": "b", "into.1.name_vi": "B", "effective": ""}))
    assert models.split_body(split) == {"into": [{"unit_id": "b", "name_vi": "B"}], "reason": ""}
    assert split.rows[0] == {"unit_id": "b", "name_vi": "B"}  # renumbered like the body: into.0 is row 0


# -- the tree --------------------------------------------------------------------------------------
async def test_the_register_shows_the_tree_and_escapes_names(client, fakes):
    await signed(client, fakes)
    page = await client.get("/units")
    assert page.status_code == 200
    html = page.text
    assert "Danh mục đơn vị" in html and "5 đơn vị" in html and 'id="nav-units"' in html
    assert 'class="unt-depth-2' in row(html, 'data-unit="xa-ea-po"')
    assert "Huyện Đắk Mil &lt;script&gt;" in html and SCRIPT not in html
    assert "Đã hợp nhất" in row(html, 'data-unit="huyen-cu"')
    assert 'href="/units/new"' in html and 'href="/units/merge"' in html
    _, path, _, _, bearer = fakes.calls[-1]
    assert path == "/api/v1/units" and bearer.startswith("Bearer ey")


async def test_the_search_finds_cu_jut_without_diacritics(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/units", params={"q": "cu jut"})).text
    assert 'data-unit="huyen-cu-jut"' in html and 'data-unit="huyen-dak-mil"' not in html
    assert "Tìm thấy 1 đơn vị khớp với «cu jut»." in html and 'value="cu jut"' in html
    none = (await client.get("/units", params={"q": "<b>không có</b>"})).text
    assert "Không có đơn vị nào khớp với «&lt;b&gt;không có&lt;/b&gt;»." in none


@pytest.mark.parametrize("path", ["/units", "/units/huyen-cu-jut", "/units/new", "/units/merge"])
async def test_a_unit_reporter_gets_the_403_page(client, fakes, path):
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    page = await client.get(path)
    assert page.status_code == 403 and "Bạn không có quyền xem trang này." in page.text
    assert not fakes.calls and 'id="nav-units"' not in page.text


async def test_the_auditor_reads_but_does_not_write(client, fakes):
    csrf = await signed(client, fakes, ["auditor"], None)
    html = (await client.get("/units/huyen-cu-jut")).text
    assert "Bạn chỉ được xem" in (await client.get("/units")).text
    assert 'id="unt-rename-form"' not in html and 'id="unt-split-form"' not in html
    assert (await client.get("/units/new")).status_code == 403
    posted = await client.post("/units/huyen-cu-jut/rename", data={"csrf": csrf, "name_vi": "Mới"})
    assert posted.status_code == 403 and not fakes.sent("POST", "/api/v1/units/huyen-cu-jut/rename")


# -- a new unit ------------------------------------------------------------------------------------
async def test_a_new_unit_is_put_and_the_browser_redirected(client, fakes):
    csrf = await signed(client, fakes)
    form = (await client.get("/units/new", params={"parent": "huyen-cu-jut"})).text
    assert '<option value="huyen-cu-jut" selected>' in form and 'name="csrf"' in form
    answer = await client.post("/units/new", data={
        "csrf": csrf, "unit_id": "xa-moi", "name_vi": "Xã Mới", "unit_type": "commune", "parent_id": "huyen-cu-jut",
        "valid_from": "2025-01-01", "reason": "QĐ 1/2025"})
    assert answer.status_code == 303 and answer.headers["location"] == "/units/xa-moi?done=created"
    assert fakes.sent("PUT", "/api/v1/units/xa-moi") == [{
        "name_vi": "Xã Mới", "name_en": "", "reason": "QĐ 1/2025", "unit_type": "commune",
        "parent_id": "huyen-cu-jut", "valid_from": "2025-01-01"}]


async def test_a_new_unit_shows_intakes_field_errors_and_keeps_what_was_typed(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "unit_type", "reason": "Trường này là bắt buộc."},
        {"field": "name_vi", "reason": "Cần ít nhất 2 ký tự."}]})
    page = await client.post("/units/new", data={"csrf": csrf, "unit_id": "xa-moi", "name_vi": "X",
                                                 "name_en": "New <b>", "reason": "Lý do"})
    assert page.status_code == 422
    html = page.text
    assert 'id="err-unit_type-1">Trường này là bắt buộc.' in html and 'id="err-name_vi-1">Cần ít nhất 2 ký tự.' in html
    assert 'value="X"' in html and 'value="New &lt;b&gt;"' in html and ">Lý do</textarea>" in html
    assert 'aria-invalid="true" aria-describedby="err-name_vi-1"' in html


async def test_a_new_unit_refuses_an_id_taken_or_malformed_without_writing(client, fakes):
    csrf = await signed(client, fakes)
    taken = await client.post("/units/new", data={"csrf": csrf, "unit_id": "huyen-cu-jut", "name_vi": "Trùng"})
    assert taken.status_code == 409 and "Mã đơn vị &#39;huyen-cu-jut&#39; đã có trong danh mục" in taken.text
    bad = await client.post("/units/new", data={"csrf": csrf, "unit_id": "xã mới", "name_vi": "Xã Mới"})
    assert bad.status_code == 422 and "Mã đơn vị chỉ gồm chữ cái không dấu" in bad.text and 'value="xã mới"' in bad.text
    assert not [c for c in fakes.calls if c[0] == "PUT"]


async def test_a_form_without_the_csrf_token_is_refused(client, fakes):
    await signed(client, fakes)
    for path in ("/units/new", "/units/merge", "/units/huyen-cu-jut/rename", "/units/huyen-cu-jut/split"):
        answer = await client.post(path, data={"unit_id": "x", "name_vi": "Xã X"})
        assert answer.status_code == 403 and "Biểu mẫu đã hết hạn" in answer.text
    assert not [c for c in fakes.calls if c[0] in ("PUT", "POST")]


# -- a unit: lineage, rename, split ----------------------------------------------------------------
async def test_a_units_page_shows_its_data_and_lineage_as_links(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/units/huyen-cu-jut", params={"done": "renamed"})).text
    assert "<h1 id=\"unt-unit-name\">Huyện Cư Jút</h1>" in html and "Đã đổi tên đơn vị." in html
    assert '<a href="/units/tinh-dak-nong">Tỉnh Đắk Nông</a>' in html  # the parent by its name
    pred = row(html, 'data-unit="huyen-cu"')
    assert '<a href="/units/huyen-cu">Huyện Cũ &lt;script&gt;' in pred and "01/01/2025" in pred and "Đã hợp nhất" in pred
    assert "Không có đơn vị kế thừa." in html and SCRIPT not in html
    assert 'id="unt-rename-form"' in html and 'href="/units/merge?source=huyen-cu-jut"' in html
    echoed = (await client.get("/units/huyen-cu-jut", params={"done": "<b>hack</b>"})).text
    assert "hack" not in echoed
    assert (await client.get("/units/nope")).status_code == 404
    assert (await client.get("/units/..%2Fx")).status_code == 404


async def test_a_rename_posts_the_effective_date_and_redirects(client, fakes):
    csrf = await signed(client, fakes)
    answer = await client.post("/units/huyen-cu-jut/rename", data={
        "csrf": csrf, "name_vi": "Thị xã Cư Jút", "name_en": "", "effective": "2025-07-01", "reason": "NQ 5"})
    assert answer.status_code == 303 and answer.headers["location"] == "/units/huyen-cu-jut?done=renamed"
    assert fakes.sent("POST", "/api/v1/units/huyen-cu-jut/rename") == [
        {"name_vi": "Thị xã Cư Jút", "name_en": "", "reason": "NQ 5", "effective": "2025-07-01"}]


async def test_a_refused_rename_shows_the_reasons_next_to_its_fields_only(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "effective", "reason": "Trường này là bắt buộc."}]})
    page = await client.post("/units/huyen-cu-jut/rename", data={"csrf": csrf, "name_vi": "Tên mới", "reason": "R"})
    assert page.status_code == 422
    html = page.text
    rename = html[html.index('id="unt-rename-form"'):html.index('id="unt-split-form"')]
    split = html[html.index('id="unt-split-form"'):]
    assert "Trường này là bắt buộc." in rename and "Trường này là bắt buộc." not in split
    assert 'value="Tên mới"' in rename and ">R</textarea>" in rename
    assert fakes.sent("POST", "/api/v1/units/huyen-cu-jut/rename") == [{"name_vi": "Tên mới", "name_en": "",
                                                                        "reason": "R"}]


async def test_a_split_posts_the_filled_rows_and_numbers_errors_like_intake(client, fakes):
    csrf = await signed(client, fakes)
    data = {"csrf": csrf, "into.0.unit_id": "cu-jut-a", "into.0.name_vi": "Cư Jút A", "into.2.unit_id": "cu-jut-b",
            "into.2.name_vi": "Cư Jút B", "effective": "2025-07-01", "reason": "NQ 6"}
    answer = await client.post("/units/huyen-cu-jut/split", data=data)
    assert answer.status_code == 303 and answer.headers["location"] == "/units/huyen-cu-jut?done=split"
    assert fakes.sent("POST", "/api/v1/units/huyen-cu-jut/split") == [{
        "into": [{"unit_id": "cu-jut-a", "name_vi": "Cư Jút A"}, {"unit_id": "cu-jut-b", "name_vi": "Cư Jút B"}],
        "reason": "NQ 6", "effective": "2025-07-01"}]
    fakes.answer = (409, {"message": "Xung đột.", "errors": [
        {"field": "into.1.unit_id", "reason": "Mã đơn vị 'cu-jut-b' đã tồn tại."}]})
    page = await client.post("/units/huyen-cu-jut/split", data=data)
    assert page.status_code == 409
    assert 'id="err-into.1.unit_id-1">Mã đơn vị &#39;cu-jut-b&#39; đã tồn tại.' in page.text
    assert 'id="unt-split-1-id" value="cu-jut-b"' in page.text  # the second filled row is row 1


# -- a merge ---------------------------------------------------------------------------------------
async def test_a_merge_posts_sources_successor_and_date_and_goes_to_the_successor(client, fakes):
    csrf = await signed(client, fakes)
    form = (await client.get("/units/merge", params={"source": "huyen-cu-jut"})).text
    assert '<option value="huyen-cu-jut" selected>' in form and 'value="huyen-cu"' not in form  # ended: not offered
    answer = await client.post("/units/merge", data={
        "csrf": csrf, "sources": ["huyen-cu-jut", "huyen-dak-mil"], "into.unit_id": "huyen-cu-jut-dak-mil",
        "into.name_vi": "Huyện Cư Jút – Đắk Mil", "into.unit_type": "district", "into.parent_id": "tinh-dak-nong",
        "effective": "2025-07-01", "reason": "NQ 7"})
    assert answer.status_code == 303 and answer.headers["location"] == "/units/huyen-cu-jut-dak-mil?done=merged"
    assert fakes.sent("POST", "/api/v1/units/merge") == [{
        "sources": ["huyen-cu-jut", "huyen-dak-mil"],
        "into": {"unit_id": "huyen-cu-jut-dak-mil", "name_vi": "Huyện Cư Jút – Đắk Mil", "unit_type": "district",
                 "parent_id": "tinh-dak-nong"},
        "reason": "NQ 7", "effective": "2025-07-01"}]


async def test_a_refused_merge_keeps_the_choices_and_shows_each_reason(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "sources", "reason": "Cần ít nhất 2 phần tử."},
        {"field": "into.name_vi", "reason": "Trường này là bắt buộc."},
        {"field": "effective", "reason": "Trường này là bắt buộc."}]})
    page = await client.post("/units/merge", data={"csrf": csrf, "sources": ["huyen-cu-jut"],
                                                   "into.unit_id": "moi", "reason": "NQ"})
    assert page.status_code == 422
    html = page.text
    assert 'id="err-sources-1">Cần ít nhất 2 phần tử.' in html and 'id="err-into.name_vi-1">' in html
    assert 'id="err-effective-1">' in html and '<option value="huyen-cu-jut" selected>' in html
    assert 'id="unt-into-id" value="moi"' in html
