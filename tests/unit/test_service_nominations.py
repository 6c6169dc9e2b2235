"""Issue 9: the nomination service on a fake unit of work (no MongoDB): filing and acting write the
nomination with its event in one commit, the configuration and imported awards leave audit-only
records, and a refusal writes nothing (the quota lock included)."""

import pytest

from thidua_common.contracts.nomination import Nominee
from thidua_common.errors import Conflict, Forbidden, Invalid
from thidua_intake.commendation_config import service as config_service
from thidua_intake.commendation_config.models import ConfigWrite
from thidua_intake.nominations import service as nominations
from thidua_intake.nominations.models import (
    ActionWrite,
    AwardImport,
    AwardsImport,
    NominationWrite,
    ResubmitWrite,
)
from thidua_intake.nominations.rules import Actor

from .service_fixtures import TENANT, fresh_uow
from .test_nomination_rules import BOARD, CSTD, award

NOMINEE = {"kind": "individual", "unit_id": "so-noi-vu", "person_id": "nv-01"}
OFFICER = Actor("can-bo-ban", frozenset({"board_officer"}), "van-phong")


def filing(year: int = 2024) -> NominationWrite:
    return NominationWrite(award_kind=CSTD, nominee=Nominee(**NOMINEE), year=year)


@pytest.fixture
async def uow():
    uow = fresh_uow()
    config = ConfigWrite(award_kinds=[award(rules=[{"kind": "no_double_award"}], required_documents=[])])
    await config_service.put(uow, TENANT, config, "can-bo-ban")
    return uow


async def test_the_configuration_is_audited_without_an_event(uow):
    [record] = uow.audit_only()
    assert record["type"] == "vn.thidua.commendation_config.changed.v1"
    assert uow.events() == [] and uow.relay.wakes == 1  # the relay chains the audit record at once


async def test_a_filed_nomination_is_stored_with_its_event(uow):
    filed = await nominations.create(uow, TENANT, filing(), OFFICER)
    assert (filed.stage, filed.status, filed.revision) == ("tham-dinh", "in_progress", 1)
    [event] = uow.events()
    assert event["type"] == "vn.thidua.nomination.changed.v1"
    assert event["data"]["nomination_id"] == filed.nomination_id
    assert (await uow.db.nomination_locks.find_one({"_id": f"{TENANT}/so-noi-vu/2024"}))["filed"] == 1
    assert (await nominations.get(uow.db, TENANT, filed.nomination_id)).nominee.person_id == "nv-01"


async def test_acting_moves_the_nomination_and_a_stale_revision_changes_nothing(uow):
    filed = await nominations.create(uow, TENANT, filing(), OFFICER)
    moved = await nominations.act(uow, TENANT, filed.nomination_id, ActionWrite(action="pass"), BOARD)
    assert (moved.stage, moved.revision) == ("cong-khai", 2)
    with pytest.raises(Conflict) as caught:
        await nominations.act(uow, TENANT, filed.nomination_id, ActionWrite(action="pass", expected_revision=1), BOARD)
    assert caught.value.key == "nomination.revision_conflict"
    assert [e["data"]["revision"] for e in uow.events()] == [1, 2]


async def test_an_award_already_held_refuses_the_filing_and_writes_nothing(uow):
    imported = AwardsImport(awards=[AwardImport(award_kind=CSTD, year=2024, nominee=Nominee(**NOMINEE))])
    assert await nominations.import_awards(uow, TENANT, imported, "can-bo-ban") == 1
    assert uow.audit_only()[-1]["type"] == "vn.thidua.awards.imported.v1"
    with pytest.raises(Invalid) as caught:
        await nominations.create(uow, TENANT, filing(), OFFICER)
    assert caught.value.key == "nomination.rules"
    assert caught.value.message("en") != caught.value.message("vi")  # rendered where the reader is known
    # the whole transaction is undone: no nomination, and the quota lock it wrote first is gone too
    assert await uow.db.nominations.count_documents({}) == 0
    assert await uow.db.nomination_locks.count_documents({}) == 0
    assert uow.events() == []


async def test_only_the_nominees_unit_or_the_board_resubmits(uow):
    filed = await nominations.create(uow, TENANT, filing(), OFFICER)
    other = Actor("lanh-dao", frozenset({"unit_leader"}), "so-tai-chinh")
    with pytest.raises(Forbidden) as caught:
        body = ResubmitWrite(reason="Bổ sung hồ sơ", documents=[])
        await nominations.resubmit(uow, TENANT, filed.nomination_id, body, other)
    assert caught.value.params == {"own": "so-tai-chinh", "other": "so-noi-vu"}


async def test_without_a_configuration_nothing_is_filed():
    uow = fresh_uow()
    with pytest.raises(Conflict) as caught:
        await nominations.create(uow, TENANT, filing(), OFFICER)
    assert caught.value.key == "commendation.no_config" and uow.committed == []
