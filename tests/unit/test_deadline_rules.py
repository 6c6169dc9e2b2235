"""Deadlines of reports and reviews in working days, the escalation ladder (once per step, stopped
by the report), quiet hours (delayed, not dropped) and the daily digest (issue 15, items 1-2)."""

from datetime import UTC, date, datetime, time

import pytest

from thidua_common.calendar import date_range
from thidua_common.deadlines import (
    DEFAULT_REPORT_LADDER,
    DEFAULT_REVIEW_LADDER,
    Notice,
    QuietHours,
    Step,
    digest_groups,
    is_late,
    on_time_rate,
    passed_over,
    report_due_date,
    review_due_date,
    step_day,
    steps_due,
    validate_ladder,
    working_days_late,
)

HOLIDAYS = frozenset([date(2025, 1, 1), *date_range(date(2025, 1, 25), date(2025, 2, 2))])
DUE = date(2025, 1, 15)  # 2024-Q4 + 10 working days with New Year's Day off


def test_report_due_date_counts_working_days_after_the_period_skipping_holidays():
    assert report_due_date("2024-Q4", 10, HOLIDAYS) == date(2025, 1, 15)
    assert report_due_date("2024-Q4", 10) == date(2025, 1, 14)  # without the holiday
    # January 2025 ends inside Tết (a Friday): counting starts after the holiday week-end
    assert report_due_date("2025-01", 3, HOLIDAYS) == date(2025, 2, 5)
    assert report_due_date("2024", 1) == date(2025, 1, 1)  # a year; no holidays given
    assert report_due_date("2024", 1, HOLIDAYS) == date(2025, 1, 2)


def test_review_due_date_and_lateness():
    assert review_due_date(date(2025, 1, 24), 2, HOLIDAYS) == date(2025, 2, 4)  # over Tết
    assert working_days_late(DUE, date(2025, 1, 14), HOLIDAYS) == 0
    assert working_days_late(DUE, date(2025, 1, 20), HOLIDAYS) == 3
    assert not is_late(DUE, DUE) and not is_late(DUE, date(2025, 1, 14))
    assert is_late(DUE, date(2025, 1, 16))
    # due on the Friday before Tết: a report during Tết is late, by 0 working days; the first day back by 1
    assert is_late(date(2025, 1, 24), date(2025, 2, 1))
    assert working_days_late(date(2025, 1, 24), date(2025, 2, 1), HOLIDAYS) == 0
    assert working_days_late(date(2025, 1, 24), date(2025, 2, 3), HOLIDAYS) == 1


def test_the_report_ladder_climbs_one_step_per_check_and_each_step_once():
    ladder = DEFAULT_REPORT_LADDER
    fired: set[int] = set()
    seen = []
    for day in date_range(date(2025, 1, 10), date(2025, 2, 10)):
        for i in steps_due(ladder, DUE, day, fired, holidays=HOLIDAYS):
            fired.add(i)
            seen.append((day, ladder[i].role, ladder[i].kind))
    assert seen == [
        (date(2025, 1, 13), "unit_reporter", "reminder"),
        (date(2025, 1, 16), "unit_reporter", "escalated"),
        (date(2025, 1, 20), "unit_leader", "escalated"),
        (date(2025, 1, 22), "cluster_head", "escalated"),
        (date(2025, 2, 3), "board_officer", "escalated"),  # Tết lies between
    ]
    assert [step_day(s, DUE, HOLIDAYS) for s in ladder] == [d for d, _, _ in seen]


def test_a_report_stops_the_ladder_even_when_late():
    fired = {0, 1, 2}
    assert steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 1, 22), fired, holidays=HOLIDAYS) == [3]
    submitted = date(2025, 1, 21)
    assert steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 1, 22), fired, submitted, HOLIDAYS) == []
    assert steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 1, 31), fired, submitted, HOLIDAYS) == []
    assert is_late(DUE, submitted)  # but it counts as late


def test_a_missed_check_fires_only_the_highest_rung_and_passes_over_the_rest():
    fired = {0}
    due_now = steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 1, 22), fired, holidays=HOLIDAYS)
    assert due_now == [3]
    assert passed_over(DEFAULT_REPORT_LADDER, 3, fired) == [1, 2]
    # a late first check does not send the reminder any more
    assert steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 1, 16), (), holidays=HOLIDAYS) == [1]


def test_the_review_ladder_reaches_the_board():
    roles = [DEFAULT_REVIEW_LADDER[i].role for d in date_range(date(2025, 1, 13), date(2025, 1, 31))
             for i in steps_due(DEFAULT_REVIEW_LADDER, DUE, d, (), holidays=HOLIDAYS)]
    assert roles[-1] == "board_officer"
    assert "reviewer_head" in roles


def test_a_ladder_long_past_its_last_step_does_not_start():
    # the board's step is on 3/2 (8 working days late); five working days after it, nothing starts
    assert steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 2, 10), (), holidays=HOLIDAYS) == [4]
    assert steps_due(DEFAULT_REPORT_LADDER, DUE, date(2025, 2, 11), (), holidays=HOLIDAYS) == []


def test_a_ladder_must_climb():
    validate_ladder(DEFAULT_REPORT_LADDER)
    with pytest.raises(ValueError):
        validate_ladder([Step("unit_leader", 2), Step("board_officer", 2)])
    with pytest.raises(ValueError):
        validate_ladder([])


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 11, 30, 13, 59, tzinfo=UTC), datetime(2026, 11, 30, 13, 59, tzinfo=UTC)),  # 20:59 local
        (datetime(2026, 11, 30, 14, 0, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # 21:00 local
        (datetime(2026, 11, 30, 17, 30, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # 00:30 local
        (datetime(2026, 11, 30, 23, 59, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # 06:59 local
        (datetime(2026, 12, 1, 0, 0, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # 07:00 local
    ],
)
def test_quiet_hours_delay_and_never_drop(utc, expected):
    assert QuietHours().send_at(utc) == expected


def test_quiet_hours_within_a_day_and_none():
    lunch = QuietHours(start=time(12), end=time(13, 30))
    assert lunch.send_at(datetime(2026, 11, 30, 5, 15, tzinfo=UTC)) == datetime(2026, 11, 30, 6, 30, tzinfo=UTC)
    off = QuietHours(start=time(0), end=time(0))
    assert off.send_at(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)) == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def test_the_digest_groups_by_recipient_and_delivery_day_without_duplicates():
    def notice(who, kind, key, hour_utc, day=(11, 30)):
        return Notice(who, kind, "report", key, datetime(2026, *day, hour_utc, tzinfo=UTC))

    notices = [
        notice("Lead@unit.vn", "reminder", "c1/u1/2026-Q3", 3),  # 10:00 local on 30/11
        notice("lead@unit.vn", "escalated", "c1/u2/2026-Q3", 15),  # 22:00 local: the morning of 1/12
        notice("lead@unit.vn", "reminder", "c1/u3/2026-Q3", 2, day=(12, 1)),  # 09:00 local on 1/12
        notice("lead@unit.vn", "reminder", "c1/u3/2026-Q3", 4, day=(12, 1)),  # the same again (a rerun)
        notice("board@so.vn", "escalated", "c1/u2/2026-Q3", 4),
    ]
    groups = digest_groups(notices)
    assert set(groups) == {
        ("lead@unit.vn", date(2026, 11, 30)),
        ("lead@unit.vn", date(2026, 12, 1)),
        ("board@so.vn", date(2026, 11, 30)),
    }
    morning = groups[("lead@unit.vn", date(2026, 12, 1))]
    assert [(n.kind, n.key) for n in morning] == [("escalated", "c1/u2/2026-Q3"), ("reminder", "c1/u3/2026-Q3")]


def test_on_time_rate():
    assert on_time_rate([]) is None
    assert on_time_rate([True, True, False]) == pytest.approx(0.6667)


def test_when_a_digest_goes_out():
    from datetime import timedelta

    from thidua_common.deadlines import digest_time, parse_quiet_hours

    quiet = parse_quiet_hours("21:00-07:00")
    noon = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # 12:00 local
    # daily: the next 07:30 local
    assert digest_time(noon, time(7, 30), timedelta(0), quiet) == datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
    early = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # 06:00 local on 30/11
    assert digest_time(early, time(7, 30), timedelta(0), quiet) == datetime(2026, 11, 30, 0, 30, tzinfo=UTC)
    # a rolling window, delayed by the quiet hours
    assert digest_time(noon, time(7, 30), timedelta(seconds=5), quiet) == noon + timedelta(seconds=5)
    evening = datetime(2026, 11, 30, 13, 59, 58, tzinfo=UTC)  # 20:59:58 local
    assert digest_time(evening, time(7, 30), timedelta(seconds=5), quiet) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert parse_quiet_hours("").send_at(evening) == evening
