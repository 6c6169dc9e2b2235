"""The answer of GET /api/v1/submissions (the console's review queue and a unit's periods)."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class ReviewStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    returned = "returned"
    rejected = "rejected"


class AppealSummary(BaseModel):
    status: str = Field(description="pending or decided")
    to_level: str = Field(description="board or chair")
    reason: str = ""


class ListedSubmission(BaseModel):
    submission_id: str
    campaign_id: str
    unit_id: str
    period: str
    submitted_at: datetime
    submitted_by: str
    channel: str
    status: ReviewStatus
    level: str | None = Field(None, description="level of the last decision: cluster, board or chair")
    awaiting: str | None = Field(
        None, description="who must act next: cluster, board or chair (a reviewer), unit (resubmit or appeal), or none"
    )
    reasons: dict[str, str] = Field({}, description="criterion id → why it was returned (the current decision)")
    appeal: AppealSummary | None = None
    resubmission_of: str | None = None
    due_date: date = Field(description="when the next reviewer action is due (working days, holidays excluded)")
    overdue: bool = Field(description="a reviewer is to act and the due date has passed (Asia/Ho_Chi_Minh)")
    age_days: int = Field(description="calendar days since the submission")


class SubmissionPage(BaseModel):
    items: list[ListedSubmission]
    next: str | None = Field(None, description="cursor of the next page (pass as `after`), none on the last page")
