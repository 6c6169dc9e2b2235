"""Issue 11, the editor's «Xem thử điểm» (services/web, editor/preview*.py) against a fake intake and
a fake scoring at http://scoring.test that answers with scoring's own preview function (so the
page shows what scoring computes): the form's rows, the body sent (values, targets, bearer,
language), the result table, field errors next to the inputs (the console's own and scoring's),
nothing sent on a bad number, CSRF, roles, the draft carried from the editor, escaping."""

import json
import re
from html import unescape
from urllib.parse import urlencode

import httpx
import pytest

from thidua_common.errors import DomainError
from thidua_common.settings import Settings
from thidua_scoring.preview import parse, preview
from thidua_scoring.scorers import load_scorers
from thidua_web.config import WebSettings
from thidua_web.editor import preview as pv
from thidua_web.main import build_app

from .test_web_console import ISSUER
from .test_web_editor import CAMPAIGN, SCRIPT, EditorFakes, form_of
from .web_console_app import signed_in

SCORERS = load_scorers()


class PreviewFakes(EditorFakes):
    def __init__(self):
        super().__init__()
        self.scored: list[tuple[dict, str, str]] = []  # body, bearer, language
        self.scoring_status: int | None = None  # force an answer (e.g. 502)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "scoring.test":
            return super().__call__(request)
        assert request.method == "POST" and request.url.path == "/api/v1/preview"
        body = json.loads(request.content)
        lang = request.headers["accept-language"]
        self.scored.append((body, request.headers["authorization"], lang))
        if self.scoring_status:
            return httpx.Response(self.scoring_status, text="boom")
        try:
            answer = preview(parse(request.content), SCORERS, lang)
        except DomainError as exc:
            return httpx.Response(422, json={"message": exc.message(lang),
                                             "errors": [e.render(lang) for e in exc.errors], "correlation_id": "x"})
        return httpx.Response(200, json=answer.model_dump(mode="json"))


@pytest.fixture
def fakes():
    return PreviewFakes()


@pytest.fixture
async def client(fakes):
    settings = Settings(oidc_issuer=ISSUER, environment="development")
    web = WebSettings(public_url="http://console.test", reporting_url="http://reporting.test",
                      intake_url="http://intake.test", scoring_url="http://scoring.test")
    http = httpx.AsyncClient(transport=httpx.MockTransport(fakes))
    app = build_app(settings, web, http)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test") as c:
        c.app = app
        yield c
    await http.aclose()


async def signed(client, fakes, roles=None, unit="so-noi-vu") -> str:
    return await signed_in(client, fakes, roles or ["board_officer"], unit)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def cell(html: str, table: str, criterion: str) -> str:
    start = html.index(f'id="{table}"')
    row = re.search(rf'<tr[^>]*data-criterion="{criterion}"[^>]*>(.*?)</tr>', html[start:], re.S)
    assert row, criterion
    return " ".join(text_of(row.group(1)).split())


async def test_the_page_lists_the_tree_with_an_input_per_leaf_and_escapes_names(client, fakes):
    await signed(client, fakes)
    response = await client.get("/editor/c1/preview")
    assert response.status_code == 200
    html = response.text
    assert 'name="value.ho-thoat-ngheo"' in html and 'name="target.ho-thoat-ngheo"' in html
    assert 'name="value.danh-gia"' in html and 'name="value.kinh-te"' not in html  # a group has no input
    assert 'placeholder="100"' in html  # the criterion's own target, as a hint
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert 'for="pv-value-ho-thoat-ngheo"' in html  # every input has its label
    assert fakes.scored == []


async def test_a_sample_is_scored_by_scoring_and_shown_with_the_engines_explanations(client, fakes):
    csrf = await signed(client, fakes)
    form = {"csrf": csrf, "value.ho-thoat-ngheo": "2", "value.danh-gia": "3,5", "target.ho-thoat-ngheo": "150"}
    response = await client.post("/editor/c1/preview", data=form)
    assert response.status_code == 200, response.text
    body, bearer, lang = fakes.scored[-1]
    assert body["values"] == {"ho-thoat-ngheo": 2, "danh-gia": 3.5} and body["targets"] == {"ho-thoat-ngheo": 150}
    assert body["criteria"] == CAMPAIGN["criteria"] and "max_total" not in body
    assert bearer.startswith("Bearer ") and lang == "vi"
    expected = preview(parse(json.dumps(body).encode()), SCORERS, "vi")
    html = response.text
    total = text_of(html[html.index('id="pv-total"'):]).split("\n")[0]
    assert f"{expected.total:.0f}".replace(".", ",") in total
    leaf = cell(html, "pv-lines", "ho-thoat-ngheo")
    assert "60 / 60" in leaf and "2 ≥ 1,5: đạt" in leaf and "chỉ tiêu mẫu" in leaf
    assert "Cộng các tiêu chí con" in cell(html, "pv-lines", "kinh-te")
    assert 'value="3,5"' in html  # what was typed is kept


async def test_the_preview_answers_in_english_when_the_user_chose_english(client, fakes):
    csrf = await signed(client, fakes)
    client.cookies.set("lang", "en")
    response = await client.post("/editor/c1/preview", data={"csrf": csrf, "value.ho-thoat-ngheo": "0"})
    assert response.status_code == 200
    assert fakes.scored[-1][2] == "en"
    assert "0 ≥ 1.5: fail" in cell(response.text, "pv-lines", "ho-thoat-ngheo")


async def test_a_value_that_is_not_a_number_is_refused_next_to_its_input_and_nothing_is_sent(client, fakes):
    csrf = await signed(client, fakes)
    response = await client.post("/editor/c1/preview", data={"csrf": csrf, "value.danh-gia": "nhiều"})
    assert response.status_code == 422
    html = response.text
    assert 'id="pv-value-danh-gia-err">Phải là một số' in html and 'aria-invalid="true"' in html
    assert 'value="nhiều"' in html and fakes.scored == []


async def test_scorings_refusal_is_shown_next_to_the_input_it_names(client, fakes):
    csrf = await signed(client, fakes)
    response = await client.post("/editor/c1/preview", data={"csrf": csrf, "value.danh-gia": "-3"})
    assert response.status_code == 422
    html = response.text
    assert re.search(r'id="pv-value-danh-gia-err">[^<]*ngoài khoảng cho phép', html)
    assert 'id="pv-result"' not in html


async def test_a_definition_scoring_refuses_is_told_above_the_form(client, fakes):
    fakes.campaign["criteria"][1]["scorer"] = "khong-cai-dat"
    csrf = await signed(client, fakes)
    response = await client.post("/editor/c1/preview", data={"csrf": csrf, "value.danh-gia": "3"})
    assert response.status_code == 422
    assert "criteria.1.scorer:" in text_of(response.text) and "khong-cai-dat" in text_of(response.text)


async def test_csrf_is_required_and_roles_are_checked(client, fakes):
    await signed(client, fakes)
    response = await client.post("/editor/c1/preview", data={"value.danh-gia": "3"})
    assert response.status_code == 403 and fakes.scored == []
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    assert (await client.get("/editor/c1/preview")).status_code == 403
    csrf = await signed(client, fakes, ["chairperson"], None)
    page = await client.get("/editor/c1/preview")
    assert page.status_code == 200 and 'id="pv-back"' not in page.text  # the editor itself is not theirs
    assert (await client.post("/editor/c1/preview", data={"csrf": csrf, "value.danh-gia": "3"})).status_code == 200


async def test_scoring_unreachable_is_the_error_page_not_a_crash(client, fakes):
    fakes.scoring_status = 502
    csrf = await signed(client, fakes)
    response = await client.post("/editor/c1/preview", data={"csrf": csrf, "value.danh-gia": "3"})
    assert response.status_code == 502 and "Không lấy được dữ liệu" in response.text


async def test_the_editors_draft_is_previewed_unsaved_and_carried_on_the_form(client, fakes):
    csrf = await signed(client, fakes)
    editor = await client.get("/editor/c1")
    assert 'formaction="/editor/c1/preview/draft"' in editor.text and 'href="/editor/c1/preview"' in editor.text
    fields = [(k, v if k != "criteria.1.max_points" else "30") for k, v in form_of(editor.text)]
    response = await client.post(
        "/editor/c1/preview/draft",
        content=urlencode([*fields, ("csrf", csrf)]).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    assert "bản nháp" in response.text and 'name="draft"' in response.text
    assert fakes.sent("PUT", "/api/v1/campaigns/c1") == []  # nothing saved
    draft = unescape(re.search(r'name="draft" value="([^"]*)"', response.text).group(1))
    response = await client.post("/editor/c1/preview", data={"csrf": csrf, "draft": draft, "value.danh-gia": "5"})
    assert response.status_code == 200
    body = fakes.scored[-1][0]
    assert body["criteria"][1]["max_points"] == 30  # the draft's, not the saved 20
    assert "30 / 30" in cell(response.text, "pv-lines", "danh-gia")


async def test_a_new_campaigns_saved_preview_does_not_exist(client, fakes):
    await signed(client, fakes)
    assert (await client.get("/editor/new/preview")).status_code == 404
    assert (await client.get("/editor/BAD..id/preview")).status_code == 404


def test_read_sample_takes_numbers_of_known_leaves_only():
    values, targets, typed, errors = pv.read_sample(
        [("value.a", "1.234,5"), ("value.b", ""), ("target.a", "7.5"), ("value.x", "1"), ("value.c", "abc")],
        ["a", "b", "c"],
    )
    assert values == {"a": 1234.5} and targets == {"a": 7.5}
    assert errors == {"value.c": "ed_pv_err_number"} and "value.x" not in typed


def test_place_puts_scorings_errors_next_to_the_inputs_and_the_rest_above():
    placed, loose = pv.place(
        [{"field": "values.a", "reason": "r1"}, {"field": "targets.a", "reason": "r2"},
         {"field": "criteria.0.scorer", "reason": "r3"}, {"field": "values.zz", "reason": "r4"}],
        {"value.a", "target.a"},
    )
    assert placed == {"value.a": ["r1"], "target.a": ["r2"]}
    assert loose == ["criteria.0.scorer: r3", "values.zz: r4"]


def test_rows_and_result_rows_know_each_criterions_level():
    tree = [{"id": "g", "name_vi": "G", "children": [{"id": "h", "name_vi": "H", "children": [{"id": "l", "name_vi": "L"}]}]}]
    assert [(r.id, r.level, r.leaf) for r in pv.rows(tree, "vi")] == [("g", 1, False), ("h", 2, False), ("l", 3, True)]
    answer = {"criteria": [{"criterion_id": "g", "parent_id": None}, {"criterion_id": "h", "parent_id": "g"},
                           {"criterion_id": "l", "parent_id": "h"}]}
    assert [r.level for r in pv.result_rows(answer)] == [1, 2, 3]
    assert pv.definition_from_text("not json") is None and pv.definition_from_text("[1]") is None


async def test_a_new_campaigns_draft_is_previewed_before_it_is_ever_saved(client, fakes):
    csrf = await signed(client, fakes)
    editor = await client.get("/editor/new")
    assert 'formaction="/editor/new/preview/draft"' in editor.text and 'id="ed-preview"' not in editor.text
    typed = {"criteria.0.id": "tieu-chi-moi", "criteria.0.name_vi": "Tiêu chí mới", "criteria.0.max_points": "10",
             "criteria.0.target": "4"}  # fmt: skip
    fields = [(k, typed.get(k, v)) for k, v in form_of(editor.text)]
    response = await client.post(
        "/editor/new/preview/draft",
        content=urlencode([*fields, ("csrf", csrf)]).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    assert 'action="/editor/new/preview"' in response.text
    draft = unescape(re.search(r'name="draft" value="([^"]*)"', response.text).group(1))
    assert json.loads(draft)["criteria"][0]["id"] == "tieu-chi-moi"
    form = {"csrf": csrf, "draft": draft, "value.tieu-chi-moi": "1"}
    response = await client.post("/editor/new/preview", data=form)
    assert response.status_code == 200 and 'id="pv-result"' in response.text
    assert "2,5 / 10" in cell(response.text, "pv-lines", "tieu-chi-moi")  # 10 × 1/4
    assert fakes.scored[-1][0]["values"] == {"tieu-chi-moi": 1}
    assert not [c for c in fakes.calls if c[0] in ("PUT", "POST")]  # nothing saved
