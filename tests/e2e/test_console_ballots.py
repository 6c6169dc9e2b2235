"""issue 11: ballots — the council votes in the browser, each member with their own ballot, through
the real stack with Keycloak, in Debian's Chromium driven by Playwright. The board configures an
award kind and a council of three through intake's API; unit-leader.huyen-cu-jut files two
nominations and the board passes both through vetting and disclosure (API: the browser flow of
those stages is test_console_nominations.py's). The board sets the council's size in the console
(a size of 0 refused next to the field, then 3). Then council-member.daknong, council-member-2 and
council-member-3 vote in the browser with the keyboard only (Tab, Space, arrow keys, Enter, typing;
no click): a ballot without a choice is refused next to the field, a member changes their ballot
before the close; the board officer sees the tally and closes both votes: 2 of 3 (66,7%) is below
the 80% threshold and fails with the reasons shown, 3 of 3 passes; the chairperson decides and the
award appears in /awards. Screenshots of each page go to the test's tmp dir; the ballot pages pass
the axe check."""

import time
import uuid

import httpx
import pytest

from .a11y import serious_violations
from .console_stack import console_browser, sign_in
from .helpers import password_token, uploaded_dossier

pytestmark = pytest.mark.timeout(1200)

AWARD = "bang-khen-phieu-bau"
LEADER, BOARD, CHAIR = "unit-leader.huyen-cu-jut", "board-officer.so-noi-vu", "chairperson.daknong"
COUNCIL = ("council-member.daknong", "council-member-2.daknong", "council-member-3.daknong")


def stage(sid, name, role, kind):
    return {"id": sid, "name_vi": name, "role": role, "service_days": 2, "kind": kind}


CONFIG = {
    "holidays": ["2026-01-01", "2026-09-02"],
    "council_members": 3,
    "award_kinds": [{
        "id": AWARD, "name_vi": "Bằng khen của Chủ tịch UBND tỉnh (phiếu bầu)", "nominee_kind": "individual",
        "disclosure_days": 0, "vote_threshold": 0.8,
        "chain": [stage("tiep-nhan", "Tiếp nhận, thẩm định hồ sơ", "board_officer", "review"),
                  stage("cong-khai", "Công khai", "board_officer", "disclosure"),
                  stage("hoi-dong", "Hội đồng xét", "council_member", "vote"),
                  stage("ky-quyet-dinh", "Ký quyết định", "chairperson", "decision")]}],
    "reason": "Cấu hình cho kiểm thử phiếu bầu của Hội đồng",
}
DOCS = [{"kind": k, "name": f"{k}.pdf", "url": f"https://vanban.daknong.test/{k}.pdf", "sha256": d * 64, "size": 2048}
        for k, d in (("cover_request", "1"), ("achievement_report", "2"), ("vote_minutes", "3"))]


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


def configure(stack) -> None:
    """Add this test's award kind and a council of three to the tenant's configuration, keeping the
    award kinds, holidays and escalation other tests and the demo configured."""
    url, board = f"{stack.url('intake')}/api/v1/config/commendation", bearer(stack, BOARD)
    current = httpx.get(url, headers=board, timeout=30)
    body = dict(CONFIG)
    if current.status_code == 200:
        now = current.json()
        kinds = [k for k in now["award_kinds"] if k["id"] != AWARD]
        body = {**CONFIG, "holidays": now["holidays"], "escalate_to": now["escalate_to"],
                "award_kinds": [*kinds, *CONFIG["award_kinds"]], "expected_revision": now["revision"]}
    put = httpx.put(url, json=body, headers=board, timeout=30)
    assert put.status_code == 200, put.text


def a_nomination_at_vote(stack) -> str:
    """For the accessibility check (test_console_a11y.py): a nomination in the council's vote with
    one ballot cast, whose page shows the tally, the ballot form and the close form."""
    configure(stack)
    tag = uuid.uuid4().hex[:6]
    nid = to_vote(stack, f"nv-a11y-{tag}", f"Đỗ Thị Hoa {tag}")
    cast = httpx.put(f"{stack.url('intake')}/api/v1/nominations/{nid}/ballot", json={"choice": "yes"},
                     headers=bearer(stack, COUNCIL[1]), timeout=30)
    assert cast.status_code == 200, cast.text
    return nid


def to_vote(stack, person_id: str, name: str) -> str:
    """A nomination filed by the unit's leader and passed by the board to the council's vote."""
    intake = stack.url("intake")
    body = {"award_kind": AWARD, "year": 2026, "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            "nominee": {"kind": "individual", "unit_id": "huyen-cu-jut", "person_id": person_id,
                        "person_name": name, "position": "Chuyên viên"},
            "documents": uploaded_dossier(intake, bearer(stack, LEADER), DOCS)}
    filed = httpx.post(f"{intake}/api/v1/nominations", json=body, headers=bearer(stack, LEADER), timeout=30)
    assert filed.status_code == 201, filed.text
    nid = filed.json()["nomination_id"]
    board = bearer(stack, BOARD)
    for _ in range(2):  # vetting, then a disclosure window of 0 days
        moved = httpx.post(f"{intake}/api/v1/nominations/{nid}/actions", json={"action": "pass"}, headers=board,
                           timeout=30)
        assert moved.status_code == 200, moved.text
    assert moved.json()["stage"] == "hoi-dong"
    return nid


def focus_choice(page) -> None:
    """From the top of the page, Tab into the ballot's radio group."""
    page.keyboard.press("Tab")
    for _ in range(120):
        if page.evaluate("document.activeElement.name") == "choice":
            return
        page.keyboard.press("Tab")
    raise AssertionError("the ballot's choices are not reachable with Tab")


def vote_by_keyboard(page, moves: list[str], comment: str) -> None:
    """Choose with the keyboard (Space checks the focused choice, arrows move and check), Tab to
    the comment, type it, Tab to the button and press Enter."""
    focus_choice(page)
    for key in moves:
        page.keyboard.press(key)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ballot-comment"
    page.keyboard.press("Control+A")
    page.keyboard.type(comment)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "nom-ballot-submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tally_of(page) -> dict[str, str]:
    return {k: page.inner_text(f"#tally-{k}") for k in ("members", "cast", "yes", "no", "abstain", "share",
                                                          "threshold")}


def test_three_council_members_vote_in_the_browser_with_the_keyboard(console_stack, tmp_path):
    board_api = bearer(console_stack, BOARD)
    configure(console_stack)
    console = console_stack.url("web")
    shots = iter(range(1, 100))

    def shot(page, name):
        page.screenshot(path=str(tmp_path / f"{next(shots):02d}-{name}.png"), full_page=True)

    tag = uuid.uuid4().hex[:6]
    failing_name, passing_name = f"Lê Thị Mai {tag}", f"Phạm Văn Đức {tag}"
    failing = to_vote(console_stack, f"nv-f-{tag}", failing_name)
    passing = to_vote(console_stack, f"nv-p-{tag}", passing_name)
    # on the failing one: yes, yes, no (2/3); on the passing one: yes, yes, and no changed to yes
    plan = {COUNCIL[0]: (["Space"], ["Space"]), COUNCIL[1]: (["Space"], ["Space"]),
            COUNCIL[2]: (["ArrowDown"], ["ArrowDown"])}
    violations: dict[str, list[str]] = {}
    with console_browser() as (browser, seen):
        # the board sets the council's size in the console: a bad one is refused next to the field
        board = sign_in(browser, console_stack, BOARD, seen)
        board.goto(f"{console}/commendation")
        board.fill("#council-members", "0")
        board.fill("#council-reason", "Kiện toàn Hội đồng")
        board.click("#cmd-council-submit")
        board.wait_for_selector("#cmd-council-refusal")
        assert "phải là số nguyên từ 1 đến 200" in board.inner_text("#cmd-council")
        assert board.get_attribute("#council-members", "aria-invalid") == "true"
        assert board.input_value("#council-reason") == "Kiện toàn Hội đồng"
        shot(board, "council-size-refused")
        board.fill("#council-members", "3")
        board.click("#cmd-council-submit")
        board.wait_for_url(f"{console}/commendation#cmd-council")
        assert "3" in board.inner_text("#cmd-council-size")
        violations["council size"] = serious_violations(board)
        shot(board, "council-size")
        for n, member in enumerate(COUNCIL, 1):
            page = sign_in(browser, console_stack, member, seen)
            page.goto(f"{console}/nominations/{failing}")
            assert page.inner_text("#tally-threshold") == "80%" and page.inner_text("#tally-members") == "3"
            assert "Bạn chưa bỏ phiếu." in page.inner_text("#nom-my-ballot")
            assert page.inner_text("#ballot-choice legend") == "Ý kiến của bạn"
            if n == 1:
                violations["council ballot form"] = serious_violations(page)
                shot(page, "ballot-form")
                # no choice: refused by the console next to the field, the comment kept, nothing sent
                vote_by_keyboard(page, [], "Chưa chọn")
                assert "Hãy chọn một trong ba ý kiến" in page.inner_text("#ballot-choice")
                assert page.input_value("#ballot-comment") == "Chưa chọn"
                violations["council ballot refused"] = serious_violations(page)
                shot(page, "ballot-refused")
                page.goto(f"{console}/nominations/{failing}")
                assert page.inner_text("#tally-cast") == "0"
            failing_moves, passing_moves = plan[member]
            vote_by_keyboard(page, failing_moves, f"Ý kiến của thành viên {n}")
            assert "Đã ghi nhận phiếu của bạn." in page.inner_text("#nom-done")
            expected = "Không đồng ý" if member == COUNCIL[2] else "Đồng ý"
            assert expected in page.inner_text("#nom-my-ballot")
            assert f"Ý kiến của thành viên {n}" in page.inner_text("#nom-my-ballot")
            assert page.inner_text("#tally-cast") == str(n)
            shot(page, f"voted-{n}")
            page.goto(f"{console}/nominations/{passing}")
            vote_by_keyboard(page, passing_moves, "Thành tích tiêu biểu")
            if member == COUNCIL[2]:  # changes their ballot before the close: the checked "no" back to "yes"
                assert "Không đồng ý" in page.inner_text("#nom-my-ballot")
                assert page.inner_text("#tally-no") == "1"
                vote_by_keyboard(page, ["ArrowUp"], "Đổi ý: đồng ý")
                assert "Đồng ý" in page.inner_text("#nom-my-ballot") and "Đổi ý" in page.inner_text("#nom-my-ballot")
                assert (page.inner_text("#tally-yes"), page.inner_text("#tally-no")) == ("3", "0")
                shot(page, "ballot-changed")
            page.context.close()

        board.goto(f"{console}/nominations/{failing}")
        shown = tally_of(board)
        assert shown == {"members": "3", "cast": "3", "yes": "2", "no": "1", "abstain": "0", "share": "66,7%",
                         "threshold": "80%"}
        # the data shown is intake's
        api = httpx.get(f"{console_stack.url('intake')}/api/v1/nominations/{failing}/ballots", headers=board_api,
                        timeout=30).json()
        assert (api["members"], api["cast"], api["yes"], api["no"], api["abstain"]) == (3, 3, 2, 1, 0)
        assert "chưa đạt ngưỡng" in board.inner_text("#tally-outlook")
        assert board.locator("#nom-ballot").count() == 0  # the board does not vote
        violations["board tally"] = serious_violations(board)
        shot(board, "tally-board")
        board.fill("#close-reason", "Hội đồng họp ngày 10/3")
        board.click("#nom-close-submit")
        board.wait_for_selector("#nom-done")
        assert board.inner_text("#nom-status") == "Không được thông qua"
        reason = board.inner_text("#nom-returned-reason")
        assert "2/3" in reason and "thấp hơn ngưỡng 80%" in reason and "Hội đồng họp ngày 10/3" in reason
        assert "Không đạt ngưỡng" in board.inner_text("#nom-vote-result")
        assert "Đã kết thúc biểu quyết." in board.inner_text("#nom-ballot-state")
        violations["vote failed"] = serious_violations(board)
        shot(board, "vote-failed")

        board.goto(f"{console}/nominations/{passing}")
        assert tally_of(board)["yes"] == "3"
        assert board.inner_text("#tally-outlook") == "Nếu kết thúc lúc này: đạt ngưỡng"
        board.click("#nom-close-submit")
        board.wait_for_selector("#nom-done")
        assert "Ký quyết định" in board.inner_text("#nom-stage")
        assert "Thông qua" in board.inner_text("#nom-vote-result")
        shot(board, "vote-passed")

        leader = sign_in(browser, console_stack, LEADER, seen)  # the refusal reaches the unit
        leader.goto(f"{console}/nominations/{failing}")
        assert "thấp hơn ngưỡng 80%" in leader.inner_text("#nom-returned")
        assert leader.locator("#nom-ballots").count() == 0  # the unit does not see the ballot box
        shot(leader, "failed-seen-by-unit")

        chair = sign_in(browser, console_stack, CHAIR, seen)
        chair.goto(f"{console}/nominations/{passing}")
        assert tally_of(chair)["cast"] == "3"
        chair.fill("#decision-number", f"{tag}/QĐ-UBND")
        chair.fill("#decision-date", "2026-03-10")
        chair.fill("#decision-signer", "Chủ tịch UBND tỉnh")
        chair.click("#nom-decide-submit")
        chair.wait_for_selector("#nom-done")
        assert chair.inner_text("#nom-status") == "Đã có quyết định"
        shot(chair, "decided")

        deadline = time.monotonic() + 90
        while True:  # reporting's award history follows intake's award.decided event
            chair.goto(f"{console}/awards?year=2026&award_kind={AWARD}&recipient=individual")
            if chair.locator("#aw-table").count() and passing_name in chair.inner_text("#aw-table"):
                break
            assert time.monotonic() < deadline, "the award never reached /awards"
            time.sleep(1)
        table = chair.inner_text("#aw-table")
        assert f"{tag}/QĐ-UBND" in table and failing_name not in table
        shot(chair, "awards")

    assert {k: v for k, v in violations.items() if v} == {}
    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    # the two refusals above answer 422 (Chromium also logs each): nothing else failed
    refused = (f"{console}/nominations/{failing}/ballot: ", f"{console}/commendation/council: ")
    assert [e for e in seen.errors if not (e.startswith(refused) and "422" in e)] == [], seen.errors


def test_intakes_ballot_api_refuses_with_the_field_and_audits_each_ballot_once(console_stack):
    """Through the real stack with Keycloak's tokens: a bad choice, a caller who is not a council
    member, a reader who may not see the tally and a ballot after the close are 4xx naming the field
    (Vietnamese by default, English on request); the same ballot twice is audited once, a changed
    one again, with the member as actor."""
    configure(console_stack)
    tag = uuid.uuid4().hex[:6]
    nid = to_vote(console_stack, f"nv-api-{tag}", f"Vũ Văn Nam {tag}")
    intake = console_stack.url("intake")
    ballot, close = f"{intake}/api/v1/nominations/{nid}/ballot", f"{intake}/api/v1/nominations/{nid}/ballots/close"
    member, other = bearer(console_stack, COUNCIL[0]), bearer(console_stack, COUNCIL[1])
    board, auditor = bearer(console_stack, BOARD), bearer(console_stack, "auditor.daknong")

    def fields(response) -> list[str]:
        return [e["field"] for e in response.json()["errors"]]

    bad = httpx.put(ballot, json={"choice": "co-le"}, headers=member, timeout=30)
    assert bad.status_code == 422 and fields(bad) == ["choice"], bad.text
    assert "Input should" not in bad.text
    outsider = httpx.put(ballot, json={"choice": "yes"}, headers=board, timeout=30)
    assert outsider.status_code == 403 and fields(outsider) == ["choice"], outsider.text
    assert outsider.json()["message"].startswith("Chỉ thành viên Hội đồng")
    tally = httpx.get(f"{intake}/api/v1/nominations/{nid}/ballots", headers=bearer(console_stack, LEADER), timeout=30)
    assert tally.status_code == 403, tally.text

    def audited() -> list[dict]:
        records = httpx.get(f"{intake}/api/v1/audit", params={"subject": nid}, headers=auditor, timeout=30).json()
        return [r for r in records if r["action"] == "vn.thidua.nomination.ballot_cast.v1"]

    for _ in range(2):  # the same ballot twice
        cast = httpx.put(ballot, json={"choice": "yes", "comment": "Xứng đáng"}, headers=member, timeout=30)
        assert cast.status_code == 200 and cast.json()["cast"] == 1, cast.text
    changed = httpx.put(ballot, json={"choice": "no"}, headers=member, timeout=30)
    assert (changed.json()["yes"], changed.json()["no"], changed.json()["mine"]["choice"]) == (0, 1, "no")
    deadline = time.monotonic() + 30
    while len(audited()) < 2:
        assert time.monotonic() < deadline, audited()
        time.sleep(0.5)
    time.sleep(1)
    records = audited()
    assert len(records) == 2 and len({r["actor"] for r in records}) == 1  # the member, once per change
    assert records[0]["actor"] not in ("", None)

    closed = httpx.post(close, json={}, headers=board, timeout=30)
    assert closed.status_code == 200 and closed.json()["status"] == "failed", closed.text
    late = httpx.put(ballot, json={"choice": "yes"}, headers=other, timeout=30)
    assert late.status_code == 409 and fields(late) == ["stage"], late.text
    assert late.json()["message"].startswith("Cuộc biểu quyết hồ sơ này đã kết thúc")
    english = httpx.put(ballot, json={"choice": "yes"}, headers={**other, "Accept-Language": "en"}, timeout=30)
    assert english.json()["message"].startswith("The vote on this nomination is closed")
