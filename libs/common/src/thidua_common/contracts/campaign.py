"""Campaign definitions as carried on the campaigns topic. Intake owns campaigns; scoring,
reporting and notify keep their own copies from these events."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class CampaignKind(StrEnum):
    regular = "regular"
    themed = "themed"


class ReportingFrequency(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID)
    name_vi: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    unit_of_measure: str = Field("", max_length=50, description="e.g. 'xã', '%', 'hộ'")
    max_points: float = Field(gt=0, le=1000)
    target: float | None = Field(None, ge=0, description="default target per period")
    min_value: float = 0
    max_value: float = Field(1e9, description="largest value a submission may report")
    scorer: str = Field("ratio_to_target", description="name of the scorer plugin")


class Cluster(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID)
    name_vi: str
    name_en: str = ""


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    name_vi: str
    unit_type: str
    cluster_id: str | None = None
    email: str | None = None


class CampaignDefined(BaseModel):
    """The full current definition of a campaign (event-carried state): consumers replace their
    copy when `revision` is newer than the one they hold."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    revision: int = Field(ge=1)
    name_vi: str
    name_en: str = ""
    launched_by: str
    kind: CampaignKind = CampaignKind.regular
    start: date
    end: date
    reporting_frequency: ReportingFrequency = ReportingFrequency.quarter
    goals_vi: list[str] = []
    criteria_version: int = Field(ge=1)
    criteria: list[Criterion] = Field(min_length=1)
    clusters: list[Cluster] = []
    participants: list[Participant] = []
