"""Issue 8 (liveness), intake's end: every scorer's parameters are a pydantic model, and a campaign
definition scoring could not use is described field by field (criterion and parameter named)."""

import pytest
from pydantic import ValidationError

from thidua_common.contracts.campaign import Criterion
from thidua_common.contracts.criteria_check import criteria_problems
from thidua_common.contracts.scorer_params import (
    PassFailParams,
    PerOccurrenceParams,
    ReviewerRatingParams,
    installed_param_models,
)
from thidua_common.http.errors import from_pydantic
from thidua_scoring.scorers import load_scorers
from thidua_test_scorer import StepTable, StepTableParams

MODELS = installed_param_models()


def leaf(**kw) -> Criterion:
    return Criterion(**{"id": "tieu-chi-1", "name_vi": "Tiêu chí", "max_points": 10, **kw})


def test_every_installed_scorer_declares_the_params_model_intake_loads():
    scorers = load_scorers()
    assert set(scorers) == set(MODELS)  # intake knows exactly the scorers scoring runs
    for name, scorer in scorers.items():
        assert scorer.Params is MODELS[name], name
    assert MODELS["step_table"] is StepTableParams is StepTable.Params


@pytest.mark.parametrize("model,good,bad", [
    (PassFailParams, {"threshold": 3}, [{"threshold": "abc"}, {"threshold": float("inf")}, {"threshold": True},
                                        {"treshold": 1}]),
    (PerOccurrenceParams, {"points_per": 2.5}, [{"points_per": -1}, {"points_per": float("nan")}, {"points_per": "2"}]),
    (ReviewerRatingParams, {"scale": 5}, [{"scale": 0}, {"scale": float("-inf")}, {"scale": [10]}]),
    (StepTableParams, {"steps": [[1, 1], [0.8, 0.6]]}, [{"steps": [[1, 2]]}, {"steps": []}, {"steps": [[1]]},
                                                        {"steps": [[1, "a"]]}]),
])
def test_params_models_accept_finite_numbers_only(model, good, bad):
    model.model_validate(good)
    model.model_validate({})  # every parameter has a default
    for params in bad:
        with pytest.raises(ValidationError):
            model.model_validate(params)


def test_a_bad_parameter_names_criterion_and_parameter_in_both_languages():
    tree = [leaf(id="nhom", children=[leaf(id="dat-chuan", scorer="pass_fail", params={"threshold": "abc"})])]
    [problem] = criteria_problems(tree, MODELS)
    assert problem.field == "criteria.0.children.0.params.threshold"
    assert problem.key == "criterion.param_invalid"
    vi, en = problem.render("vi")["reason"], problem.render("en")["reason"]
    assert "dat-chuan" in vi and "threshold" in vi and "Phải là một số" in vi
    assert "dat-chuan" in en and "Must be a number" in en and "Phải" not in en


def test_unknown_scorer_unknown_parameter_and_min_above_max_are_refused_by_intake_only():
    tree = [leaf(scorer="khong-co"), leaf(id="b", scorer="pass_fail", params={"treshold": 2}),
            leaf(id="c", min_value=5, max_value=1)]
    strict = {p.field: p.key for p in criteria_problems(tree, MODELS)}
    assert strict == {"criteria.0.scorer": "criterion.scorer_unknown", "criteria.1.params.treshold": "criterion.param_invalid",
                      "criteria.2.min_value": "criterion.min_above_max"}
    # scoring (not strict) still scores these: an unknown scorer gives 0 with its own explanation
    assert criteria_problems(tree, MODELS, strict=False) == []


def test_params_mongodb_cannot_store_are_named():
    tree = [leaf(scorer="step_table", params={"steps": [[1, 1]], "big": 2**64, "k\x00ey": 1, "$where": 1,
                                              "deep": [[[[[[[[[[1]]]]]]]]]]})]
    found = {(p.field, p.key) for p in criteria_problems(tree, MODELS, strict=False)}
    assert ("criteria.0.params.big", "criterion.param_int_range") in found
    assert ("criteria.0.params", "criterion.param_key") in found
    assert any(key == "criterion.param_too_deep" for _, key in found)
    assert all("\x00" not in p.render("vi")["reason"] for p in criteria_problems(tree, MODELS))
    assert criteria_problems([leaf(scorer="step_table", params={"steps": [[1, 1]]})], MODELS) == []
    assert criteria_problems([leaf(params={"n": 2**63 - 1})], MODELS, strict=False) == []


def test_infinity_and_nan_are_named_wherever_a_criterion_holds_a_number():
    # the contract model still reads them (consumers other than scoring keep working); the check
    # intake and scoring share names each one
    tree = [leaf(max_value=float("nan"), target=float("inf"),
                 children=[leaf(id="con", min_value=float("-inf"), max_points=5)])]
    found = {p.field: p.key for p in criteria_problems(tree, MODELS, strict=False, max_total=float("inf"))}
    assert found == {"max_total": "field.finite", "criteria.0.max_value": "field.finite",
                     "criteria.0.target": "field.finite", "criteria.0.children.0.min_value": "field.finite"}
    [problem] = criteria_problems([leaf(max_value=float("inf"))], MODELS)
    assert problem.render("en") == {"field": "criteria.0.max_value", "code": "field.finite",
                                    "reason": "Must be a finite number (no Infinity or NaN)."}


def test_intake_refuses_an_infinite_cap_with_a_catalogue_message():
    from thidua_intake.campaigns.models import CampaignWrite

    with pytest.raises(ValidationError) as caught:
        CampaignWrite.model_validate({"name_vi": "Phong trào", "launched_by": "UBND", "start": "2020-01-01",
                                      "end": "2020-12-31", "criteria": [leaf().model_dump()], "max_total": float("inf")})
    [error] = caught.value.errors()
    assert from_pydantic(error).render("vi") == {"field": "max_total", "code": "field.finite",
                                                 "reason": "Phải là một số hữu hạn (không nhận Infinity, NaN)."}
