from pydantic import BaseModel


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


class LeaderboardPublic(BaseModel):
    campaign_id: str
    campaign_name: str
    status: str
    period: str | None
    period_label: str | None
    cluster_id: str | None
    generated_at: str
    tie_rule: str
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
