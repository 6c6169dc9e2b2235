"""The cluster-leader rule of DOMAIN.md, reproduced from worked examples."""

import pytest

from thidua_common.contracts.campaign import Criterion
from thidua_scoring.scorers import LeafInput
from thidua_scoring.scorers.cluster_leader import ClusterLeader


def leaf(ms=10.0, direction="higher"):
    return Criterion(id="c", name_vi="Tiêu chí", max_points=ms, scorer="cluster_leader", direction=direction)


def score(cohort, **kw):
    return {u: p.points for u, p in ClusterLeader().score(leaf(**kw), [LeafInput(*c) for c in cohort]).items()}


def test_worked_example_with_a_common_target():
    # MS = 10, T = 100 for everyone
    got = score([("a", 80, 100), ("b", 100, 100), ("c", 120, 100), ("d", 150, 100)])
    assert got["a"] == pytest.approx(4.0)  # below: 0.5·10·80/100
    assert got["b"] == pytest.approx(5.0)  # on target: 0.5·10
    assert got["d"] == pytest.approx(10.0)  # leader: MS
    assert got["c"] == pytest.approx(7.0)  # 0.5·10 + 0.5·10·(120−100)/(150−100)


def test_tied_leaders_both_get_full_points_and_others_measure_against_them():
    got = score([("d", 150, 100), ("e", 150, 100), ("c", 125, 100)])
    assert got["d"] == got["e"] == pytest.approx(10.0)
    assert got["c"] == pytest.approx(5 + 5 * 25 / 50)


def test_missing_target_scores_against_the_best_value_in_the_cluster():
    got = score([("x", 30, None), ("y", 60, None), ("z", 50, 40)])
    assert got["x"] == pytest.approx(10 * 30 / 60)
    assert got["y"] == pytest.approx(10.0)
    assert got["z"] == pytest.approx(10.0)  # the only unit over its target leads


def test_a_unit_below_target_gets_half_the_points_in_proportion():
    got = score([("a", 30, 120), ("b", 200, 100)], ms=20)
    assert got["a"] == pytest.approx(0.5 * 20 * 30 / 120)
    assert got["b"] == pytest.approx(20.0)


def test_lower_is_better_mirrors_the_rule():
    # overdue dossiers: target at most 10, MS = 20
    got = score([("p", 12, 10), ("q", 10, 10), ("r", 5, 10), ("s", 8, 10)], ms=20, direction="lower")
    assert got["p"] == pytest.approx(0.5 * 20 * 10 / 12, abs=1e-4)  # worse than target (4 decimals)
    assert got["q"] == pytest.approx(10.0)  # on target
    assert got["r"] == pytest.approx(20.0)  # leader: furthest under target
    assert got["s"] == pytest.approx(10 + 10 * (10 - 8) / (10 - 5))  # (T−A)/(T−A_leader)


def test_lower_is_better_without_target():
    got = score([("p", 0, None), ("q", 4, None)], ms=10, direction="lower")
    assert got == {"p": 10.0, "q": 0.0}


def test_a_unit_that_did_not_report_gets_nothing_and_does_not_lead():
    got = score([("a", None, 100), ("b", 110, 100), ("c", 105, 100)])
    assert got["a"] == 0.0
    assert got["b"] == pytest.approx(10.0)
    assert got["c"] == pytest.approx(5 + 5 * 5 / 10)


def test_nobody_over_target_means_nobody_leads():
    got = score([("a", 100, 100), ("b", 50, 100)])
    assert got == {"a": 5.0, "b": 2.5}


def test_different_targets_compare_over_target_ratios():
    # b is 50% over its target and leads; a is 20% over: 0.5·10 + 0.5·10·0.2/0.5
    got = score([("a", 120, 100), ("b", 30, 20)])
    assert got["b"] == pytest.approx(10.0)
    assert got["a"] == pytest.approx(7.0)


def test_explanations_name_the_leader_and_the_numbers():
    result = ClusterLeader().score(leaf(), [LeafInput("a", 120, 100), LeafInput("lead", 150, 100)])
    assert "không dẫn đầu" in result["a"].explanation_vi and "lead" in result["a"].explanation_vi
    assert result["a"].inputs["A_leader"] == 150
    assert "Dẫn đầu cụm" in result["lead"].explanation_vi
