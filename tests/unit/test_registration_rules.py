"""intake registrations/rules.py and ratings/rules.py: targets, their changes, who may rate what,
and the refusal of a unit's own value for a reviewer-rated criterion."""

import pytest

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registration import Target
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.http import ApiError
from thidua_common.i18n import t
from thidua_intake.ratings.models import RatingCreate
from thidua_intake.ratings.rules import check_may_rate, check_rater, rating_errors, subject_errors
from thidua_intake.registrations.rules import check_target, check_targets, diff_targets
from thidua_intake.submissions.rules import check


def campaign(**overrides) -> CampaignDefined:
    body = {
        "campaign_id": "pt-cai-cach",
        "revision": 3,
        "status": "running",
        "name_vi": "Đẩy mạnh cải cách hành chính",
        "launched_by": "UBND tỉnh Đắk Nông",
        "start": "2017-01-01",
        "end": "2020-12-31",
        "reporting_frequency": "quarter",
        "criteria_version": 1,
        "criteria": [
            {
                "id": "ket-qua",
                "name_vi": "Kết quả thực hiện",
                "max_points": 70,
                "children": [
                    {"id": "dung-han", "name_vi": "Tỷ lệ hồ sơ đúng hạn", "max_points": 40, "target": 98,
                     "max_value": 100},
                    {"id": "dvc", "name_vi": "Dịch vụ công trực tuyến", "max_points": 30, "target": 10},
                ],
            },
            {"id": "danh-gia", "name_vi": "Đánh giá của cụm trưởng", "max_points": 30, "scorer": "reviewer_rating",
             "params": {"scale": 5}},
            {"id": "tinh-than", "name_vi": "Tinh thần phối hợp", "max_points": 10, "scorer": "reviewer_rating"},
        ],
        "clusters": [
            {"id": "khoi-huyen", "name_vi": "Khối các huyện", "leadership": [
                {"year": 2018, "head_unit_id": "huyen-cu-jut", "deputy_unit_id": "huyen-dak-mil"},
                {"year": 2019, "head_unit_id": "huyen-krong-no"},
            ]},
            {"id": "khoi-so", "name_vi": "Khối sở ngành"},
        ],
        "participants": [
            {"unit_id": "huyen-cu-jut", "name_vi": "Huyện Cư Jút", "unit_type": "district", "cluster_id": "khoi-huyen"},
            {"unit_id": "huyen-dak-mil", "name_vi": "Huyện Đắk Mil", "unit_type": "district",
             "cluster_id": "khoi-huyen"},
            {"unit_id": "huyen-krong-no", "name_vi": "Huyện Krông Nô", "unit_type": "district",
             "cluster_id": "khoi-huyen"},
            {"unit_id": "so-noi-vu", "name_vi": "Sở Nội vụ", "unit_type": "department", "cluster_id": "khoi-so"},
            {"unit_id": "cuc-thue", "name_vi": "Cục Thuế", "unit_type": "central_agency"},
        ],
    }
    return CampaignDefined.model_validate({**body, **overrides})


def target(criterion_id, value, period=None) -> Target:
    return Target(criterion_id=criterion_id, period=period, value=value)


def fields(errors) -> dict[str, str]:
    return {e.field: e.key for e in errors}


# -- targets ---------------------------------------------------------------------------------------
def test_a_target_on_a_leaf_for_a_campaign_period_is_valid():
    assert check_target(campaign(), target("dung-han", 98, "2018-Q2")) == []
    assert check_target(campaign(), target("dvc", 12)) == []  # every period


def test_a_target_must_name_a_leaf():
    errors = check_target(campaign(), target("ket-qua", 50))
    assert fields(errors) == {"criterion_id": "criterion.not_leaf"}
    assert "'ket-qua' là nhóm tiêu chí" in errors[0].render("vi")["reason"]
    assert fields(check_target(campaign(), target("khong-co", 1))) == {"criterion_id": "criterion.unknown"}


def test_a_reviewer_rated_leaf_takes_no_target():
    assert fields(check_target(campaign(), target("danh-gia", 4))) == {"criterion_id": "target.reviewer_rated"}


@pytest.mark.parametrize(
    "period, key",
    [("2018", "period.frequency"), ("2018-05", "period.frequency"), ("2016-Q4", "period.outside"),
     ("2021-Q1", "period.outside")],
)
def test_a_target_period_must_match_frequency_and_duration(period, key):
    assert fields(check_target(campaign(), target("dung-han", 90, period))) == {"period": key}


def test_a_target_value_must_be_one_the_criterion_accepts():
    errors = check_target(campaign(), target("dung-han", 120))
    assert fields(errors) == {"value": "value.range"}


def test_check_targets_names_each_bad_target_by_position_and_refuses_duplicates():
    errors = check_targets(
        campaign(),
        [target("dung-han", 98), target("dvc", 10, "2018-Q1"), target("ket-qua", 1), target("dvc", 11, "2018-Q1")],
    )
    assert fields(errors) == {"targets.2.criterion_id": "criterion.not_leaf", "targets.3": "registration.duplicate_target"}
    # the same criterion for different periods is no duplicate
    assert check_targets(campaign(), [target("dvc", 10), target("dvc", 12, "2018-Q4")]) == []


def test_diff_targets_reports_changed_new_and_removed_targets():
    old = [target("dung-han", 95), target("dvc", 10, "2018-Q1"), target("dvc", 8, "2018-Q2")]
    new = [target("dung-han", 98), target("dvc", 10, "2018-Q1"), target("dvc", 12, "2018-Q3")]
    changed, removed = diff_targets(old, new)
    assert [(t.criterion_id, t.period, t.value, before) for t, before in changed] == [
        ("dung-han", None, 98, 95),
        ("dvc", "2018-Q3", 12, None),
    ]
    assert removed == [target("dvc", 8, "2018-Q2")]
    assert diff_targets(old, old) == ([], [])


# -- ratings ---------------------------------------------------------------------------------------
def rating(unit="huyen-krong-no", period="2018-Q2", **ratings) -> RatingCreate:
    return RatingCreate(unit_id=unit, period=period, ratings=ratings or {"danh-gia": 4})


@pytest.mark.parametrize("rater", ["huyen-cu-jut", "huyen-dak-mil"])
def test_head_and_deputy_of_the_cluster_in_that_year_may_rate(rater):
    check_rater(campaign(), "huyen-krong-no", "2018-Q2", rater)


def test_leadership_is_per_year():
    check_rater(campaign(), "huyen-cu-jut", "2019-Q1", "huyen-krong-no")
    with pytest.raises(ApiError) as caught:
        check_rater(campaign(), "huyen-krong-no", "2019-Q1", "huyen-cu-jut")
    error = caught.value
    assert error.status == 403 and error.key == "rating.not_cluster_lead"
    assert t(error.key, "vi", **error.params) == (
        "Chỉ đơn vị cụm trưởng hoặc cụm phó của cụm 'khoi-huyen' năm 2019 mới được chấm đơn vị 'huyen-krong-no'."
    )


@pytest.mark.parametrize(
    "unit, rater, key",
    [
        ("so-noi-vu", "huyen-cu-jut", "rating.not_cluster_lead"),  # head of another cluster
        ("so-noi-vu", None, "rating.not_cluster_lead"),  # a cluster head acting for no unit
        ("cuc-thue", "huyen-cu-jut", "rating.no_cluster"),
        ("huyen-cu-jut", "huyen-cu-jut", "conflict.own_unit.rating"),
        ("da-roi-phong-trao", "huyen-cu-jut", "rating.not_participant"),  # left the campaign: no StopIteration
    ],
)
def test_other_raters_are_refused_with_a_reason(unit, rater, key):
    with pytest.raises(ApiError) as caught:
        check_may_rate(campaign(), unit, "2018-Q2", rater_as(Role.cluster_head, rater))
    assert caught.value.status == 403 and caught.value.key == key


def rater_as(role: Role, unit: str | None) -> Principal:
    return Principal(subject="can-bo", tenant="daknong", roles=frozenset({role}), unit_id=unit)


def test_the_board_rates_any_unit_but_its_own():
    check_may_rate(campaign(), "cuc-thue", "2018-Q2", rater_as(Role.board_officer, None))  # no cluster: the board
    check_may_rate(campaign(), "huyen-cu-jut", "2018-Q2", rater_as(Role.board_officer, "so-noi-vu"))
    with pytest.raises(ApiError) as caught:
        check_may_rate(campaign(), "so-noi-vu", "2018-Q2", rater_as(Role.board_officer, "so-noi-vu"))
    error = caught.value
    assert (error.status, error.key) == (403, "conflict.own_unit.rating")
    assert t(error.key, "vi", **error.params) == (
        "Quy tắc xung đột lợi ích: không ai được chấm điểm thẩm định cho chính đơn vị mình "
        "(bạn thao tác cho đơn vị 'so-noi-vu')."
    )
    assert t(error.key, "en", **error.params) == (
        "Conflict-of-interest rule: nobody rates their own unit (you act for unit 'so-noi-vu')."
    )


def test_only_reviewer_rated_leaves_may_be_rated_within_their_scale():
    assert rating_errors(campaign(), {"danh-gia": 5, "tinh-than": 10}) == []
    errors = rating_errors(campaign(), {"danh-gia": 6, "tinh-than": 10.5, "dung-han": 3, "ket-qua": 1, "x": 1})
    assert fields(errors) == {
        "ratings.danh-gia": "value.range",
        "ratings.tinh-than": "value.range",
        "ratings.dung-han": "rating.not_reviewer",
        "ratings.ket-qua": "criterion.not_leaf",
        "ratings.x": "criterion.unknown",
    }
    assert "[0; 5]" in next(e for e in errors if e.field == "ratings.danh-gia").render("vi")["reason"]
    assert fields(rating_errors(campaign(), {"tinh-than": -1})) == {"ratings.tinh-than": "value.range"}


def test_the_rated_unit_and_period_must_belong_to_the_campaign():
    assert subject_errors(campaign(), rating()) == []
    assert fields(subject_errors(campaign(), rating(unit="khong-co", period="2018"))) == {
        "unit_id": "unit.unknown",
        "period": "period.frequency",
    }


# -- submissions -----------------------------------------------------------------------------------
def test_a_unit_may_not_report_a_reviewer_rated_leaf():
    sub = SubmissionSubmitted(
        campaign_id="pt-cai-cach", unit_id="so-noi-vu", period="2018-Q2", values={"dung-han": 97, "danh-gia": 5}
    )
    errors = check(campaign(), sub)
    assert fields(errors) == {"values.danh-gia": "value.reviewer_rated"}
    assert errors[0].render("vi")["reason"].startswith("Tiêu chí này do cán bộ thẩm định chấm")
