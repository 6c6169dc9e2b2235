"""issue 13: award papers — the decision batch on a fake unit of work: one decision for many
nominations at their decision stage, numbered per agency and year without gaps, idempotent on
retry; a refused batch takes no number and decides nothing."""

import asyncio
from datetime import date

import pytest

from thidua_common.contracts.nomination import Nominee
from thidua_common.errors import Conflict, Forbidden, Invalid
from thidua_intake.award_papers import rules as paper_rules
from thidua_intake.award_papers import service as papers
from thidua_intake.award_papers.models import DecisionBatchWrite, PapersSettingsWrite
from thidua_intake.commendation_config import service as config_service
from thidua_intake.commendation_config.models import ConfigWrite
from thidua_intake.nominations import service as nominations
from thidua_intake.nominations.models import ActionWrite, NominationWrite
from thidua_intake.nominations.rules import Actor

from .service_fixtures import TENANT, fresh_uow
from .test_nomination_rules import CHAIN, award

OFFICER = Actor("can-bo-ban", frozenset({"board_officer"}), "van-phong")
CHAIR = Actor("chu-tich", frozenset({"chairperson"}), None)
SIGNER = {"title_vi": "CHỦ TỊCH", "deputy_title_vi": "PHÓ CHỦ TỊCH", "name": "Lê Văn Chiến"}
SETTINGS = PapersSettingsWrite.model_validate(
    {
        "issuing_agency": {"code": "UBND", "name_vi": "ỦY BAN NHÂN DÂN", "parent_vi": "TỈNH ĐẮK NÔNG"},
        "board_agency": {"code": "SNV", "name_vi": "SỞ NỘI VỤ", "parent_vi": "UBND TỈNH ĐẮK NÔNG"},
        "place_vi": "Đắk Nông",
        "cash_amounts": {"chien-si-thi-dua-co-so": 1_500_000},
    }
)
DAY = date(2026, 1, 5)


@pytest.fixture
async def uow():
    uow = fresh_uow()
    chain = [dict(s) for s in CHAIN]
    chain[-1]["signer"] = SIGNER
    config = ConfigWrite(award_kinds=[award(rules=[], required_documents=[], chain=chain)])
    await config_service.put(uow, TENANT, config, "can-bo-ban")
    await papers.put_settings(uow, TENANT, SETTINGS, "can-bo-ban")
    await uow.db.units.insert_one({"_id": f"{TENANT}/so-noi-vu", "tenant": TENANT, "unit_id": "so-noi-vu", "name_vi": "Sở Nội vụ"})
    return uow


async def at_decision(uow, person: str, unit: str = "so-noi-vu", approve: bool = True) -> str:
    """A nomination filed, moved (as its chain would) to the chair's decision stage, and approved
    by the chair (unless told otherwise)."""
    nominee = Nominee(kind="individual", unit_id=unit, person_id=person, person_name=f"Nguyễn Văn {person}")
    filed = await nominations.create(
        uow, TENANT, NominationWrite(award_kind="chien-si-thi-dua-co-so", nominee=nominee, year=2025, achievement="Hoàn thành xuất sắc"), OFFICER
    )
    record = {"stage": "quyet-dinh", "entered_at": "2026-01-02T02:00:00+00:00", "due_on": None}
    await uow.db.nominations.update_one(
        {"_id": f"{TENANT}/{filed.nomination_id}"}, {"$set": {"stage": "quyet-dinh", "stages": [record]}}
    )
    if approve:
        await nominations.act(uow, TENANT, filed.nomination_id, ActionWrite(action="approve"), CHAIR)
    return filed.nomination_id


def batch(request_id: str, *ids: str) -> DecisionBatchWrite:
    return DecisionBatchWrite(request_id=request_id, nomination_ids=list(ids), date=DAY)


async def test_one_decision_lists_many_awardees_and_decides_each(uow):
    a, b = await at_decision(uow, "nv-01"), await at_decision(uow, "nv-02")
    issued = await papers.issue(uow, TENANT, batch("lo-1", a, b), "can-bo-ban")
    assert issued.decision_number.number == "1/QĐ-UBND" and issued.submission_number.number == "1/TTr-SNV"
    assert [x.person_name for x in issued.awardees] == ["Nguyễn Văn nv-01", "Nguyễn Văn nv-02"]
    assert issued.awardees[0].unit_name_vi == "Sở Nội vụ" and issued.awardees[0].cash_amount == 1_500_000
    assert issued.signer.lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    types = [e["type"] for e in uow.events()]
    assert types.count("vn.thidua.award.decided.v1") == 2  # statistics count each awardee
    assert types.count("vn.thidua.award.decision.issued.v1") == 1
    [event] = [e for e in uow.events() if e["type"] == "vn.thidua.award.decision.issued.v1"]
    assert len(event["data"]["awardees"]) == 2 and event["data"]["decision"]["number"] == "1/QĐ-UBND"
    for nid in (a, b):
        n = await nominations.get(uow.db, TENANT, nid)
        assert (n.status, n.decision.number, n.decision.date) == ("decided", "1/QĐ-UBND", DAY)
    assert await uow.db.awards.count_documents({"decision.number": "1/QĐ-UBND"}) == 2


async def test_numbers_follow_each_other_per_agency_and_year(uow):
    ids = [await at_decision(uow, f"nv-{i:02d}") for i in range(4)]
    first = await papers.issue(uow, TENANT, batch("lo-1", ids[0]), "can-bo-ban")
    second = await papers.issue(uow, TENANT, batch("lo-2", ids[1]), "can-bo-ban")
    other_year = await papers.issue(
        uow, TENANT, DecisionBatchWrite(request_id="lo-3", nomination_ids=[ids[2]], date=date(2027, 1, 4)), "x"
    )
    assert [first.decision_number.sequence, second.decision_number.sequence] == [1, 2]
    assert other_year.decision_number.number == "1/QĐ-UBND"  # a new year starts a new register


async def test_concurrent_batches_get_distinct_numbers(uow):
    ids = [await at_decision(uow, f"nv-{i:02d}") for i in range(6)]
    issued = await asyncio.gather(*(papers.issue(uow, TENANT, batch(f"lo-{i}", nid), "x") for i, nid in enumerate(ids)))
    numbers = sorted(i.decision_number.sequence for i in issued)
    assert numbers == [1, 2, 3, 4, 5, 6]


async def test_a_retry_answers_the_same_decision_and_takes_no_number(uow):
    a, b = await at_decision(uow, "nv-01"), await at_decision(uow, "nv-02")
    first = await papers.issue(uow, TENANT, batch("lo-1", a), "can-bo-ban")
    events = len(uow.events())
    again = await papers.issue(uow, TENANT, batch("lo-1", a), "can-bo-ban")
    assert again == first and len(uow.events()) == events
    later = await papers.issue(uow, TENANT, batch("lo-2", b), "can-bo-ban")
    assert later.decision_number.number == "2/QĐ-UBND"
    with pytest.raises(Conflict) as caught:
        await papers.issue(uow, TENANT, batch("lo-1", b), "can-bo-ban")
    assert caught.value.key == "award_papers.request_reused"


async def test_a_refused_batch_writes_no_number_and_decides_nothing(uow):
    a = await at_decision(uow, "nv-01")
    filed_only = await nominations.create(
        uow,
        TENANT,
        NominationWrite(award_kind="chien-si-thi-dua-co-so", nominee=Nominee(kind="individual", unit_id="so-noi-vu", person_id="nv-09"), year=2025),
        OFFICER,
    )
    events = len(uow.events())
    with pytest.raises(Invalid) as caught:
        await papers.issue(uow, TENANT, batch("lo-1", a, filed_only.nomination_id, a, "khong-co"), "x")
    keys = [(e.field, e.key) for e in caught.value.errors]
    assert keys == [
        ("nomination_ids[1]", "award_papers.not_at_decision"),
        ("nomination_ids[2]", "award_papers.repeated"),
        ("nomination_ids[3]", "nomination.unknown"),
    ]
    assert await uow.db.paper_registers.count_documents({}) == 0
    assert await uow.db.award_decisions.count_documents({}) == 0
    assert (await nominations.get(uow.db, TENANT, a)).status == "in_progress"
    assert len(uow.events()) == events
    issued = await papers.issue(uow, TENANT, batch("lo-2", a), "x")
    assert issued.decision_number.sequence == 1  # no gap left by the refusal


async def test_without_settings_or_signer_the_batch_is_refused():
    uow = fresh_uow()
    await config_service.put(uow, TENANT, ConfigWrite(award_kinds=[award(rules=[], required_documents=[])]), "x")
    a = await at_decision(uow, "nv-01")
    with pytest.raises(Conflict) as caught:
        await papers.issue(uow, TENANT, batch("lo-1", a), "x")
    assert caught.value.key == "award_papers.no_settings"
    await papers.put_settings(uow, TENANT, SETTINGS, "x")
    with pytest.raises(Invalid) as refused:
        await papers.issue(uow, TENANT, batch("lo-1", a), "x")
    assert refused.value.errors[0].key == "award_papers.signer"
    assert await uow.db.paper_registers.count_documents({}) == 0


def test_numbers_and_subject_as_printed():
    assert paper_rules.paper_number(15, "QĐ", "UBND") == "15/QĐ-UBND"
    assert paper_rules.paper_number(12, "TTr", "SNV") == "12/TTr-SNV"
    assert paper_rules.subject_of(["Bằng khen", "Bằng khen", "Giấy khen"]) == "Về việc tặng Bằng khen, Giấy khen"


async def test_only_what_the_chair_approved_goes_into_a_decision(uow):
    waiting = await at_decision(uow, "nv-01", approve=False)
    with pytest.raises(Invalid) as caught:
        await papers.issue(uow, TENANT, batch("lo-1", waiting), "x")
    assert [(e.field, e.key) for e in caught.value.errors] == [("nomination_ids[0]", "award_papers.not_approved")]
    with pytest.raises(Forbidden):  # the chair's stage: the board officer does not approve
        await nominations.act(uow, TENANT, waiting, ActionWrite(action="approve"), OFFICER)
    approved = await nominations.act(uow, TENANT, waiting, ActionWrite(action="approve"), CHAIR)
    assert (approved.status, approved.stage, approved.approved.by) == ("in_progress", "quyet-dinh", "chu-tich")
    with pytest.raises(Conflict) as twice:
        await nominations.act(uow, TENANT, waiting, ActionWrite(action="approve"), CHAIR)
    assert twice.value.key == "award_papers.already_approved"
    issued = await papers.issue(uow, TENANT, batch("lo-1", waiting), "x")
    assert issued.decision_number.sequence == 1
