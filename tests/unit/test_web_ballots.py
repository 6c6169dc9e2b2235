"""issue 11: ballots — the nomination page's ballot form, tally and "close the vote" against a fake
intake: a council member sees the threshold, the tally and their own ballot and casts one (the
exact body intake receives, with the bearer); the board officer and the chair see the tally and
close the vote; the console refuses a missing choice next to the field and sends nothing; intake's
refusals are shown next to the field in Vietnamese; CSRF; the 403 page for those who may not;
escaping of a stored comment; the paper count form stays, named as such."""

import httpx
import pytest

from thidua_web.nominations import ballots

from .test_web_nominations import SCRIPT, NominationFakes, nomination, signed
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)

BEARER = "Bearer "


def tally(**extra) -> dict:
    return {"nomination_id": "dn-2", "stage": "hoi-dong", "round": 2, "open": True, "members": 3, "cast": 2,
            "yes": 1, "no": 1, "abstain": 0, "share": 0.3333, "threshold": 0.8, "passes": False, "result": None,
            "mine": None, **extra}


class BallotFakes(NominationFakes):
    def __init__(self):
        super().__init__()
        self.tally = tally()
        self.ballot_answer: tuple[int, dict] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.url.host == "intake.test" and (path.endswith("/ballots") or path.endswith("/ballot")
                                                  or path.endswith("/ballots/close")):
            response = super().__call__(request)  # records the call
            if self.ballot_answer is not None and request.method != "GET":
                return httpx.Response(self.ballot_answer[0], json=self.ballot_answer[1])
            if request.method == "POST":
                return httpx.Response(200, json=self.items["dn-2"])
            return httpx.Response(200, json=self.tally) if response.status_code in (200, 404) else response
        return super().__call__(request)

    def sent(self, method: str, path: str) -> list:
        return [(body, auth) for m, p, _, body, auth in self.calls if m == method and p == f"intake.test{path}"]


@pytest.fixture
def fakes():
    return BallotFakes()


def test_who_sees_casts_and_closes():
    config_award = {"chain": [{"id": "hoi-dong", "kind": "vote"}, {"id": "ky", "kind": "decision"}]}
    at_vote = nomination("dn-2", stage_id="hoi-dong")
    before = nomination("dn-1")
    assert ballots.shows_tally(at_vote, config_award, ["council_member"])
    assert ballots.shows_tally(at_vote, config_award, ["chairperson"])
    assert not ballots.shows_tally(at_vote, config_award, ["unit_leader", "auditor"])
    assert not ballots.shows_tally(before, config_award, ["board_officer"])  # never reached the vote
    after = nomination("dn-2", stage_id="ky", stages=[{"stage": "hoi-dong"}, {"stage": "ky"}])
    assert ballots.shows_tally(after, config_award, ["board_officer"])  # the closed vote's tally
    assert ballots.may_cast(tally(), ["council_member"], False)
    assert not ballots.may_cast(tally(), ["council_member"], True)  # own unit
    assert not ballots.may_cast(tally(open=False), ["council_member"], False)
    assert not ballots.may_cast(tally(), ["board_officer"], False)
    assert ballots.may_close(tally(), ["board_officer"], False) and ballots.may_close(tally(), ["chairperson"], False)
    assert not ballots.may_close(tally(), ["council_member"], False)


def test_bodies_and_local_refusals():
    assert ballots.read_ballot({"choice": "no", "comment": " Chưa đủ "}, "hoi-dong") == (
        {"choice": "no", "comment": "Chưa đủ", "stage": "hoi-dong"}, {})
    assert ballots.read_ballot({"comment": "x"}, "hoi-dong")[1] == {"choice": "nom_ballot_choice_required"}
    assert ballots.read_ballot({"choice": "yes", "comment": "x" * 2001}, None)[1] == {
        "comment": "nom_ballot_comment_long"}
    assert ballots.read_close({"reason": "Họp ngày 10/3", "revision": "4"}, "hoi-dong") == (
        {"reason": "Họp ngày 10/3", "stage": "hoi-dong", "expected_revision": 4}, {})


async def test_a_council_member_sees_the_tally_and_their_ballot_and_casts_one(client, fakes):
    fakes.tally = tally(mine={"member": "m1", "choice": "no", "comment": SCRIPT, "cast_at": "2026-03-03T02:00:00Z"})
    csrf = await signed(client, fakes, ["council_member"])
    html = (await client.get("/nominations/dn-2")).text
    assert 'id="nom-ballots"' in html and 'id="nom-ballot"' in html and 'id="nom-close-vote"' not in html
    assert '<td id="tally-members">3</td>' in html and '<td id="tally-yes">1</td>' in html
    assert '<td id="tally-share">33,3%</td>' in html and '<td id="tally-threshold">80%</td>' in html
    assert "Nếu kết thúc lúc này: chưa đạt ngưỡng" in html
    assert "<legend>Ý kiến của bạn</legend>" in html and 'id="ballot-no" checked' in html
    assert SCRIPT not in html and "&lt;script&gt;" in html  # the stored comment as text
    assert "Ghi kết quả kiểm phiếu của Hội đồng (bỏ phiếu giấy)" in html  # the paper count stays
    response = await client.post("/nominations/dn-2/ballot", data={"csrf": csrf, "choice": "yes", "comment": "Đồng ý"})
    assert response.status_code == 303 and response.headers["location"] == "/nominations/dn-2?done=ballot"
    [(body, auth)] = fakes.sent("PUT", "/api/v1/nominations/dn-2/ballot")
    assert body == {"choice": "yes", "comment": "Đồng ý", "stage": "hoi-dong"} and auth.startswith(BEARER)
    done = (await client.get("/nominations/dn-2?done=ballot")).text
    assert "Đã ghi nhận phiếu của bạn." in done


async def test_no_choice_is_refused_next_to_the_field_and_nothing_is_sent(client, fakes):
    csrf = await signed(client, fakes, ["council_member"])
    response = await client.post("/nominations/dn-2/ballot", data={"csrf": csrf, "comment": "Giữ lại"})
    assert response.status_code == 422
    assert "Hãy chọn một trong ba ý kiến" in response.text and "Giữ lại" in response.text
    assert 'id="err-choice-1"' in response.text
    assert fakes.sent("PUT", "/api/v1/nominations/dn-2/ballot") == []


async def test_intakes_refusal_is_shown_in_vietnamese_next_to_the_field(client, fakes):
    csrf = await signed(client, fakes, ["council_member"])
    fakes.ballot_answer = (403, {"message": "Quy tắc xung đột lợi ích: không ai được bỏ phiếu …", "errors": [
        {"field": "nominee.unit_id", "reason": "Quy tắc xung đột lợi ích: không ai được bỏ phiếu …"}]})
    response = await client.post("/nominations/dn-2/ballot", data={"csrf": csrf, "choice": "no"})
    assert response.status_code == 403 and 'id="nom-ballot-refusal"' in response.text
    assert "Quy tắc xung đột lợi ích" in response.text


async def test_csrf_is_required(client, fakes):
    await signed(client, fakes, ["council_member"])
    response = await client.post("/nominations/dn-2/ballot", data={"choice": "yes"})
    assert response.status_code == 403
    assert fakes.sent("PUT", "/api/v1/nominations/dn-2/ballot") == []


async def test_the_board_closes_the_vote(client, fakes):
    csrf = await signed(client, fakes, ["board_officer"], "so-noi-vu")
    html = (await client.get("/nominations/dn-2")).text
    assert 'id="nom-close-vote"' in html and 'id="nom-ballot"' not in html and 'id="nom-my-ballot"' not in html
    response = await client.post("/nominations/dn-2/close-vote", data={"csrf": csrf, "reason": "Họp 10/3",
                                                                       "revision": "3"})
    assert response.status_code == 303 and response.headers["location"] == "/nominations/dn-2?done=close_vote"
    [(body, auth)] = fakes.sent("POST", "/api/v1/nominations/dn-2/ballots/close")
    assert body == {"reason": "Họp 10/3", "stage": "hoi-dong", "expected_revision": 3} and auth.startswith(BEARER)


async def test_a_refused_close_shows_intakes_reason(client, fakes):
    csrf = await signed(client, fakes, ["chairperson"])
    fakes.ballot_answer = (409, {"message": "Chưa có thành viên nào bỏ phiếu: chưa thể kết thúc cuộc biểu quyết.",
                                 "errors": [{"field": "ballots", "reason": "Chưa có thành viên nào bỏ phiếu."}]})
    response = await client.post("/nominations/dn-2/close-vote", data={"csrf": csrf})
    assert response.status_code == 409 and "Chưa có thành viên nào bỏ phiếu" in response.text


async def test_those_who_may_not_get_the_403_page_and_nothing_is_sent(client, fakes):
    csrf = await signed(client, fakes, ["council_member"])
    assert (await client.post("/nominations/dn-2/close-vote", data={"csrf": csrf})).status_code == 403
    fakes.tally = tally(open=False)
    assert (await client.post("/nominations/dn-2/ballot", data={"csrf": csrf, "choice": "yes"})).status_code == 403
    assert fakes.sent("PUT", "/api/v1/nominations/dn-2/ballot") == []
    assert fakes.sent("POST", "/api/v1/nominations/dn-2/ballots/close") == []


async def test_a_unit_leader_never_sees_the_tally(client, fakes):
    await signed(client, fakes, ["unit_leader"], "huyen-cu-jut")
    html = (await client.get("/nominations/dn-1")).text
    assert 'id="nom-ballots"' not in html
    assert fakes.sent("GET", "/api/v1/nominations/dn-1/ballots") == []


def test_saving_another_part_of_the_configuration_keeps_the_council_size():
    from thidua_web.commendation import models as commendation

    body = commendation.write_body({"holidays": [], "award_kinds": [], "council_members": 3}, 4, "Đổi ngày lễ")
    assert body["council_members"] == 3
    assert "council_members" not in commendation.write_body({"holidays": []}, 1, "x")
