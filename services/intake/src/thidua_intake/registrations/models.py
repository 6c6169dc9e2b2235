from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from thidua_common.contracts.campaign import ID
from thidua_common.contracts.registration import RegistrationChanged, Target
from thidua_common.contracts.submission import PERIOD

# a target change must say why: "sát thực tế" is judged from the reasons in the history
MIN_REASON = 5
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=MIN_REASON, max_length=2000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class RegistrationWrite(BaseModel):
    """Body of PUT /campaigns/{id}/registrations/{unit}: the unit's whole registration. The first
    one registers; later ones must keep every registered target (change its value, with a reason)."""

    model_config = ConfigDict(extra="forbid")

    targets: list[Target] = Field([], max_length=2000)
    titles: list[Title] = Field([], max_length=20, description="e.g. 'Cờ thi đua của UBND tỉnh'")
    reason: str = Field("", max_length=2000, description="required when a registered target changes")
    expected_revision: int | None = Field(None, description="optimistic concurrency: the revision you edited")


class TargetPatch(BaseModel):
    """Body of PATCH /campaigns/{id}/registrations/{unit}/targets: change one target, with a reason."""

    model_config = ConfigDict(extra="forbid")

    criterion_id: str = Field(pattern=ID)
    period: str | None = Field(None, pattern=PERIOD, description="None: every period without its own target")
    value: float = Field(ge=0)
    reason: Reason
    expected_revision: int | None = None


class RegistrationPublic(RegistrationChanged):
    tenant: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
