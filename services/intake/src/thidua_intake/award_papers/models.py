"""Request and response bodies of the award papers' settings and decision batches."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from thidua_common.contracts.award_papers import Agency, Awardee, PaperNumber, Signer
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.strict import JsonDate


class PapersSettingsWrite(BaseModel):
    """Body of PUT /award-decisions/settings: who issues decisions and tờ trình, the place printed
    in dates, and the cash reward of each award kind (VND; none: Điều 2 says no amount)."""

    model_config = ConfigDict(extra="forbid")

    issuing_agency: Agency = Field(description="issues the quyết định, e.g. UBND")
    board_agency: Agency = Field(description="the board's agency, writes the tờ trình, e.g. SNV")
    place_vi: str = Field(min_length=2, max_length=100)
    default_signer: Signer | None = Field(None, description="when the decision stage names no signer")
    board_signer: Signer | None = Field(None, description="signs the tờ trình, e.g. GIÁM ĐỐC and the name")
    cash_amounts: dict[str, int] = Field({}, description="award kind → VND")


class PapersSettings(PapersSettingsWrite):
    model_config = ConfigDict(extra="ignore")

    tenant: str
    updated_at: datetime
    updated_by: str


class DecisionBatchWrite(BaseModel):
    """Body of POST /award-decisions: issue one decision for these nominations. `request_id` makes
    a retry answer the decision already issued instead of issuing (and numbering) another."""

    model_config = ConfigDict(extra="forbid")

    request_id: str = Field(pattern=ID, description="chosen by the caller; the same on a retry")
    nomination_ids: list[str] = Field(min_length=1, max_length=500)
    date: JsonDate | None = Field(None, description="the decision's date (default: today in Vietnam)")
    subject_vi: str | None = Field(None, min_length=5, max_length=500, description="trích yếu")


class DecisionBatchPublic(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the stored document also holds the event's agencies
    tenant: str
    decision_id: str
    request_id: str
    year: int
    decision_number: PaperNumber
    submission_number: PaperNumber
    signer: Signer
    subject_vi: str
    nomination_ids: list[str]
    awardees: list[Awardee]
    issued_by: str
    issued_at: datetime
    date: date
