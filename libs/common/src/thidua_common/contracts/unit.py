"""Units (đơn vị) and their history: a hierarchy whose members get renamed, merged and split.
Intake owns units; each change is published with the unit's whole current state."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from .campaign import ID, Change


class UnitType(StrEnum):
    province = "province"
    department = "department"  # sở, ban, ngành
    district = "district"  # huyện, thị xã, thành phố
    commune = "commune"  # xã, phường, thị trấn
    association = "association"  # hội, đoàn thể
    central_agency = "central_agency"  # cơ quan Trung ương trên địa bàn
    state_enterprise = "state_enterprise"
    enterprise = "enterprise"
    school = "school"
    hospital = "hospital"
    other = "other"


class UnitStatus(StrEnum):
    active = "active"
    merged = "merged"  # merged into its successor(s)
    # the member shadows str.split (mypy: assignment); the name is the wire value, so it stays
    split = "split"  # type: ignore[assignment]  # split into its successors
    dissolved = "dissolved"


class NameSpan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_vi: str
    valid_from: date | None = None
    valid_to: date | None = None


class UnitChanged(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    revision: int = Field(ge=1)
    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = ""
    unit_type: UnitType
    parent_id: str | None = Field(None, pattern=ID)
    status: UnitStatus = UnitStatus.active
    valid_from: date | None = None
    valid_to: date | None = None
    predecessors: list[str] = Field([], description="units merged or split into this one")
    successors: list[str] = Field([], description="units this one was merged or split into")
    name_history: list[NameSpan] = []
    email: str | None = None
    change: Change = Change(kind="created")
