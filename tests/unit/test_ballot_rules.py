"""issue 11: ballots — pure rules of the council members' own ballots: who casts, changing a
ballot before the vote closes, none after, never on one's own unit, the same ballot twice changes
nothing, and closing counts yes / council members against the threshold exactly like a recorded
count (at the threshold passes, one below fails with the same reasons)."""

import pytest

from thidua_common.errors import DomainError
from thidua_common.http.app import domain_status
from thidua_common.i18n import t
from thidua_intake.nominations import ballots
from thidua_intake.nominations.ballots import BallotWrite, VoteClose
from thidua_intake.nominations.rules import Actor

from .test_nomination_rules import BOARD, CHAIR, COUNCIL, MONDAY, TET, act, award, filed

QUICK = award(disclosure_days=0, vote_threshold=0.8)


def at_vote(a=QUICK) -> dict:
    return act(act(filed(a), BOARD, action="pass", a=a).doc, BOARD, action="pass", a=a).doc


def member(n: int, unit: str | None = None) -> Actor:
    return Actor(f"thanh-vien-{n}", frozenset({"council_member"}), unit)


def cast(doc, actor, box=(), members=5, **body):
    return ballots.cast(doc, QUICK, BallotWrite.model_validate(body), actor, list(box), members, MONDAY)


def box_of(*choices: str) -> list[dict]:
    return [{"member": f"thanh-vien-{i}", "choice": c, "comment": ""} for i, c in enumerate(choices, 1)]


def close(doc, box, members=5, actor=BOARD, **body):
    return ballots.close(doc, QUICK, VoteClose.model_validate(body), actor, box, members, MONDAY, TET)


def refusal(call) -> tuple[int, str, list[str]]:
    with pytest.raises(DomainError) as caught:
        call()
    return domain_status(caught.value), caught.value.key, [e.field for e in caught.value.errors]


def test_a_member_casts_their_ballot_in_the_vote_stage_with_its_round():
    doc = at_vote()
    ballot = cast(doc, member(1), choice="yes", comment="  Thành tích tiêu biểu ")
    assert ballot["member"] == "thanh-vien-1" and ballot["choice"] == "yes"
    assert ballot["comment"] == "Thành tích tiêu biểu" and ballot["stage"] == "hoi-dong"
    assert ballot["round"] == len(doc["stages"]) - 1 == 2


def test_the_same_ballot_twice_changes_nothing_and_a_changed_one_is_new():
    doc = at_vote()
    first = cast(doc, member(1), choice="no", comment="Chưa đủ")
    assert cast(doc, member(1), [first], choice="no", comment="Chưa đủ ") is None
    changed = cast(doc, member(1), [first], choice="yes", comment="Chưa đủ")
    assert changed is not None and changed["choice"] == "yes"


def test_only_council_members_cast_and_never_on_their_own_unit():
    doc = at_vote()
    for actor in (BOARD, CHAIR, Actor("lanh-dao", frozenset({"unit_leader"}), "so-khac")):
        assert refusal(lambda a=actor: cast(doc, a, choice="yes")) == (403, "ballot.not_member", ["choice"])
    status, key, fields = refusal(lambda: cast(doc, member(1, "so-noi-vu"), choice="yes"))  # the nominee's unit
    assert (status, key, fields) == (403, "conflict.own_unit.ballot", ["nominee.unit_id"])
    assert "chính đơn vị mình" in t(key, "vi", unit="so-noi-vu")
    assert cast(doc, member(1, "so-khac"), choice="yes") is not None


def test_no_ballot_outside_an_open_vote_stage():
    early = filed(QUICK)  # still in vetting
    assert refusal(lambda: cast(early, member(1), choice="yes"))[:2] == (409, "ballot.closed")
    doc = at_vote()
    closed = close(doc, box_of("yes", "yes", "yes", "yes")).doc  # 4/5 = 80%: passed on
    assert closed["stage"] == "quyet-dinh"
    assert refusal(lambda: cast(closed, member(1), choice="no")) == (409, "ballot.closed", ["stage"])
    failed = close(doc, box_of("yes", "no")).doc
    assert failed["status"] == "failed"
    assert refusal(lambda: cast(failed, member(1), choice="yes"))[:2] == (409, "ballot.closed")
    assert refusal(lambda: cast(doc, member(1), choice="yes", stage="cong-khai"))[:2] == (
        409,
        "nomination.stage_mismatch",
    )


def test_a_bad_choice_is_refused_by_the_model():
    with pytest.raises(ValueError):
        BallotWrite.model_validate({"choice": "maybe"})
    with pytest.raises(ValueError):
        BallotWrite.model_validate({"choice": "yes", "extra": 1})


def test_a_full_council_takes_no_new_ballot_but_a_member_may_change_theirs():
    doc = at_vote()
    box = box_of("yes", "no", "abstain")
    assert refusal(lambda: cast(doc, member(4), box, members=3, choice="yes")) == (409, "ballot.council_full", ["choice"])
    assert cast(doc, member(3), box, members=3, choice="yes")["choice"] == "yes"


def test_exactly_at_the_threshold_passes():
    doc = at_vote()
    out = close(doc, box_of("yes", "yes", "yes", "yes", "no"), members=5)  # 4/5 = 80%
    assert out.doc["stage"] == "quyet-dinh" and out.doc["vote"] == {
        "members": 5, "yes": 4, "no": 1, "abstain": 0, "threshold": 0.8, "passed": True
    }
    assert out.change.kind == "voted" and out.change.detail["method"] == "ballots" and out.change.detail["cast"] == 5
    assert out.change.by == "can-bo-ban"


def test_one_below_the_threshold_fails_with_the_count_paths_reasons():
    doc = at_vote()
    box = box_of("yes", "yes", "yes", "no", "abstain")  # 3/5 = 60%
    out = close(doc, box, members=5, reason="Hội đồng họp ngày 10/3")
    counted = act(doc, COUNCIL, a=QUICK, action="vote", vote={"members": 5, "yes": 3, "no": 1, "abstain": 1},
                  reason="Hội đồng họp ngày 10/3")
    assert out.doc["status"] == "failed" == counted.doc["status"]
    assert out.change.reason == counted.change.reason
    assert out.change.reason.startswith("Tỷ lệ phiếu đồng ý 3/5 (60%) thấp hơn ngưỡng 80%. Hội đồng họp")
    assert out.doc["stages"][-1]["reason"] == counted.doc["stages"][-1]["reason"]
    assert out.doc["vote"]["passed"] is False
    # members who did not vote count as not in favour: 4 yes of a council of 6 is below 80%
    assert close(doc, box_of("yes", "yes", "yes", "yes"), members=6).doc["status"] == "failed"


def test_only_the_board_or_the_chair_closes_and_only_with_ballots_and_a_council_size():
    doc = at_vote()
    box = box_of("yes")
    assert refusal(lambda: close(doc, box, actor=member(1)))[:2] == (403, "ballot.close_role")
    assert close(doc, box_of(*["yes"] * 5), actor=CHAIR).doc["stage"] == "quyet-dinh"
    assert refusal(lambda: close(doc, box, members=None)) == (409, "ballot.council_size_unset", ["council_members"])
    assert refusal(lambda: close(doc, [])) == (409, "ballot.none_cast", ["ballots"])
    assert refusal(lambda: close(doc, box_of("yes", "yes", "yes"), members=2))[:2] == (409, "ballot.more_than_members")
    own = Actor("can-bo", frozenset({"board_officer"}), "so-noi-vu")
    assert refusal(lambda: close(doc, box, actor=own))[:2] == (403, "conflict.own_unit.close_vote")


def test_the_tally_counts_the_box_for_the_council_the_board_and_the_chair():
    doc = at_vote()
    box = [{**b, "cast_at": MONDAY.isoformat()} for b in box_of("yes", "no", "abstain", "yes")]
    tally = ballots.tally(doc, QUICK, box, 5, member(2))
    assert (tally.open, tally.cast, tally.yes, tally.no, tally.abstain, tally.members) == (True, 4, 2, 1, 1, 5)
    assert (tally.share, tally.threshold, tally.passes) == (0.4, 0.8, False)
    assert tally.mine is not None and tally.mine.choice == "no"
    assert ballots.tally(doc, QUICK, box, 5, BOARD).mine is None
    assert ballots.tally(doc, QUICK, box, None, CHAIR).share is None
    leader = Actor("lanh-dao", frozenset({"unit_leader"}), "so-khac")
    assert refusal(lambda: ballots.tally(doc, QUICK, box, 5, leader))[:2] == (403, "ballot.tally_role")
    closed = close(doc, box_of("yes", "yes", "yes", "yes"), members=5).doc
    after = ballots.tally(closed, QUICK, box, 5, BOARD)
    assert after.open is False and after.stage == "hoi-dong" and after.result.passed is True


def test_the_demo_realm_has_a_council_of_three():
    from thidua_devstack import keycloak

    council = [u.username for u in keycloak.demo_users() if "council_member" in u.roles]
    assert council == ["council-member.daknong", "council-member-2.daknong", "council-member-3.daknong"]
    realm = keycloak.REALM_FILE.read_text(encoding="utf-8")
    assert all(f'"username": "{name}"' in realm for name in council)
