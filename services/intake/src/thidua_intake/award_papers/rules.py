"""The decision batch's rules, free of I/O: which nominations may go into one decision, the
numbers as printed, the trích yếu, the awardees."""

from collections.abc import Mapping
from typing import Any

from thidua_common.contracts.award_papers import Awardee, Signer
from thidua_common.errors import FieldError

from ..commendation_config.models import CommendationConfig, StageKind

DECISION = "QĐ"  # quyết định
SUBMISSION = "TTr"  # tờ trình


def paper_number(sequence: int, paper_type: str, agency_code: str) -> str:
    """ "15/QĐ-UBND": the number in the agency's register for the year, the type, the agency."""
    return f"{sequence}/{paper_type}-{agency_code}"


def register_key(tenant: str, agency_code: str, year: int, paper_type: str) -> str:
    return f"{tenant}/{agency_code}/{year}/{paper_type}"


def check_batch(
    nomination_ids: list[str], docs: Mapping[str, Mapping[str, Any] | None], config: CommendationConfig
) -> list[FieldError]:
    """Every nomination must exist, be open and wait in its chain's decision stage; none twice."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, nid in enumerate(nomination_ids):
        field = f"nomination_ids[{i}]"
        if nid in seen:
            errors.append(FieldError(field, "award_papers.repeated", {"id": nid}))
            continue
        seen.add(nid)
        doc = docs.get(nid)
        if doc is None:
            errors.append(FieldError(field, "nomination.unknown", {"id": nid}))
            continue
        award = config.award(doc["award_kind"])
        stage = award.stage(doc.get("stage")) if award else None
        if doc["status"] != "in_progress" or stage is None or stage.kind != StageKind.decision:
            errors.append(FieldError(field, "award_papers.not_at_decision", {"id": nid}))
        elif not doc.get("approved"):
            errors.append(FieldError(field, "award_papers.not_approved", {"id": nid}))
    return errors


def signer_of(docs: list[Mapping[str, Any]], config: CommendationConfig, default: Signer | None) -> Signer | None:
    """The one signer of the batch (the decision stage's, else the settings' default); None when
    the nominations name different signers or none is configured."""
    signers = set()
    for doc in docs:
        award = config.award(doc["award_kind"])
        stage = award.stage(doc["stage"]) if award else None
        signer = (stage.signer if stage else None) or default
        if signer is None:
            return None
        signers.add(signer.model_dump_json())
    if len(signers) != 1:
        return None
    return Signer.model_validate_json(signers.pop())


def subject_of(award_names: list[str]) -> str:
    """ "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh": the award forms, each once, in order."""
    unique = list(dict.fromkeys(award_names))
    return "Về việc tặng " + ", ".join(unique)


def awardee_of(doc: Mapping[str, Any], unit_names: Mapping[str, str], cash: Mapping[str, int]) -> Awardee:
    nominee = doc["nominee"]
    return Awardee(
        nomination_id=doc["nomination_id"],
        kind=nominee["kind"],
        unit_id=nominee["unit_id"],
        unit_name_vi=unit_names.get(nominee["unit_id"], nominee["unit_id"]),
        person_id=nominee.get("person_id"),
        person_name=nominee.get("person_name"),
        position=nominee.get("position"),
        award_kind=doc["award_kind"],
        award_name_vi=doc["award_name_vi"],
        achievement=doc.get("achievement") or "",
        cash_amount=cash.get(doc["award_kind"]),
    )
