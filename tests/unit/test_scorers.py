"""scoring: the ratio_to_target scorer and the engine's totals (engine.score_cohort)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua_common.contracts.campaign import CampaignDefined, Criterion
from thidua_scoring.engine import UnitState, max_total, resolve_targets, score_cohort
from thidua_scoring.scorers import LeafInput, load_scorers
from thidua_scoring.scorers.ratio import RatioToTarget

SCORERS = load_scorers()


def leaf(max_points=60, target=100, **extra) -> Criterion:
    return Criterion(id=extra.pop("id", "ho-thoat-ngheo"), name_vi="Số hộ thoát nghèo", max_points=max_points,
                     target=target, **extra)


def ratio(criterion: Criterion, value: float | None, target: float | None = None):
    return RatioToTarget().score_one(criterion, value, criterion.target if target is None else target)


def test_ratio_under_target():
    p = ratio(leaf(), 80)
    assert p.points == 48
    assert p.formula == "min(MS, MS · A/T)"
    assert p.explanation_vi == "60 × 80/100 = 48 → 48 điểm."
    assert p.explanation_en == "60 × 80/100 = 48 → 48 points."
    assert p.inputs == {"A": 80, "T": 100, "MS": 60, "raw": 48}


def test_ratio_on_target_gives_max_points():
    p = ratio(leaf(), 100)
    assert p.points == 60
    assert "tối đa" not in p.explanation_vi


def test_ratio_over_target_is_capped_and_says_so():
    p = ratio(leaf(max_points=40, target=10), 12)
    assert p.points == 40
    assert p.explanation_vi == "40 × 12/10 = 48, tối đa 40 → 40 điểm."
    assert p.explanation_en == "40 × 12/10 = 48, capped at 40 → 40 points."


def test_ratio_far_over_target_is_still_capped():
    assert ratio(leaf(), 1e9).points == 60


def test_ratio_uses_vietnamese_number_format_in_vietnamese():
    p = ratio(leaf(max_points=1000, target=3000), 1234.5)
    assert p.points == pytest.approx(411.5)
    assert p.explanation_vi == "1.000 × 1.234,5/3.000 = 411,5 → 411,5 điểm."
    assert p.explanation_en == "1,000 × 1,234.5/3,000 = 411.5 → 411.5 points."


def test_ratio_without_target_gives_zero():
    p = RatioToTarget().score_one(leaf(target=None), 50, None)
    assert p.points == 0
    assert p.explanation_vi == "Chưa có chỉ tiêu nên chưa tính điểm: 0 điểm."
    assert p.explanation_en == "No target set: 0 points."


def test_ratio_target_zero_is_met_by_any_value_when_higher_is_better():
    p = RatioToTarget().score_one(leaf(target=0), 50, 0)
    assert p.points == 60 and "Chỉ tiêu 0" in p.explanation_vi


def test_ratio_not_reported_gives_zero():
    p = ratio(leaf(), None)
    assert p.points == 0
    assert p.explanation_vi == "Không báo cáo: 0 điểm."
    assert p.explanation_en == "Not reported: 0 points."


def test_ratio_zero_value_gives_zero():
    assert ratio(leaf(), 0).points == 0


def test_ratio_uses_the_target_it_is_given_not_the_criterion_default():
    # a registration may set the unit's own target
    assert RatioToTarget().score_one(leaf(target=100), 80, 160).points == 30


def test_ratio_lower_is_better():
    late = leaf(max_points=20, target=5, direction="lower")
    assert ratio(late, 0).points == 20
    assert ratio(late, 5).points == 20
    assert ratio(late, 10).points == 10
    assert ratio(late, 10).explanation_vi == "20 × 5/10 = 10 điểm (càng thấp càng tốt)."


def test_ratio_lower_is_better_with_target_zero():
    violations = leaf(max_points=20, target=0, direction="lower")
    assert ratio(violations, 0).points == 20


def test_ratio_scores_each_unit_of_a_cohort_on_its_own():
    results = RatioToTarget().score(leaf(), [LeafInput("a", 50, 100), LeafInput("b", None, 100),
                                             LeafInput("c", 80, 40)])
    assert {u: p.points for u, p in results.items()} == {"a": 30, "b": 0, "c": 60}


def test_ratio_is_registered_as_a_plugin():
    assert isinstance(SCORERS["ratio_to_target"], RatioToTarget)
    assert SCORERS["ratio_to_target"].name == "ratio_to_target"


def campaign(criteria: list[Criterion], version: int = 3, **kw) -> CampaignDefined:
    return CampaignDefined(
        campaign_id="pt-1", revision=1, name_vi="Phong trào", launched_by="UBND tỉnh", start=date(2016, 1, 1),
        end=date(2020, 12, 31), criteria_version=version, criteria=criteria, **kw
    )


SMALL = [
    Criterion(id="ho-thoat-ngheo", name_vi="Số hộ thoát nghèo", max_points=60, target=100),
    Criterion(id="nha-dai-doan-ket", name_vi="Nhà đại đoàn kết", max_points=40, target=10),
]


def score_one_unit(c: CampaignDefined, values: dict[str, float]):
    unit = UnitState("huyen-cu-jut", values, resolve_targets(c, None, "2018-Q2"))
    return score_cohort(c, [unit], SCORERS)["huyen-cu-jut"]


def test_engine_totals_and_lines():
    result = score_one_unit(campaign(SMALL), {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 12})
    assert result.total == 88 and result.max_total == 100
    assert [(c.criterion_id, c.value, c.target, c.points, c.max_points, c.target_source) for c in result.criteria()] == [
        ("ho-thoat-ngheo", 80, 100, 48, 60, "criterion"),
        ("nha-dai-doan-ket", 12, 10, 40, 40, "criterion"),
    ]


def test_engine_counts_unreported_criteria_as_zero():
    result = score_one_unit(campaign(SMALL), {"ho-thoat-ngheo": 50})
    assert result.total == 30 and result.max_total == 100
    missing = result.criteria()[1]
    assert missing.value is None and missing.points == 0


def test_engine_scores_every_unit_of_the_cohort():
    c = campaign(SMALL)
    targets = resolve_targets(c, None, "2018-Q2")
    units = [UnitState("a", {"ho-thoat-ngheo": 100, "nha-dai-doan-ket": 10}, targets),
             UnitState("b", {"ho-thoat-ngheo": 10}, targets),
             UnitState("c", {}, targets)]
    assert {u: r.total for u, r in score_cohort(c, units, SCORERS).items()} == {"a": 100, "b": 6, "c": 0}


def test_max_total_is_the_sum_of_maxima_or_the_campaign_cap():
    assert max_total(campaign(SMALL), SCORERS) == 100
    capped = campaign(SMALL, max_total=90)
    assert max_total(capped, SCORERS) == 90
    assert score_one_unit(capped, {"ho-thoat-ngheo": 100, "nha-dai-doan-ket": 10}).total == 90


# -- property: no criterion's points exceed its maximum, and the total stays within the maximum -------
criteria_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "max_points": st.floats(min_value=0.01, max_value=1000),
            "target": st.one_of(st.none(), st.floats(min_value=0, max_value=1e9)),
        }
    ),
    min_size=1,
    max_size=8,
)
value_strategy = st.one_of(st.none(), st.floats(min_value=0, max_value=1e9))


@settings(deadline=None)
@given(criteria_strategy, st.lists(value_strategy, min_size=8, max_size=8))
def test_no_criterion_exceeds_its_maximum(criteria, values):
    c = campaign([Criterion(id=f"c{i}", name_vi=f"Tiêu chí {i}", **spec) for i, spec in enumerate(criteria)])
    reported = {f"c{i}": v for i, v in enumerate(values[: len(criteria)]) if v is not None}
    result = score_one_unit(c, reported)
    assert len(result.criteria()) == len(criteria)
    for line, criterion in zip(result.criteria(), c.criteria):
        assert 0 <= line.points <= criterion.max_points
        assert line.max_points == criterion.max_points
    assert 0 <= result.total <= result.max_total
    assert result.max_total == pytest.approx(sum(spec["max_points"] for spec in criteria), abs=1e-3)
    assert result.total == pytest.approx(sum(line.points for line in result.criteria()), abs=1e-3)
