"""Who may rate a unit, and which ratings are valid. Pure functions: no I/O, easy to test."""

from typing import Any

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import CampaignDefined, leaves_of
from thidua_common.errors import FieldError, Forbidden

from .. import conflict
from ..registrations.rules import criterion_error
from ..submissions.rules import REVIEWER_RATING, period_error, range_error
from .models import RatingCreate

DEFAULT_SCALE = 10.0


def scale_of(params: dict[str, Any]) -> float:
    """A reviewer rates from 0 to the leaf's `scale` parameter (10 unless configured)."""
    return float(params.get("scale") or DEFAULT_SCALE)


def subject_errors(campaign: CampaignDefined, body: RatingCreate) -> list[FieldError]:
    """The rated unit must take part, the period must belong to the campaign."""
    errors: list[FieldError] = []
    if body.unit_id not in {p.unit_id for p in campaign.participants}:
        errors.append(FieldError("unit_id", "unit.unknown", {"id": body.unit_id}))
    if error := period_error(campaign, body.period):
        errors.append(error)
    return errors


def check_may_rate(campaign: CampaignDefined, unit_id: str, period: str, rater: Principal) -> None:
    """Nobody rates their own unit, the board included; the board rates any other unit, a cluster
    head only as the head or deputy of the unit's cluster that year. Raises a 403 that says why."""
    conflict.check("rating", rater.unit_id, [unit_id])
    if not rater.has_any(Role.board_officer):
        check_rater(campaign, unit_id, period, rater.unit_id)


def check_rater(campaign: CampaignDefined, unit_id: str, period: str, rater_unit: str | None) -> None:
    """A cluster head rates only as the head or deputy of the rated unit's cluster in the period's
    year. A unit that no longer takes part in the campaign has no cluster there: only the board
    judges it. Raises a 403 that says why."""
    participant = next((p for p in campaign.participants if p.unit_id == unit_id), None)
    if participant is None:
        raise Forbidden("rating.not_participant", unit=unit_id)
    cluster = next((c for c in campaign.clusters if c.id == participant.cluster_id), None)
    if cluster is None:
        raise Forbidden("rating.no_cluster", unit=unit_id)
    year = int(period[:4])
    leads = {
        unit
        for lead in cluster.leadership
        if lead.year == year
        for unit in (lead.head_unit_id, lead.deputy_unit_id)
        if unit
    }
    if rater_unit is None or rater_unit not in leads:
        raise Forbidden("rating.not_cluster_lead", unit=unit_id, cluster=cluster.id, year=year)


def rating_errors(campaign: CampaignDefined, ratings: dict[str, float]) -> list[FieldError]:
    """Only leaves scored by reviewers may be rated, each within [0, scale]."""
    leaves = {leaf.id: leaf for leaf in leaves_of(campaign.criteria)}
    errors: list[FieldError] = []
    for criterion_id, value in ratings.items():
        field = f"ratings.{criterion_id}"
        if error := criterion_error(campaign, criterion_id, field):
            errors.append(error)
            continue
        leaf = leaves[criterion_id]
        if leaf.scorer != REVIEWER_RATING:
            errors.append(FieldError(field, "rating.not_reviewer", {"id": criterion_id, "scorer": leaf.scorer or "—"}))
        elif error := range_error(field, value, 0, scale_of(leaf.params)):
            errors.append(error)
    return errors
