"""Request and response bodies of nominations and awards."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from thidua_common.contracts.campaign import ID
from thidua_common.contracts.nomination import Decision, NominationChanged, Nominee
from thidua_common.contracts.strict import JsonDate

MIN_REASON = 5


class DossierDocumentWrite(BaseModel):
    """A document of a dossier as filed: an uploaded file by its `document_id` (intake fills in its
    name, size, SHA-256 and type from what it stored), or a reference with all four of name, url,
    sha256 and size (older dossiers; never enough for a required kind)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=100)
    document_id: str | None = Field(None, pattern=ID, description="id from POST /api/v1/nominations/documents")
    name: str | None = Field(None, min_length=1, max_length=300)
    url: str | None = Field(None, max_length=2000)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    size: int | None = Field(None, ge=0)


class DossierStored(BaseModel):
    """The answer to a document upload: what intake stored, as it counted it."""

    document_id: str
    unit_id: str
    file_name: str
    size: int
    sha256: str
    content_type: str
    uploaded_by: str
    uploaded_at: datetime


class NominationWrite(BaseModel):
    """Body of POST /nominations."""

    model_config = ConfigDict(extra="forbid")

    award_kind: str = Field(pattern=ID)
    nominee: Nominee
    year: int = Field(ge=2000, le=2100)
    campaign_id: str | None = Field(None, pattern=ID)
    basis: str = Field("regular", pattern=r"^(regular|themed|ad_hoc|foreign|contribution|long_service)$")
    achievement: str = Field("", max_length=4000)
    documents: list[DossierDocumentWrite] = Field([], max_length=50)


class ActionKind(StrEnum):
    pass_ = "pass"
    return_ = "return"
    comment = "comment"
    vote = "vote"
    decide = "decide"
    approve = "approve"  # issue 13: award papers — approved by the chair, decided in the next batch
    withdraw = "withdraw"


class VoteInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: int = Field(ge=1, le=1000)
    yes: int = Field(ge=0)
    no: int = Field(ge=0)
    abstain: int = Field(0, ge=0)


class ActionWrite(BaseModel):
    """Body of POST /nominations/{id}/actions."""

    model_config = ConfigDict(extra="forbid")

    action: ActionKind
    stage: str | None = Field(None, max_length=64, description="the stage you act in; refused if it is not current")
    reason: str = Field("", max_length=4000, description="required to return or withdraw; the comment's text")
    vote: VoteInput | None = None
    decision: Decision | None = None
    expected_revision: int | None = None


class ResubmitWrite(BaseModel):
    """Body of POST /nominations/{id}/resubmit: the corrected dossier of a returned nomination."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DossierDocumentWrite] = Field(max_length=50)
    achievement: str | None = Field(None, max_length=4000)
    reason: str = Field("", max_length=2000, description="what was corrected")
    expected_revision: int | None = None


class NominationPublic(NominationChanged):
    tenant: str
    due_on: date | None = Field(None, description="due date of the current stage")
    window_closes_on: date | None = Field(None, description="end of the disclosure window, when in disclosure")
    created_at: datetime
    updated_at: datetime


class AwardImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    award_kind: str = Field(pattern=ID)
    award_name_vi: str | None = Field(None, max_length=300)
    year: int = Field(ge=1945, le=2100)
    nominee: Nominee
    decision: Decision | None = None


class AwardsImport(BaseModel):
    """Body of POST /awards/import: awards decided before (or outside) the system."""

    model_config = ConfigDict(extra="forbid")

    awards: list[AwardImport] = Field(min_length=1, max_length=5000)


class Award(BaseModel):
    tenant: str
    award_kind: str
    award_name_vi: str
    year: int
    nominee: Nominee
    nomination_id: str | None = None
    decision: Decision | None = None
    source: str = Field(description="decided (through a nomination) or imported")


class ImportResult(BaseModel):
    imported: int


class OverdueCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: JsonDate | None = Field(None, description="another 'today' (only where the deployment allows it)")


class OverdueResult(BaseModel):
    as_of: date
    emitted: int
    passed: int = Field(0, description="disclosure stages passed because their window closed")
