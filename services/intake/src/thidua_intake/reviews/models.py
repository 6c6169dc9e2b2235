"""Bodies and answers of the review and appeal endpoints."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from thidua_common.contracts.review import AppealOutcome, ReviewDecision


class ReviewCreate(BaseModel):
    """Body of POST /api/v1/submissions/{id}/review."""

    model_config = ConfigDict(extra="forbid")

    decision: ReviewDecision
    reason: str = Field("", max_length=2000)
    reasons: dict[str, str] = Field({}, max_length=500, description="criterion id → why it is returned (return)")


class ResubmitCreate(BaseModel):
    """Body of POST /api/v1/submissions/{id}/resubmit: new values of the returned criteria only."""

    model_config = ConfigDict(extra="forbid")

    values: dict[str, float] = Field({}, max_length=500)
    note: str = Field("", max_length=2000)


class AppealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000)


class AppealDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: AppealOutcome
    decision: ReviewDecision | None = Field(None, description="the final decision when overturned")
    reason: str = Field(max_length=2000)
    reasons: dict[str, str] = Field({}, max_length=500, description="criterion id → reason, when overturned to return")


class ReopenCreate(BaseModel):
    """Body of POST /api/v1/submissions/{id}/reopen."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="why the approval is reopened (at least 5 characters)")


class ReviewState(BaseModel):
    status: str = Field(description="pending, approved, returned or rejected")
    decision: ReviewDecision | None = None
    level: str | None = None
    reasons: dict[str, str] = {}
    history: list[dict[str, Any]] = Field([], description="every review and appeal step, oldest first")
    appeal: dict[str, Any] | None = None
    resubmission_of: str | None = None
    superseded_by: str | None = None


class SubmissionWithReview(BaseModel):
    submission_id: str
    tenant: str
    campaign_id: str
    unit_id: str
    period: str
    values: dict[str, float]
    evidence: list[dict[str, Any]] = []
    note: str = ""
    submitted_by: str
    submitted_at: datetime
    channel: str
    criteria_version: int
    review: ReviewState


class StepAccepted(BaseModel):
    submission_id: str
    event_id: str
    status: str
    message: str


class ResubmitAccepted(BaseModel):
    submission_id: str = Field(description="the new submission")
    resubmission_of: str
    event_id: str
    status: str = "accepted"
    message: str
