"""Issue 8, conflict of interest and read-only roles, as pure rules: nobody judges their own unit
(nomination stage actions and votes here; reviews, appeal decisions, reopening and ratings in
test_review_rules and test_registration_rules), the auditor writes nothing, a caller without
roles does nothing, only the roles an award kind names comment during disclosure, and an
approved period takes no new submission."""

from datetime import timedelta

import pytest

from thidua_common.auth import Principal, Role
from thidua_common.http import ApiError
from thidua_common.i18n import t
from thidua_intake import conflict
from thidua_intake.access import check_may_write, is_read_only
from thidua_intake.commendation_config.models import COMMENT_ROLES, ConfigWrite
from thidua_intake.commendation_config.rules import role_errors
from thidua_intake.nominations import rules
from thidua_intake.submissions.rules import check_period_open, period_key

from .test_nomination_rules import BOARD, CHAIN, CHAIR, COUNCIL, MONDAY, act, award, filed

UNIT = "so-noi-vu"  # the nominee's unit in test_nomination_rules


def refused(call, *args, **kwargs) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)
    return caught.value


# -- the rule itself ---------------------------------------------------------------------------------
def test_the_rule_names_the_actor_unit_only_when_it_is_judged():
    assert conflict.own_unit("a3", ["a3"]) == "a3"
    assert conflict.own_unit("a3", ["b1", None, "a3"]) == "a3"
    assert conflict.own_unit("a3", ["b1", None]) is None
    assert conflict.own_unit(None, ["b1", None]) is None  # acting for no unit: no conflict with anyone
    assert conflict.own_unit("", [""]) is None
    conflict.check("review", "b1", ["a3"])
    error = refused(conflict.check, "vote", "a3", ["a3"])
    assert (error.status, error.key, error.params) == (403, "conflict.own_unit.vote", {"unit": "a3"})


@pytest.mark.parametrize("action", conflict.ACTIONS)
def test_every_judging_action_has_a_message_naming_the_rule_in_both_languages(action):
    vi = t(f"conflict.own_unit.{action}", "vi", unit="a3")
    en = t(f"conflict.own_unit.{action}", "en", unit="a3")
    assert vi.startswith("Quy tắc xung đột lợi ích: ") and "'a3'" in vi
    assert en.startswith("Conflict-of-interest rule: ") and "'a3'" in en


# -- nominations: pass, return, vote, decide ---------------------------------------------------------
def in_stage(stage_id: str, a=None) -> dict:
    """A nomination of so-noi-vu's nominee, moved by actors of no unit to `stage_id`."""
    a = a or award(disclosure_days=0)
    doc = filed(a)
    while doc["stage"] != stage_id:
        actor = {"hoi-dong": COUNCIL}.get(doc["stage"], BOARD)
        body = {"action": "vote", "vote": {"members": 10, "yes": 10, "no": 0}} if doc["stage"] == "hoi-dong" else {
            "action": "pass"}
        doc = act(doc, actor, a=a, **body).doc
    return doc


def of_unit(actor: rules.Actor, unit: str | None) -> rules.Actor:
    return rules.Actor(actor.subject, actor.roles, unit)


DECISION = {"number": "12/QĐ-UBND", "date": "2024-03-01", "signer": "Chủ tịch UBND tỉnh"}
JUDGING = [
    ("tham-dinh", BOARD, {"action": "pass"}),
    ("tham-dinh", BOARD, {"action": "return", "reason": "Thiếu minh chứng"}),
    ("cong-khai", BOARD, {"action": "pass"}),
    ("cong-khai", BOARD, {"action": "return", "reason": "Có ý kiến phản ánh"}),
    ("hoi-dong", COUNCIL, {"action": "vote", "vote": {"members": 9, "yes": 9, "no": 0}}),
    ("hoi-dong", COUNCIL, {"action": "return", "reason": "Chưa đủ căn cứ"}),
    ("quyet-dinh", CHAIR, {"action": "decide", "decision": DECISION}),
    ("quyet-dinh", CHAIR, {"action": "return", "reason": "Chưa đủ căn cứ"}),
]


@pytest.mark.parametrize("stage, actor, body", JUDGING)
def test_no_stage_action_or_vote_on_a_nomination_of_ones_own_unit(stage, actor, body):
    a = award(disclosure_days=0)
    doc = in_stage(stage, a)
    error = refused(act, doc, of_unit(actor, UNIT), a=a, **body)
    assert (error.status, error.key) == (403, f"conflict.own_unit.{body['action']}")
    assert "'so-noi-vu'" in t(error.key, "vi", **error.params)
    # the same person acting for another unit, or for none, may act
    for allowed in (of_unit(actor, "so-y-te"), actor):
        assert act(doc, allowed, a=a, **body).change.kind in ("passed", "returned", "voted", "decided")


@pytest.mark.parametrize("stage, actor, body", JUDGING)
def test_the_nominating_unit_is_judged_too(stage, actor, body):
    a = award(disclosure_days=0)
    doc = {**in_stage(stage, a), "nominating_unit_id": "huyen-cu-jut"}  # filed by another unit than the nominee's
    error = refused(act, doc, of_unit(actor, "huyen-cu-jut"), a=a, **body)
    assert error.key == f"conflict.own_unit.{body['action']}"


def test_judged_units_are_the_nominee_unit_and_the_nominating_unit():
    assert rules.judged_units({"nominee": {"unit_id": "a3"}}) == ["a3", None]
    assert rules.judged_units({"nominee": {"unit_id": "a3"}, "nominating_unit_id": "b1"}) == ["a3", "b1"]


def test_a_role_check_comes_before_the_conflict_check():
    doc = in_stage("tham-dinh")
    error = refused(act, doc, of_unit(COUNCIL, UNIT), action="pass")
    assert error.key == "nomination.role"


# -- comments during disclosure ------------------------------------------------------------------------
def test_only_the_roles_the_award_names_comment_during_disclosure():
    a = award(comment_roles=["council_member", "unit_leader"])
    doc = act(filed(a), BOARD, a=a, action="pass").doc
    assert doc["stage"] == "cong-khai"
    assert act(doc, COUNCIL, a=a, action="comment", reason="Đồng ý").doc["comments"][0]["text"] == "Đồng ý"
    error = refused(act, doc, BOARD, a=a, action="comment", reason="Đồng ý")
    assert (error.status, error.key) == (403, "nomination.comment_role")
    assert t(error.key, "vi", **error.params) == (
        "Trong thời gian công khai, chỉ các vai trò council_member, unit_leader được góp ý về hồ sơ "
        "«Chiến sĩ thi đua cơ sở»."
    )
    auditor = rules.Actor("kiem-toan", frozenset({"auditor"}))
    assert refused(act, doc, auditor, a=a, action="comment", reason="Ý kiến").key == "nomination.comment_role"


def test_by_default_every_person_but_the_auditor_comments():
    assert award().comment_roles == COMMENT_ROLES
    assert Role.auditor not in COMMENT_ROLES and Role.system not in COMMENT_ROLES
    doc = act(filed(), BOARD, action="pass").doc
    for role in COMMENT_ROLES:
        actor = rules.Actor("x", frozenset({role.value}), "huyen-cu-jut")
        assert act(doc, actor, action="comment", reason="Đồng ý").change.kind == "commented"
    late = MONDAY + timedelta(days=25)
    assert refused(act, doc, COUNCIL, late, action="comment", reason="Muộn").key == "nomination.window_closed"


def config(**award_overrides) -> ConfigWrite:
    return ConfigWrite.model_validate({"award_kinds": [award(**award_overrides).model_dump(mode="json")]})


def test_a_configuration_may_not_make_the_auditor_comment_or_act_nor_repeat_a_role():
    assert role_errors(config()) == []
    assert role_errors(config(comment_roles=["board_officer"])) == []
    errors = role_errors(config(comment_roles=["board_officer", "auditor", "board_officer"]))
    assert [(e.field, e.key) for e in errors] == [
        ("award_kinds.0.comment_roles.1", "commendation.comment_role_auditor"),
        ("award_kinds.0.comment_roles.2", "commendation.role_repeated"),
    ]
    chain = [dict(CHAIN[0], role="auditor"), *CHAIN[1:]]
    assert [(e.field, e.key) for e in role_errors(config(chain=chain))] == [
        ("award_kinds.0.chain.0.role", "commendation.stage_role_auditor")
    ]
    with pytest.raises(ValueError):
        award(comment_roles=[])  # nobody could comment during the window


# -- the auditor writes nothing -------------------------------------------------------------------------
def who(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="x", tenant="daknong", roles=frozenset(roles), unit_id=unit)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post"])
def test_an_auditor_may_not_write(method):
    error = refused(check_may_write, who(Role.auditor), method)
    assert (error.status, error.key) == (403, "auth.read_only")


def test_an_auditor_reads_and_other_roles_write():
    for method in ("GET", "HEAD", "OPTIONS"):
        check_may_write(who(Role.auditor), method)
    check_may_write(who(Role.auditor, Role.board_officer), "POST")  # writes as the board officer
    check_may_write(who(Role.unit_reporter, unit="a3"), "POST")  # what it may write is up to each route
    assert is_read_only(who(Role.auditor)) and not is_read_only(who(Role.auditor, Role.chairperson))
    assert not is_read_only(who())  # no roles at all is refused earlier, everywhere (get_principal)


# -- an approved period is locked -------------------------------------------------------------------------
def test_an_approved_period_takes_no_new_submission_and_says_how_to_change_it():
    check_period_open(None, "a3", "2018-Q2")
    check_period_open({"latest": "s1", "approved": None}, "a3", "2018-Q2")
    error = refused(check_period_open, {"latest": "s1", "approved": {"submission_id": "s1", "level": "board"}},
                    "a3", "2018-Q2")
    assert (error.status, error.key) == (409, "submission.period_approved")
    assert t(error.key, "vi", **error.params) == (
        "Kết quả kỳ 2018-Q2 của đơn vị 'a3' đã được phê duyệt (báo cáo 's1') nên kỳ này đã khóa, không nhận báo cáo "
        "mới. Muốn thay đổi, đề nghị cấp đã phê duyệt mở lại báo cáo đó (nêu lý do) rồi gửi báo cáo mới."
    )
    assert "reopen" in t(error.key, "en", **error.params)
    assert period_key("daknong", "pt", "a3", "2018-Q2") == "daknong/pt/a3/2018-Q2"


# -- a caller without roles does nothing ---------------------------------------------------------------------

