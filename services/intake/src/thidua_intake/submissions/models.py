from pydantic import BaseModel, ConfigDict, Field

from thidua_common.contracts.envelope import TENANT_PATTERN
from thidua_common.contracts.submission import SubmissionSubmitted


class SubmissionCreate(SubmissionSubmitted):
    """Body of POST /api/v1/submissions."""

    model_config = ConfigDict(extra="forbid")

    tenant: str = Field(pattern=TENANT_PATTERN, description="the tenant (e.g. a province) the unit belongs to")


class SubmissionAccepted(BaseModel):
    submission_id: str
    event_id: str
    status: str = "accepted"
    message: str
