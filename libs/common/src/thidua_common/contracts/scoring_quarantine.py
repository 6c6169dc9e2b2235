"""Scoring stopped scoring one campaign (issue 8: liveness): its definition or its events fail
deterministically, so scoring quarantines that campaign alone, keeps its further events, and
resumes it when a corrected revision arrives. This event tells the commendation board (notify
mails the escalation address); the offending events themselves go to the scoring dead-letter topic."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class QuarantineProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="where, e.g. criteria.0.params.threshold (of the campaign definition)")
    code: str = Field(description="message-catalogue key, e.g. criterion.param_invalid")
    reason_vi: str
    reason_en: str


class CampaignQuarantined(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: str
    campaign_name_vi: str = ""
    revision: int | None = Field(None, description="revision of the campaign definition at fault, when known")
    reason_code: str = Field(description="scoring.quarantine.definition or scoring.quarantine.repeated")
    reason_vi: str
    reason_en: str
    problems: list[QuarantineProblem] = []
    offending_event_ids: list[str] = Field(min_length=1)
    offending_event_types: list[str] = []
    attempts: int = Field(ge=1, description="how many times the offending event failed")
    held_events: int = Field(ge=0, description="events of the campaign kept until a corrected revision arrives")
    quarantined_at: datetime
