"""What a whole-campaign leaderboard ranks on (pure).

Adding up every period a unit reported ranked a unit that reported more periods above a better
one (152,72 against 212,54 where each period is worth at most 100). Units are compared over the
same periods instead, the periods every participant was *due* to report:

- the periods of the campaign's reporting frequency that overlap the campaign,
- that have ended by today (a period still running is nobody's debt yet: early reports for it
  count on that period's own board, and on this one once it has ended),
- up to the latest of those that any participant has reported (the trailing periods nobody has
  reported yet are still being collected: counting them would only lower everyone alike).

A due period a unit did not report counts as the campaign says (`missing_reports`, carried in
the campaign's event): `zero`, 0 points; `excluded`, left out, the unit ranked on the mean of
the periods it reported. Either way the figure ranked is a mean per period over the same
scale as one period's maximum: the total over the due periods divided by their number (zero) or
by the number the unit reported (excluded). Reports for periods outside the basis are left out.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from thidua_common.contracts.campaign import MissingReports
from thidua_common.contracts.period import period_bounds, periods_between


@dataclass(frozen=True)
class UnitBasis:
    total: float  # sum over the due periods it reported (inherited ones included)
    score: float  # the figure ranked: mean per period as the campaign counts missing reports
    counted: frozenset[str]  # due periods it has a score for


def due_periods(start: date, end: date, frequency: str, reported: Iterable[str], today: date) -> list[str]:
    """The periods every participant was due to report by `today`, in order (see the module)."""
    ended = [p for p in periods_between(start, end, frequency) if period_bounds(p)[1] < today]
    reported_ended = set(reported) & set(ended)
    if not reported_ended:
        return []
    last = max(reported_ended)  # periods of one frequency sort as text
    return [p for p in ended if p <= last]


def unit_basis(scores: Mapping[str, float], due: list[str], missing: MissingReports | str) -> UnitBasis:
    counted = {p: s for p, s in scores.items() if p in set(due)}
    total = round(sum(counted.values()), 4)
    divisor = len(counted) if MissingReports(missing) == MissingReports.excluded else len(due)
    score = round(total / divisor, 4) if divisor else 0.0
    return UnitBasis(total=total, score=score, counted=frozenset(counted))
