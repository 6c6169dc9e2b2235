from pydantic import BaseModel, ConfigDict, Field

from thidua_common.contracts.campaign import ID
from thidua_common.contracts.registration import RatingGiven
from thidua_common.contracts.submission import PERIOD


class RatingCreate(BaseModel):
    """Body of POST /campaigns/{id}/ratings: a reviewer's ratings of one unit for one period."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    period: str = Field(pattern=PERIOD, description="YYYY, YYYY-Qn or YYYY-MM")
    ratings: dict[str, float] = Field(min_length=1, max_length=200, description="leaf id → rating")
    comment: str = Field("", max_length=2000)


class RatingPublic(RatingGiven):
    rating_id: str
    tenant: str
    event_id: str
