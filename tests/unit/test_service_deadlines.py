"""Issue 15: intake's deadline check over a fake unit of work: reminders before the due date, the
ladder climbing one step per check to the board, each step once, a late report stopping the ladder
and counting as late; the campaign's period deadlines; recipients by role and unit."""

from datetime import UTC, date, datetime

import pytest

from thidua_common.contracts.registry import DEADLINE_ESCALATED, DEADLINE_REMINDER
from thidua_common.deadlines import Step
from thidua_common.settings import Settings
from thidua_intake.deadlines import rules, service
from thidua_intake.deadlines.models import Contact, DeadlineSettings
from thidua_intake.submissions.rules import period_key

from .service_fixtures import CAMPAIGN, TENANT, fresh_uow
from .test_registration_rules import campaign

APP = Settings(escalation_email="ban-tdkt@so.vn")
# 2018-Q1 ends on Saturday 31/3; 10 working days later (no holidays configured): Friday 13/4
DUE = date(2018, 4, 13)
PARTICIPANTS = [
    {"unit_id": "huyen-cu-jut", "name_vi": "Huyện Cư Jút", "unit_type": "district", "cluster_id": "khoi-huyen",
     "email": "cujut@dn.vn"},
    {"unit_id": "huyen-dak-mil", "name_vi": "Huyện Đắk Mil", "unit_type": "district", "cluster_id": "khoi-huyen",
     "email": "dakmil@dn.vn"},
]


async def stored(uow):
    deadlines = rules.period_deadlines(date(2018, 1, 1), date(2018, 6, 30), "quarter", 10, set())
    c = campaign(participants=PARTICIPANTS, period_deadlines=deadlines, end="2018-06-30")
    await uow.db.campaigns.insert_one({"_id": f"{TENANT}/{CAMPAIGN}", "tenant": TENANT, **c.model_dump(mode="json")})


def emitted(uow, since=0):
    return [(e["type"], e["data"]["unit_id"], e["data"]["recipients"][0]) for e in uow.events()[since:]]


def test_period_deadlines_skip_weekends_and_holidays():
    found = rules.period_deadlines(date(2024, 10, 1), date(2025, 3, 31), "quarter", 10, {date(2025, 1, 1)})
    assert found == [
        {"period": "2024-Q4", "ends_on": "2024-12-31", "due_on": "2025-01-15"},
        {"period": "2025-Q1", "ends_on": "2025-03-31", "due_on": "2025-04-14"},
    ]


async def test_the_ladder_climbs_to_the_board_and_a_late_report_stops_it():
    uow = fresh_uow()
    await stored(uow)
    r = await service.check(uow, APP, date(2018, 4, 10), TENANT)
    assert (r.reminders, r.escalations) == (0, 0)
    r = await service.check(uow, APP, date(2018, 4, 11), TENANT)  # two working days before
    assert r.reminders == 2
    assert [(t, u, rc["role"], rc["emails"]) for t, u, rc in emitted(uow)] == [
        (DEADLINE_REMINDER, "huyen-cu-jut", "unit_reporter", ["cujut@dn.vn"]),
        (DEADLINE_REMINDER, "huyen-dak-mil", "unit_reporter", ["dakmil@dn.vn"]),
    ]
    assert (await service.check(uow, APP, date(2018, 4, 11), TENANT)).reminders == 0  # once per step
    assert (await service.check(uow, APP, date(2018, 4, 12), TENANT)).reminders == 0
    seen = len(uow.events())
    assert (await service.check(uow, APP, date(2018, 4, 16), TENANT)).escalations == 2
    assert {(t, rc["role"]) for t, _, rc in emitted(uow, seen)} == {(DEADLINE_ESCALATED, "unit_reporter")}
    # Cư Jút reports late, on Tuesday 17/4: its ladder stops
    await uow.db.periods.insert_one(
        {"_id": period_key(TENANT, CAMPAIGN, "huyen-cu-jut", "2018-Q1"), "tenant": TENANT, "campaign_id": CAMPAIGN,
         "unit_id": "huyen-cu-jut", "period": "2018-Q1", "submitted_at": datetime(2018, 4, 17, 2, tzinfo=UTC),
         "next": "review", "waiting_since": datetime(2018, 4, 17, 2, tzinfo=UTC)}
    )
    steps = []
    for day in (date(2018, 4, 18), date(2018, 4, 20), date(2018, 4, 25), date(2018, 4, 30)):
        seen = len(uow.events())
        await service.check(uow, APP, day, TENANT)
        steps.append([(u, rc["role"], rc["unit_id"], rc["emails"]) for t, u, rc in emitted(uow, seen)
                      if t == DEADLINE_ESCALATED and u == "huyen-dak-mil"])
    assert steps == [
        [("huyen-dak-mil", "unit_leader", "huyen-dak-mil", ["dakmil@dn.vn"])],
        [("huyen-dak-mil", "cluster_head", "huyen-cu-jut", ["cujut@dn.vn"])],  # the cluster's head in 2018
        [("huyen-dak-mil", "board_officer", None, ["ban-tdkt@so.vn"])],
        [],
    ]
    cu_jut = [e for e in uow.events()[4:] if e["data"]["unit_id"] == "huyen-cu-jut" and e["data"]["subject"] == "report"]
    assert cu_jut == []
    defined = campaign(participants=PARTICIPANTS, end="2018-06-30",
                       period_deadlines=rules.period_deadlines(date(2018, 1, 1), date(2018, 6, 30), "quarter", 10, set()))
    view = await service.campaign_deadlines(uow.db, APP, TENANT, defined, date(2018, 4, 30))
    by_unit = {s.unit_id: s for s in view.units}
    assert by_unit["huyen-cu-jut"].late and by_unit["huyen-cu-jut"].working_days_late == 2
    assert by_unit["huyen-cu-jut"].submitted_on == date(2018, 4, 17)
    assert by_unit["huyen-dak-mil"].late and by_unit["huyen-dak-mil"].submitted_on is None
    assert by_unit["huyen-dak-mil"].steps_fired == [0, 1, 2, 3, 4]
    assert [p["due_on"] for p in view.periods] == ["2018-04-13", "2018-07-13"]


async def test_the_events_carry_deterministic_ids():
    uow = fresh_uow()
    await stored(uow)
    await service.check(uow, APP, date(2018, 4, 11), TENANT)
    first = [e["id"] for e in uow.events()]
    again = fresh_uow()
    await stored(again)
    await service.check(again, APP, date(2018, 4, 11), TENANT)
    assert [e["id"] for e in again.events()] == first


async def test_a_missed_check_fires_only_the_highest_step():
    uow = fresh_uow()
    await stored(uow)
    r = await service.check(uow, APP, date(2018, 4, 20), TENANT)  # the first check, five working days late
    assert (r.reminders, r.escalations, r.passed_over) == (0, 2, 6)
    assert {rc["role"] for _, _, rc in emitted(uow)} == {"cluster_head"}
    assert (await service.check(uow, APP, date(2018, 4, 20), TENANT)).escalations == 0


def test_recipients_by_role_and_unit():
    c = campaign(participants=PARTICIPANTS)
    contacts = [Contact(role="unit_leader", unit_id="huyen-dak-mil", email="Lanhdao@DakMil.vn"),
                Contact(role="board_officer", email="thuong-truc@so.vn")]
    r = rules.recipient
    subject = rules.DeadlineSubject.report
    assert r(Step("unit_leader", 3), subject, c, "huyen-dak-mil", DUE, contacts, "b@so.vn").emails == [
        "lanhdao@dakmil.vn"]
    assert r(Step("board_officer", 8), subject, c, "huyen-dak-mil", DUE, contacts, "b@so.vn").emails == [
        "thuong-truc@so.vn"]
    assert r(Step("board_officer", 8), subject, c, "huyen-dak-mil", DUE, [], "b@so.vn").emails == ["b@so.vn"]
    # reviews: the cluster's head reviews, its leader is the reviewer's head; outside a cluster the board
    reviewer = r(Step("reviewer", -1), rules.DeadlineSubject.review, c, "huyen-dak-mil", DUE, [], "b@so.vn")
    assert (reviewer.role, reviewer.unit_id) == ("cluster_head", "huyen-cu-jut")
    head = r(Step("reviewer_head", 2), rules.DeadlineSubject.review, c, "huyen-dak-mil", DUE, [], "b@so.vn")
    assert (head.role, head.unit_id) == ("unit_leader", "huyen-cu-jut")
    lone = campaign(participants=[{**PARTICIPANTS[0], "cluster_id": None}])
    reviewer = r(Step("reviewer", -1), rules.DeadlineSubject.review, lone, "huyen-cu-jut", DUE, [], "b@so.vn")
    assert (reviewer.role, reviewer.unit_id, reviewer.emails) == ("board_officer", None, ["b@so.vn"])


async def test_a_submission_waiting_for_its_reviewer_climbs_the_review_ladder():
    uow = fresh_uow()
    await stored(uow)
    since = datetime(2018, 4, 2, 2, tzinfo=UTC)  # Monday 2/4; 10 working days: due Monday 16/4
    await uow.db.periods.insert_one(
        {"_id": period_key(TENANT, CAMPAIGN, "huyen-dak-mil", "2018-Q1"), "tenant": TENANT, "campaign_id": CAMPAIGN,
         "unit_id": "huyen-dak-mil", "period": "2018-Q1", "submitted_at": since, "next": "review",
         "waiting_since": since}
    )
    await service.check(uow, APP, date(2018, 4, 13), TENANT)
    reviews = [e["data"] for e in uow.events() if e["data"]["subject"] == "review"]
    assert [(d["step_role"], d["due_on"], d["recipients"][0]["role"]) for d in reviews] == [
        ("reviewer", "2018-04-16", "cluster_head")]
    await service.check(uow, APP, date(2018, 4, 23), TENANT)  # 5 working days late: the board
    reviews = [e["data"] for e in uow.events() if e["data"]["subject"] == "review"]
    assert reviews[-1]["step_role"] == "board_officer" and reviews[-1]["final_step"]


def test_settings_refuse_a_ladder_that_does_not_climb():
    with pytest.raises(ValueError):
        DeadlineSettings.model_validate({"report_ladder": [{"role": "unit_leader", "after_working_days": 2},
                                                           {"role": "board_officer", "after_working_days": 1}]})
    with pytest.raises(ValueError):
        DeadlineSettings.model_validate({"report_ladder": [{"role": "nobody", "after_working_days": 2}]})


async def test_the_review_queue_uses_the_campaigns_own_service_time():
    from thidua_common.auth import Principal, Role
    from thidua_intake.reviews.queue import service as queue

    uow = fresh_uow()
    deadlines = rules.period_deadlines(date(2018, 1, 1), date(2018, 6, 30), "quarter", 10, set())
    c = campaign(participants=PARTICIPANTS, period_deadlines=deadlines, end="2018-06-30", review_due_working_days=3)
    await uow.db.campaigns.insert_one({"_id": f"{TENANT}/{CAMPAIGN}", "tenant": TENANT, **c.model_dump(mode="json")})
    since = datetime(2018, 4, 2, 2, tzinfo=UTC)  # Monday
    await uow.db.periods.insert_one(
        {"_id": period_key(TENANT, CAMPAIGN, "huyen-dak-mil", "2018-Q1"), "tenant": TENANT, "campaign_id": CAMPAIGN,
         "unit_id": "huyen-dak-mil", "period": "2018-Q1", "submitted_at": since, "next": "review",
         "waiting_since": since, "latest": "s1", "status": "pending", "order": "x"}
    )
    board = Principal(subject="b", tenant=TENANT, roles=frozenset({Role.board_officer}))
    page = await queue.listing(uow.db, board, today=date(2018, 4, 3))
    assert page.items[0].due_date == date(2018, 4, 5)  # 3 working days, not the deployment's 10
