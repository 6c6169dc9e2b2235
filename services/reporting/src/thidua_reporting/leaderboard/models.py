from pydantic import BaseModel


class StandingPublic(BaseModel):
    rank: int
    unit_id: str
    unit_name: str
    cluster_id: str | None
    cluster_name: str | None
    total: float
    total_display: str
    max_total: float
    periods_reported: int
    reported: bool


class LeaderboardPublic(BaseModel):
    campaign_id: str
    campaign_name: str
    period: str | None
    period_label: str | None
    cluster_id: str | None
    generated_at: str
    standings: list[StandingPublic]


class CriterionLine(BaseModel):
    criterion_id: str
    criterion_name: str
    value: float | None
    target: float | None
    points: float
    max_points: float
    formula: str
    explanation: str


class PeriodCard(BaseModel):
    period: str
    period_label: str
    total: float
    total_display: str
    max_total: float
    status: str
    criteria_version: int
    submission_id: str
    submitted_at: str
    criteria: list[CriterionLine]


class ScorecardPublic(BaseModel):
    campaign_id: str
    campaign_name: str
    unit_id: str
    unit_name: str
    total: float
    total_display: str
    periods: list[PeriodCard]


class CampaignSummary(BaseModel):
    campaign_id: str
    name: str
    start: str
    end: str
    reporting_frequency: str
    participants: int
    clusters: list[dict]
