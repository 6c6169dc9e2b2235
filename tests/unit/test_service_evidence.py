"""Evidence files (issue 10) at the service layer, with the fake unit of work: who uploads and
reads a unit's evidence, and a submission naming uploaded files carries what was stored."""

import pytest

from thidua_common.auth import Role
from thidua_common.contracts.submission import EvidenceLink
from thidua_common.errors import Forbidden, Invalid
from thidua_intake.evidence import service as evidence

from .service_fixtures import CAMPAIGN, TENANT, UNIT, fresh_uow, store_campaign, sub, submit, who

SHA = "ab" * 32


@pytest.fixture
async def uow():
    uow = fresh_uow()
    await store_campaign(uow)
    await uow.db["evidence.files"].insert_one(
        {
            "_id": "ev-1",
            "filename": "bao-cao.pdf",
            "metadata": {"tenant": TENANT, "campaign_id": CAMPAIGN, "unit_id": UNIT, "sha256": SHA, "size": 1234,
                         "file_name": "bao-cao.pdf", "content_type": "application/pdf"},
        }
    )
    return uow


async def test_a_submission_naming_an_uploaded_file_carries_its_stored_sha256(uow):
    # what the client claims about the file is replaced by what intake stored
    body = sub().model_copy(update={"evidence": [EvidenceLink(evidence_id="ev-1", size=1, description="Báo cáo"),
                                                 EvidenceLink(url="https://vanban.test/a.pdf", size=5, file_name="x")]})
    submission_id, _, _ = await submit(uow, body)
    stored = await uow.db.submissions.find_one({"_id": submission_id})
    uploaded, linked = stored["evidence"]
    assert (uploaded["sha256"], uploaded["size"], uploaded["file_name"]) == (SHA, 1234, "bao-cao.pdf")
    assert uploaded["description"] == "Báo cáo" and linked["sha256"] is None
    assert (linked["size"], linked["file_name"]) == (None, None)  # only stored files have them
    [event] = uow.events()
    assert event["data"]["evidence"][0]["sha256"] == SHA


@pytest.mark.parametrize("unit", [UNIT, "huyen-dak-mil"], ids=["unknown id", "another unit's file"])
async def test_a_submission_naming_unknown_evidence_is_refused_naming_the_entry(uow, unit):
    evidence_id = "khong-co" if unit == UNIT else "ev-1"
    body = sub(unit=unit).model_copy(update={"evidence": [EvidenceLink(evidence_id=evidence_id)]})
    with pytest.raises(Invalid) as refused:
        await submit(uow, body)
    assert [e.field for e in refused.value.errors] == ["evidence.0.evidence_id"]
    assert uow.events() == []


def test_a_unit_uploads_only_for_itself_and_the_board_for_any():
    evidence.check_may_upload(who(Role.unit_reporter, unit=UNIT), UNIT)
    evidence.check_may_upload(who(Role.board_officer), UNIT)
    with pytest.raises(Forbidden):
        evidence.check_may_upload(who(Role.unit_reporter, unit="huyen-dak-mil"), UNIT)
    with pytest.raises(Forbidden):
        evidence.check_may_upload(who(Role.unit_leader), UNIT)  # a unit role without a unit


async def test_the_unit_its_cluster_heads_the_board_and_the_auditor_read_its_evidence(uow):
    for reader in (
        who(Role.unit_reporter, unit="huyen-dak-mil"),
        who(Role.board_officer),
        who(Role.auditor),
        who(Role.cluster_head, unit="huyen-krong-no"),  # heads khoi-huyen in 2019 only
        who(Role.cluster_head, unit="huyen-cu-jut"),  # heads it in 2018
    ):
        await evidence.check_may_read(uow.db, reader, CAMPAIGN, "huyen-dak-mil")
    for stranger in (
        who(Role.unit_reporter, unit="so-noi-vu"),
        who(Role.cluster_head, unit="so-noi-vu"),  # a unit of another cluster
    ):
        with pytest.raises(Forbidden):
            await evidence.check_may_read(uow.db, stranger, CAMPAIGN, "huyen-dak-mil")


async def test_a_list_shows_only_the_units_evidence_of_the_tenant(uow):
    await uow.db["evidence.files"].insert_one(
        {"_id": "ev-other-tenant", "metadata": {"tenant": "lamdong", "campaign_id": CAMPAIGN, "unit_id": UNIT}}
    )
    assert await evidence.find(uow.db, TENANT, CAMPAIGN, UNIT, "ev-1") is not None
    assert await evidence.find(uow.db, TENANT, CAMPAIGN, UNIT, "ev-other-tenant") is None
    assert await evidence.find(uow.db, TENANT, CAMPAIGN, "huyen-dak-mil", "ev-1") is None
