"""Working-day arithmetic (pure): Saturdays, Sundays and the tenant's public holidays are not
working days. Service times of nominations are counted in working days (ngày làm việc).

Conventions:
- add_working_days(start, n): the date n working days after `start`; a fractional n (0.5 for
  half a day) rounds up to whole days; n = 0 gives `start` itself when it is a working day,
  otherwise the next working day.
- working_days_between(a, b): how many working days d satisfy a < d <= b (negative when b < a).
  It is 1 when b is the working day after a, so a stage due on `a` is 1 working day late on b.
"""

import math
from collections.abc import Collection, Iterable
from datetime import date, timedelta

WEEKEND = (5, 6)  # Saturday, Sunday
_DAY = timedelta(days=1)


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def next_working_day(day: date, holidays: Collection[date] = ()) -> date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day, holidays):
        day += _DAY
    return day


def add_working_days(start: date, n: float, holidays: Collection[date] = ()) -> date:
    if n < 0:
        raise ValueError("n must not be negative")
    holidays = frozenset(holidays)
    day = next_working_day(start, holidays) if n == 0 else start
    for _ in range(math.ceil(n)):
        day = next_working_day(day + _DAY, holidays)
    return day


def working_days_between(a: date, b: date, holidays: Collection[date] = ()) -> int:
    if b < a:
        return -working_days_between(b, a, holidays)
    holidays = frozenset(holidays)
    # whole weeks hold five weekdays each; then the remainder day by day, minus holidays
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = a + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += _DAY
        if day.weekday() not in WEEKEND:
            count += 1
    count -= sum(1 for h in holidays if a < h <= b and h.weekday() not in WEEKEND)
    return count


def date_range(first: date, last: date) -> Iterable[date]:
    """Every day from first to last, both included (to write a holiday span such as Tết)."""
    day = first
    while day <= last:
        yield day
        day += _DAY
