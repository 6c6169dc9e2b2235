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


class _SubmissionStep(BaseModel):
    # the submission a review step is about, and where it belongs: first in every step event
    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD)


class SubmissionReviewed(_SubmissionStep):
    decision: ReviewDecision
    level: ReviewLevel
    reviewer: str
    reason: str = Field("", max_length=2000)
    reasons: dict[str, str] = Field({}, description="criterion id → why it is returned")
    values: dict[str, float] = Field({}, description="the values approved (on approve)")
    at: datetime


class SubmissionAppealed(_SubmissionStep):
    against: ReviewDecision
    from_level: ReviewLevel
    to_level: ReviewLevel
    reason: str = Field(min_length=5, max_length=2000)
    by: str
    at: datetime


class AppealOutcome(StrEnum):
    upheld = "upheld"  # the first decision stands
    overturned = "overturned"


class AppealDecided(_SubmissionStep):
    """The final word on a submission after an appeal: scoring applies `decision` like a review."""

    outcome: AppealOutcome
    decision: ReviewDecision
    level: ReviewLevel
    reason: str = Field(min_length=5, max_length=2000)
    values: dict[str, float] = {}
    by: str
    at: datetime


class SubmissionReopened(_SubmissionStep):
    """A reviewer reopened an approved submission (with a reason): it is no longer verified and
    awaits review again, and its period takes new submissions. Scoring withdraws its verified
    score, as it does after a return."""

    level: ReviewLevel = Field(description="the level that reopened it")
    approved_level: ReviewLevel = Field(description="the level whose approval was reopened")
    reason: str = Field(min_length=5, max_length=2000)
    by: str
    at: datetime
