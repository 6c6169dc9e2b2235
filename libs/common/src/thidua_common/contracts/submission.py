"""A unit's reported results for one period (báo cáo kết quả)."""

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .campaign import ID
from .period import PERIOD

__all__ = ["PERIOD", "EvidenceLink", "SubmissionReceived", "SubmissionSubmitted"]


class EvidenceLink(BaseModel):
    """A link to evidence, or (issue 10) a file uploaded through intake named by `evidence_id`:
    intake then fills `sha256`, `size` and `file_name` from what it stored."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    description: str = Field("", max_length=500)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    evidence_id: str | None = Field(None, pattern=ID, description="an evidence file uploaded through intake")
    size: int | None = Field(None, ge=0, description="bytes of the uploaded file (set by intake)")
    file_name: str | None = Field(None, max_length=255, description="name of the uploaded file (set by intake)")

    @model_validator(mode="after")
    def _has_source(self) -> "EvidenceLink":
        if self.url is None and self.evidence_id is None:
            # the HTTP layer's catalogue error (..http.errors.catalogue_error), spelled out: contracts import no HTTP
            raise PydanticCustomError("thidua_catalogue", "evidence.source", {"key": "evidence.source"})
        return self


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
