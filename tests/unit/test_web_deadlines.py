"""Issue 15: the reporter's campaign page shows each period's due date and, when the unit's report
is late, by how many working days (intake's GET /api/v1/campaigns/{id}/deadlines)."""

from datetime import date

from thidua_web.reporter.deadlines import PeriodDeadline, period_deadlines

from .test_web_reporter import UNIT, client, fakes, signed_in  # noqa: F401  (fixtures)

ANSWER = {
    "campaign_id": "c1",
    "periods": [
        {"period": "2026-Q1", "ends_on": "2026-03-31", "due_on": "2026-04-14"},
        {"period": "2026-Q2", "ends_on": "2026-06-30", "due_on": "2026-07-14"},
    ],
    "units": [
        {"unit_id": UNIT, "period": "2026-Q1", "late": True, "working_days_late": 3},
        {"unit_id": UNIT, "period": "2026-Q2", "late": False, "working_days_late": 0},
        {"unit_id": "another", "period": "2026-Q2", "late": True, "working_days_late": 9},
    ],
}


def test_due_dates_and_lateness_by_period():
    found = period_deadlines(ANSWER, UNIT)
    assert found["2026-Q1"] == PeriodDeadline(date(2026, 4, 14), 3)
    assert found["2026-Q2"] == PeriodDeadline(date(2026, 7, 14), None)  # another unit's lateness is not mine
    assert period_deadlines(None, UNIT) == {}


async def test_the_campaign_page_shows_due_dates_and_working_days_late(client, fakes):  # noqa: F811
    # a canned answer through the fake's refusal table (it answers any status it is given)
    fakes.refusals[("GET", "/api/v1/campaigns/c1/deadlines")] = (200, ANSWER)
    await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1")
    assert page.status_code == 200
    assert "Hạn báo cáo" in page.text and "14/04/2026" in page.text
    assert "quá hạn 3 ngày làm việc" in page.text and "quá hạn 9" not in page.text
    [(_, _, query, _)] = fakes.sent("GET", "/api/v1/campaigns/c1/deadlines")
    assert query == {"unit": UNIT}


async def test_without_intakes_deadlines_the_page_has_no_due_date_column(client, fakes):  # noqa: F811
    await signed_in(client, fakes)
    page = await client.get("/my/campaigns/c1")
    assert page.status_code == 200 and "Hạn báo cáo" not in page.text
