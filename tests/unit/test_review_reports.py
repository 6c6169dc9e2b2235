"""Issue 13: review reports on schedule — the schedule, the figures assembled from reporting's read
models (against plan and the previous period, rankings, exemplars, awards, timeliness), the DOCX
and PDF drafts, and what units and the board are told."""

import asyncio
import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from tests import documents_checks as checks
from tests.unit import review_fixtures as F
from thidua_common.contracts.review_report import ReviewDraftsReady, ReviewKind, ReviewReminder
from thidua_common.errors import Invalid
from thidua_common.settings import Settings
from thidua_notify.compose import review_drafts_message, review_reminder_message
from thidua_reporting.documents.pdf import to_pdf_many
from thidua_reporting.inbox.render import REVIEW_READY, REVIEW_REMINDER, Names, render
from thidua_reporting.reviews import clock
from thidua_reporting.reviews.assemble import assemble, counted_scores, for_unit
from thidua_reporting.reviews.render import Agency, board_report, unit_report
from thidua_reporting.reviews.schedule import drafts_due, reminder_due, reviews_of
from thidua_reporting.reviews.service import check_docx
from thidua_reporting.settings import ReportingSettings

AGENCY = Agency("UBND tỉnh Đắk Nông", "Hội đồng Thi đua - Khen thưởng", "HĐTĐKT", "Đắk Nông")
needs_tools = pytest.mark.skipif(bool(checks.tools_missing()), reason="LibreOffice / poppler-utils not installed")


# -- schedule -----------------------------------------------------------------------------------------
def test_each_review_covers_the_periods_ended_since_the_previous_one():
    interim, final = reviews_of(F.campaign(interim_reviews=["2026-07-15"], final_review="2027-01-20"))
    assert (interim.kind, interim.periods, interim.previous) == ("interim", ("2026-Q1", "2026-Q2"), ())
    # the final review covers the whole campaign; the interim review is its previous period
    assert final.kind == "final" and final.periods == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
    assert final.previous == ("2026-Q1", "2026-Q2")


def test_two_interim_reviews_split_the_year():
    first, second = reviews_of(F.campaign(interim_reviews=["2026-10-10", "2026-04-10"], final_review=None))
    assert first.periods == ("2026-Q1",) and second.periods == ("2026-Q2", "2026-Q3")
    assert second.previous == ("2026-Q1",)


def test_reminder_window_and_drafts_day():
    review = reviews_of(F.campaign())[0]  # 2026-07-15
    assert not reminder_due(review, date(2026, 7, 7), 7)
    assert reminder_due(review, date(2026, 7, 8), 7) and reminder_due(review, date(2026, 7, 14), 7)
    assert not reminder_due(review, date(2026, 7, 15), 7)
    assert not drafts_due(review, date(2026, 7, 14)) and drafts_due(review, date(2026, 7, 15))
    assert drafts_due(review, date(2026, 8, 14), 30) and not drafts_due(review, date(2026, 8, 15), 30)


def test_the_clock_override_holds_only_in_development():
    own = ReportingSettings(review_today=date(2026, 7, 15), review_clock_override=True)
    assert clock.today(Settings(environment="development"), own) == date(2026, 7, 15)
    assert clock.today(Settings(environment="production"), own) != date(2026, 7, 15) or date.today() == date(
        2026, 7, 15
    )
    assert clock.may_override(Settings(environment="development"), own)
    assert not clock.may_override(Settings(environment="production"), own)


# -- figures ------------------------------------------------------------------------------------------
def scores():
    return [
        # previous period (for the final review): the interim's quarters
        F.score("don-vi-1", "2026-Q1", 50, 80, 70),
        F.score("don-vi-1", "2026-Q2", 60, 85, 75),
        F.score("don-vi-2", "2026-Q2", 120, 95, 90, submitted_at=datetime(2026, 7, 30, tzinfo=UTC)),
        # a provisional score is superseded by the verified one of the same unit and period
        F.score("don-vi-2", "2026-Q2", 999, 10, 5, status="provisional"),
        # a withdrawn score does not count
        F.score("don-vi-3", "2026-Q1", 500, 50, 99, withdrawn=True),
        F.score("don-vi-3", "2026-Q2", 10, 50, 20, status="provisional"),
        # after the interim review
        F.score("don-vi-1", "2026-Q3", 90, 90, 80),
        F.score("don-vi-4", "2026-Q3", 30, 70, 40),
    ]


def awards():
    return [
        F.award("don-vi-1", "12/QĐ-UBND", "2026-05-01"),
        F.award("don-vi-2", "13/QĐ-UBND", "2026-06-01", "individual", "Nguyễn Thị Hoa"),
        F.award("don-vi-4", "40/QĐ-UBND", "2026-09-01"),  # after the interim review date
    ]


def test_verified_scores_count_over_provisional_and_withdrawn_ones_not_at_all():
    counted = counted_scores(scores())
    assert counted[("don-vi-2", "2026-Q2")]["status"] == "verified"
    assert ("don-vi-3", "2026-Q1") not in counted
    assert counted[("don-vi-3", "2026-Q2")]["status"] == "provisional"


def test_interim_figures_against_plan():
    interim = reviews_of(F.campaign())[0]
    figures = assemble(F.campaign(), interim, scores(), awards())
    households, coverage = figures.targets
    # counts add up: 4 unit-periods reported × target 100; 50 + 60 + 120 + 10 achieved
    assert (households.plan, households.actual) == (400, 240)
    assert households.pct == pytest.approx(60.0)
    assert households.achieved is False and households.provisional  # don-vi-3's figure is provisional
    # a percentage is averaged, not added: (80 + 85 + 95 + 50) / 4 against 90
    assert coverage.actual == pytest.approx(77.5) and coverage.plan == pytest.approx(90)
    assert households.previous_actual is None and households.change is None  # the first review
    assert figures.units_reported == 3 and figures.participants == 4


def test_final_figures_against_the_previous_period():
    final = reviews_of(F.campaign())[1]
    figures = assemble(F.campaign(), final, scores(), awards())
    households = figures.targets[0]
    assert households.actual == 240 + 90 + 30
    assert households.previous_actual == 240  # the interim review's periods
    assert households.change == pytest.approx(100 * (360 - 240) / 240)


def test_rankings_per_cluster_exemplars_awards_and_timeliness():
    interim = reviews_of(F.campaign())[0]
    figures = assemble(F.campaign(), interim, scores(), awards())
    by_unit = {s.unit_id: s for s in figures.standings}
    # missing reports count zero: mean over the two due quarters
    assert by_unit["don-vi-1"].score == pytest.approx(72.5) and by_unit["don-vi-2"].score == pytest.approx(45)
    assert by_unit["don-vi-3"].cluster_rank == 2 and by_unit["don-vi-1"].cluster_rank == 1
    assert [c for c, _ in figures.clusters] == ["Khối các huyện", "Khối sở ngành"]
    assert {e.unit_id for e in figures.exemplars} == {"don-vi-1", "don-vi-2"}
    assert [a.decision_number for a in figures.awards] == ["12/QĐ-UBND", "13/QĐ-UBND"]  # not the later one
    timely = {t.unit_id: t for t in figures.timeliness}
    assert (timely["don-vi-1"].on_time, timely["don-vi-1"].late, timely["don-vi-1"].missing) == (2, 0, 0)
    # Q2 sent on 30 July: after 30 June + 10 days' grace
    assert (timely["don-vi-2"].on_time, timely["don-vi-2"].late, timely["don-vi-2"].missing) == (0, 1, 1)
    assert timely["don-vi-4"].missing == 2


def test_a_unit_report_holds_only_its_own_figures():
    interim = reviews_of(F.campaign())[0]
    unit = for_unit(assemble(F.campaign(), interim, scores(), awards()), "don-vi-2")
    assert unit.targets[0].actual == 120 and unit.targets[0].plan == 100
    assert unit.standing is not None and unit.standing.cluster_rank == 1
    assert [a.decision_number for a in unit.awards] == ["13/QĐ-UBND"]


# -- documents ----------------------------------------------------------------------------------------
def drafts(narrative=None):
    campaign = F.campaign()
    interim = reviews_of(campaign)[0]
    figures = assemble(campaign, interim, scores(), awards())
    board = board_report(
        figures, AGENCY, "7/BC-HĐTĐKT", narrative or {}, campaign["launched_by"], date(2026, 1, 1),
        date(2026, 12, 31), interim.review_date,
    )
    return board, unit_report(for_unit(figures, "don-vi-1"), AGENCY)


def test_board_draft_has_the_sections_annexes_and_figures():
    board, _ = drafts({"assessment": "Phong trào được triển khai sâu rộng, đồng bộ."})
    checks.assert_docx_layout(board)
    text = checks.docx_text(board)
    for heading in (
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TRIỂN KHAI",
        "III. KẾT QUẢ THỰC HIỆN",
        "IV. ĐÁNH GIÁ CHUNG",
        "V. BÀI HỌC KINH NGHIỆM",
        "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ",
        "VII. ĐỀ XUẤT, KIẾN NGHỊ",
        "PHỤ LỤC 1",
        "PHỤ LỤC 2",
        "PHỤ LỤC 3",
    ):
        assert heading in text
    assert "Phong trào được triển khai sâu rộng, đồng bộ." in text  # the board's text, not the prompt
    assert "[Dự thảo — bổ sung các bài học" in text  # an empty section says what to write
    assert "Số: 7/BC-HĐTĐKT" in text and "Đắk Nông, ngày 15 tháng 7 năm 2026" in text
    assert "thực hiện 240 hộ / kế hoạch 400, đạt 60%" in text
    assert "Đơn vị số 1: dẫn đầu Khối các huyện với 72,5 điểm" in text
    assert "1 tập thể và 1 cá nhân" in text
    annex = Document(io.BytesIO(board)).tables
    headers = [[c.text for c in t.rows[0].cells] for t in annex]
    assert ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "%", "Ghi chú"] in headers
    targets = next(t for t in annex if t.rows[0].cells[1].text == "Chỉ tiêu")
    assert [c.text for c in targets.rows[1].cells][:5] == ["1", "Số hộ thoát nghèo (hộ)", "400", "240", "60"]
    assert "Chưa đạt kế hoạch" in targets.rows[1].cells[5].text


def test_unit_draft_shows_its_results_rank_and_timeliness():
    _, unit = drafts()
    checks.assert_docx_layout(unit)
    text = checks.docx_text(unit)
    assert "ĐƠN VỊ SỐ 1" in text  # the unit issues its own report
    assert "thực hiện 110 hộ / kế hoạch 200, đạt 55%" in text
    assert "xếp hạng 1 trong Khối các huyện" in text
    assert "phải báo cáo 2 kỳ; đúng hạn 2; trễ hạn 0; chưa báo cáo 0" in text
    assert "12/QĐ-UBND" in text and "13/QĐ-UBND" not in text


@needs_tools
def test_drafts_as_pdf_pass_the_file_checks(tmp_path):
    board, unit = drafts()
    board_pdf, unit_pdf = asyncio.run(to_pdf_many([board, unit]))
    for name, pdf, number in (("review-board", board_pdf, "7/BC-HĐTĐKT"), ("review-unit", unit_pdf, "/BC")):
        assert checks.assert_a4(pdf, tmp_path, name) >= 1
        checks.assert_only_liberation_serif(pdf, tmp_path, name)
        text = checks.pdf_text(pdf, tmp_path, name)
        checks.assert_header(text, number)
        assert "Đắk Nông, ngày" in text
        checks.save_first_page(pdf, tmp_path, name)
    assert "Kế hoạch" in checks.pdf_text(board_pdf, tmp_path, "board-again")


def test_an_upload_must_be_a_docx():
    board, _ = drafts()
    check_docx(board)
    for bad in (b"plain text", b"PK\x03\x04 not really a zip", b""):
        with pytest.raises(Invalid) as caught:
            check_docx(bad)
        assert caught.value.errors[0].field == "file"


# -- telling units and the board ----------------------------------------------------------------------
def test_mails_in_vietnamese_with_the_date_and_the_document():
    reminder = ReviewReminder(
        campaign_id="pt-so-ket", campaign_name_vi="Chung sức xây dựng nông thôn mới", review_kind=ReviewKind.interim,
        review_date=date(2026, 7, 15), days_before=5, unit_id="don-vi-1", unit_name_vi="Đơn vị số 1",
    )
    subject, body = review_reminder_message(reminder, "Đơn vị số 1")
    assert subject == "[Thi đua] Nhắc kỳ sơ kết phong trào «Chung sức xây dựng nông thôn mới» ngày 15/07/2026"
    assert "Kính gửi Đơn vị số 1" in body and "Còn 5 ngày" in body
    ready = ReviewDraftsReady(
        campaign_id="pt-so-ket", campaign_name_vi="Chung sức", review_kind=ReviewKind.final,
        review_date=date(2027, 1, 20), board_document_id="a" * 24, version=2, unit_documents=4,
        generated_at=datetime(2027, 1, 20, tzinfo=UTC),
    )
    subject, body = review_drafts_message(ready)
    assert "tổng kết" in subject and "phiên bản 2" in subject
    assert f"/api/v1/documents/{'a' * 24}?format=docx" in body and "4 đơn vị" in body
    assert "final review" in review_drafts_message(ready, "en")[0]


def test_inbox_renders_review_notifications_in_either_language():
    doc = {
        "kind": REVIEW_REMINDER, "period": "2026-Q2", "created_at": datetime(2026, 7, 10, tzinfo=UTC),
        "facts": {"review_kind": "interim", "review_date": "2026-07-15", "days": 5},
    }
    title, body = render(doc, Names(campaign="Nông thôn mới", unit="Đơn vị số 1"), "vi")
    assert title == "Sắp đến kỳ sơ kết phong trào «Nông thôn mới» (15/07/2026)" and "Còn 5 ngày" in body
    ready = {**doc, "kind": REVIEW_READY, "facts": {**doc["facts"], "version": 3}}
    title, _ = render(ready, Names(campaign="Nông thôn mới", unit=""), "en")
    assert title == "Draft interim review report of “Nông thôn mới” ready (version 3)"


async def test_the_inbox_lists_a_board_notification_that_names_no_unit():
    from thidua_reporting.inbox.service import _names

    class Found:
        def __init__(self, docs):
            self.docs = docs

        def __aiter__(self):
            async def gen():
                for d in self.docs:
                    yield d

            return gen()

    class Db:
        campaigns = type("C", (), {"find": lambda self, q, projection=None: Found([F.campaign()])})()
        units = type("U", (), {"find": lambda self, q: Found([])})()

    docs = [
        {"_id": "t/1", "campaign_id": "pt-so-ket", "unit_id": None},
        {"_id": "t/2", "campaign_id": "pt-so-ket", "unit_id": "don-vi-9"},  # a unit no longer listed
    ]
    names = await _names(Db(), "daknong", docs, "vi")  # a None beside unit ids once failed sorting (a 500)
    assert names["t/1"].unit == "" and names["t/2"].unit == "don-vi-9"


def test_the_inbox_answer_allows_a_notification_about_no_unit():
    from thidua_reporting.inbox.views import NotificationItem

    item = NotificationItem(id="e1", kind="review.drafts_ready", title="t", body="b", campaign_id="pt-so-ket",
                            unit_id=None, period="2026-Q2", submission_id=None, created_at="2027-01-15T00:00:00Z", read=False)
    assert item.unit_id is None  # once a required string: the board's inbox answered 500
