"""issue 13: award papers — one award decision (quyết định khen thưởng) issued for a batch of
nominations, with its tờ trình. It carries every fact reporting needs to render the tờ trình, the
quyết định with its annex list and the certificates: reporting never reads intake's database."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from .campaign import ID
from .nomination import Decision, NomineeKind


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=30, description="abbreviation in numbers, e.g. UBND, SNV")
    name_vi: str = Field(min_length=2, max_length=300, description="e.g. ỦY BAN NHÂN DÂN")
    parent_vi: str = Field("", max_length=300, description="line above the name in the header, e.g. TỈNH ĐẮK NÔNG")


class Signer(BaseModel):
    """Who signs: "CHỦ TỊCH", or on behalf ("KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"), and the name."""

    model_config = ConfigDict(extra="forbid")

    title_vi: str = Field("CHỦ TỊCH", min_length=2, max_length=100, description="the head's title")
    deputy_title_vi: str | None = Field(
        None, max_length=100, description="signing on behalf (KT.): the deputy's own title, e.g. PHÓ CHỦ TỊCH"
    )
    name: str = Field(min_length=2, max_length=200)

    @property
    def lines(self) -> list[str]:
        """The signature block's title lines, as Decree 30 writes them."""
        if self.deputy_title_vi:
            return [f"KT. {self.title_vi}", self.deputy_title_vi]
        return [self.title_vi]


class Awardee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nomination_id: str
    kind: NomineeKind
    unit_id: str = Field(pattern=ID)
    unit_name_vi: str = Field(description="the unit's name when the decision was issued")
    person_id: str | None = None
    person_name: str | None = None
    position: str | None = None
    award_kind: str
    award_name_vi: str
    achievement: str = ""
    cash_amount: int | None = Field(None, ge=0, description="VND, when the award kind has a configured amount")

    @property
    def display_name(self) -> str:
        return (self.person_name or self.unit_name_vi) if self.kind == NomineeKind.individual else self.unit_name_vi


class PaperNumber(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sequence: int = Field(ge=1, description="number in the agency's register for the year and type")
    number: str = Field(description="as printed after 'Số:', e.g. 15/QĐ-UBND")
    date: date


class AwardDecisionIssued(BaseModel):
    """An award decision issued for a batch of nominations: its number, its tờ trình, the signer
    and every awardee. award.decided events (one per awardee) still carry award history."""

    model_config = ConfigDict(extra="forbid")

    decision_id: str = Field(pattern=ID)
    year: int = Field(ge=2000, le=2100)
    decision: Decision
    decision_number: PaperNumber
    submission_number: PaperNumber = Field(description="the tờ trình's number in the board agency's register")
    issuing_agency: Agency
    board_agency: Agency
    place_vi: str = Field(min_length=2, max_length=100, description="place in dates, e.g. Gia Nghĩa")
    signer: Signer
    board_signer: Signer | None = Field(None, description="who signs the tờ trình (the board agency's head)")
    subject_vi: str = Field(description="trích yếu, e.g. Về việc tặng Bằng khen …")
    campaign_id: str | None = None
    awardees: list[Awardee] = Field(min_length=1)
    issued_by: str
