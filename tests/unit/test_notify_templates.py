"""issue 15: channels — per-tenant templates: rendered in Jinja2's sandbox with sample data before
they are saved, used for the tenant's mails in the recipient's language, the catalogue's text
otherwise; the CLI previews a template without a database."""

import asyncio
import json
from datetime import UTC, date, datetime

import pytest

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import REVIEW_DRAFTS_READY, REVIEW_REMINDER
from thidua_common.contracts.review_report import ReviewDraftsReady, ReviewReminder
from thidua_notify import admin, templates
from thidua_notify.service import NotifyService

from .fake_mongo import FakeDb


def test_a_template_renders_with_the_sample_data():
    subject, body = templates.check("mail.review.ready", "vi", "Dự thảo {{ kind }} — {{ campaign }}",
                                    "Phiên bản {{ version }}, {{ units }} đơn vị.\n")
    assert subject == "Dự thảo sơ kết — Đắk Nông chung tay vì người nghèo"
    assert body == "Phiên bản 2, 71 đơn vị.\n"


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [
        ("{{ nonexistent }}", "x", "subject"),
        ("ok", "{{ campaign.__class__.__mro__ }}", "body"),  # the sandbox refuses Python internals
        ("ok", "{% if %}", "body"),
        ("", "x", "subject"),
        ("a{{ '\\n' }}b", "x", "subject"),
    ],
)
def test_a_template_that_does_not_render_safely_is_refused_naming_its_field(subject, body, field):
    with pytest.raises(templates.TemplateInvalid) as refused:
        templates.check("mail.review.ready", "vi", subject, body)
    assert refused.value.field == field


def test_unknown_kinds_and_languages_are_refused():
    with pytest.raises(templates.TemplateInvalid, match="kind"):
        templates.check("mail.nope", "vi", "a", "b")
    with pytest.raises(templates.TemplateInvalid, match="lang"):
        templates.check("mail.review.ready", "fr", "a", "b")


def test_the_preview_without_a_template_is_the_catalogues_text_in_each_language():
    vi, en = templates.preview("mail.review.ready", "vi"), templates.preview("mail.review.ready", "en")
    assert vi[0].startswith("[Thi đua] Dự thảo báo cáo sơ kết") and en[0].startswith("[Thi Đua] Draft")


class Settings:
    escalation_email = "ban-tdkt@thidua.local"


def service(db) -> NotifyService:
    return NotifyService(db, {}, publisher=None, settings=Settings())  # type: ignore[arg-type]


def test_the_tenants_template_is_used_for_its_mails_and_others_keep_the_catalogue():
    async def run():
        db = FakeDb()
        await templates.save(db, "daknong", "mail.review.ready", "vi", "Dự thảo {{ campaign }}", "Bản {{ version }}")
        ready = ReviewDraftsReady(campaign_id="c1", campaign_name_vi="Dân vận khéo", review_kind="final",
                                  review_date=date(2026, 12, 1), board_document_id="d1", version=3,
                                  unit_documents=5, generated_at=datetime.now(UTC))
        own = new_event(type=REVIEW_DRAFTS_READY, source="/t", tenant="daknong", data=ready)
        other = new_event(type=REVIEW_DRAFTS_READY, source="/t", tenant="kontum", data=ready)
        mine = await service(db)._message(own, "d:email")
        theirs = await service(db)._message(other, "d2:email")
        assert (mine.subject, mine.body) == ("Dự thảo Dân vận khéo", "Bản 3")
        assert theirs.subject.startswith("[Thi đua] Dự thảo báo cáo tổng kết")

    asyncio.run(run())


def test_a_unit_that_reads_english_gets_the_english_template():
    async def run():
        db = FakeDb()
        await templates.save(db, "daknong", "mail.review.reminder", "en", "{{ days }} days left", "Dear {{ unit }}")
        await db.directory.insert_one({"_id": "daknong/c1", "tenant": "daknong", "revision": 1, "participants": [
            {"unit_id": "u1", "name_vi": "Huyện Cư Jút", "email": "u1@x.vn", "language": "en"}]})
        reminder = ReviewReminder(campaign_id="c1", campaign_name_vi="Dân vận khéo", unit_id="u1",
                                  review_kind="interim", review_date=date(2026, 6, 30), days_before=7)
        message = await service(db)._message(new_event(type=REVIEW_REMINDER, source="/t", tenant="daknong",
                                                       data=reminder), "r:email")
        assert (message.subject, message.body) == ("7 days left", "Dear Huyện Cư Jút")

    asyncio.run(run())


def test_the_cli_previews_a_template_file_without_a_database(tmp_path, capsys):
    (tmp_path / "s.j2").write_text("{{ units }} đơn vị", encoding="utf-8")
    (tmp_path / "b.j2").write_text("{{ campaign }}", encoding="utf-8")
    admin.main(["templates", "preview", "--kind", "mail.review.ready", "--subject-file", str(tmp_path / "s.j2"),
                "--body-file", str(tmp_path / "b.j2")])
    out = json.loads(capsys.readouterr().out)
    assert out == {"subject": "71 đơn vị", "body": "Đắk Nông chung tay vì người nghèo"}
