"""Issue 10: intake reviews/queue/rules.py — who must act next on a submission, when its review is
due (working days, the tenant's holidays), who sees what and what is in whose queue, the page
cursor. Pure: no storage."""

from datetime import UTC, date, datetime

import pytest

from thidua_common.auth import Principal, Role
from thidua_common.errors import Forbidden, Invalid
from thidua_common.i18n import t
from thidua_intake.reviews.queue import rules

from .test_registration_rules import campaign

AT = datetime(2026, 4, 29, 2, 0, tzinfo=UTC)  # Wednesday 29 April 2026, 09:00 in Viet Nam
HOLIDAYS = {date(2026, 4, 30), date(2026, 5, 1)}  # Reunification Day, Labour Day (Thursday, Friday)


def who(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="someone", tenant="daknong", roles=frozenset(roles), unit_id=unit)


# -- the due date -----------------------------------------------------------------------------------
def test_a_review_is_due_ten_working_days_later_without_weekends():
    # Thu 30, Fri 1, Mon 4 .. Fri 8 (7), Mon 11, Tue 12, Wed 13 (10)
    assert rules.review_due(AT, 10) == date(2026, 5, 13)


def test_the_tenants_holidays_push_the_due_date_back():
    # 30/4 and 1/5 are holidays, 2-3/5 a weekend: Mon 4 .. Fri 8 (5), Mon 11 .. Fri 15 (10)
    assert rules.review_due(AT, 10, HOLIDAYS) == date(2026, 5, 15)


def test_the_days_are_counted_from_the_day_in_viet_nam():
    late_evening_utc = datetime(2026, 4, 28, 18, 0, tzinfo=UTC)  # already Wednesday 01:00 in Viet Nam
    assert rules.review_due(late_evening_utc, 10, HOLIDAYS) == date(2026, 5, 15)
    assert rules.age_days(late_evening_utc, date(2026, 5, 2)) == 3


def test_a_friday_submission_with_two_working_days_is_due_on_tuesday():
    friday = datetime(2026, 5, 8, 3, 0, tzinfo=UTC)
    assert rules.review_due(friday, 2) == date(2026, 5, 12)


def test_only_a_reviewers_wait_is_overdue_and_only_after_the_due_date():
    due = date(2026, 5, 15)
    assert not rules.is_overdue(due, date(2026, 5, 15), "cluster")
    assert rules.is_overdue(due, date(2026, 5, 16), "cluster")
    assert rules.is_overdue(due, date(2026, 5, 16), "chair")
    assert not rules.is_overdue(due, date(2026, 6, 1), "unit")
    assert not rules.is_overdue(due, date(2026, 6, 1), None)


# -- who must act next ----------------------------------------------------------------------------
def decided(decision, level, appeal=None) -> dict:
    return {"decision": decision, "level": level, "reasons": {}, "appeal": appeal}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, "review"),
        ({"decision": None, "level": None, "appeal": None}, "review"),  # reopened
        (decided("approve", "cluster"), None),
        (decided("return", "cluster"), "unit"),
        (decided("reject", "board"), "unit"),  # may still appeal to the chair
        (decided("reject", "chair"), None),  # the chairperson's reject is final
        (decided("return", "cluster", {"status": "pending", "to_level": "board"}), "board"),
        (decided("reject", "board", {"status": "pending", "to_level": "chair"}), "chair"),
        (decided("reject", "board", {"status": "decided", "to_level": "board"}), None),  # appealed once
        (decided("return", "board", {"status": "decided", "to_level": "board"}), "unit"),  # resubmits
    ],
)
def test_who_acts_next(state, expected):
    assert rules.next_actor(state) == expected


def test_a_pending_submission_awaits_its_clusters_lead_else_the_board():
    c = campaign()
    assert rules.awaiting("review", c, "huyen-krong-no", "2018-Q1") == "cluster"
    # the head itself is reviewed by its deputy
    assert rules.awaiting("review", c, "huyen-cu-jut", "2018-Q1") == "cluster"
    # 2019: huyen-krong-no heads alone, so nobody of its cluster may review it
    assert rules.awaiting("review", c, "huyen-krong-no", "2019-Q1") == "board"
    assert rules.awaiting("review", c, "huyen-cu-jut", "2019-Q1") == "cluster"
    assert rules.awaiting("review", c, "so-noi-vu", "2018-Q1") == "board"  # no leadership
    assert rules.awaiting("review", c, "cuc-thue", "2018-Q1") == "board"  # no cluster
    assert rules.awaiting("review", None, "huyen-cu-jut", "2018-Q1") == "board"  # campaign gone
    assert rules.awaiting("unit", c, "huyen-cu-jut", "2018-Q1") == "unit"
    assert rules.awaiting(None, c, "huyen-cu-jut", "2018-Q1") is None


def test_the_wait_starts_at_the_submission_the_reopening_or_the_appeal():
    fresh = rules.review_view(None, "2026-04-29T02:00:00Z")
    assert (fresh["status"], fresh["next"], fresh["waiting_since"]) == ("pending", "review", AT)
    reopened = {"decision": None, "history": [{"step": "review"}, {"step": "reopen", "at": "2026-05-04T01:00:00Z"}]}
    assert rules.review_view(reopened, AT)["waiting_since"] == datetime(2026, 5, 4, 1, tzinfo=UTC)
    appeal = {"status": "pending", "to_level": "board", "reason": "Đủ hồ sơ", "at": "2026-05-06T01:00:00+00:00",
              "against": "return", "by": "u"}
    view = rules.review_view(decided("return", "cluster", appeal), AT)
    assert view["waiting_since"] == datetime(2026, 5, 6, 1, tzinfo=UTC)
    assert view["appeal"] == {"status": "pending", "to_level": "board", "reason": "Đủ hồ sơ",
                              "at": "2026-05-06T01:00:00+00:00"}
    assert rules.review_view(decided("return", "cluster"), AT)["waiting_since"] is None


def test_a_new_submission_is_listed_pending_at_millisecond_precision():
    view = rules.fresh_view(datetime(2026, 4, 29, 2, 0, 0, 123456, tzinfo=UTC), "reporter", "http", "t/c/u/p", "cu")
    assert view["submitted_at"] == datetime(2026, 4, 29, 2, 0, 0, 123000, tzinfo=UTC)
    assert view["order"] == "2026-04-29T02:00:00.123Z t/c/u/p"
    assert (view["status"], view["next"], view["resubmission_of"], view["appeal"]) == ("pending", "review", "cu", None)


def test_the_order_key_sorts_by_time_then_period_whatever_the_time_zone():
    from datetime import timedelta, timezone

    hanoi = datetime(2026, 4, 29, 9, 0, 0, 5000, tzinfo=timezone(timedelta(hours=7)))
    assert rules.order_key(hanoi, "b") == "2026-04-29T02:00:00.005Z b"
    keys = [rules.order_key(AT, "b"), rules.order_key(AT, "a"), rules.order_key(AT.replace(second=1), "a")]
    assert sorted(keys) == [keys[1], keys[0], keys[2]]


# -- who sees what ---------------------------------------------------------------------------------
def test_a_cluster_lead_sees_its_clusters_units_in_the_years_it_leads():
    c = campaign()
    assert rules.led_units(c, "huyen-dak-mil") == {2018: {"huyen-cu-jut", "huyen-dak-mil", "huyen-krong-no"}}
    assert set(rules.led_units(c, "huyen-krong-no")) == {2019}
    assert rules.led_units(c, "so-noi-vu") == {} and rules.led_units(c, None) == {}
    [clause] = rules.led_clauses([c], "huyen-dak-mil")
    assert clause == {"campaign_id": "pt-cai-cach", "period": {"$gte": "2018", "$lt": "2019"},
                      "unit_id": {"$in": ["huyen-cu-jut", "huyen-dak-mil", "huyen-krong-no"]}}


def test_a_unit_sees_its_own_unit_and_is_refused_another_with_the_usual_message():
    reporter = who(Role.unit_reporter, unit="huyen-cu-jut")
    rules.check_unit(reporter, "huyen-cu-jut", [])
    rules.check_unit(reporter, None, [])
    with pytest.raises(Forbidden) as caught:
        rules.check_unit(reporter, "so-noi-vu", [])
    assert caught.value.key == "auth.own_unit" and caught.value.errors[0].field == "unit_id"
    assert rules.scope(reporter, []) == [{"unit_id": "huyen-cu-jut"}]


def test_a_cluster_head_is_refused_a_unit_outside_the_clusters_it_leads():
    head = who(Role.cluster_head, unit="huyen-dak-mil")
    led = rules.led_clauses([campaign()], "huyen-dak-mil")
    rules.check_unit(head, "huyen-krong-no", led)
    with pytest.raises(Forbidden) as caught:
        rules.check_unit(head, "so-noi-vu", led)
    assert caught.value.key == "queue.unit_not_led"
    assert t(caught.value.key, "en", **caught.value.params) == (
        "You may only see the submissions of the units of the clusters that unit 'huyen-dak-mil' heads or "
        "deputises; unit 'so-noi-vu' is not in them."
    )
    assert rules.scope(head, led) == led


def test_the_board_the_chairperson_and_the_auditor_see_the_whole_tenant():
    for role in (Role.board_officer, Role.chairperson, Role.auditor):
        principal = who(role, unit="van-phong")
        rules.check_unit(principal, "so-noi-vu", [])
        assert rules.scope(principal, []) is None


def test_each_role_queues_what_it_decides_never_its_own_unit():
    led = rules.led_clauses([campaign()], "huyen-dak-mil")
    [head] = rules.queue(who(Role.cluster_head, unit="huyen-dak-mil"), led)
    assert head == {"campaign_id": "pt-cai-cach", "period": {"$gte": "2018", "$lt": "2019"},
                    "unit_id": {"$in": ["huyen-cu-jut", "huyen-krong-no"]}, "next": "review"}
    assert rules.queue(who(Role.board_officer, unit="van-phong"), []) == [
        {"next": {"$in": ["review", "board"]}, "unit_id": {"$ne": "van-phong"}}
    ]
    assert rules.queue(who(Role.chairperson), []) == [{"next": "chair"}]
    assert rules.queue(who(Role.unit_leader, unit="so-noi-vu"), []) == [{"next": "unit", "unit_id": "so-noi-vu"}]
    assert rules.queue(who(Role.auditor), []) == []


# -- pages -----------------------------------------------------------------------------------------
def test_a_page_is_one_flat_filter_per_clause_narrowed_by_the_callers_filters():
    led = rules.led_clauses([campaign()], "huyen-dak-mil")
    assert rules.find_filter("daknong", {"status": "pending"}, None, None, False) == {
        "tenant": "daknong", "order": {"$gt": ""}, "status": "pending"}
    assert rules.find_filter("daknong", {"unit_id": "huyen-krong-no", "period": "2018-Q2"}, led, "k", True) == {
        "tenant": "daknong", "order": {"$gt": "k"}, "campaign_id": "pt-cai-cach", "period": "2018-Q2",
        "unit_id": "huyen-krong-no"}
    # a unit, a period or a campaign outside every clause: nothing to read
    assert rules.find_filter("daknong", {"unit_id": "so-noi-vu"}, led, None, False) is None
    assert rules.find_filter("daknong", {"period": "2019-Q1"}, led, None, False) is None
    assert rules.find_filter("daknong", {"campaign_id": "khac"}, led, None, False) is None
    board = rules.queue(who(Role.board_officer, unit="van-phong"), [])
    assert rules.find_filter("daknong", {"unit_id": "van-phong"}, board, None, True) is None
    two = rules.find_filter("daknong", {}, [{"unit_id": "a"}, {"next": "unit"}], "k", False)
    assert two == {"$or": [{"tenant": "daknong", "order": {"$lt": "k"}, "unit_id": "a"},
                           {"tenant": "daknong", "order": {"$lt": "k"}, "next": "unit"}]}


def test_a_cursor_comes_back_as_it_was_given():
    last = {"order": "2026-04-29T02:00:00.123Z daknong/pt/u/2026-Q1", "_id": "daknong/pt/u/2026-Q1"}
    cursor = rules.encode_cursor(last, queue_=True)
    assert rules.decode_cursor(cursor, queue_=True) == last["order"]


@pytest.mark.parametrize("cursor", ["khong-hop-le", "", "e30", "WzEsMiwzXQ", "WzEsMV0", "WyIiLDBd", "đ"])
def test_a_cursor_this_list_did_not_give_names_the_field(cursor):
    with pytest.raises(Invalid) as caught:
        rules.decode_cursor(cursor, queue_=False)
    assert [(e.field, e.key) for e in caught.value.errors] == [("after", "queue.bad_cursor")]


def test_a_queue_cursor_is_refused_for_the_plain_list():
    cursor = rules.encode_cursor({"order": "x"}, queue_=True)
    with pytest.raises(Invalid):
        rules.decode_cursor(cursor, queue_=False)
