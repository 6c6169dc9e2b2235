"""Verification of submissions (kiểm tra, thẩm định) and appeals. A reviewer approves, returns
with a reason per criterion (the unit resubmits only those), or rejects; a unit may appeal a
decision once, to the next level. Scoring counts a result as verified only after approval."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from .campaign import ID
from .submission import PERIOD


class ReviewDecision(StrEnum):
    approve = "approve"
    return_ = "return"  # trả lại: fix the named criteria and resubmit them
    reject = "reject"


class ReviewLevel(StrEnum):
    cluster = "cluster"  # the cluster (bloc) head
    board = "board"  # the commendation board (Ban Thi đua – Khen thưởng)
    chair = "chair"  # the chairperson: last level of appeal


class SubmissionReviewed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD)
    decision: ReviewDecision
    level: ReviewLevel
    reviewer: str
    reason: str = Field("", max_length=2000)
    reasons: dict[str, str] = Field({}, description="criterion id → why it is returned")
    values: dict[str, float] = Field({}, description="the values approved (on approve)")
    at: datetime


class SubmissionAppealed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD)
    against: ReviewDecision
    from_level: ReviewLevel
    to_level: ReviewLevel
    reason: str = Field(min_length=5, max_length=2000)
    by: str
    at: datetime


class AppealOutcome(StrEnum):
    upheld = "upheld"  # the first decision stands
    overturned = "overturned"


class AppealDecided(BaseModel):
    """The final word on a submission after an appeal: scoring applies `decision` like a review."""

    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD)
    outcome: AppealOutcome
    decision: ReviewDecision
    level: ReviewLevel
    reason: str = Field(min_length=5, max_length=2000)
    values: dict[str, float] = {}
    by: str
    at: datetime


class SubmissionReopened(BaseModel):
    """A reviewer reopened an approved submission (with a reason): it is no longer verified and
    awaits review again, and its period takes new submissions. Scoring withdraws its verified
    score, as it does after a return."""

    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD)
    level: ReviewLevel = Field(description="the level that reopened it")
    approved_level: ReviewLevel = Field(description="the level whose approval was reopened")
    reason: str = Field(min_length=5, max_length=2000)
    by: str
    at: datetime
