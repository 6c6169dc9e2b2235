"""The tenant's deadline settings (part of its commendation configuration) and the API's shapes."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_common.auth import Role
from thidua_common.deadlines import (
    DEFAULT_REPORT_DUE_WORKING_DAYS,
    DEFAULT_REPORT_LADDER,
    DEFAULT_REVIEW_LADDER,
    Step,
    validate_ladder,
)
from thidua_common.http.errors import catalogue_error
from thidua_common.ids import ID

# the roles a ladder may address: the platform's roles, and the reviewer seen from the report
LADDER_ROLES = frozenset({r.value for r in Role} | {"reviewer", "reviewer_head"})


class LadderStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(description="unit_reporter, unit_leader, cluster_head, board_officer, reviewer, reviewer_head")
    after_working_days: int = Field(
        ge=-30, le=120, description="working days after the due date (negative: a reminder before it)"
    )

    @model_validator(mode="after")
    def _known_role(self) -> "LadderStep":
        if self.role not in LADDER_ROLES:
            raise catalogue_error("deadline.unknown_role", role=self.role)
        return self

    def rule(self) -> Step:
        return Step(self.role, self.after_working_days)


class Contact(BaseModel):
    """Where a role is reached when the platform's records hold no address for it (the board's
    officers, a unit's leader): the platform's own contact list until the identity provider's
    directory is read."""

    model_config = ConfigDict(extra="forbid")

    role: str
    unit_id: str | None = Field(None, pattern=ID, description="None: the role for the whole tenant (the board)")
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


def _steps(steps: list[Step]) -> list[LadderStep]:
    return [LadderStep(role=s.role, after_working_days=s.after_working_days) for s in steps]


class DeadlineSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_due_working_days: int = Field(
        DEFAULT_REPORT_DUE_WORKING_DAYS, ge=0, le=120, description="default of campaigns that set none"
    )
    review_due_working_days: int | None = Field(
        None, ge=1, le=120, description="default of campaigns that set none (None: THIDUA_REVIEW_DUE_WORKING_DAYS)"
    )
    report_ladder: list[LadderStep] = Field(default_factory=lambda: _steps(list(DEFAULT_REPORT_LADDER)), max_length=20)
    review_ladder: list[LadderStep] = Field(default_factory=lambda: _steps(list(DEFAULT_REVIEW_LADDER)), max_length=20)
    contacts: list[Contact] = Field([], max_length=2000)

    @model_validator(mode="after")
    def _ladders_climb(self) -> "DeadlineSettings":
        for ladder in (self.report_ladder, self.review_ladder):
            try:
                validate_ladder([s.rule() for s in ladder])
            except ValueError:
                raise catalogue_error("deadline.ladder_order") from None
        return self


class DeadlineCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(None, description="run as of another day (development deployments only)")
    campaign_id: str | None = Field(None, pattern=ID, description="only this campaign (default: every running one)")


class DeadlineCheckResult(BaseModel):
    as_of: date
    reminders: int = 0
    escalations: int = 0
    passed_over: int = 0


class PeriodStatus(BaseModel):
    """A unit's report for one period as the deadline check sees it."""

    unit_id: str
    unit_name_vi: str
    period: str
    due_on: date
    submitted_on: date | None
    late: bool = Field(description="submitted after the due date, or not yet and the due date has passed")
    working_days_late: int = Field(description="0 when on time; so far when not yet submitted")
    steps_fired: list[int]


class CampaignDeadlines(BaseModel):
    campaign_id: str
    as_of: date
    report_due_working_days: int
    review_due_working_days: int
    periods: list[dict] = Field(description="period, ends_on, due_on")
    units: list[PeriodStatus]
