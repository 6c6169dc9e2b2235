from typing import Literal

from pydantic import BaseModel, Field


class StandingPublic(BaseModel):
    rank: int
    cluster_rank: int
    unit_id: str
    unit_name: str
    cluster_id: str | None
    cluster_name: str | None
    total: float
    total_display: str
    max_total: float
    periods_reported: int
    inherited_periods: int
    reported: bool
    score: float = Field(description="the figure ranked: mean per period over the basis (see `basis`)")
    score_display: str
    periods_due: int = Field(
        description="periods of the basis; the unit reported periods_reported of them (and inherited inherited_periods)"
    )


class LeaderboardBasis(BaseModel):
    """What the ranking compares: the same periods for every unit, missing reports counted as the
    campaign says (..basis)."""

    periods: list[str] = Field(description="the periods every unit was due to report, in order")
    period_labels: list[str]
    missing_reports: Literal["zero", "excluded"]
    as_of: str = Field(description="the day the due periods were judged on (YYYY-MM-DD)")
    description: str


class LeaderboardPublic(BaseModel):
    campaign_id: str
    campaign_name: str
    status: str
    period: str | None
    period_label: str | None
    cluster_id: str | None
    generated_at: str
    tie_rule: str
    basis: LeaderboardBasis
    standings: list[StandingPublic]


class CriterionLine(BaseModel):
    criterion_id: str
    criterion_name: str
    parent_id: str | None
    kind: str
    scorer: str | None
    value: float | None
    target: float | None
    target_source: str | None
    points: float
    max_points: float
    formula: str
    inputs: dict
    explanation: str
    deduction: bool = False  # as scoring stated it: the criterion deducts points


class PeriodCard(BaseModel):
    period: str
    period_label: str
    status: str
    withdrawn: bool = False
    total: float
    total_display: str
    max_total: float
    revision: int
    criteria_version: int
    submission_id: str | None
    submitted_at: str | None
    computed_at: str
    cause: str
    cause_kind: str
    criteria: list[CriterionLine]


class ScorecardPublic(BaseModel):
    campaign_id: str
    campaign_name: str
    unit_id: str
    unit_name: str
    status: str
    total: float
    total_display: str
    periods: list[PeriodCard]
    inherited_from: list[str]


class ProgressPoint(BaseModel):
    period: str
    period_label: str
    value: float | None
    target: float | None
    achieved_pct: float | None
    points: float
    max_points: float


class CriterionProgress(BaseModel):
    criterion_id: str
    criterion_name: str
    unit_of_measure: str
    direction: str
    series: list[ProgressPoint]


class ProgressPublic(BaseModel):
    campaign_id: str
    unit_id: str
    unit_name: str
    criteria: list[CriterionProgress]


class CampaignSummary(BaseModel):
    campaign_id: str
    name: str
    status: str
    start: str
    end: str
    reporting_frequency: str
    participants: int
    clusters: list[dict]
    participating: bool | None = Field(
        None, description="whether the caller's unit takes part (null for a caller acting for no unit)"
    )
