"""Scores computed for a unit and period, with the explanation of every number."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ScoreStatus(StrEnum):
    provisional = "provisional"  # from every latest submission
    verified = "verified"  # from approved submissions only


class CriterionScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion_id: str
    parent_id: str | None = None
    kind: str = Field("leaf", description="leaf or group")
    scorer: str | None = None
    value: float | None = None
    target: float | None = None
    target_source: str | None = Field(None, description="registration, registration-period, criterion or none")
    max_points: float
    points: float
    formula: str
    inputs: dict[str, float | str | None] = Field({}, description="intermediate numbers the formula used")
    explanation_vi: str
    explanation_en: str
    deduction: bool = Field(
        False,
        description="the criterion deducts: its points are 0 or negative and it adds "
        "nothing to the maximum (the scorer's sign)",
    )


class ScoreCause(BaseModel):
    """Why this score was (re)computed: shown to people next to the number."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="submission, rating, target, review, reopen, criteria, cohort, campaign, replay")
    event_id: str | None = None
    detail_vi: str = ""
    detail_en: str = ""


class ScoreComputed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submission_id: str | None
    campaign_id: str
    unit_id: str
    period: str
    cluster_id: str | None = None
    criteria_version: int
    campaign_revision: int = 1
    registration_revision: int = 0
    revision: int = Field(1, description="increases each time this unit/period/status score changes")
    status: ScoreStatus = ScoreStatus.provisional
    withdrawn: bool = Field(False, description="the score no longer stands (e.g. its submission was rejected)")
    total: float
    max_total: float = Field(
        description="the maximum of this period's total: the campaign's cap, else the sum of "
        "its top-level maxima without deductions (0 when withdrawn)"
    )
    criteria: list[CriterionScore]
    cause: ScoreCause = ScoreCause(kind="submission")
    submitted_at: datetime | None
    computed_at: datetime
