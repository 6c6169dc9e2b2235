"""Issue 15: deadlines — intake's deadline check tells who must act (a reminder before a report's or a
review's due date) and climbs the escalation ladder after it (unit reporter -> unit leader -> cluster
head -> board; reviewer -> reviewer's head -> board), one event per step of one report or review.

Recipients travel as roles with the unit they act for, and the email addresses intake resolved
from the platform's own records (the campaign's participants, the tenant's deadline contacts):
notify mails them (a daily digest per address, outside quiet hours) and reporting's inbox shows
them to the roles of that unit. Both event types share one payload; the type says which it is.
The due date itself is one fact kept by intake (the campaign's period deadlines); events carry
the value they were decided on."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ..ids import ID
from .period import PERIOD


class DeadlineSubject(StrEnum):
    report = "report"  # a unit's report for a period (báo cáo kỳ)
    review = "review"  # a reviewer's decision on a submitted report (thẩm định)


class DeadlineRecipient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(description="a platform role, e.g. unit_reporter, unit_leader, cluster_head, board_officer")
    unit_id: str | None = Field(None, pattern=ID, description="the unit the role acts for; None: the tenant's board")
    emails: list[str] = Field([], description="addresses resolved from the platform's records (may be empty)")


class DeadlineNotice(BaseModel):
    """One step of the ladder of one report or review (the event's type: reminder or escalated)."""

    model_config = ConfigDict(extra="forbid")

    subject: DeadlineSubject
    campaign_id: str = Field(pattern=ID)
    campaign_name_vi: str = ""
    unit_id: str = Field(pattern=ID, description="the reporting unit")
    unit_name_vi: str = ""
    cluster_id: str | None = None
    period: str = Field(pattern=PERIOD)
    due_on: date
    as_of: date = Field(description="the day the check ran for (its controllable clock)")
    working_days_late: int = Field(description="negative: working days left before the due date")
    step: int = Field(ge=0, description="the step's index in its ladder")
    step_role: str = Field(description="the role this step addresses")
    final_step: bool = Field(description="the ladder's last step (the board)")
    recipients: list[DeadlineRecipient] = Field(min_length=1)
