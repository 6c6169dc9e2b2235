"""Checks of a submission against its campaign. Pure functions: no I/O, easy to test."""

from datetime import date

from thidua_common.contracts.campaign import CampaignDefined, ReportingFrequency
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.http import FieldError
from thidua_common.i18n import format_date, format_number

_FREQUENCY_VI = {"year": "năm", "quarter": "quý", "month": "tháng"}


def period_bounds(period: str) -> tuple[date, date, ReportingFrequency]:
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31), ReportingFrequency.year
    if period[5] == "Q":
        q = int(period[6])
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1), ReportingFrequency.quarter
    month = int(period[5:7])
    start = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(nxt.toordinal() - 1), ReportingFrequency.month


def check(campaign: CampaignDefined, sub: SubmissionSubmitted) -> list[FieldError]:
    errors: list[FieldError] = []
    if sub.unit_id not in {p.unit_id for p in campaign.participants}:
        errors.append(FieldError("unit_id", "unit.unknown", {"id": sub.unit_id}))
    start, end, frequency = period_bounds(sub.period)
    if frequency != campaign.reporting_frequency:
        errors.append(
            FieldError(
                "period",
                "period.frequency",
                {"period": sub.period, "frequency": _FREQUENCY_VI[campaign.reporting_frequency.value]},
            )
        )
    elif end < campaign.start or start > campaign.end:
        errors.append(
            FieldError(
                "period",
                "period.outside",
                {"period": sub.period, "start": format_date(campaign.start), "end": format_date(campaign.end)},
            )
        )
    criteria = {c.id: c for c in campaign.criteria}
    for criterion_id, value in sub.values.items():
        criterion = criteria.get(criterion_id)
        field = f"values.{criterion_id}"
        if criterion is None:
            errors.append(FieldError(field, "criterion.unknown", {"id": criterion_id}))
        elif not criterion.min_value <= value <= criterion.max_value:
            errors.append(
                FieldError(
                    field,
                    "value.range",
                    {
                        "value": format_number(value),
                        "min": format_number(criterion.min_value),
                        "max": format_number(criterion.max_value),
                    },
                )
            )
    return errors
