"""intake reviews/rules.py: who reviews at which level, what each decision needs, what a
resubmission may contain, and where an appeal goes."""

import pytest

from thidua_common.auth import Principal, Role
from thidua_common.contracts.review import AppealOutcome, ReviewDecision, ReviewLevel
from thidua_common.http import ApiError
from thidua_common.i18n import t
from thidua_intake.reviews import rules

from .test_registration_rules import campaign

VALUES = {"dung-han": 97.5, "dvc": 8}
UNIT = "huyen-krong-no"  # the unit whose submission is judged


def who(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="someone", tenant="daknong", roles=frozenset(roles), unit_id=unit)


def refused(call, *args) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call(*args)
    return caught.value


def rendered(error: ApiError, lang: str) -> str:
    return t(error.key, lang, **error.params)


# -- who reviews ---------------------------------------------------------------------------------
def test_the_board_reviews_at_board_level_and_a_cluster_lead_at_cluster_level():
    assert rules.reviewer_level(campaign(), "huyen-krong-no", "2018-Q2", who(Role.board_officer)) == ReviewLevel.board
    for lead in ("huyen-cu-jut", "huyen-dak-mil"):  # head and deputy in 2018
        level = rules.reviewer_level(campaign(), "huyen-krong-no", "2018-Q2", who(Role.cluster_head, unit=lead))
        assert level == ReviewLevel.cluster


@pytest.mark.parametrize(
    "unit, period, reviewer, status, key",
    [
        ("so-noi-vu", "2018-Q2", "huyen-cu-jut", 403, "review.not_cluster_lead"),  # another cluster
        ("huyen-krong-no", "2019-Q1", "huyen-cu-jut", 403, "review.not_cluster_lead"),  # not the lead that year
        ("cuc-thue", "2018-Q2", "huyen-cu-jut", 403, "review.no_cluster"),
        ("huyen-cu-jut", "2018-Q2", "huyen-cu-jut", 403, "conflict.own_unit.review"),
        # the unit left the campaign: a 403 that says so (it was a 500, StopIteration, before)
        ("da-roi-phong-trao", "2018-Q2", "huyen-cu-jut", 403, "review.not_participant"),
    ],
)
def test_a_cluster_head_reviews_only_other_units_of_the_cluster_it_leads_that_year(unit, period, reviewer, status, key):
    error = refused(rules.reviewer_level, campaign(), unit, period, who(Role.cluster_head, unit=reviewer))
    assert (error.status, error.key) == (status, key)


def test_refusals_name_the_cluster_and_year_in_both_languages():
    error = refused(rules.reviewer_level, campaign(), "so-noi-vu", "2018-Q2", who(Role.cluster_head, unit="huyen-cu-jut"))
    assert rendered(error, "vi") == (
        "Chỉ đơn vị cụm trưởng hoặc cụm phó của cụm 'khoi-so' năm 2018 mới được thẩm định báo cáo của đơn vị 'so-noi-vu'."
    )
    assert rendered(error, "en") == "Only the head or deputy of cluster 'khoi-so' in 2018 may review unit 'so-noi-vu'."


def test_a_board_officer_never_reviews_its_own_unit():
    error = refused(rules.reviewer_level, campaign(), "so-noi-vu", "2018-Q2", who(Role.board_officer, unit="so-noi-vu"))
    assert (error.status, error.key) == (403, "conflict.own_unit.review")
    assert rendered(error, "vi") == (
        "Quy tắc xung đột lợi ích: không ai được thẩm định báo cáo của chính đơn vị mình "
        "(bạn thao tác cho đơn vị 'so-noi-vu')."
    )
    assert rendered(error, "en") == (
        "Conflict-of-interest rule: nobody reviews their own unit's submission (you act for unit 'so-noi-vu')."
    )


def test_a_unit_that_left_the_campaign_is_reviewed_by_the_board_only():
    error = refused(rules.reviewer_level, campaign(), "da-roi-phong-trao", "2018-Q2",
                    who(Role.cluster_head, unit="huyen-cu-jut"))
    assert rendered(error, "en") == (
        "Unit 'da-roi-phong-trao' no longer takes part in the campaign, so it belongs to no cluster: "
        "only the commendation board may review this submission."
    )
    level = rules.reviewer_level(campaign(), "da-roi-phong-trao", "2018-Q2", who(Role.board_officer, unit="so-noi-vu"))
    assert level == ReviewLevel.board


# -- when a submission may be reviewed -----------------------------------------------------------
def test_only_the_latest_submission_is_reviewed_once_per_level():
    rules.check_reviewable(None, ReviewLevel.cluster, latest=True)
    assert refused(rules.check_reviewable, None, ReviewLevel.cluster, False).key == "review.superseded"
    decided = {"decision": "return", "level": "cluster", "appeal": None}
    error = refused(rules.check_reviewable, decided, ReviewLevel.cluster, True)
    assert (error.status, error.key) == (409, "review.decided")
    assert rendered(error, "en") == (
        "The submission was already reviewed by the cluster head (returned for correction); "
        "it cannot be reviewed again at this level."
    )
    rules.check_reviewable(decided, ReviewLevel.board, True)  # the board still may
    by_board = {"decision": "approve", "level": "board", "appeal": None}
    assert refused(rules.check_reviewable, by_board, ReviewLevel.cluster, True).key == "review.decided"
    appealed = {**decided, "appeal": {"status": "pending", "to_level": "board"}}
    assert refused(rules.check_reviewable, appealed, ReviewLevel.board, True).key == "review.appealed"


def test_return_needs_a_reason_for_each_named_criterion_of_the_submission():
    assert rules.decision_errors(ReviewDecision.return_, "", {"dvc": "Thiếu minh chứng"}, VALUES) == []
    keys = lambda errors: {e.field: e.key for e in errors}  # noqa: E731
    assert keys(rules.decision_errors(ReviewDecision.return_, "", {}, VALUES)) == {"reasons": "review.reasons_required"}
    assert keys(rules.decision_errors(ReviewDecision.return_, "", {"danh-gia": "x", "dvc": "  "}, VALUES)) == {
        "reasons.danh-gia": "review.criterion_not_submitted",
        "reasons.dvc": "review.criterion_reason_missing",
    }


def test_reject_needs_a_reason_and_only_return_carries_reasons_per_criterion():
    keys = lambda errors: {e.field: e.key for e in errors}  # noqa: E731
    assert keys(rules.decision_errors(ReviewDecision.reject, "  ", {}, VALUES)) == {"reason": "review.reason_required"}
    assert rules.decision_errors(ReviewDecision.reject, "Số liệu không khớp", {}, VALUES) == []
    assert rules.decision_errors(ReviewDecision.approve, "", {}, VALUES) == []
    assert keys(rules.decision_errors(ReviewDecision.approve, "", {"dvc": "x"}, VALUES)) == {
        "reasons": "review.reasons_only_on_return"
    }


# -- resubmission ----------------------------------------------------------------------------------
RETURNED = {"decision": "return", "level": "cluster", "reasons": {"dvc": "Thiếu minh chứng"}, "appeal": None}


def test_a_resubmission_replaces_only_the_returned_values():
    assert rules.resubmission(RETURNED, VALUES, {"dvc": 9}, True) == {"dung-han": 97.5, "dvc": 9}


def test_a_resubmission_refuses_values_that_were_not_returned_and_needs_every_returned_one():
    error = refused(rules.resubmission, RETURNED, VALUES, {"dvc": 9, "dung-han": 99}, True)
    assert error.status == 422
    assert [(e.field, e.key) for e in error.errors] == [("values.dung-han", "resubmit.not_returned_criterion")]
    assert error.errors[0].render("en")["reason"] == (
        "Criterion 'dung-han' was not returned: send only the values of the returned criteria."
    )
    error = refused(rules.resubmission, RETURNED, VALUES, {}, True)
    assert [(e.field, e.key) for e in error.errors] == [("values.dvc", "resubmit.missing")]


def test_only_the_latest_returned_submission_is_resubmitted():
    approved = {"decision": "approve", "level": "cluster", "appeal": None}
    error = refused(rules.resubmission, approved, VALUES, {"dvc": 9}, True)
    assert (error.status, error.key) == (409, "resubmit.not_returned")
    assert rendered(error, "vi") == "Chỉ bổ sung được báo cáo đã bị trả lại; báo cáo này đã phê duyệt."
    assert refused(rules.resubmission, None, VALUES, {"dvc": 9}, True).key == "resubmit.not_returned"
    assert refused(rules.resubmission, RETURNED, VALUES, {"dvc": 9}, False).key == "review.superseded"
    pending = {**RETURNED, "appeal": {"status": "pending"}}
    assert refused(rules.resubmission, pending, VALUES, {"dvc": 9}, True).key == "resubmit.appeal_pending"


# -- appeals ---------------------------------------------------------------------------------------
def test_an_appeal_goes_to_the_next_level_once_and_only_against_return_or_reject():
    rejected = {"decision": "reject", "level": "cluster", "appeal": None}
    assert rules.appeal_levels(rejected, "Số liệu có minh chứng", True) == (
        ReviewDecision.reject, ReviewLevel.cluster, ReviewLevel.board
    )
    assert rules.appeal_levels({**RETURNED, "level": "board"}, "Đề nghị xem lại", True)[2] == ReviewLevel.chair
    assert refused(rules.appeal_levels, {**rejected, "level": "chair"}, "Đề nghị xem lại", True).key == "appeal.last_level"
    assert refused(rules.appeal_levels, {**rejected, "appeal": {"status": "decided"}}, "Lần hai", True).key == "appeal.once"
    error = refused(rules.appeal_levels, {"decision": "approve", "level": "board"}, "Đề nghị xem lại", True)
    assert (error.status, error.key) == (409, "appeal.not_appealable")
    assert refused(rules.appeal_levels, None, "Đề nghị xem lại", True).key == "appeal.not_appealable"
    short = refused(rules.appeal_levels, rejected, " ab  ", True)
    assert short.status == 422 and [(e.field, e.key) for e in short.errors] == [("reason", "appeal.reason_required")]


APPEALED = {
    "decision": "reject", "level": "cluster", "reasons": {},
    "appeal": {"status": "pending", "against": "reject", "from_level": "cluster", "to_level": "board"},
}


def test_the_next_level_overturns_with_a_final_decision_or_upholds():
    board = who(Role.board_officer)
    final = rules.appeal_decision(APPEALED, UNIT, board, AppealOutcome.overturned, ReviewDecision.approve, "Có minh chứng", {}, VALUES)
    assert final == (ReviewDecision.approve, ReviewLevel.board)
    final = rules.appeal_decision(APPEALED, UNIT, board, AppealOutcome.upheld, None, "Không có căn cứ", {}, VALUES)
    assert final == (ReviewDecision.reject, ReviewLevel.board)
    back = rules.appeal_decision(APPEALED, UNIT, board, AppealOutcome.overturned, ReviewDecision.return_, "Cần bổ sung",
                                 {"dvc": "Bổ sung minh chứng"}, VALUES)
    assert back == (ReviewDecision.return_, ReviewLevel.board)


def test_an_appeal_decision_is_refused_when_it_does_not_fit():
    board = who(Role.board_officer)
    fields = lambda e: [(x.field, x.key) for x in e.errors]  # noqa: E731
    same = refused(rules.appeal_decision, APPEALED, UNIT, board, AppealOutcome.overturned, ReviewDecision.reject, "Hủy bỏ", {}, VALUES)
    assert fields(same) == [("decision", "appeal.overturn_decision")]
    none = refused(rules.appeal_decision, APPEALED, UNIT, board, AppealOutcome.overturned, None, "Hủy bỏ", {}, VALUES)
    assert fields(none) == [("decision", "appeal.overturn_decision")]
    upheld = refused(rules.appeal_decision, APPEALED, UNIT, board, AppealOutcome.upheld, ReviewDecision.approve, "Giữ", {}, VALUES)
    assert fields(upheld) == [("reason", "appeal.reason_required"), ("decision", "appeal.upheld_decision")]
    no_reasons = refused(rules.appeal_decision, APPEALED, UNIT, board, AppealOutcome.overturned, ReviewDecision.return_,
                         "Cần bổ sung", {}, VALUES)
    assert fields(no_reasons) == [("reasons", "review.reasons_required")]
    chair = refused(rules.appeal_decision, APPEALED, UNIT, who(Role.chairperson), AppealOutcome.upheld, None, "Giữ nguyên", {}, VALUES)
    assert (chair.status, chair.key) == (403, "appeal.decider_role")
    assert rendered(chair, "en") == "This appeal is decided by the commendation board (role board_officer)."
    to_chair = {**APPEALED, "appeal": {**APPEALED["appeal"], "to_level": "chair"}}
    assert refused(rules.appeal_decision, to_chair, UNIT, board, AppealOutcome.upheld, None, "Giữ nguyên", {}, VALUES).status == 403
    decided = {**APPEALED, "appeal": {**APPEALED["appeal"], "status": "decided"}}
    assert refused(rules.appeal_decision, decided, UNIT, board, AppealOutcome.upheld, None, "Giữ nguyên", {}, VALUES).key == "appeal.decided"
    assert refused(rules.appeal_decision, RETURNED, UNIT, board, AppealOutcome.upheld, None, "Giữ nguyên", {}, VALUES).key == "appeal.none"


def test_every_review_message_has_both_languages():
    from thidua_common.i18n.messages import MESSAGES

    keys = [k for k in MESSAGES if k.split(".")[0] in ("review", "resubmit", "appeal")]
    assert len(keys) > 20
    assert all(MESSAGES[k].get("vi") and MESSAGES[k].get("en") for k in keys)


def test_nobody_decides_an_appeal_on_their_own_unit():
    own = refused(rules.appeal_decision, APPEALED, UNIT, who(Role.board_officer, unit=UNIT), AppealOutcome.upheld, None,
                  "Giữ nguyên", {}, VALUES)
    assert (own.status, own.key) == (403, "conflict.own_unit.appeal_decision")
    assert rendered(own, "en") == (
        "Conflict-of-interest rule: nobody decides an appeal on their own unit's submission "
        f"(you act for unit '{UNIT}')."
    )
    other = rules.appeal_decision(APPEALED, UNIT, who(Role.board_officer, unit="so-noi-vu"), AppealOutcome.upheld, None,
                                  "Giữ nguyên", {}, VALUES)
    assert other == (ReviewDecision.reject, ReviewLevel.board)


# -- reopening an approved submission ----------------------------------------------------------------
APPROVED = {"decision": "approve", "level": "cluster", "reasons": {}, "appeal": None}


def test_the_approving_level_or_a_higher_one_reopens_with_a_reason():
    head = who(Role.cluster_head, unit="huyen-cu-jut")
    assert rules.reopener_level(campaign(), UNIT, "2018-Q2", head) == ReviewLevel.cluster
    assert rules.reopener_level(campaign(), UNIT, "2018-Q2", who(Role.board_officer)) == ReviewLevel.board
    assert rules.reopener_level(campaign(), UNIT, "2018-Q2", who(Role.chairperson)) == ReviewLevel.chair
    assert rules.check_reopenable(APPROVED, ReviewLevel.cluster, "Số liệu sai", True) == ReviewLevel.cluster
    assert rules.check_reopenable(APPROVED, ReviewLevel.board, "Số liệu sai", True) == ReviewLevel.cluster
    by_board = {**APPROVED, "level": "board"}
    lower = refused(rules.check_reopenable, by_board, ReviewLevel.cluster, "Số liệu sai", True)
    assert (lower.status, lower.key) == (403, "reopen.level")
    assert rendered(lower, "vi") == "Báo cáo được Ban Thi đua – Khen thưởng phê duyệt: chỉ cấp đó hoặc cấp cao hơn được mở lại."
    short = refused(rules.check_reopenable, APPROVED, ReviewLevel.board, "sai", True)
    assert short.status == 422 and [(e.field, e.key) for e in short.errors] == [("reason", "reopen.reason_required")]


@pytest.mark.parametrize("state", [None, RETURNED, {"decision": "reject", "level": "board", "appeal": None}])
def test_only_an_approved_submission_is_reopened(state):
    error = refused(rules.check_reopenable, state, ReviewLevel.board, "Số liệu sai", True)
    assert (error.status, error.key) == (409, "reopen.not_approved")


def test_only_the_latest_submission_is_reopened_and_never_by_its_own_unit():
    assert refused(rules.check_reopenable, APPROVED, ReviewLevel.board, "Số liệu sai", False).key == "review.superseded"
    own = refused(rules.reopener_level, campaign(), UNIT, "2018-Q2", who(Role.board_officer, unit=UNIT))
    assert (own.status, own.key) == (403, "conflict.own_unit.reopen")
    other_cluster = refused(rules.reopener_level, campaign(), "so-noi-vu", "2018-Q2", who(Role.cluster_head, unit="huyen-cu-jut"))
    assert (other_cluster.status, other_cluster.key) == (403, "review.not_cluster_lead")
