"""Issue 11, nomnotice: a return reaches the unit, through the real stack with Keycloak in Debian's
Chromium. The board's officer returns a nomination of huyen-cu-jut with a reason through intake's
API; the unit's leader finds it in the console's /notifications (the reason, and a link to the
nomination, which opens it), and the unit's address (as the nomination's campaign lists it) gets a
mail with the reason in the SMTP catcher, once. The page passes the axe check; screenshots go to
the test's tmp dir."""

import time
import uuid

import httpx
import pytest

from .a11y import serious_violations
from .conftest import mails, small_campaign
from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running, uploaded_dossier

pytestmark = pytest.mark.timeout(900)

AWARD = "bang-khen-tra-lai"
AWARD_NAME = "Bằng khen (thông báo trả lại)"
LEADER, BOARD = "unit-leader.huyen-cu-jut", "board-officer.so-noi-vu"
UNIT = "huyen-cu-jut"
AWARD_KIND = {
    "id": AWARD, "name_vi": AWARD_NAME, "nominee_kind": "individual", "disclosure_days": 0,
    "vote_threshold": 0.5, "required_documents": ["cover_request"],
    "chain": [{"id": "tiep-nhan", "name_vi": "Tiếp nhận hồ sơ", "role": "board_officer", "service_days": 2,
               "kind": "review"},
              {"id": "ky", "name_vi": "Ký quyết định", "role": "chairperson", "service_days": 2, "kind": "decision"}],
}  # fmt: skip


def configure(stack, board: dict) -> None:
    """The award kind added to the tenant's configuration (the others kept: the stack is shared)."""
    intake = stack.url("intake")
    current = httpx.get(f"{intake}/api/v1/config/commendation", headers=board, timeout=30)
    body = {"award_kinds": [], "holidays": [], "reason": "Thông báo trả lại hồ sơ (kiểm thử)"}
    if current.status_code == 200:
        kept = current.json()
        body.update(holidays=kept["holidays"], escalate_to=kept["escalate_to"],
                    award_kinds=[a for a in kept["award_kinds"] if a["id"] != AWARD])  # fmt: skip
    body["award_kinds"].append(AWARD_KIND)
    response = httpx.put(f"{intake}/api/v1/config/commendation", json=body, headers=board, timeout=30)
    assert response.status_code == 200, response.text


def diagnosis(stack, leader: dict) -> str:
    """What the unit's inbox holds and what reporting and notify logged, for a failure's message."""
    inbox = httpx.get(f"{stack.url('reporting')}/api/v1/notifications", headers=leader, timeout=30)
    logs = {n: (stack.log_dir / f"{n}.log") for n in ("reporting", "notify")}
    tails = {n: p.read_text(errors="replace")[-3000:] if p.exists() else "(no log)" for n, p in logs.items()}
    return f"the return never reached the unit's notifications; inbox: {inbox.status_code} {inbox.text[:2000]}; {tails}"


def test_a_returned_nomination_reaches_the_units_inbox_and_mailbox(console_stack, tmp_path):
    console, intake = console_stack.url("web"), console_stack.url("intake")
    tag = uuid.uuid4().hex[:6]
    board = {"Authorization": f"Bearer {password_token(console_stack, BOARD)}"}
    leader = {"Authorization": f"Bearer {password_token(console_stack, LEADER)}"}
    configure(console_stack, board)
    # the unit's address: as this test's campaign lists it (the nomination names that campaign)
    campaign_id, address = f"pt-tl-{tag}", f"van-thu-{tag}@cujut.nomnotice.test"
    campaign = small_campaign(campaign_id, units=1)
    campaign["participants"] = [{"unit_id": UNIT, "name_vi": "Huyện Cư Jút", "unit_type": "district",
                                 "cluster_id": "khoi-huyen", "email": address}]  # fmt: skip
    put_running(console_stack, campaign_id, campaign, board)

    person = f"Phạm Thị Trả Lại {tag}"
    documents = uploaded_dossier(intake, leader, [{"kind": "cover_request", "name": "to-trinh.pdf"}])
    body = {"award_kind": AWARD, "year": 2026, "campaign_id": campaign_id, "documents": documents,
            "achievement": "Hoàn thành xuất sắc nhiệm vụ",
            "nominee": {"kind": "individual", "unit_id": UNIT, "person_id": f"nv-{tag}", "person_name": person}}  # fmt: skip
    filed = httpx.post(f"{intake}/api/v1/nominations", json=body, headers=leader, timeout=30)
    assert filed.status_code == 201, filed.text
    nid = filed.json()["nomination_id"]
    reason = f"Tờ trình chưa có chữ ký của thủ trưởng đơn vị ({tag})"
    returned = httpx.post(f"{intake}/api/v1/nominations/{nid}/actions", headers=board, timeout=30,
                          json={"action": "return", "stage": "tiep-nhan", "reason": reason})  # fmt: skip
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"

    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, LEADER, seen)
        item = f"li.ntf-item[data-kind='nomination.returned']:has-text('{tag}')"
        deadline = time.monotonic() + 90
        while True:  # reporting's inbox follows intake's nomination.changed event
            page.goto(f"{console}/notifications")
            if page.locator(item).count():
                break
            assert time.monotonic() < deadline, diagnosis(console_stack, leader)
            time.sleep(1)
        notice = page.locator(item)
        assert notice.count() == 1  # told once
        title, text = notice.locator(".ntf-title").inner_text(), notice.locator(".ntf-body").inner_text()
        assert title == f"Hồ sơ đề nghị khen thưởng bị trả lại: {AWARD_NAME} – {person} (Huyện Cư Jút)"
        assert f"Lý do: {reason}" in text and "«tiep-nhan»" in text
        link = notice.locator("a.ntf-nomination")
        assert link.get_attribute("href") == f"/nominations/{nid}"
        page.screenshot(path=str(tmp_path / "01-notifications.png"), full_page=True)
        assert serious_violations(page) == []
        link.click()
        page.wait_for_url(f"{console}/nominations/{nid}")
        assert reason in page.inner_text("#nom-returned")
        page.screenshot(path=str(tmp_path / "02-nomination.png"), full_page=True)
    assert not seen.strangers(console, console_stack.keycloak_url), seen.requests
    assert seen.errors == [], seen.errors

    deadline = time.monotonic() + 60
    while not (got := mails(console_stack, address)):
        assert time.monotonic() < deadline, "no mail reached the unit"
        time.sleep(0.5)
    time.sleep(2)  # a second mail of the same return would have come by now
    (mail,) = mails(console_stack, address)
    assert mail["subject"] == f"[Thi Đua] Hồ sơ đề nghị khen thưởng bị trả lại: {AWARD_NAME} – ông/bà {person} (Huyện Cư Jút)"
    assert mail["text"].startswith("Kính gửi Huyện Cư Jút,")
    assert f"Lý do: {reason}" in mail["text"] and f"Mã hồ sơ: {nid}." in mail["text"]
    assert got
