"""Reporting periods (kỳ báo cáo) and the years the platform accepts, defined once.

A period is `YYYY` (a year), `YYYY-Qn` (a quarter) or `YYYY-MM` (a month). Its year lies between
YEAR_MIN and YEAR_MAX: nothing outside makes sense for a campaign, and without the bound a period
such as `0000` or `9999-Q4` reached date arithmetic that cannot represent it (a 500). The bound
sits in the pattern itself, so every body, query and event that carries a period refuses it
with a 422 naming the field, and the OpenAPI and the JSON Schemas of the events say so.
"""

YEAR_MIN = 2000
YEAR_MAX = 2100

# the years YEAR_MIN..YEAR_MAX spelled as a regular expression (tests/unit/test_period.py keeps
# it equal to the two bounds above, year by year)
_YEAR = r"(20\d\d|2100)"
PERIOD = rf"^{_YEAR}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
