"""Issue 9: the submission service on a fake unit of work (no MongoDB): what it stores, what it
emits through the outbox, when it wakes the relay, and what it refuses."""

import pytest

from thidua_common.contracts.campaign import CampaignStatus
from thidua_common.errors import Conflict, Invalid
from thidua_intake.campaigns import service as campaigns
from thidua_intake.campaigns.models import StatusChange
from thidua_intake.submissions import service as submissions
from thidua_intake.submissions.rules import period_key

from .service_fixtures import CAMPAIGN, PERIOD, TENANT, UNIT, fresh_uow, store_campaign, sub, submit


@pytest.fixture
async def uow():
    uow = fresh_uow()
    await store_campaign(uow)
    return uow


async def test_an_accepted_submission_is_stored_with_its_event_in_one_commit(uow):
    submission_id, event_id, created = await submit(uow)
    assert created
    stored = await uow.db.submissions.find_one({"_id": submission_id})
    assert (stored["tenant"], stored["unit_id"], stored["values"]["dung-han"]) == (TENANT, UNIT, 97.5)
    period = await uow.db.periods.find_one({"_id": period_key(TENANT, CAMPAIGN, UNIT, PERIOD)})
    assert period["latest"] == submission_id
    [event] = uow.events()
    assert (event["id"], event["type"], event["tenant"]) == (event_id, "vn.thidua.submission.received.v1", TENANT)
    assert uow.committed[0]["key"] == f"{TENANT}/{CAMPAIGN}"  # one partition per campaign
    assert uow.relay.wakes == 1


async def test_the_same_idempotency_key_and_content_answers_as_the_first_time(uow):
    first = await submit(uow, key="k1")
    again = await submit(uow, key="k1")
    assert again == (first[0], first[1], False)
    assert len(uow.events()) == 1 and uow.relay.wakes == 1  # nothing new, nothing to relay
    with pytest.raises(submissions.IdempotencyConflict):
        await submit(uow, sub(dvc=13), key="k1")


async def test_an_unknown_campaign_names_the_field_and_writes_nothing(uow):
    body = sub().model_copy(update={"campaign_id": "khong-co"})
    with pytest.raises(Invalid) as caught:
        await submit(uow, body)
    assert [(e.field, e.key) for e in caught.value.errors] == [("campaign_id", "campaign.unknown")]
    assert await uow.db.submissions.count_documents({}) == 0 and uow.committed == []


async def test_a_submission_for_an_approved_period_is_refused_and_rolled_back(uow):
    await uow.db.periods.insert_one({"_id": period_key(TENANT, CAMPAIGN, UNIT, PERIOD),
                                     "approved": {"submission_id": "s-0"}})
    with pytest.raises(Conflict) as caught:
        await submit(uow)
    assert caught.value.key == "submission.period_approved"
    assert await uow.db.submissions.count_documents({}) == 0
    assert uow.events() == [] and uow.relay.wakes == 0


async def test_a_campaign_change_drops_the_cached_campaign_when_it_commits(uow):
    await submit(uow)  # the running campaign is now cached
    for status in (CampaignStatus.reviewing, CampaignStatus.closed):
        await campaigns.set_status(uow, TENANT, CAMPAIGN, StatusChange(status=status, reason="Tổng kết"), "can-bo")
    assert [e["type"] for e in uow.events()][-1] == "vn.thidua.campaign.defined.v1"
    with pytest.raises(Conflict) as caught:  # without the drop the cached running campaign would accept it
        await submit(uow, sub(period="2018-Q2"))
    assert caught.value.key == "campaign.not_open"
