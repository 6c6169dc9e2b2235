"""Issue 11, nominations in the console through the real stack with Keycloak, in Debian's Chromium
driven by Playwright: the board configures the commendation chain through intake's API (as
tests/e2e/test_nominations.py does); unit-leader.huyen-cu-jut files two dossiers in the browser;
the board refuses a return without a reason (intake's words), returns one with its reason, the
unit resubmits it corrected, and the board passes both through vetting and disclosure; council-member.daknong records the council's
votes with the keyboard only (Tab, typing, Enter/Space): one below the threshold fails with the
reasons shown (to the unit too), the other passes; the chairperson decides; the award appears in
/awards and in its CSV export. Screenshots of each page go to the test's tmp dir.

intake records the council's vote as one tally (members, yes, no, abstain) entered by a council
member, not one ballot per member: the demo realm's single council member records the count."""

import hashlib
import time
import uuid

import httpx
import pytest

from .console_stack import console_browser, sign_in
from .helpers import password_token

pytestmark = pytest.mark.timeout(1200)

AWARD = "bang-khen-console"
LEADER, BOARD, COUNCIL, CHAIR = ("unit-leader.huyen-cu-jut", "board-officer.so-noi-vu", "council-member.daknong",
                                 "chairperson.daknong")


def stage(sid, name, role, kind):
    return {"id": sid, "name_vi": name, "role": role, "service_days": 2, "kind": kind}


CONFIG = {
    "holidays": ["2026-01-01", "2026-09-02"],
    "award_kinds": [{
        "id": AWARD, "name_vi": "Bằng khen của Chủ tịch UBND tỉnh", "nominee_kind": "individual",
        "disclosure_days": 0, "vote_threshold": 0.8,
        "chain": [stage("tiep-nhan", "Tiếp nhận, thẩm định hồ sơ", "board_officer", "review"),
                  stage("cong-khai", "Công khai", "board_officer", "disclosure"),
                  stage("hoi-dong", "Hội đồng xét", "council_member", "vote"),
                  stage("ky-quyet-dinh", "Ký quyết định", "chairperson", "decision")]}],
    "reason": "Cấu hình cho kiểm thử giao diện",
}
DOCS = ("cover_request", "achievement_report", "vote_minutes")


def pdf(person_id: str, kind: str, version: int = 1) -> dict:
    """issue 11: a dossier document is a file the browser uploads (intake counts its SHA-256)."""
    content = f"%PDF-1.4\n{person_id}/{kind}/{version}\n".encode()
    return {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": content}


def sha(file: dict) -> str:
    return hashlib.sha256(file["buffer"]).hexdigest()


@pytest.fixture(scope="module")
def configured(console_stack):
    board = {"Authorization": f"Bearer {password_token(console_stack, BOARD)}"}
    response = httpx.put(f"{console_stack.url('intake')}/api/v1/config/commendation", json=CONFIG, headers=board,
                         timeout=30)
    assert response.status_code == 200, response.text


def file_nomination(page, console: str, person_id: str, name: str, shot) -> str:
    page.goto(f"{console}/nominations")
    shot("nominations-unit")
    page.click("#nom-file")
    page.wait_for_selector("#nom-new")
    page.select_option("#nom-award-choice", AWARD)
    page.click("#nom-choose")
    page.wait_for_selector("#nom-new")
    page.fill("#nom-year", "2026")
    page.fill("#nom-person-id", person_id)
    page.fill("#nom-person-name", name)
    page.fill("#nom-position", "Chuyên viên")
    page.fill("#nom-achievement", "Hoàn thành xuất sắc nhiệm vụ năm 2026")
    files = {kind: pdf(person_id, kind) for kind in DOCS}
    for i, kind in enumerate(DOCS):
        assert page.input_value(f"input[name='doc.{i}.kind']") == kind
        if i:
            page.set_input_files(f"#doc-{i}-file", files[kind])
    page.click("#nom-submit")  # the cover request has no file: refused next to it, the rest kept
    page.wait_for_selector("#nom-refusal")
    assert "Hãy chọn tệp cho tài liệu bắt buộc này." in page.inner_text("#nom-doc-0")
    assert page.input_value("#nom-person-name") == name
    shot("new-refused")
    page.set_input_files("#doc-0-file", files["cover_request"])
    shot("new")
    page.click("#nom-submit")
    page.wait_for_selector("#nom-done")
    assert page.inner_text("#nom-nominee-name") == name
    for file in files.values():
        assert sha(file) in page.inner_text("#nom-docs")
    return page.inner_text("#nom-id").strip()


def act(page, console: str, nid: str, form: str, expect_stage: str | None) -> None:
    page.goto(f"{console}/nominations/{nid}")
    page.click(f"#{form}-submit")
    page.wait_for_selector("#nom-done")
    if expect_stage:
        assert expect_stage in page.inner_text("#nom-stage")


def vote_by_keyboard(page, members: str, yes: str, no: str, submit_key: str) -> None:
    """From the top of the page, Tab to the tally, type it, and submit it without the mouse; the
    fields come in the order their labels say."""
    page.keyboard.press("Tab")
    for _ in range(80):
        if page.evaluate("document.activeElement.id") == "vote-members":
            break
        page.keyboard.press("Tab")
    order = []
    for value in (members, yes, no, None):  # abstain keeps its 0
        order.append(page.evaluate("document.activeElement.id"))
        if value is not None:
            page.keyboard.type(value)
        page.keyboard.press("Tab")
    order.append(page.evaluate("document.activeElement.id"))  # the note
    page.keyboard.press("Tab")
    order.append(page.evaluate("document.activeElement.id"))
    assert order == ["vote-members", "vote-yes", "vote-no", "vote-abstain", "vote-reason", "nom-vote-submit"]
    with page.expect_navigation():
        page.keyboard.press(submit_key)


def test_a_nomination_passes_every_stage_in_the_browser(console_stack, configured, tmp_path):
    console = console_stack.url("web")
    shots = iter(range(1, 100))

    def shooter(page):
        return lambda name: page.screenshot(path=str(tmp_path / f"{next(shots):02d}-{name}.png"), full_page=True)

    tag = uuid.uuid4().hex[:6]
    failing_name, passing_name = f"Nguyễn Thị Lan {tag}", f"Trần Văn Hùng {tag}"
    with console_browser() as (browser, seen):
        leader = sign_in(browser, console_stack, LEADER, seen)
        failing = file_nomination(leader, console, f"nv-a-{tag}", failing_name, shooter(leader))
        shooter(leader)("filed")
        passing = file_nomination(leader, console, f"nv-b-{tag}", passing_name, shooter(leader))
        leader.goto(f"{console}/nominations")
        own = leader.inner_text("#nom-own")
        assert failing_name in own and passing_name in own

        board = sign_in(browser, console_stack, BOARD, seen)
        board.goto(f"{console}/nominations")
        queue = board.inner_text("#nom-queue")
        assert failing_name in queue and passing_name in queue
        shooter(board)("queue-board")
        # a return without a real reason: intake refuses it, named and in Vietnamese, and nothing changes
        board.goto(f"{console}/nominations/{failing}")
        board.fill("#return-reason", "ab")
        board.click("#nom-return-submit")
        board.wait_for_selector("#nom-refusal")
        assert "Dữ liệu gửi lên không hợp lệ." in board.inner_text("#nom-refusal")
        assert "Phải nêu lý do (ít nhất 5 ký tự)." in board.inner_text("#nom-return")
        assert board.get_attribute("#return-reason", "aria-invalid") == "true"
        shooter(board)("return-refused")
        board.goto(f"{console}/nominations/{failing}")
        assert board.inner_text("#nom-status") == "Đang xét" and "Tiếp nhận" in board.inner_text("#nom-stage")
        # a return with its reason reaches the unit, which corrects the dossier and resubmits it
        board.fill("#return-reason", "Tờ trình chưa có chữ ký")
        board.click("#nom-return-submit")
        board.wait_for_selector("#nom-done")
        assert board.inner_text("#nom-status") == "Bị trả lại"
        leader.goto(f"{console}/nominations/{failing}")
        assert "Tờ trình chưa có chữ ký" in leader.inner_text("#nom-returned")
        signed = pdf(f"nv-a-{tag}", "cover_request", version=2)
        leader.set_input_files("#doc-0-file", signed)  # issue 11: the signed cover request replaces the first
        leader.fill("#resubmit-reason", "Bổ sung tờ trình có chữ ký")
        shooter(leader)("resubmit-form")
        leader.click("#nom-resubmit-submit")
        leader.wait_for_selector("#nom-done")
        assert leader.inner_text("#nom-status") == "Đang xét" and "Tiếp nhận" in leader.inner_text("#nom-stage")
        docs = leader.inner_text("#nom-docs")
        assert sha(signed) in docs and sha(pdf(f"nv-a-{tag}", "cover_request")) not in docs
        for nid in (failing, passing):
            act(board, console, nid, "nom-pass", "Công khai")
            act(board, console, nid, "nom-pass", "Hội đồng xét")  # a 0-day disclosure window has closed
        shooter(board)("passed-board")

        council = sign_in(browser, console_stack, COUNCIL, seen)
        council.goto(f"{console}/nominations")
        assert failing_name in council.inner_text("#nom-queue")
        shooter(council)("queue-council")
        council.goto(f"{console}/nominations/{failing}")
        assert "ít nhất 80%" in council.inner_text("#nom-threshold")
        shooter(council)("vote-form")
        vote_by_keyboard(council, "5", "3", "2", "Enter")  # 60% < 80%
        assert council.inner_text("#nom-status") == "Không được thông qua"
        reason = council.inner_text("#nom-returned-reason")
        assert "3/5" in reason and "thấp hơn ngưỡng 80%" in reason
        assert "Không đạt ngưỡng" in council.inner_text("#nom-vote-result")
        shooter(council)("vote-failed")
        council.goto(f"{console}/nominations/{passing}")
        vote_by_keyboard(council, "5", "5", "0", "Space")
        assert "Ký quyết định" in council.inner_text("#nom-stage")
        shooter(council)("vote-passed")

        leader.goto(f"{console}/nominations/{failing}")  # the refusal reaches the unit
        assert "thấp hơn ngưỡng 80%" in leader.inner_text("#nom-returned")
        shooter(leader)("failed-seen-by-unit")

        chair = sign_in(browser, console_stack, CHAIR, seen)
        chair.goto(f"{console}/nominations")
        assert passing_name in chair.inner_text("#nom-queue")
        chair.goto(f"{console}/nominations/{passing}")
        chair.fill("#decision-number", f"{tag}/QĐ-UBND")
        chair.fill("#decision-date", "2026-03-10")
        chair.fill("#decision-signer", "Chủ tịch UBND tỉnh")
        shooter(chair)("decide-form")
        chair.click("#nom-decide-submit")
        chair.wait_for_selector("#nom-done")
        assert chair.inner_text("#nom-status") == "Đã có quyết định"
        assert f"{tag}/QĐ-UBND" in chair.inner_text("#nom-decision")
        shooter(chair)("decided")

        deadline = time.monotonic() + 60
        while True:  # reporting's award history follows intake's award.decided event
            chair.goto(f"{console}/awards?year=2026&award_kind={AWARD}&recipient=individual")
            if chair.locator("#aw-table").count() and passing_name in chair.inner_text("#aw-table"):
                break
            assert time.monotonic() < deadline, "the award never reached /awards"
            time.sleep(1)
        table = chair.inner_text("#aw-table")
        assert f"{tag}/QĐ-UBND" in table and failing_name not in table and "10/03/2026" in table
        shooter(chair)("awards")
        export = chair.request.get(console + chair.get_attribute("#aw-export-csv", "href"))
        assert export.status == 200 and "attachment" in export.headers["content-disposition"]
        assert passing_name in export.text() and f"{tag}/QĐ-UBND" in export.text()

    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    # the two refusals above answer 422 (Chromium also logs each): nothing else failed
    refused = (f"{console}/nominations/new: ", f"{console}/nominations/{failing}/act: ")
    assert [e for e in seen.errors if not (e.startswith(refused) and "422" in e)] == [], seen.errors
    assert {p for p in refused if any(e.startswith(p) for e in seen.errors)} == set(refused), seen.errors
