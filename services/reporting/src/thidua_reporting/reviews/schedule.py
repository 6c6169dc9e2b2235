"""When a campaign's reviews fall and what is due on a given day (pure).

A review is due for a reminder from `reminder_days` before its date until the day before it, and
for its drafts from its date on. Each review covers the reporting periods that ended after the
previous review date (or the campaign start) and on or before its own date; the periods of the
review before it are its "previous period" (kỳ trước) for comparisons."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from thidua_common.contracts.period import period_bounds, periods_between


@dataclass(frozen=True)
class Review:
    review_date: date
    kind: str  # interim | final
    periods: tuple[str, ...]  # periods this review covers
    previous: tuple[str, ...]  # periods of the review before it (empty for the first)
    previous_date: date | None


def reviews_of(campaign: dict[str, Any]) -> list[Review]:
    start = date.fromisoformat(str(campaign["start"]))
    end = date.fromisoformat(str(campaign["end"]))
    dates = [(date.fromisoformat(str(d)), "interim") for d in campaign.get("interim_reviews") or []]
    if campaign.get("final_review"):
        dates.append((date.fromisoformat(str(campaign["final_review"])), "final"))
    dates.sort()
    every = periods_between(start, end, campaign.get("reporting_frequency") or "quarter")
    out: list[Review] = []
    before: date | None = None
    previous: tuple[str, ...] = ()
    for day, kind in dates:
        # the final review covers the whole campaign (tổng kết); an interim one the span since the last
        low = None if kind == "final" else before
        covered = tuple(p for p in every if period_bounds(p)[1] <= day and (low is None or period_bounds(p)[1] > low))
        out.append(Review(day, kind, covered, previous, before))
        before, previous = day, covered
    return out


def reminder_due(review: Review, today: date, reminder_days: int) -> bool:
    return review.review_date - timedelta(days=reminder_days) <= today < review.review_date


def drafts_due(review: Review, today: date, catch_up_days: int = 30) -> bool:
    """On the date, or within `catch_up_days` after it (a check missed while the service was down);
    older reviews are drafted only on demand, not all at once on a first start."""
    return review.review_date <= today <= review.review_date + timedelta(days=catch_up_days)
