from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_common.contracts.campaign import CampaignKind, Cluster, Criterion, Participant, ReportingFrequency


class CampaignWrite(BaseModel):
    """Body of PUT /campaigns/{id}: the whole definition (create or replace)."""

    model_config = ConfigDict(extra="forbid")

    name_vi: str = Field(min_length=3, max_length=300)
    name_en: str = Field("", max_length=300)
    launched_by: str = Field(min_length=2, max_length=200)
    kind: CampaignKind = CampaignKind.regular
    start: date
    end: date
    reporting_frequency: ReportingFrequency = ReportingFrequency.quarter
    goals_vi: list[str] = Field([], max_length=50)
    criteria: list[Criterion] = Field(min_length=1, max_length=500)
    clusters: list[Cluster] = Field([], max_length=200)
    participants: list[Participant] = Field([], max_length=5000)
    expected_revision: int | None = Field(None, description="optimistic concurrency: the revision you edited")

    @model_validator(mode="after")
    def consistent(self) -> "CampaignWrite":
        if self.end < self.start:
            raise ValueError("end precedes start / ngày kết thúc trước ngày bắt đầu")
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate criterion id / trùng mã tiêu chí")
        units = [p.unit_id for p in self.participants]
        if len(units) != len(set(units)):
            raise ValueError("duplicate participant / trùng đơn vị tham gia")
        cluster_ids = {c.id for c in self.clusters}
        for p in self.participants:
            if p.cluster_id and p.cluster_id not in cluster_ids:
                raise ValueError(f"unknown cluster '{p.cluster_id}' / không có cụm '{p.cluster_id}'")
        return self


class CampaignPublic(BaseModel):
    tenant: str
    campaign_id: str
    revision: int
    criteria_version: int
    name_vi: str
    name_en: str
    launched_by: str
    kind: CampaignKind
    start: date
    end: date
    reporting_frequency: ReportingFrequency
    goals_vi: list[str]
    criteria: list[Criterion]
    clusters: list[Cluster]
    participants: list[Participant]
