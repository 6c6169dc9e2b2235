"""The scoring engine over a criteria tree: groups sum and cap, penalties deduct, targets resolve
from the registration first; and, for any inputs, no score exceeds its maximum."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua_common.contracts.campaign import CampaignDefined, Criterion
from thidua_common.contracts.registration import RegistrationChanged, Target
from thidua_scoring.engine import UnitState, max_total, resolve_targets, score_cohort
from thidua_scoring.scorers import load_scorers

SCORERS = load_scorers()


def campaign(criteria, **kw) -> CampaignDefined:
    return CampaignDefined(
        campaign_id="pt", revision=1, name_vi="Phong trào", launched_by="UBND tỉnh", start=date(2016, 1, 1),
        end=date(2020, 12, 31), criteria_version=1, criteria=criteria, **kw
    )


TREE = [
    Criterion(id="g1", name_vi="Nhóm 1", max_points=50, children=[
        Criterion(id="a", name_vi="A", max_points=30, target=10),
        Criterion(id="b", name_vi="B", max_points=30, scorer="pass_fail"),
    ]),
    Criterion(id="bonus", name_vi="Thưởng", max_points=10, scorer="bonus", params={"points_per": 4}),
    Criterion(id="pen", name_vi="Trừ", max_points=15, scorer="penalty", params={"points_per": 5}),
]


def test_groups_cap_bonuses_add_and_penalties_deduct():
    c = campaign(TREE)
    assert max_total(c, SCORERS) == 60  # 50 + 10; a penalty adds nothing to the maximum
    unit = UnitState("u", {"a": 20, "b": 1, "bonus": 2, "pen": 1}, resolve_targets(c, None, "2018-Q1"))
    result = score_cohort(c, [unit], SCORERS)["u"]
    lines = {line.criterion_id: line for line in result.criteria()}
    assert lines["a"].points == 30 and lines["b"].points == 30
    assert lines["g1"].points == 50 and lines["g1"].kind == "group"  # 60 capped at 50
    assert "tối đa 50" in lines["g1"].explanation_vi
    assert lines["bonus"].points == 8
    assert lines["pen"].points == -5
    assert result.total == 53
    assert [line.criterion_id for line in result.criteria()] == ["g1", "a", "b", "bonus", "pen"]
    assert lines["a"].parent_id == "g1" and lines["g1"].parent_id is None


def test_total_never_negative():
    c = campaign(TREE)
    unit = UnitState("u", {"pen": 10}, resolve_targets(c, None, "2018-Q1"))
    result = score_cohort(c, [unit], SCORERS)["u"]
    assert {line.criterion_id: line.points for line in result.criteria()}["pen"] == -15  # at most its maximum
    assert result.total == 0


def test_targets_resolve_from_the_registration_then_the_criterion():
    c = campaign(TREE)
    reg = RegistrationChanged(campaign_id="pt", unit_id="u", revision=1, targets=[
        Target(criterion_id="a", period=None, value=20),
        Target(criterion_id="a", period="2018-Q2", value=40),
    ])
    assert resolve_targets(c, reg, "2018-Q1")["a"] == (20, "registration")
    assert resolve_targets(c, reg, "2018-Q2")["a"] == (40, "registration-period")
    assert resolve_targets(c, None, "2018-Q2")["a"] == (10, "criterion")
    assert resolve_targets(c, None, "2018-Q2")["b"] == (None, "none")


def test_lower_is_better_ratio():
    c = campaign([Criterion(id="late", name_vi="Hồ sơ trễ hạn", max_points=20, target=5, direction="lower")])
    states = [UnitState(u, {"late": v}, resolve_targets(c, None, "2018")) for u, v in (("ok", 3), ("bad", 10))]
    result = score_cohort(c, states, SCORERS)
    assert result["ok"].total == 20 and result["bad"].total == 10


def test_an_unknown_scorer_scores_nothing_and_says_why():
    c = campaign([Criterion(id="x", name_vi="X", max_points=10, scorer="khong-co")])
    result = score_cohort(c, [UnitState("u", {"x": 5}, {})], SCORERS)["u"]
    assert result.total == 0 and "khong-co" in result.criteria()[0].explanation_vi


# -- properties -------------------------------------------------------------------------------
scorer_names = st.sampled_from(["ratio_to_target", "pass_fail", "per_occurrence", "bonus", "penalty",
                                "reviewer_rating", "cluster_leader"])
values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False))


@st.composite
def trees(draw):
    counter = iter(range(1000))

    def leaf():
        return Criterion(
            id=f"l{next(counter)}", name_vi="Lá", max_points=draw(st.floats(min_value=0.5, max_value=100)),
            target=draw(st.one_of(st.none(), st.floats(min_value=0, max_value=1e4))),
            direction=draw(st.sampled_from(["higher", "lower"])), scorer=draw(scorer_names),
            params={"points_per": draw(st.floats(min_value=0, max_value=50)), "scale": 10},
        )

    def group():
        return Criterion(id=f"g{next(counter)}", name_vi="Nhóm", max_points=draw(st.floats(min_value=1, max_value=100)),
                         children=[leaf() for _ in range(draw(st.integers(1, 4)))])

    return [draw(st.sampled_from([leaf, group]))() for _ in range(draw(st.integers(1, 4)))]


@settings(max_examples=150, deadline=None)
@given(tree=trees(), data=st.data())
def test_no_score_exceeds_its_maximum(tree, data):
    c = campaign(tree)
    leaf_ids = [leaf.id for node in tree for leaf in node.leaves()]
    units = [
        UnitState(f"u{i}", {lid: v for lid in leaf_ids if (v := data.draw(values)) is not None},
                  resolve_targets(c, None, "2018-Q1"))
        for i in range(data.draw(st.integers(1, 5)))
    ]
    for result in score_cohort(c, units, SCORERS).values():
        assert 0 <= result.total <= result.max_total + 1e-9
        for line in result.criteria():
            assert line.points <= line.max_points + 1e-9
            assert line.points >= (-line.max_points if line.scorer == "penalty" else 0) - 1e-9
