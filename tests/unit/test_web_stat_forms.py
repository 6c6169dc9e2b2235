"""Issue 13 item 4: the statutory forms on the board's pages: the section on /board (links for the
year, a form choosing form, year and file type) and /board/forms passing reporting's file on as a
download, refusing a bad choice by field in Vietnamese, telling reporting's refusal."""

from datetime import date

import httpx
import pytest

from thidua_web.stat_forms import models

from .test_web_board import BoardFakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FormFakes(BoardFakes):
    def __init__(self):
        super().__init__()
        self.form_status = 200
        self.intake = None  # another fake answering for intake (the campaign editor's)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.intake is not None and request.url.host == "intake.test":
            return self.intake(request)
        if request.url.host == "reporting.test" and request.url.path.startswith("/api/v1/forms/"):
            self.calls.append(("reporting.test", request.url.path, dict(request.url.params)))
            if self.form_status != 200:
                return httpx.Response(self.form_status, json={"message": "Chưa tạo được bản PDF của biểu mẫu"})
            fmt = request.url.params["format"]
            media = XLSX if fmt == "xlsx" else "application/pdf"
            return httpx.Response(200, content=b"FILE-" + fmt.encode(), headers={
                "content-type": media, "content-disposition": f'attachment; filename="bieu.{fmt}"'})
        return super().__call__(request)


@pytest.fixture
def fakes():
    return FormFakes()


def test_choices_are_read_by_field():
    assert models.read("0602", "2026", "pdf").complete
    bad = models.read("0699", "20x6", "doc")
    assert bad.errors == {"form": "sf_bad_form", "year": "sf_bad_year", "format": "sf_bad_format"}
    assert models.read("0601", "1999", "xlsx").errors == {"year": "sf_bad_year"}
    assert not models.read(None, None, None).complete and not models.read(None, None, None).errors
    assert models.default_year(date(2026, 11, 30)) == 2025 and models.default_year(date(2026, 12, 1)) == 2026


async def test_the_board_page_has_the_forms_section_with_links_for_the_year(client, fakes):
    await signed_in(client, fakes, ["board_officer"], None)
    html = (await client.get("/board?year=2025")).text
    assert 'id="sf-forms"' in html and "Biểu mẫu thống kê (TT 02/2023)" in html
    for slug in ("0601", "0602", "0603"):
        assert f'href="/board/forms?form={slug}&amp;year=2025&amp;format=xlsx"' in html
        assert f'href="/board/forms?form={slug}&amp;year=2025&amp;format=pdf"' in html
    assert 'for="sf-year"' in html and 'for="sf-form"' in html


async def test_a_form_is_downloaded_from_reporting_as_the_caller(client, fakes):
    await signed_in(client, fakes, ["chairperson"], None)
    r = await client.get("/board/forms?form=0602&year=2026&format=pdf")
    assert r.status_code == 200 and r.content == b"FILE-pdf"
    assert r.headers["content-type"] == "application/pdf" and r.headers["content-disposition"].startswith("attachment")
    assert r.headers["cache-control"] == "no-store"
    assert ("reporting.test", "/api/v1/forms/0602", {"year": "2026", "format": "pdf"}) in fakes.calls


async def test_a_bad_choice_is_refused_by_field_without_calling_reporting(client, fakes):
    await signed_in(client, fakes, ["board_officer"], None)
    r = await client.get("/board/forms?form=0601&year=20x6&format=xlsx")
    assert r.status_code == 422 and 'id="sf-err-year"' in r.text and 'value="20x6"' in r.text
    assert "Năm phải là số có bốn chữ số" in r.text
    assert not [c for c in fakes.calls if c[1].startswith("/api/v1/forms/")]


async def test_reporting_refusing_is_told_on_the_page(client, fakes):
    fakes.form_status = 503
    await signed_in(client, fakes, ["board_officer"], None)
    r = await client.get("/board/forms?form=0603&year=2026&format=pdf")
    assert r.status_code == 502 and 'id="sf-failure"' in r.text and "Chưa tạo được bản PDF" in r.text


async def test_unit_roles_get_the_403_page(client, fakes):
    await signed_in(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    r = await client.get("/board/forms?form=0601&year=2026&format=xlsx")
    assert r.status_code == 403
    assert not [c for c in fakes.calls if c[1].startswith("/api/v1/forms/")]


def test_the_campaign_editor_keeps_scope_and_launch_level_on_save():
    """Saving in the console must not reset what 0601.N counts (a PUT replaces the whole definition)."""
    from thidua_web.editor import models as editor

    draft = {k: "" for k in editor.GENERAL} | {"start": "01/01/2026", "end": "31/12/2026", "name_vi": "Phong trào"}
    draft |= {"scope": "cluster", "launch_level": "agency"}
    body, errors = editor.to_body(draft, {})
    assert not errors and body["scope"] == "cluster" and body["launch_level"] == "agency"
    body, _ = editor.to_body({**draft, "scope": "", "launch_level": ""}, {})
    assert body["scope"] == body["launch_level"] == "ministry_province"


async def test_the_campaign_editor_shows_and_saves_scope_and_launch_level(client, fakes):
    from .test_web_editor import EditorFakes, _post, form_of, with_

    editor = fakes.intake = EditorFakes()
    editor.campaign |= {"scope": "cluster", "launch_level": "agency"}
    csrf = await signed_in(client, fakes, ["board_officer"], "so-noi-vu")
    page = (await client.get("/editor/c1")).text
    assert 'for="ed-scope"' in page or "Phạm vi phong trào" in page
    assert '<option value="cluster" selected>' in page and '<option value="agency" selected>' in page
    typed = with_(form_of(page), launch_level="central", reason="Cấp Trung ương phát động")
    response = await _post(client, "/editor/c1", typed + [("csrf", csrf), ("action", "save")])
    assert response.status_code == 303
    (body,) = editor.sent("PUT", "/api/v1/campaigns/c1")
    assert body["scope"] == "cluster" and body["launch_level"] == "central"


def test_the_award_kind_form_keeps_and_sets_the_statistics_fields():
    """Saving an award kind in the console must not drop how 0602/0603 count it (a PUT replaces it)."""
    from thidua_web.commendation import models as cmd

    saved = {"id": "bk-ttg", "name_vi": "Bằng khen của Thủ tướng", "nominee_kind": "collective", "chain": [],
             "disclosure_days": 10, "vote_threshold": 0.8, "comment_roles": ["board_officer"],
             "level": "state", "form": "pm_certificate", "recipient_type": "enterprise"}
    form = cmd.award_form(saved, 3, "vi")
    assert (form.level, form.stat_form, form.recipient_type) == ("state", "pm_certificate", "enterprise")
    body, _ = cmd.award_body(form, saved)
    assert (body["level"], body["form"], body["recipient_type"]) == ("state", "pm_certificate", "enterprise")
    posted = cmd.read_award_form({"level": "ministry_province", "stat_form": "certificate", "recipient_type": ""},
                                 ["board_officer"])
    body, _ = cmd.award_body(posted, None)
    assert body["level"] == "ministry_province" and body["form"] == "certificate" and "recipient_type" not in body
