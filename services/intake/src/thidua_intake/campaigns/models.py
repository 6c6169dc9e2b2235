from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from thidua_common.contracts.campaign import (
    CampaignKind,
    CampaignStatus,
    Change,
    Cluster,
    Criterion,
    MissingReports,
    Participant,
    PeriodDeadline,
    ReportingFrequency,
)
from thidua_common.contracts.period import YEAR_MAX, YEAR_MIN
from thidua_common.contracts.statistics import CampaignScope, LaunchLevel
from thidua_common.contracts.strict import JsonDate
from thidua_common.http.errors import catalogue_error


def _within_campaign_years(value: date) -> date:
    # the periods a campaign has are bounded to these years (contracts/period.py): a campaign
    # from year 4 to 8413 was stored before, and every period outside was silently dropped
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise catalogue_error("campaign.date_range", min=YEAR_MIN, max=YEAR_MAX)
    return value


CampaignDate = Annotated[JsonDate, AfterValidator(_within_campaign_years)]


class CampaignWrite(BaseModel):
    """Body of PUT /campaigns/{id}: the whole definition (create or replace)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name_vi: str = Field(min_length=3, max_length=300)
    name_en: str = Field("", max_length=300)
    launched_by: str = Field(min_length=2, max_length=200)
    kind: CampaignKind = CampaignKind.regular
    start: CampaignDate
    end: CampaignDate
    reporting_frequency: ReportingFrequency = ReportingFrequency.quarter
    interim_reviews: list[CampaignDate] = Field([], max_length=20)
    final_review: CampaignDate | None = None
    goals_vi: list[str] = Field([], max_length=50)
    goals_en: list[str] = Field([], max_length=50)
    criteria: list[Criterion] = Field(min_length=1, max_length=500)
    max_total: float | None = Field(None, gt=0)
    missing_reports: MissingReports = Field(
        MissingReports.zero,
        description="whole-campaign leaderboards: a period a unit was due to report and did not counts 0 (zero) "
        "or is left out of its mean (excluded)",
    )
    reason: str = Field("", max_length=2000, description="why this change (kept in the history)")
    clusters: list[Cluster] = Field([], max_length=200)
    participants: list[Participant] = Field([], max_length=5000)
    expected_revision: int | None = Field(None, description="optimistic concurrency: the revision you edited")
    # issue 13 (statutory forms, 0601.N): phạm vi and cấp phát động
    scope: CampaignScope = CampaignScope.ministry_province
    launch_level: LaunchLevel = LaunchLevel.ministry_province
    # issue 15: deadlines — None: the tenant's defaults (commendation configuration, `deadlines`)
    report_due_working_days: int | None = Field(
        None, ge=0, le=120, description="unit reports are due this many working days after each period ends"
    )
    review_due_working_days: int | None = Field(
        None, ge=1, le=120, description="a reviewer decides within this many working days of a submission"
    )

    @model_validator(mode="after")
    def consistent(self) -> "CampaignWrite":
        if self.end < self.start:
            raise catalogue_error("campaign.end_before_start")
        ids = [node.id for node in _walk(self.criteria)]
        if len(ids) != len(set(ids)):
            raise catalogue_error("campaign.duplicate_criterion", id=_first_repeat(ids))
        units = [p.unit_id for p in self.participants]
        if len(units) != len(set(units)):
            raise catalogue_error("campaign.duplicate_participant", id=_first_repeat(units))
        cluster_ids = {c.id for c in self.clusters}
        for p in self.participants:
            if p.cluster_id and p.cluster_id not in cluster_ids:
                raise catalogue_error("campaign.unknown_cluster", id=p.cluster_id)
        return self


def _first_repeat(ids: list[str]) -> str:
    """The first id seen twice (called only when there is one)."""
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            return i
        seen.add(i)
    raise ValueError("no repeated id")


def _walk(nodes: list[Criterion]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


class StatusChange(BaseModel):
    """Body of POST /campaigns/{id}/status: move the campaign one step along its lifecycle."""

    model_config = ConfigDict(extra="forbid")

    status: CampaignStatus
    reason: str = Field("", max_length=2000, description="why (kept in the history)")
    expected_revision: int | None = Field(None, description="optimistic concurrency: the revision you saw")


class CampaignPublic(BaseModel):
    tenant: str
    campaign_id: str
    revision: int
    status: CampaignStatus
    criteria_version: int
    name_vi: str
    name_en: str
    launched_by: str
    kind: CampaignKind
    start: date
    end: date
    reporting_frequency: ReportingFrequency
    interim_reviews: list[date]
    final_review: date | None
    goals_vi: list[str]
    goals_en: list[str]
    criteria: list[Criterion]
    max_total: float | None
    missing_reports: MissingReports = MissingReports.zero
    change: Change
    clusters: list[Cluster]
    participants: list[Participant]
    scope: CampaignScope = CampaignScope.ministry_province  # issue 13: statutory forms
    launch_level: LaunchLevel = LaunchLevel.ministry_province
    # issue 15: deadlines
    report_due_working_days: int | None = None
    review_due_working_days: int | None = None
    period_deadlines: list[PeriodDeadline] = []
