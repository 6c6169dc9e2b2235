"""Issue 15: timeliness figures (reporting) and deadline notices in the inbox: on-time rates per unit
and cluster against the campaign's period deadlines, review times, the review reports' annex
counting the same way, and reminders/escalations addressed by role and unit."""

from datetime import UTC, date, datetime

from thidua_common.contracts.deadline import DeadlineRecipient
from thidua_common.i18n.format import VN_TZ
from thidua_reporting.inbox import addressing
from thidua_reporting.inbox.deadlines import audience
from thidua_reporting.inbox.render import DEADLINE_ESCALATED, DEADLINE_REMINDER, Names, render
from thidua_reporting.reviews.assemble import timeliness as annex
from thidua_reporting.timeliness import figures

CAMPAIGN = {
    "campaign_id": "pt",
    "clusters": [{"id": "k1", "name_vi": "Khối huyện"}],
    "participants": [
        {"unit_id": "u1", "name_vi": "Huyện A", "cluster_id": "k1"},
        {"unit_id": "u2", "name_vi": "Huyện B", "cluster_id": "k1"},
        {"unit_id": "u3", "name_vi": "Sở C", "cluster_id": None},
    ],
    "period_deadlines": [
        {"period": "2026-Q1", "ends_on": "2026-03-31", "due_on": "2026-04-14"},
        {"period": "2026-Q2", "ends_on": "2026-06-30", "due_on": "2026-07-14"},
    ],
}


def vn(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=VN_TZ).astimezone(UTC).isoformat()


SUBMITTED = {
    ("u1", "2026-Q1"): vn(2026, 4, 14, 23),  # the evening of the due date: on time (local day)
    ("u1", "2026-Q2"): vn(2026, 7, 15, 0),  # just after midnight local: late
    ("u2", "2026-Q1"): vn(2026, 4, 2),
}


def test_on_time_rates_per_unit_and_cluster():
    units, clusters = figures.reports(CAMPAIGN, SUBMITTED, date(2026, 7, 20))
    by = {u["unit_id"]: u for u in units}
    assert (by["u1"]["on_time"], by["u1"]["late"], by["u1"]["missing"], by["u1"]["on_time_rate"]) == (1, 1, 0, 0.5)
    assert (by["u2"]["on_time"], by["u2"]["missing"], by["u2"]["on_time_rate"]) == (1, 1, 0.5)
    assert (by["u3"]["due"], by["u3"]["missing"], by["u3"]["on_time_rate"]) == (2, 2, 0.0)
    k1 = clusters[0]
    assert (k1["cluster_id"], k1["due"], k1["on_time"], k1["late"], k1["missing"]) == ("k1", 4, 2, 1, 1)
    assert clusters[-1]["cluster_id"] is None


def test_a_period_not_yet_due_does_not_count():
    units, _ = figures.reports(CAMPAIGN, {}, date(2026, 7, 14))
    assert {u["due"] for u in units} == {1}
    units, _ = figures.reports(CAMPAIGN, {}, date(2026, 4, 1))
    assert {u["on_time_rate"] for u in units} == {None}


def test_the_review_reports_annex_counts_against_the_same_due_dates():
    counted = {key: {"submitted_at": at} for key, at in SUBMITTED.items()}
    rows = {r.unit_id: r for r in annex(CAMPAIGN, counted, ("2026-Q1", "2026-Q2"), grace_days=30)}
    # with 30 calendar days of grace the old rule would call u1's Q2 report on time
    assert (rows["u1"].on_time, rows["u1"].late, rows["u1"].missing) == (1, 1, 0)
    assert (rows["u2"].on_time, rows["u2"].missing) == (1, 1)


def test_review_times_average_longest_and_overdue():
    arrivals = {"s1": vn(2026, 4, 1), "s2": vn(2026, 4, 1), "s3": vn(2026, 4, 6)}
    decisions = {"s1": vn(2026, 4, 3), "s2": vn(2026, 4, 20)}  # 2 and 13 working days
    out = figures.reviews(arrivals, decisions, date(2026, 4, 22), 10, escalated={"s3"})
    assert out["decided"] == 2 and out["waiting"] == 1
    assert out["average_working_days"] == 7.5 and out["longest_working_days"] == 13
    assert out["overdue"] == 2  # s2 took longer than 10 working days; s3 was escalated


def test_deadline_notices_are_addressed_by_role_and_unit():
    tags = audience(
        [
            DeadlineRecipient(role="unit_leader", unit_id="u1"),
            DeadlineRecipient(role="cluster_head", unit_id="u9"),
            DeadlineRecipient(role="board_officer"),
            DeadlineRecipient(role="chairperson"),
        ]
    )
    assert tags == [addressing.unit_tag("u1"), addressing.cluster_head_tag("u9"), addressing.BOARD, addressing.CHAIR]


def test_deadline_notices_render_in_both_languages():
    doc = {
        "kind": DEADLINE_ESCALATED,
        "period": "2026-Q1",
        "created_at": datetime(2026, 4, 20, tzinfo=UTC),
        "facts": {"subject": "report", "due_on": "2026-04-14", "working_days_late": 4},
    }
    names = Names(campaign="Cải cách hành chính", unit="Huyện A")
    title, body = render(doc, names, "vi")
    assert "quá hạn 4 ngày làm việc" in title and "14/04/2026" in body
    title, _ = render(doc, names, "en")
    assert "4 working days late" in title
    reminder = {**doc, "kind": DEADLINE_REMINDER, "facts": {**doc["facts"], "working_days_late": -2}}
    title, body = render(reminder, names, "vi")
    assert "Sắp đến hạn" in title and "còn 2 ngày làm việc" in body
