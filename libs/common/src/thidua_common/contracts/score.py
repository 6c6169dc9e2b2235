"""Scores computed for a submission, with the explanation of every number."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ScoreStatus(StrEnum):
    provisional = "provisional"
    verified = "verified"


class CriterionScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion_id: str
    scorer: str
    value: float | None
    target: float | None
    max_points: float
    points: float
    formula: str
    explanation_vi: str
    explanation_en: str


class ScoreComputed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str
    unit_id: str
    period: str
    criteria_version: int
    status: ScoreStatus = ScoreStatus.provisional
    total: float
    max_total: float
    criteria: list[CriterionScore]
    submitted_at: datetime
    computed_at: datetime
