"""The commendation configuration of a tenant. Every number is data (Law 06/2022/QH15, Decree
98/2023, Decree 152/2025 and each province's own regulation change them), never a constant."""

import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from thidua_common.auth import Role
from thidua_common.contracts.award_papers import Signer
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.nomination import NomineeKind
from thidua_common.contracts.statistics import AwardForm, AwardLevel, RecipientType
from thidua_common.contracts.strict import JsonBool, JsonDate
from thidua_common.http.errors import catalogue_error

from ..deadlines.models import DeadlineSettings

REQUIRED_DOCUMENTS = ["cover_request", "achievement_report", "vote_minutes"]
# who may comment during a disclosure window unless the award kind says otherwise: every person
# taking part (not the auditor, who is read-only, nor another system)
COMMENT_ROLES = [
    Role.unit_reporter,
    Role.unit_leader,
    Role.cluster_head,
    Role.board_officer,
    Role.council_member,
    Role.chairperson,
]


class StageKind(StrEnum):
    review = "review"  # vetting: pass or return
    disclosure = "disclosure"  # public disclosure: comments while the window is open
    vote = "vote"  # the council votes against the threshold
    decision = "decision"  # the chairperson decides: number, date, signer


class FlagKind(StrEnum):
    discipline = "discipline"  # đang xem xét kỷ luật
    inspection = "inspection"  # đang thanh tra, kiểm tra
    complaint = "complaint"  # đang có khiếu nại, tố cáo


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID)
    name_vi: str = Field(min_length=1, max_length=300)
    role: Role = Field(description="the role allowed to act in this stage")
    service_days: float = Field(ge=0, le=365, description="working days; halves round up")
    kind: StageKind
    # issue 13: award papers — who signs the award decision (a decision stage's signer)
    signer: Signer | None = Field(None, description="decision stage: who signs the quyết định")


class PrerequisiteRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["prerequisite"]
    requires_award_kind: str = Field(pattern=ID)
    consecutive_years: int = Field(1, ge=1, le=20, description="years up to and including the nomination's")


class QuotaRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["quota"]
    of_award_kind: str = Field(pattern=ID, description="holders of this award in the unit that year")
    max_share: float = Field(gt=0, le=1)


class FreezeRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["freeze_on"]
    flags: list[FlagKind] = Field(default_factory=lambda: list(FlagKind), min_length=1)


class NoDoubleAwardRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["no_double_award"]


Rule = Annotated[PrerequisiteRule | QuotaRule | FreezeRule | NoDoubleAwardRule, Field(discriminator="kind")]


class AwardKind(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID)
    name_vi: str = Field(min_length=2, max_length=300)
    nominee_kind: NomineeKind
    chain: list[Stage] = Field(min_length=1, max_length=20)
    disclosure_days: float = Field(10, ge=0, le=120, description="working days of the disclosure window")
    vote_threshold: float = Field(0.8, gt=0, le=1, description="share of members voting yes needed")
    required_documents: list[str] = Field(default_factory=lambda: list(REQUIRED_DOCUMENTS), max_length=20)
    rules: list[Rule] = Field([], max_length=50)
    comment_roles: list[Role] = Field(
        default_factory=lambda: list(COMMENT_ROLES),
        min_length=1,
        max_length=len(Role),
        description="roles that may comment during the disclosure window (never auditor)",
    )
    # issue 13 (statutory forms): how Circular 02/2023 counts this award (0602.N state level,
    # 0603.N ministry/province level); unset: on no form
    level: AwardLevel | None = None
    form: AwardForm | None = None
    recipient_type: RecipientType | None = Field(None, description="default: collective or individual, by nominee_kind")

    @model_validator(mode="after")
    def _chain(self):
        ids = [s.id for s in self.chain]
        if len(set(ids)) != len(ids):
            raise catalogue_error("commendation.stage_repeats", id=self.id)
        if self.chain[-1].kind != StageKind.decision:
            raise catalogue_error("commendation.chain_end", id=self.id)
        if sum(s.kind == StageKind.decision for s in self.chain) != 1:
            raise catalogue_error("commendation.one_decision", id=self.id)
        return self

    def stage(self, stage_id: str | None) -> Stage | None:
        return next((s for s in self.chain if s.id == stage_id), None)

    def next_stage(self, stage_id: str) -> Stage | None:
        ids = [s.id for s in self.chain]
        i = ids.index(stage_id)
        return self.chain[i + 1] if i + 1 < len(self.chain) else None


HOLIDAY_NAME_MAX = 100


class Holiday(BaseModel):
    """A public holiday: its date (what the working-day computations use) and its name, e.g.
    {"date": "2026-09-02", "name": "Quốc khánh"}. A plain date is read as a holiday without a name,
    as configurations (and stored documents) written before holidays had names carry them."""

    model_config = ConfigDict(extra="forbid")

    date: JsonDate
    name: str = Field("", max_length=HOLIDAY_NAME_MAX)

    @model_validator(mode="before")
    @classmethod
    def _plain_date(cls, value: Any) -> Any:
        return {"date": value} if isinstance(value, str | date) else value

    @field_validator("name", mode="before")
    @classmethod
    def _nfc(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # one spelling of each Vietnamese letter (composed), so the same name compares and sorts equal
        name = unicodedata.normalize("NFC", value).strip()
        if any(unicodedata.category(ch) == "Cc" for ch in name):  # a line break, a tab, a NUL…
            raise catalogue_error("commendation.holiday_name_chars")
        return name


def holiday_dates(holidays: list[Holiday]) -> set[date]:
    return {h.date for h in holidays}


class ConfigWrite(BaseModel):
    """Body of PUT /config/commendation: the tenant's whole configuration."""

    model_config = ConfigDict(extra="forbid")

    holidays: list[Holiday] = Field([], max_length=2000, description="a date, or {date, name}")
    award_kinds: list[AwardKind] = Field(min_length=1, max_length=200)
    escalate_to: list[Role] = Field(
        default_factory=lambda: [Role.board_officer, Role.chairperson], description="told of overdue nominations"
    )
    reason: str = Field("", max_length=2000)
    expected_revision: int | None = None
    # issue 11: ballots — the council's size, the denominator of every vote counted from ballots
    council_members: int | None = Field(
        None, ge=1, le=200, description="members of the council (Hội đồng TĐKT); needed to count ballots"
    )
    # issue 15: deadlines — service times of reports and reviews, the ladders and the contacts
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)

    @model_validator(mode="after")
    def _unique(self):
        ids = [a.id for a in self.award_kinds]
        if len(set(ids)) != len(ids):
            raise catalogue_error("commendation.award_kind_repeats")
        return self


class CommendationConfig(BaseModel):
    tenant: str
    revision: int
    holidays: list[Holiday]
    award_kinds: list[AwardKind]
    escalate_to: list[Role]
    updated_at: datetime
    updated_by: str
    reason: str = ""
    council_members: int | None = None  # issue 11: ballots (None: not configured, ballots are not counted)
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)  # issue 15: deadlines

    @property
    def holiday_dates(self) -> set[date]:
        """What the working-day computations use: the dates alone."""
        return holiday_dates(self.holidays)

    def award(self, award_id: str) -> AwardKind | None:
        return next((a for a in self.award_kinds if a.id == award_id), None)


class FlagWrite(BaseModel):
    """Body of POST /config/commendation/flags: raise or clear a flag that freezes awards."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(pattern=ID)
    person_id: str | None = Field(None, pattern=ID, description="None: the flag is on the unit itself")
    kind: FlagKind
    active: JsonBool = True
    reason: str = Field(min_length=5, max_length=2000)


class Flag(BaseModel):
    tenant: str
    unit_id: str
    person_id: str | None
    kind: FlagKind
    active: bool
    reason: str
    updated_at: datetime
    updated_by: str
