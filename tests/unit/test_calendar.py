"""Working days: weekends and configured public holidays (Tết, 30/4–1/5, 2/9) are skipped."""

from datetime import date

import pytest

from thidua_common.calendar import (
    add_working_days,
    date_range,
    is_working_day,
    next_working_day,
    working_days_between,
)

# Tết Nguyên đán 2024: 08/02–14/02; 2025: 25/01–02/02; 30/4–1/5 and 2/9 (with the bridge days)
HOLIDAYS = frozenset(
    [
        *date_range(date(2024, 2, 8), date(2024, 2, 14)),
        date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1),
        date(2024, 9, 2), date(2024, 9, 3),
        date(2025, 1, 1),
        *date_range(date(2025, 1, 25), date(2025, 2, 2)),
        date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2),
        date(2025, 9, 1), date(2025, 9, 2),
    ]
)


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(date(2024, 2, 7), HOLIDAYS)  # Wednesday before Tết
    assert not is_working_day(date(2024, 2, 8), HOLIDAYS)  # Tết
    assert not is_working_day(date(2024, 2, 10), HOLIDAYS)  # Saturday and Tết
    assert not is_working_day(date(2024, 2, 17))  # Saturday
    assert not is_working_day(date(2024, 2, 18))  # Sunday
    assert is_working_day(date(2024, 2, 15), HOLIDAYS)  # back to work
    assert not is_working_day(date(2025, 9, 2), HOLIDAYS)
    assert is_working_day(date(2025, 9, 2))  # without the holiday list it is a Tuesday


def test_adding_working_days_skips_weekends():
    friday = date(2024, 3, 1)
    assert add_working_days(friday, 1) == date(2024, 3, 4)  # Monday
    assert add_working_days(friday, 5) == date(2024, 3, 8)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(date(2024, 3, 2), 0) == date(2024, 3, 4)  # Saturday → Monday
    assert add_working_days(date(2024, 3, 2), 1) == date(2024, 3, 4)  # one working day after Saturday


def test_half_days_round_up():
    assert add_working_days(date(2024, 3, 4), 0.5) == date(2024, 3, 5)
    assert add_working_days(date(2024, 3, 4), 9.5) == add_working_days(date(2024, 3, 4), 10)


def test_a_window_spanning_tet_2024():
    # 10 working days of disclosure opened on Monday 05/02/2024: 5, 6, 7 Feb then Tết to the 14th
    start = date(2024, 2, 5)
    assert add_working_days(start, 3, HOLIDAYS) == date(2024, 2, 15)
    assert add_working_days(start, 10, HOLIDAYS) == date(2024, 2, 26)
    assert add_working_days(start, 10) == date(2024, 2, 19)  # no holidays: two weeks
    assert working_days_between(start, date(2024, 2, 26), HOLIDAYS) == 10
    assert working_days_between(date(2024, 2, 7), date(2024, 2, 15), HOLIDAYS) == 1


def test_a_window_spanning_tet_2025():
    # 15 working days for a provincial certificate filed on Wednesday 22/01/2025
    start = date(2025, 1, 22)
    due = add_working_days(start, 15, HOLIDAYS)
    # 23, 24 Jan; Tết 25/01–02/02; then 13 more from Monday 3 Feb
    assert due == date(2025, 2, 19)
    assert working_days_between(start, due, HOLIDAYS) == 15
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 3), HOLIDAYS) == 1


def test_reunification_day_and_national_day():
    assert add_working_days(date(2025, 4, 29), 1, HOLIDAYS) == date(2025, 5, 5)
    assert add_working_days(date(2024, 8, 30), 1, HOLIDAYS) == date(2024, 9, 4)
    assert next_working_day(date(2024, 4, 27), HOLIDAYS) == date(2024, 5, 2)


def test_between_counts_days_after_the_first_up_to_the_last():
    monday = date(2024, 3, 4)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, date(2024, 3, 5)) == 1
    assert working_days_between(date(2024, 3, 1), date(2024, 3, 3)) == 0  # Friday → Sunday
    assert working_days_between(date(2024, 3, 5), monday) == -1
    assert working_days_between(date(2024, 1, 1), date(2024, 12, 31)) == 261


@pytest.mark.parametrize("n", [0, 1, 2, 7, 10, 15, 23, 60])
@pytest.mark.parametrize("start", [date(2024, 2, 1), date(2024, 4, 26), date(2025, 1, 20), date(2025, 8, 29)])
def test_add_and_between_agree(start, n):
    due = add_working_days(start, n, HOLIDAYS)
    assert is_working_day(due, HOLIDAYS)
    assert working_days_between(start, due, HOLIDAYS) == n


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2024, 1, 1), -1)
