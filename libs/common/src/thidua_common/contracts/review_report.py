"""Issue 13: review reports on schedule. Reporting reads each campaign's interim and final review
dates (CampaignDefined.interim_reviews, final_review); before a date it reminds every participating
unit, and on the date it produces the draft báo cáo sơ kết / tổng kết (the board's and one per
unit) and tells the board. Notify turns these events into emails (the unit's address from its copy
of the campaign; the board's: the escalation address)."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ..ids import ID


class ReviewKind(StrEnum):
    interim = "interim"  # sơ kết
    final = "final"  # tổng kết


class ReviewReminder(BaseModel):
    """A participating unit is reminded that the campaign's review is near (one event per unit)."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    campaign_name_vi: str = ""
    review_kind: ReviewKind
    review_date: date
    days_before: int = Field(ge=0, description="how many days before the review date the reminder is sent")
    unit_id: str = Field(pattern=ID)
    unit_name_vi: str = ""


class ReviewDraftsReady(BaseModel):
    """The drafts of a review are generated (or regenerated): the board's report and the units'."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    campaign_name_vi: str = ""
    review_kind: ReviewKind
    review_date: date
    board_document_id: str = Field(description="the board's draft (GET /api/v1/documents/{id} on reporting)")
    version: int = Field(ge=1, description="version of the board's draft")
    unit_documents: int = Field(ge=0, description="how many units' drafts were generated with it")
    generated_at: datetime
    regenerated: bool = Field(False, description="made on demand after the first draft")
