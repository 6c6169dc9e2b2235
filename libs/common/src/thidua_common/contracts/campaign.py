"""Campaign definitions as carried on the campaigns topic. Intake owns campaigns; scoring,
reporting and notify keep their own copies from these events (event-carried state: each event
holds the whole current definition, and `change` says what this revision changed)."""

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..ids import ID as ID  # re-exported: the models import it from here
from .period import YEAR_MAX, YEAR_MIN
from .statistics import CampaignScope, LaunchLevel


class CampaignKind(StrEnum):
    regular = "regular"
    themed = "themed"


class ReportingFrequency(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class CampaignStatus(StrEnum):
    draft = "draft"
    launched = "launched"
    running = "running"
    reviewing = "reviewing"
    closed = "closed"


# The lifecycle: anything else is refused.
TRANSITIONS: dict[CampaignStatus, set[CampaignStatus]] = {
    CampaignStatus.draft: {CampaignStatus.launched},
    CampaignStatus.launched: {CampaignStatus.running},
    CampaignStatus.running: {CampaignStatus.reviewing},
    CampaignStatus.reviewing: {CampaignStatus.running, CampaignStatus.closed},
    CampaignStatus.closed: set(),
}
# Units may submit results while a campaign is in these states.
OPEN_FOR_SUBMISSIONS = {CampaignStatus.launched, CampaignStatus.running, CampaignStatus.reviewing}


class Direction(StrEnum):
    higher = "higher"  # more is better
    # the member shadows str.lower (mypy: assignment); the name is the wire value, so it stays
    lower = "lower"  # type: ignore[assignment]  # less is better (e.g. overdue dossiers, violations)


class Criterion(BaseModel):
    """A node of the criteria tree. A node with children is a group: it sums its children and is
    capped at its own maximum. A node without children is a leaf scored by its `scorer` plugin."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID)
    name_vi: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    unit_of_measure: str = Field("", max_length=50, description="e.g. 'xã', '%', 'hộ'")
    max_points: float = Field(gt=0, le=1000, description="for a penalty leaf: the largest deduction")
    target: float | None = Field(None, ge=0, description="default target per period; a registration may override")
    direction: Direction = Direction.higher
    min_value: float = 0
    max_value: float = Field(1e9, description="largest value a submission may report")
    scorer: str | None = Field("ratio_to_target", description="scorer plugin of a leaf; ignored for groups")
    params: dict[str, Any] = Field({}, description="scorer parameters, e.g. points_per, scale")
    children: list["Criterion"] = Field([], max_length=200)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> list["Criterion"]:
        return [self] if self.is_leaf else [leaf for child in self.children for leaf in child.leaves()]


def leaves_of(criteria: list[Criterion]) -> list[Criterion]:
    return [leaf for node in criteria for leaf in node.leaves()]


class MissingReports(StrEnum):
    """How a whole-campaign leaderboard counts a period a unit was due to report and did not:
    `zero` (0 points for it: not reporting is not rewarded) or `excluded` (the unit is ranked on
    the mean of the periods it reported)."""

    zero = "zero"
    excluded = "excluded"


class ClusterLeadership(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    head_unit_id: str = Field(pattern=ID)
    deputy_unit_id: str | None = Field(None, pattern=ID)


class Cluster(BaseModel):
    """A cluster or bloc (cụm, khối thi đua): similar units ranked against each other; the head
    and deputy rotate among members, year by year."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID)
    name_vi: str
    name_en: str = ""
    leadership: list[ClusterLeadership] = []


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    name_vi: str
    unit_type: str
    cluster_id: str | None = None
    email: str | None = None


class Change(BaseModel):
    """What a revision changed, by whom and why: read by people in explanations and audits."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="e.g. created, updated, status, criteria, units_merged, target")
    by: str = ""
    reason: str = Field("", max_length=2000)
    detail: dict[str, Any] = {}


class PeriodDeadline(BaseModel):
    """Issue 15: deadlines — when a period's unit reports are due (working days after the period's
    last day, the tenant's holidays skipped), as intake computed it when the campaign last changed."""

    model_config = ConfigDict(extra="forbid")

    period: str
    ends_on: date
    due_on: date


class CampaignDefined(BaseModel):
    """The full current definition of a campaign: consumers replace their copy when `revision` is
    newer than the one they hold."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    revision: int = Field(ge=1)
    status: CampaignStatus = CampaignStatus.running
    name_vi: str
    name_en: str = ""
    launched_by: str
    kind: CampaignKind = CampaignKind.regular
    start: date
    end: date
    reporting_frequency: ReportingFrequency = ReportingFrequency.quarter
    interim_reviews: list[date] = []
    final_review: date | None = None
    goals_vi: list[str] = []
    goals_en: list[str] = []
    criteria_version: int = Field(ge=1)
    criteria: list[Criterion] = Field(min_length=1)
    max_total: float | None = Field(None, gt=0, description="cap of the total; default: sum of top-level maxima")
    missing_reports: MissingReports = Field(MissingReports.zero, description="how leaderboards count a missing report")
    clusters: list[Cluster] = []
    participants: list[Participant] = []
    change: Change = Change(kind="created")
    # issue 13 (statutory forms): where and by whom the campaign was launched (form 0601.N)
    scope: CampaignScope = Field(
        CampaignScope.ministry_province, description="phạm vi: national, ministry_province, cluster, agency"
    )
    launch_level: LaunchLevel = Field(
        LaunchLevel.ministry_province, description="cấp phát động: central, ministry_province, agency"
    )
    # issue 15: deadlines — the campaign's own service times (None: the tenant's defaults) and the
    # resulting due date of every period's reports (the one place consumers read them from)
    report_due_working_days: int | None = Field(None, ge=0, le=120)
    review_due_working_days: int | None = Field(None, ge=1, le=120)
    period_deadlines: list[PeriodDeadline] = []
