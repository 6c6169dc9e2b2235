"""Reporting periods (kỳ báo cáo) and the years the platform accepts, defined once.

A period is `YYYY` (a year), `YYYY-Qn` (a quarter) or `YYYY-MM` (a month). Its year lies between
YEAR_MIN and YEAR_MAX: nothing outside makes sense for a campaign, and without the bound a period
such as `0000` or `9999-Q4` reached date arithmetic that cannot represent it (a 500). The bound
sits in the pattern itself, so every body, query and event that carries a period refuses it
with a 422 naming the field, and the OpenAPI and the JSON Schemas of the events say so.
"""

from datetime import date, timedelta

YEAR_MIN = 2000
YEAR_MAX = 2100

# the years YEAR_MIN..YEAR_MAX spelled as a regular expression (tests/unit/test_period.py keeps
# it equal to the two bounds above, year by year)
_YEAR = r"(20\d\d|2100)"
PERIOD = rf"^{_YEAR}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


# --- period arithmetic (pure) ------------------------------------------------------------------------
# frequencies by their names in ReportingFrequency ("year", "quarter", "month"): a plain string
# here, so that this module depends on nothing


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def period_bounds(period: str) -> tuple[date, date, str]:
    """First day, last day and frequency of a period matching PERIOD."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31), "year"
    if period[5] == "Q":
        q = int(period[6])
        return date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "quarter"
    month = int(period[5:7])
    return date(year, month, 1), _month_end(year, month), "month"


def period_of(day: date, frequency: str) -> str:
    """The period of the given frequency that holds `day`."""
    if frequency == "year":
        return f"{day.year:04d}"
    if frequency == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}-{day.month:02d}"


def periods_between(first: date, last: date, frequency: str) -> list[str]:
    """Every period of `frequency` that overlaps [first, last], in order (years clamped to
    YEAR_MIN..YEAR_MAX)."""
    first = max(first, date(YEAR_MIN, 1, 1))
    last = min(last, date(YEAR_MAX, 12, 31))
    out: list[str] = []
    day = first
    while day <= last:
        period = period_of(day, frequency)
        out.append(period)
        day = period_bounds(period)[1] + timedelta(days=1)
    return out
