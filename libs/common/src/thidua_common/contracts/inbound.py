"""Issue 12: the event kinds other systems publish on their inbound topic besides submissions: a
target update of a registration, a review decision, and a change of the unit register. Each one
is the body of an HTTP request of intake plus what the URL names (campaign, unit, submission):
intake validates it with the HTTP request's own model and calls the same service function, so an
event is refused for exactly the reasons the HTTP request would be. The field rules below mirror
those models (intake validates with both, so a rule missing here is still applied)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .campaign import ID
from .period import PERIOD
from .review import ReviewDecision
from .strict import JsonDate
from .unit import UnitType

__all__ = [
    "MergeSuccessor",
    "ReviewDecided",
    "SplitSuccessor",
    "TargetChangeRequested",
    "UnitCreate",
    "UnitMergeBody",
    "UnitRegisterChangeRequested",
    "UnitRenameBody",
    "UnitSplitBody",
]

EMAIL = r"^[^@\s]+@[^@\s]+$"


class TargetChangeRequested(BaseModel):
    """Change (or add) one target of a unit's registration, with a reason (at least 5 characters):
    PATCH /api/v1/campaigns/{campaign_id}/registrations/{unit_id}/targets."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    criterion_id: str = Field(pattern=ID)
    period: str | None = Field(None, pattern=PERIOD, description="None: every period without its own target")
    value: float = Field(ge=0)
    reason: str = Field(min_length=5, max_length=2000, description="why the target changes (kept in the history)")
    expected_revision: int | None = Field(None, description="optimistic concurrency: the revision it changes")


class ReviewDecided(BaseModel):
    """An outside review system's decision on a submission, in the reviewer role granted to the
    system (`thidua-systems add --review-as`): POST /api/v1/submissions/{submission_id}/review.
    `unit_id` must be the submission's unit (the system's scope is checked on it)."""

    model_config = ConfigDict(extra="forbid")

    submission_id: str = Field(min_length=1, max_length=100)
    unit_id: str = Field(pattern=ID, description="the unit whose submission it is")
    decision: ReviewDecision
    reason: str = Field("", max_length=2000, description="why (reject)")
    reasons: dict[str, str] = Field({}, max_length=500, description="criterion id → why it is returned (return)")


class UnitCreate(BaseModel):
    """PUT /api/v1/units/{unit_id}: create a unit (or correct its current data)."""

    model_config = ConfigDict(extra="forbid")

    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = Field("", max_length=300)
    unit_type: UnitType
    parent_id: str | None = Field(None, pattern=ID)
    email: str | None = Field(None, pattern=EMAIL, max_length=254)
    valid_from: JsonDate | None = None
    reason: str = Field("", max_length=2000)
    expected_revision: int | None = None


class UnitRenameBody(BaseModel):
    """POST /api/v1/units/{unit_id}/rename."""

    model_config = ConfigDict(extra="forbid")

    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = Field("", max_length=300)
    effective: JsonDate
    reason: str = Field(min_length=1, max_length=2000)


class MergeSuccessor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    name_vi: str | None = Field(None, min_length=2, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    unit_type: UnitType | None = None
    parent_id: str | None = Field(None, pattern=ID)
    email: str | None = Field(None, pattern=EMAIL, max_length=254)


class UnitMergeBody(BaseModel):
    """POST /api/v1/units/merge."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(min_length=2, max_length=200)
    into: MergeSuccessor
    effective: JsonDate
    reason: str = Field(min_length=1, max_length=2000)


class SplitSuccessor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    name_vi: str = Field(min_length=2, max_length=300)
    name_en: str = Field("", max_length=300)
    unit_type: UnitType | None = None
    parent_id: str | None = Field(None, pattern=ID)
    email: str | None = Field(None, pattern=EMAIL, max_length=254)


class UnitSplitBody(BaseModel):
    """POST /api/v1/units/{unit_id}/split."""

    model_config = ConfigDict(extra="forbid")

    into: list[SplitSuccessor] = Field(min_length=2, max_length=200)
    effective: JsonDate
    reason: str = Field(min_length=1, max_length=2000)


UnitAction = Literal["create", "rename", "merge", "split"]


class UnitRegisterChangeRequested(BaseModel):
    """A change of the unit register (danh mục đơn vị): `action` names it and the field of the same
    name carries its body. `unit_id` is the unit created, renamed or split, or a merge's successor
    (`merge.into.unit_id`). Every unit it names must lie in the system's scope."""

    model_config = ConfigDict(extra="forbid")

    action: UnitAction
    unit_id: str = Field(pattern=ID)
    create: UnitCreate | None = None
    rename: UnitRenameBody | None = None
    merge: UnitMergeBody | None = None
    split: UnitSplitBody | None = None

    @model_validator(mode="after")
    def _one_body(self) -> "UnitRegisterChangeRequested":
        bodies = {a for a in ("create", "rename", "merge", "split") if getattr(self, a) is not None}
        if bodies != {self.action}:
            # the HTTP layer's catalogue error, spelled out: contracts import no HTTP
            raise PydanticCustomError(
                "thidua_catalogue", "inbound.unit_body", {"key": "inbound.unit_body", "action": self.action}
            )
        if self.merge is not None and self.merge.into.unit_id != self.unit_id:
            raise PydanticCustomError(
                "thidua_catalogue", "inbound.merge_unit", {"key": "inbound.merge_unit", "id": self.unit_id}
            )
        return self

    def unit_ids(self) -> list[str]:
        """Every unit the change names (the system's scope must hold each)."""
        ids = [self.unit_id]
        if self.merge is not None:
            ids += self.merge.sources
        if self.split is not None:
            ids += [s.unit_id for s in self.split.into]
        return list(dict.fromkeys(ids))
