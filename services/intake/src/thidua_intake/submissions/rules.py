"""Checks of a submission against its campaign. Pure functions: no I/O, easy to test."""

from datetime import date
from typing import Any

from thidua_common.contracts.campaign import CampaignDefined, ReportingFrequency, leaves_of
from thidua_common.contracts.period import period_bounds as bounds_of
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.errors import Conflict, FieldError
from thidua_common.i18n import Localized, format_date, format_number

_FREQUENCY = {
    "vi": {"year": "năm", "quarter": "quý", "month": "tháng"},
    "en": {"year": "year", "quarter": "quarter", "month": "month"},
}


def _number(value: float) -> Localized:
    return Localized(lambda lang: format_number(value, 2, lang))


def _date(value: date) -> Localized:
    return Localized(lambda lang: format_date(value, lang))


# the scorer of leaves that reviewers rate (POST /campaigns/{id}/ratings) instead of units reporting them
REVIEWER_RATING = "reviewer_rating"


def period_bounds(period: str) -> tuple[date, date, ReportingFrequency]:
    start, end, frequency = bounds_of(period)
    return start, end, ReportingFrequency(frequency)


def period_error(campaign: CampaignDefined, period: str, field: str = "period") -> FieldError | None:
    """A period must match the campaign's reporting frequency and overlap its duration."""
    start, end, frequency = period_bounds(period)
    if frequency != campaign.reporting_frequency:
        return FieldError(
            field,
            "period.frequency",
            {
                "period": period,
                "frequency": Localized(lambda lang: _FREQUENCY[lang][campaign.reporting_frequency.value]),
            },
        )
    if end < campaign.start or start > campaign.end:
        return FieldError(
            field,
            "period.outside",
            {"period": period, "start": _date(campaign.start), "end": _date(campaign.end)},
        )
    return None


def range_error(field: str, value: float, low: float, high: float) -> FieldError | None:
    if low <= value <= high:
        return None
    return FieldError(field, "value.range", {"value": _number(value), "min": _number(low), "max": _number(high)})


def check(campaign: CampaignDefined, sub: SubmissionSubmitted) -> list[FieldError]:
    errors: list[FieldError] = []
    participants, criteria = _lookups(campaign)
    if sub.unit_id not in participants:
        errors.append(FieldError("unit_id", "unit.unknown", {"id": sub.unit_id}))
    if error := period_error(campaign, sub.period):
        errors.append(error)
    for criterion_id, value in sub.values.items():
        criterion = criteria.get(criterion_id)
        field = f"values.{criterion_id}"
        if criterion is None:
            errors.append(FieldError(field, "criterion.unknown", {"id": criterion_id}))
        elif criterion.scorer == REVIEWER_RATING:
            # rated by the cluster head or the board, never reported by the unit itself
            errors.append(FieldError(field, "value.reviewer_rated", {"id": criterion_id}))
        elif error := range_error(field, value, criterion.min_value, criterion.max_value):
            errors.append(error)
    return errors


def _lookups(campaign: CampaignDefined) -> tuple[frozenset[str], dict[str, Any]]:
    """The campaign's participant ids and leaf criteria by id, built once per campaign object (the
    intake keeps one object per campaign revision, see ..campaigns.service.definition)."""
    held = _prepared.get(id(campaign))
    if held is not None and held[0] is campaign:
        return held[1], held[2]
    participants = frozenset(p.unit_id for p in campaign.participants)
    criteria = {c.id: c for c in leaves_of(campaign.criteria)}
    if len(_prepared) >= 256:
        _prepared.clear()
    _prepared[id(campaign)] = (campaign, participants, criteria)  # holding it keeps its id unique
    return participants, criteria


_prepared: dict[int, tuple[CampaignDefined, frozenset[str], dict[str, Any]]] = {}


# -- the approved period lock --------------------------------------------------------------------
def period_key(tenant: str, campaign_id: str, unit_id: str, period: str) -> str:
    """The id of a unit's period document (intake's `periods` collection): its latest submission
    and, once approved, the approval that locks it."""
    return f"{tenant}/{campaign_id}/{unit_id}/{period}"


def check_period_open(period_doc: dict[str, Any] | None, unit_id: str, period: str) -> None:
    """A period whose latest submission was approved is locked: a new submission would silently
    replace verified results. It opens again when a reviewer reopens the approved submission
    (with a reason), or when a higher level returns or rejects it. Raises 409 saying so."""
    approved = (period_doc or {}).get("approved")
    if approved:
        raise Conflict(
            "submission.period_approved",
            unit=unit_id,
            period=period,
            id=approved["submission_id"],
        )
