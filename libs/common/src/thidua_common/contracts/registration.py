"""Registrations (đăng ký thi đua): a unit commits to targets per criterion and period and names
the titles it aims for. Every target change carries a reason and is kept in the history."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from .campaign import ID, Change
from .submission import PERIOD


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion_id: str = Field(pattern=ID)
    period: str | None = Field(None, pattern=PERIOD, description="None: every period without its own target")
    value: float = Field(ge=0)


class TargetChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion_id: str
    period: str | None
    old: float | None
    new: float
    reason: str
    by: str
    at: datetime


class RegistrationChanged(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    revision: int = Field(ge=1)
    targets: list[Target] = []
    titles: list[str] = Field([], description="titles aimed for, e.g. 'Cờ thi đua của UBND tỉnh'")
    history: list[TargetChange] = []
    change: Change = Change(kind="registered")


class RatingGiven(BaseModel):
    """A reviewer's rating of a unit for a period on reviewer-rated criteria."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(pattern=ID)
    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD)
    ratings: dict[str, float] = Field(min_length=1)
    comment: str = Field("", max_length=2000)
    by: str
    at: datetime
