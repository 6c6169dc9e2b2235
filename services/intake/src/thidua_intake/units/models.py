"""Request and response bodies of the unit registry (danh mục đơn vị)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from thidua_common.contracts.campaign import ID
from thidua_common.contracts.strict import JsonDate
from thidua_common.contracts.unit import UnitChanged, UnitStatus, UnitType

EMAIL = r"^[^@\s]+@[^@\s]+$"


class UnitWrite(BaseModel):
    """Body of PUT /units/{id}: create a unit or correct its current data (a correction of the
    name keeps no history: use /rename for a rename that takes effect on a date)."""

    model_config = ConfigDict(extra="forbid")

    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = Field("", max_length=300)
    unit_type: UnitType
    parent_id: str | None = Field(None, pattern=ID, description="đơn vị cấp trên; must exist in the tenant")
    email: str | None = Field(None, pattern=EMAIL, max_length=254)
    valid_from: JsonDate | None = None
    reason: str = Field("", max_length=2000)
    expected_revision: int | None = Field(None, description="optimistic concurrency: the revision you edited")


class UnitRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = Field("", max_length=300)
    effective: JsonDate
    reason: str = Field(min_length=1, max_length=2000, description="e.g. the resolution that renamed the unit")


class MergeTarget(BaseModel):
    """The successor of a merge: a new unit, or one of the sources that absorbs the others (then
    the fields left out keep their current values)."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    name_vi: str | None = Field(None, min_length=2, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    unit_type: UnitType | None = None
    parent_id: str | None = Field(None, pattern=ID)
    email: str | None = Field(None, pattern=EMAIL, max_length=254)


class UnitMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(min_length=2, max_length=200)
    into: MergeTarget
    effective: JsonDate
    reason: str = Field(min_length=1, max_length=2000)


class SplitTarget(BaseModel):
    """A successor of a split: a new unit. Type and parent default to the source's."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = Field("", max_length=300)
    unit_type: UnitType | None = None
    parent_id: str | None = Field(None, pattern=ID)
    email: str | None = Field(None, pattern=EMAIL, max_length=254)


class UnitSplit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: list[SplitTarget] = Field(min_length=2, max_length=200)
    effective: JsonDate
    reason: str = Field(min_length=1, max_length=2000)


class UnitPublic(UnitChanged):
    tenant: str


class CampaignTouched(BaseModel):
    campaign_id: str
    revision: int


class UnitChangeResult(BaseModel):
    """Answer of rename, merge and split: every unit written and every campaign updated."""

    unit: UnitPublic = Field(description="the renamed unit, the merge successor or the split source")
    units: list[UnitPublic] = Field(description="every unit this change wrote")
    campaigns: list[CampaignTouched] = Field(description="campaigns whose participants were updated")


class LineageEntry(BaseModel):
    unit_id: str
    name_vi: str
    unit_type: UnitType
    status: UnitStatus
    valid_from: date | None
    valid_to: date | None
    depth: int = Field(description="1 for a direct predecessor or successor")
    via: str = Field(description="the unit it was reached from")
    effective: date | None = Field(description="when the change between the two took effect")


class UnitLineage(BaseModel):
    unit: UnitPublic
    predecessors: list[LineageEntry]
    successors: list[LineageEntry]
