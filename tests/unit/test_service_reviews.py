"""Issue 9: the review service on a fake unit of work (no MongoDB): a decision writes the review,
locks or opens the period and emits its event in one commit; a refused step writes nothing."""

import pytest

from thidua_common.auth import Role
from thidua_common.contracts.review import ReviewDecision
from thidua_common.errors import Conflict, Invalid, NotFound
from thidua_intake.reviews import service as reviews
from thidua_intake.reviews.models import ReopenCreate, ReviewCreate
from thidua_intake.submissions.rules import period_key

from .service_fixtures import CAMPAIGN, PERIOD, TENANT, UNIT, fresh_uow, store_campaign, submit, who

BOARD = who(Role.board_officer, unit="van-phong")


@pytest.fixture
async def uow():
    uow = fresh_uow()
    await store_campaign(uow)
    return uow


async def _period(uow) -> dict:
    return await uow.db.periods.find_one({"_id": period_key(TENANT, CAMPAIGN, UNIT, PERIOD)})


async def test_an_approval_locks_the_period_and_emits_the_decision(uow):
    submission_id, _, _ = await submit(uow)
    event_id, status = await reviews.review(uow, TENANT, submission_id, ReviewCreate(decision=ReviewDecision.approve),
                                            BOARD, "cid-1")
    assert status == "approved"
    assert (await _period(uow))["approved"]["submission_id"] == submission_id
    event = uow.events()[-1]
    assert (event["id"], event["type"], event["correlationid"]) == (event_id, "vn.thidua.submission.reviewed.v1",
                                                                    "cid-1")
    assert event["data"]["values"]["dung-han"] == 97.5 and event["data"]["level"] == "board"
    state = await uow.db.reviews.find_one({"_id": submission_id})
    assert (state["decision"], state["version"], len(state["history"])) == ("approve", 1, 1)
    assert uow.relay.wakes == 2  # the submission, then the decision


async def test_a_second_decision_at_the_same_level_is_refused_and_changes_nothing(uow):
    submission_id, _, _ = await submit(uow)
    await reviews.review(uow, TENANT, submission_id, ReviewCreate(decision=ReviewDecision.approve), BOARD)
    events = len(uow.events())
    with pytest.raises(Conflict):
        await reviews.review(uow, TENANT, submission_id, ReviewCreate(decision=ReviewDecision.reject, reason="Sai"),
                             BOARD)
    assert len(uow.events()) == events
    assert (await uow.db.reviews.find_one({"_id": submission_id}))["decision"] == "approve"


async def test_a_return_without_reasons_names_the_field(uow):
    submission_id, _, _ = await submit(uow)
    with pytest.raises(Invalid) as caught:
        await reviews.review(uow, TENANT, submission_id, ReviewCreate(decision=ReviewDecision.return_), BOARD)
    assert "reasons" in {e.field for e in caught.value.errors}
    assert await uow.db.reviews.count_documents({}) == 0 and len(uow.events()) == 1


async def test_an_unknown_submission_is_not_found(uow):
    with pytest.raises(NotFound) as caught:
        await reviews.review(uow, TENANT, "khong-co", ReviewCreate(decision=ReviewDecision.approve), BOARD)
    assert caught.value.params == {"id": "khong-co"}


async def test_a_reopen_opens_the_period_again_for_a_new_submission(uow):
    submission_id, _, _ = await submit(uow)
    await reviews.review(uow, TENANT, submission_id, ReviewCreate(decision=ReviewDecision.approve), BOARD)
    with pytest.raises(Conflict):
        await submit(uow)  # the approved period takes no new submission
    reopen = ReopenCreate(reason="Sai số liệu đã duyệt")
    _, status = await reviews.reopen(uow, TENANT, submission_id, reopen, BOARD)
    assert status == "pending" and (await _period(uow))["approved"] is None
    assert uow.events()[-1]["type"] == "vn.thidua.submission.reopened.v1"
    _, _, created = await submit(uow)
    assert created


async def test_the_service_reads_back_the_submission_with_its_review(uow):
    submission_id, _, _ = await submit(uow)
    await reviews.review(uow, TENANT, submission_id, ReviewCreate(decision=ReviewDecision.approve), BOARD)
    found = await reviews.get(uow.db, TENANT, submission_id)
    assert (found.review.status, found.review.level, found.unit_id) == ("approved", "board", UNIT)
