"""A unit's reported results for one period (báo cáo kết quả)."""

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from .campaign import ID
from .period import PERIOD

__all__ = ["PERIOD", "EvidenceLink", "SubmissionReceived", "SubmissionSubmitted"]


class EvidenceLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    description: str = Field("", max_length=500)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class SubmissionReceived(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submission_id: str
    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD, description="YYYY, YYYY-Qn or YYYY-MM")
    values: dict[str, float] = Field(min_length=1, description="criterion id → reported value")
    evidence: list[EvidenceLink] = []
    note: str = Field("", max_length=2000)
    submitted_by: str
    submitted_at: datetime
    channel: str = Field("http", description="http or kafka")
    criteria_version: int = Field(ge=1)


class SubmissionSubmitted(BaseModel):
    """What a unit (over HTTP) or another system (on the inbound topic) submits. Intake validates
    it against the campaign and, once accepted, emits SubmissionReceived."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD, description="YYYY, YYYY-Qn or YYYY-MM")
    values: dict[str, float] = Field(min_length=1, max_length=500, description="criterion id → reported value")
    evidence: list[EvidenceLink] = Field([], max_length=50)
    note: str = Field("", max_length=2000)
