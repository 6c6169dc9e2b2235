"""Issue 10: the submission list (reviews/queue/service.py) on a fake unit of work: every review
step keeps the period's listing fields, so that a cluster head's, the board's and the
chairperson's queues, a unit's periods and the pages read one collection."""

from datetime import UTC, date, datetime

import pytest

from thidua_common.auth import Role
from thidua_common.contracts.review import AppealOutcome, ReviewDecision
from thidua_common.errors import Forbidden
from thidua_intake.reviews import service as reviews
from thidua_intake.reviews.models import AppealCreate, AppealDecisionCreate, ResubmitCreate, ReviewCreate
from thidua_intake.reviews.queue import service as listing
from thidua_intake.submissions.rules import period_key

from .service_fixtures import CAMPAIGN, PERIOD, TENANT, fresh_uow, store_campaign, sub, submit, who

# khoi-huyen in 2018: head huyen-cu-jut, deputy huyen-dak-mil, member huyen-krong-no; so-noi-vu in
# khoi-so (no leadership); cuc-thue in no cluster
UNITS = ("huyen-cu-jut", "huyen-dak-mil", "huyen-krong-no", "so-noi-vu", "cuc-thue")
HEAD = who(Role.cluster_head, unit="huyen-cu-jut")
BOARD = who(Role.board_officer, unit="cuc-thue")
CHAIR = who(Role.chairperson)
RETURN = ReviewCreate(decision=ReviewDecision.return_, reasons={"dvc": "Thiếu minh chứng dịch vụ công"})


@pytest.fixture
async def uow():
    uow = fresh_uow()
    await store_campaign(uow)
    return uow


async def submitted(uow) -> dict[str, str]:
    """unit → its submission for PERIOD, one per unit, in UNITS order."""
    return {unit: (await submit(uow, sub(unit)))[0] for unit in UNITS}


async def page(uow, principal, **query):
    return await listing.listing(uow.db, principal, **query)


def units(result) -> list[str]:
    return [item.unit_id for item in result.items]


async def test_a_cluster_heads_queue_holds_the_pending_submissions_of_its_cluster_but_its_own(uow):
    ids = await submitted(uow)
    queue = await page(uow, HEAD, queue=True)
    assert units(queue) == ["huyen-dak-mil", "huyen-krong-no"]  # oldest first
    item = queue.items[0]
    assert (item.submission_id, item.status, item.awaiting, item.level, item.appeal) == (
        ids["huyen-dak-mil"], "pending", "cluster", None, None)
    assert (item.period, item.submitted_by, item.channel, item.overdue, item.age_days) == (
        PERIOD, "reporter", "http", False, 0)
    # without queue: the whole cluster, its own unit included, newest first
    assert units(await page(uow, HEAD)) == ["huyen-krong-no", "huyen-dak-mil", "huyen-cu-jut"]
    # 2019: huyen-cu-jut leads nothing
    assert (await page(uow, HEAD, period="2019-Q1")).items == []


async def test_a_return_leaves_the_heads_queue_and_awaits_the_unit(uow):
    ids = await submitted(uow)
    await reviews.review(uow, TENANT, ids["huyen-dak-mil"], RETURN, HEAD)
    assert units(await page(uow, HEAD, queue=True)) == ["huyen-krong-no"]
    reporter = who(Role.unit_reporter, unit="huyen-dak-mil")
    [item] = (await page(uow, reporter)).items
    assert (item.status, item.level, item.awaiting, item.reasons) == (
        "returned", "cluster", "unit", {"dvc": "Thiếu minh chứng dịch vụ công"})
    assert not item.overdue
    assert units(await page(uow, reporter, queue=True)) == ["huyen-dak-mil"]  # its to-do: resubmit or appeal
    assert units(await page(uow, who(Role.unit_reporter, unit="huyen-krong-no"), queue=True)) == []


async def test_only_the_latest_submission_of_a_period_is_listed(uow):
    ids = await submitted(uow)
    await reviews.review(uow, TENANT, ids["huyen-dak-mil"], RETURN, HEAD)
    reporter = who(Role.unit_reporter, unit="huyen-dak-mil")
    new_id, _, _ = await reviews.resubmit(uow, TENANT, ids["huyen-dak-mil"], ResubmitCreate(values={"dvc": 14}),
                                          reporter, None)
    [item] = (await page(uow, reporter)).items
    assert (item.submission_id, item.status, item.awaiting, item.resubmission_of, item.reasons) == (
        new_id, "pending", "cluster", ids["huyen-dak-mil"], {})
    assert ids["huyen-dak-mil"] not in [i.submission_id for i in (await page(uow, BOARD)).items]
    assert len((await page(uow, BOARD)).items) == len(UNITS)


async def test_the_board_queues_pending_submissions_and_appeals_to_the_board_never_its_own_unit(uow):
    ids = await submitted(uow)
    assert units(await page(uow, BOARD, queue=True)) == [u for u in UNITS if u != "cuc-thue"]
    await reviews.review(uow, TENANT, ids["huyen-dak-mil"], RETURN, HEAD)
    await reviews.review(uow, TENANT, ids["huyen-krong-no"], ReviewCreate(decision=ReviewDecision.approve), HEAD)
    unit = who(Role.unit_leader, unit="huyen-dak-mil")
    await reviews.appeal(uow, TENANT, ids["huyen-dak-mil"], AppealCreate(reason="Đã nộp đủ minh chứng"), unit)
    queue = await page(uow, BOARD, queue=True)
    assert units(queue) == ["huyen-cu-jut", "huyen-dak-mil", "so-noi-vu"]  # approved huyen-krong-no left
    appealed = queue.items[1]
    assert (appealed.status, appealed.awaiting, appealed.appeal.status, appealed.appeal.to_level) == (
        "returned", "board", "pending", "board")
    assert appealed.appeal.reason == "Đã nộp đủ minh chứng"
    assert units(await page(uow, HEAD, queue=True)) == []  # the appeal is the board's now


async def test_the_chairperson_queues_appeals_to_the_chair(uow):
    ids = await submitted(uow)
    assert (await page(uow, CHAIR, queue=True)).items == []
    reject = ReviewCreate(decision=ReviewDecision.reject, reason="Số liệu không khớp")
    await reviews.review(uow, TENANT, ids["so-noi-vu"], reject, BOARD)
    [item] = (await page(uow, who(Role.unit_reporter, unit="so-noi-vu"))).items
    assert (item.status, item.level, item.awaiting) == ("rejected", "board", "unit")  # may appeal to the chair
    await reviews.appeal(uow, TENANT, ids["so-noi-vu"], AppealCreate(reason="Số liệu đã được xác nhận"),
                         who(Role.unit_leader, unit="so-noi-vu"))
    [item] = (await page(uow, CHAIR, queue=True)).items
    assert (item.unit_id, item.awaiting) == ("so-noi-vu", "chair")
    assert "so-noi-vu" not in units(await page(uow, BOARD, queue=True))
    decision = AppealDecisionCreate(outcome=AppealOutcome.upheld, reason="Giữ nguyên quyết định")
    await reviews.decide_appeal(uow, TENANT, ids["so-noi-vu"], decision, CHAIR)
    assert (await page(uow, CHAIR, queue=True)).items == []
    [item] = (await page(uow, BOARD, unit_id="so-noi-vu")).items
    assert (item.status, item.level, item.awaiting, item.appeal.status) == ("rejected", "chair", None, "decided")


async def test_a_unit_sees_only_its_own_unit(uow):
    await submitted(uow)
    reporter = who(Role.unit_reporter, unit="so-noi-vu")
    assert units(await page(uow, reporter)) == ["so-noi-vu"]
    with pytest.raises(Forbidden) as caught:
        await page(uow, reporter, unit_id="huyen-cu-jut")
    assert caught.value.key == "auth.own_unit"
    with pytest.raises(Forbidden) as caught:
        await page(uow, HEAD, unit_id="so-noi-vu")
    assert caught.value.key == "queue.unit_not_led"
    assert units(await page(uow, HEAD, unit_id="huyen-krong-no")) == ["huyen-krong-no"]


async def test_filters_narrow_the_list(uow):
    ids = await submitted(uow)
    await reviews.review(uow, TENANT, ids["so-noi-vu"], ReviewCreate(decision=ReviewDecision.approve), BOARD)
    auditor = who(Role.auditor)
    assert units(await page(uow, auditor, status="approved")) == ["so-noi-vu"]
    assert len((await page(uow, auditor, status="pending", campaign_id=CAMPAIGN, period=PERIOD)).items) == 4
    assert (await page(uow, auditor, campaign_id="khac")).items == []
    assert (await page(uow, auditor, period="2018-Q2")).items == []


async def test_pages_follow_each_other_without_gap_or_repeat(uow):
    await submitted(uow)
    for unit in UNITS:
        await submit(uow, sub(unit, "2018-Q2"))
    for queue, principal in ((False, BOARD), (True, BOARD), (False, HEAD)):
        whole = await page(uow, principal, queue=queue, limit=200)
        seen, after = [], None
        while True:
            part = await page(uow, principal, queue=queue, limit=3, after=after)
            assert len(part.items) <= 3
            seen += [i.submission_id for i in part.items]
            if part.next is None:
                break
            after = part.next
        assert seen == [i.submission_id for i in whole.items] and len(set(seen)) == len(seen)
        moments = [i.submitted_at for i in whole.items]
        assert moments == sorted(moments, reverse=not queue)
    assert len((await page(uow, BOARD, limit=200)).items) == 10


async def test_due_dates_count_working_days_with_the_tenants_holidays(uow):
    ids = await submitted(uow)
    await uow.db.commendation_config.insert_one({"_id": TENANT, "holidays": ["2026-04-30", "2026-05-01"]})
    when = datetime(2026, 4, 29, 2, 0, tzinfo=UTC)
    await uow.db.periods.update_many({}, {"$set": {"submitted_at": when, "waiting_since": when}})
    await reviews.review(uow, TENANT, ids["so-noi-vu"], RETURN, BOARD)
    items = {i.unit_id: i for i in (await page(uow, BOARD, today=date(2026, 5, 18), due_working_days=10)).items}
    pending = items["huyen-dak-mil"]
    assert (pending.due_date, pending.overdue, pending.age_days) == (date(2026, 5, 15), True, 19)
    assert not items["so-noi-vu"].overdue  # the unit's turn: no reviewer is late
    on_time = await page(uow, BOARD, today=date(2026, 5, 15), due_working_days=10, unit_id="huyen-dak-mil")
    assert not on_time.items[0].overdue


async def test_periods_submitted_before_the_list_existed_are_backfilled_once(uow):
    ids = await submitted(uow)
    await reviews.review(uow, TENANT, ids["so-noi-vu"], RETURN, BOARD)
    listed = ("submitted_at submitted_by channel resubmission_of status level reasons appeal next "
              "waiting_since latest order").split()
    await uow.db.periods.update_many({}, {"$unset": dict.fromkeys(listed, "")})
    await uow.db.periods.delete_one({"_id": period_key(TENANT, CAMPAIGN, "cuc-thue", PERIOD)})  # older still
    assert (await page(uow, BOARD)).items == []
    assert await listing.backfill(uow) == len(UNITS)
    items = {i.unit_id: i for i in (await page(uow, BOARD)).items}
    assert set(items) == set(UNITS)
    assert (items["so-noi-vu"].status, items["so-noi-vu"].awaiting) == ("returned", "unit")
    assert items["cuc-thue"].submission_id == ids["cuc-thue"]
    assert await listing.backfill(uow) == 0  # recorded in migrations
