"""Scoring's recompute plan (pure): which cohorts a change rescores, which score events result (only
changed ones, withdrawals for scores that no longer stand), with their causes from the catalogue;
and the same inputs always give the same events, so a replay equals live processing."""

from datetime import UTC, date, datetime

from thidua_common.contracts.campaign import CampaignDefined, Change, Criterion, Participant
from thidua_common.contracts.registry import SCORE_COMPUTED
from thidua_common.contracts.score import ScoreComputed
from thidua_scoring import causes
from thidua_scoring.plan import WITHDRAWN, Cohorts, Job, Planner, unit_field
from thidua_scoring.scorers import load_scorers

SCORERS = load_scorers()
NOW = datetime(2026, 11, 30, tzinfo=UTC)
PERIOD = "2018-Q2"


def campaign(criteria, clusters=None) -> CampaignDefined:
    clusters = clusters or {"a": "c1", "b": "c1", "c": "c2"}
    return CampaignDefined(
        campaign_id="pt", revision=3, name_vi="Phong trào", launched_by="UBND tỉnh", start=date(2018, 1, 1),
        end=date(2020, 12, 31), criteria_version=2, criteria=criteria,
        participants=[Participant(unit_id=u, name_vi=u, unit_type="huyen", cluster_id=c) for u, c in clusters.items()],
    )


SIMPLE = [
    Criterion(id="ho", name_vi="Số hộ", max_points=60, target=10),
    Criterion(id="tru", name_vi="Vi phạm", max_points=15, scorer="penalty", params={"points_per": 5}),
]
LEADER = [Criterion(id="ho", name_vi="Số hộ", max_points=10, scorer="cluster_leader", target=100)]


def planner(c: CampaignDefined) -> Planner:
    return Planner("tinh-a", Cohorts.of(c, SCORERS), SCORERS, "corr-1", NOW)


def inputs(**values) -> dict[str, dict]:
    return {u: {"unit_id": u, "submission_id": f"s-{u}", "values": v, "submitted_at": NOW} for u, v in values.items()}


def scores(plan) -> dict[tuple[str, str], ScoreComputed]:
    out = {}
    for event in plan.events:
        assert event.type == SCORE_COMPUTED and event.correlationid == "corr-1"
        score = ScoreComputed.model_validate(event.data)
        out[(score.unit_id, score.status.value)] = score
    return out


def index_of(plan) -> dict[str, dict]:
    return {status: dict(entries) for status, entries in plan.entries.items()}


def test_a_submission_scores_its_unit_only_with_its_own_cause():
    c = campaign(SIMPLE)
    cause = causes.submission("ev-1", PERIOD)
    plan = planner(c).period(PERIOD, Job({"a"}, {"a": cause}), inputs(a={"ho": 5}, b={"ho": 10}), {}, {})
    got = scores(plan)
    assert list(got) == [("a", "provisional")]  # not verified yet, and b did not change
    score = got[("a", "provisional")]
    assert score.total == 30 and score.revision == 1 and score.cause == cause
    assert score.max_total == 60  # the maximum per period is stated in the event: the penalty adds nothing
    assert [line.deduction for line in score.criteria] == [False, True]  # the sign travels per criterion
    assert set(plan.entries["provisional"]) == {unit_field("a")}


def test_an_unchanged_score_is_not_told_again_and_a_changed_one_gets_the_next_revision():
    c = campaign(SIMPLE)
    job = Job({"a"}, causes.submission("ev-1", PERIOD))
    first = planner(c).period(PERIOD, job, inputs(a={"ho": 5}), {}, {})
    again = planner(c).period(PERIOD, job, inputs(a={"ho": 5}), index_of(first), {})
    assert again.events == [] and not again.entries
    changed = planner(c).period(PERIOD, job, inputs(a={"ho": 8}), index_of(first), {})
    assert scores(changed)[("a", "provisional")].revision == 2


def test_the_same_inputs_give_the_same_event_ids_whatever_the_clock():
    c = campaign(SIMPLE)
    job = Job({"a"}, causes.submission("ev-1", PERIOD))
    live = planner(c).period(PERIOD, job, inputs(a={"ho": 5}), {}, {})
    replayed = Planner("tinh-a", Cohorts.of(c, SCORERS), SCORERS, "corr-1", datetime(2030, 1, 1, tzinfo=UTC)).period(
        PERIOD, job, inputs(a={"ho": 5}), {}, {})
    assert [e.id for e in live.events] == [e.id for e in replayed.events]
    assert index_of(live) == index_of(replayed)


def test_a_verified_input_is_scored_in_both_statuses():
    c = campaign(SIMPLE)
    held = inputs(a={"ho": 10})
    held["a"]["verified"] = True
    plan = planner(c).period(PERIOD, Job({"a"}, causes.review("ev-2", "approve")), held, {}, {})
    assert set(scores(plan)) == {("a", "provisional"), ("a", "verified")}


def test_a_cohort_rule_rescores_the_whole_cluster_with_a_cohort_cause():
    c = campaign(LEADER)
    cohorts = Cohorts.of(c, SCORERS)
    jobs = {PERIOD: Job({"a"}, causes.submission("ev-1", PERIOD))}
    assert cohorts.cohort_rule and cohorts.input_units(jobs) is None  # every unit's input is needed
    assert Cohorts.of(campaign(SIMPLE), SCORERS).input_units(jobs) == ["a"]
    before = planner(c).period(PERIOD, Job(None, causes.campaign_changed("ev-0")), inputs(a={"ho": 80}, b={"ho": 120},
                                                                                        c={"ho": 90}), {}, {})
    # a overtakes b: b is recomputed without submitting again, c (another cluster) is not
    plan = planner(c).period(PERIOD, jobs[PERIOD], inputs(a={"ho": 150}, b={"ho": 120}, c={"ho": 90}),
                             index_of(before), {})
    got = scores(plan)
    assert set(got) == {("a", "provisional"), ("b", "provisional")}
    assert got[("a", "provisional")].cause.kind == "submission"
    assert got[("b", "provisional")].cause.kind == "cohort"
    assert got[("b", "provisional")].cause.detail_vi.startswith("Điểm được tính lại vì kết quả của cụm thi đua thay đổi")
    assert got[("b", "provisional")].cause.detail_en.endswith("The unit submitted its results for Q2 2018.")


def test_a_rejected_input_withdraws_its_scores_once():
    c = campaign(SIMPLE)
    held = inputs(a={"ho": 10})
    held["a"]["verified"] = True
    scored = planner(c).period(PERIOD, Job({"a"}, causes.review("ev-2", "approve")), held, {}, {})
    held["a"].update(verified=False, rejected=True)
    job = Job({"a"}, causes.review("ev-3", "reject"))
    plan = planner(c).period(PERIOD, job, held, index_of(scored), {})
    got = scores(plan)
    assert set(got) == {("a", "provisional"), ("a", "verified")}
    assert all(s.withdrawn and s.total == 0 and s.revision == 2 for s in got.values())
    assert {e["hash"] for entries in plan.entries.values() for e in entries.values()} == {WITHDRAWN}
    merged = {s: {**index_of(scored)[s], **index_of(plan)[s]} for s in index_of(scored)}
    assert planner(c).period(PERIOD, job, held, merged, {}).events == []  # told once


def test_causes_come_from_the_catalogue_in_both_languages():
    cause = causes.submission("ev-1", "2018-05")
    assert (cause.kind, cause.event_id) == ("submission", "ev-1")
    assert cause.detail_vi == "Đơn vị gửi báo cáo kết quả tháng 05/2018."
    assert cause.detail_en == "The unit submitted its results for 05/2018."
    assert causes.review("ev", "reject").detail_vi == "Kết quả bị từ chối khi thẩm định."
    c = campaign(SIMPLE).model_copy(update={"change": Change(kind="criteria", reason="Theo Nghị quyết mới")})
    criteria = causes.criteria("ev", 1, c)
    assert criteria.detail_vi == "Bảng tiêu chí đổi từ phiên bản 1 sang 2: Theo Nghị quyết mới"
    assert criteria.detail_en == "Criteria changed from version 1 to 2: Theo Nghị quyết mới"
