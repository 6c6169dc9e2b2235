"""Nominations for titles and forms of commendation (đề nghị khen thưởng), their chain of stages,
and award decisions. The chain, service times, holidays and rules are tenant configuration."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from .campaign import ID, Change
from .statistics import AwardForm, AwardLevel, RecipientType


class NomineeKind(StrEnum):
    collective = "collective"  # tập thể
    individual = "individual"  # cá nhân


class Nominee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NomineeKind
    unit_id: str = Field(pattern=ID, description="the collective, or the individual's unit")
    person_id: str | None = Field(None, pattern=ID)
    person_name: str | None = Field(None, max_length=200)
    position: str | None = Field(None, max_length=200)


class DossierDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="cover_request, achievement_report, vote_minutes or another kind")
    name: str = Field(min_length=1, max_length=300)
    url: str = Field(max_length=2000)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    # issue 11: a file uploaded to intake (POST /api/v1/nominations/documents); then name, size,
    # sha256 and content_type are what intake stored and url is intake's download path.
    # Absent on a reference typed by the filer (older dossiers).
    document_id: str | None = Field(None, pattern=ID, description="id of the file uploaded to intake")
    content_type: str | None = Field(None, max_length=200, description="the uploaded file's sniffed type")


class NominationStatus(StrEnum):
    in_progress = "in_progress"
    returned = "returned"  # sent back to the nominating unit with reasons
    failed = "failed"  # vote below threshold or refused: reasons sent back
    decided = "decided"  # award decision recorded
    withdrawn = "withdrawn"


class StageRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: str
    entered_at: datetime
    due_on: date | None = None
    left_at: datetime | None = None
    outcome: str | None = None  # passed, returned, failed …
    by: str | None = None
    reason: str | None = None
    working_days: float | None = Field(None, description="working days spent in the stage")


class Comment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str
    text: str = Field(min_length=1, max_length=4000)
    at: datetime


class Vote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: int = Field(ge=1)
    yes: int = Field(ge=0)
    no: int = Field(ge=0)
    abstain: int = Field(0, ge=0)
    threshold: float = Field(gt=0, le=1, description="share of members voting yes needed")
    passed: bool


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=100, description="e.g. 1234/QĐ-UBND")
    date: date
    signer: str = Field(min_length=2, max_length=200)


class Approval(BaseModel):
    """issue 13: award papers — the chair approved the nomination; a decision batch decides it."""

    model_config = ConfigDict(extra="forbid")

    by: str
    at: datetime


class NominationChanged(BaseModel):
    """Event-carried state of a nomination; `change` says what this revision did."""

    model_config = ConfigDict(extra="forbid")

    nomination_id: str = Field(pattern=ID)
    revision: int = Field(ge=1)
    award_kind: str = Field(pattern=ID, description="configured award, e.g. bang-khen-chu-tich-tinh")
    award_name_vi: str
    nominee: Nominee
    nominated_by: str
    nominating_unit_id: str | None = Field(
        None, pattern=ID, description="the unit the filer acted for (none for a board officer acting for no unit)"
    )
    year: int = Field(ge=2000, le=2100)
    campaign_id: str | None = Field(None, pattern=ID)
    basis: str = Field("regular", description="regular, themed, ad_hoc, foreign, contribution, long_service")
    achievement: str = Field("", max_length=4000)
    status: NominationStatus
    stage: str | None = None
    stages: list[StageRecord] = []
    documents: list[DossierDocument] = []
    comments: list[Comment] = []
    vote: Vote | None = None
    decision: Decision | None = None
    approved: Approval | None = Field(None, description="issue 13: approved by the chair, awaiting a decision batch")
    change: Change


class NominationOverdue(BaseModel):
    """A nomination sat in a stage past its due date: notify escalates it."""

    model_config = ConfigDict(extra="forbid")

    nomination_id: str
    award_name_vi: str
    nominee: Nominee
    stage: str
    stage_name_vi: str | None = Field(
        None,
        description="the stage's name in the award kind's chain configuration "
        "(events before it was carried: None, the id is shown)",
    )
    due_on: date
    overdue_working_days: int = Field(ge=1)
    escalate_to: list[str] = Field(description="roles to tell")


class AwardDecided(BaseModel):
    """An award decision: one event per awardee, for award histories and statistics."""

    model_config = ConfigDict(extra="forbid")

    nomination_id: str
    award_kind: str
    award_name_vi: str
    nominee: Nominee
    year: int
    campaign_id: str | None = None
    basis: str
    decision: Decision
    # issue 13 (statutory forms): the award kind's classification when it was decided (0602.N /
    # 0603.N); None on awards decided before the configuration said it
    level: AwardLevel | None = None
    form: AwardForm | None = None
    recipient_type: RecipientType | None = None


# issue 11: nomnotice — which revisions the nominating unit and the nominee's unit are told of
_NOTICE_CHANGES = {
    NominationStatus.returned: {"returned"},  # a stage sent it back with a reason
    NominationStatus.failed: {"voted", "failed", "refused"},  # the council's vote below the threshold (or refused)
    NominationStatus.decided: {"decided"},  # the chairperson's award decision
}


def notice_status(nomination: NominationChanged) -> NominationStatus | None:
    """The status this revision's change brought about, when the units are to hear of it; None for
    any other revision (filed, passed, commented, withdrawn, or a later change that kept the status),
    so each return, failure and decision is told once, by the revision that made it."""
    kinds = _NOTICE_CHANGES.get(nomination.status)
    return nomination.status if kinds and nomination.change.kind in kinds else None


def closing_record(nomination: NominationChanged) -> StageRecord | None:
    """The stage record that this revision closed with the nomination's status (its reason), if any."""
    outcome = nomination.status.value
    return next((s for s in reversed(nomination.stages) if s.outcome == outcome), None)
