"""Issue 11, the unit register and the auditor's pages through the real stack with Keycloak, in
Debian's Chromium driven by Playwright: board-officer.so-noi-vu is refused a unit with a one-letter
name and no type (intake's reasons next to the fields in Vietnamese, what was typed kept, nothing
written), creates two units, finds one by its name typed without diacritics, merges them into a new
unit with an effective date and sees the lineage as links both ways, and the units' results follow
(a campaign's leaderboard lists the new unit with the quarter it inherits); auditor.daknong opens the audit
trail, filters it by the merge's successor, sees its records with hashes linked to their
predecessors, and "chain verified" (intake's GET /api/v1/audit/verify, which a unit reporter may not
call); a record changed in the database behind intake's back is named with the reason, until
restored. What intake holds afterwards is what the pages sent. Screenshots go to the test's tmp dir."""

import re
import time
import uuid

import httpx
import pytest
from pymongo import MongoClient

from thidua_common.auth import mint_token

from .conftest import TENANT
from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

BOARD = "board-officer.so-noi-vu"
AUDITOR = "auditor.daknong"
REPORTER = "unit-reporter.huyen-cu-jut"
MERGE_REASON = "Nghị quyết sắp xếp đơn vị hành chính cấp xã"


def intake(stack, path: str, token: str, **params) -> httpx.Response:
    return httpx.get(f"{stack.url('intake')}{path}", params=params, timeout=30,
                     headers={"Authorization": f"Bearer {token}"})


def results_before_the_merge(stack, a: str, b: str, names: dict, board_token: str) -> str:
    """A running 2025 campaign of the two units, each having reported its first quarter (60 and 40
    of a target of 100) and been scored; returns its id."""
    cid = f"hop-nhat-{uuid.uuid4().hex[:6]}"
    board = {"Authorization": f"Bearer {board_token}"}
    put_running(stack, cid, {
        "name_vi": f"Phong trào xã {cid}", "launched_by": "UBND huyện", "start": "2025-01-01", "end": "2025-12-31",
        "reporting_frequency": "quarter",
        "criteria": [{"id": "km-duong", "name_vi": "Km đường được cứng hóa", "max_points": 100, "target": 100}],
        "clusters": [{"id": "khoi-xa", "name_vi": "Khối xã"}],
        "participants": [{"unit_id": u, "name_vi": names[u], "unit_type": "commune", "cluster_id": "khoi-xa"}
                         for u in (a, b)],
    }, board)  # fmt: skip
    for unit, km in ((a, 60), (b, 40)):
        token = mint_token(stack.settings(), subject=f"vanthu-{unit}", tenant=TENANT, roles=["unit_reporter"],
                           unit_id=unit)  # fmt: skip
        sent = httpx.post(f"{stack.url('intake')}/api/v1/submissions", timeout=30,
                          headers={"Authorization": f"Bearer {token}"},
                          json={"tenant": TENANT, "campaign_id": cid, "unit_id": unit, "period": "2025-Q1",
                                "values": {"km-duong": km}})  # fmt: skip
        assert sent.status_code == 202, sent.text
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        got = httpx.get(f"{stack.url('reporting')}/api/v1/campaigns/{cid}/leaderboard", headers=board, timeout=30)
        if got.status_code == 200 and sum(s["periods_reported"] for s in got.json()["standings"]) == 2:
            return cid
        time.sleep(0.5)
    raise AssertionError("the two reports were never scored")


def test_the_board_merges_two_units_and_the_auditor_verifies_the_chain(console_stack, tmp_path):
    console = console_stack.url("web")
    suffix = uuid.uuid4().hex[:6]
    a, b, merged = f"xa-thu-a-{suffix}", f"xa-thu-b-{suffix}", f"xa-hop-nhat-{suffix}"
    names = {a: f"Xã Thử Nghiệm Ắ {suffix}", b: f"Xã Thử Nghiệm Bờ {suffix}", merged: f"Xã Hợp Nhất {suffix}"}
    board_token = password_token(console_stack, BOARD)
    shot = iter(range(1, 100))

    def snap(page, name: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shot):02d}-{name}.png"), full_page=True)

    with console_browser() as (browser, seen):
        board = sign_in(browser, console_stack, BOARD, seen)
        assert board.inner_text("#nav-units") == "Danh mục đơn vị"
        board.click("#nav-units")
        board.wait_for_selector("#unt-q")
        snap(board, "register")

        # a refused unit: intake's reasons next to the fields, what was typed kept, nothing written
        board.click("#unt-new")
        board.wait_for_selector("#unt-new-form")
        board.fill("#unt-id", a)
        board.fill("#unt-name-vi", "X")
        board.fill("#unt-reason", "Thử biểu mẫu")
        board.click("#unt-new-submit")
        board.wait_for_selector("#unt-refusal")
        assert board.locator("#err-name_vi-1").inner_text() == "Quá ngắn hoặc rỗng."
        assert board.locator("#err-unit_type-1").inner_text() == "Thiếu trường bắt buộc."
        assert board.input_value("#unt-id") == a and board.input_value("#unt-name-vi") == "X"
        snap(board, "new-refused")
        assert intake(console_stack, f"/api/v1/units/{a}", board_token).status_code == 404

        # two units, created through the form
        for uid in (a, b):
            board.goto(f"{console}/units/new")
            board.fill("#unt-id", uid)
            board.fill("#unt-name-vi", names[uid])
            board.select_option("#unt-type", "commune")
            board.fill("#unt-valid-from", "2024-01-01")
            board.fill("#unt-reason", "Quyết định thành lập")
            with board.expect_navigation(url=f"{console}/units/{uid}?done=created"):
                board.click("#unt-new-submit")
            assert board.inner_text("#unt-done") == "Đã thêm đơn vị."
            assert board.inner_text("#unt-unit-name") == names[uid]
        snap(board, "created")
        stored = intake(console_stack, f"/api/v1/units/{a}", board_token).json()
        assert (stored["name_vi"], stored["unit_type"], stored["valid_from"]) == (names[a], "commune", "2024-01-01")

        # the search finds a unit by its name typed without diacritics
        board.goto(f"{console}/units")
        board.fill("#unt-q", f"xa thu nghiem a {suffix}")
        board.click("#unt-search-submit")
        board.wait_for_selector(f'tr[data-unit="{a}"]')
        assert board.locator("tr[data-unit]").count() == 1
        snap(board, "search")

        # both take part in a campaign of 2025 and report its first quarter (through intake's API)
        cid = results_before_the_merge(console_stack, a, b, names, board_token)

        # the merge: both units into a new one from 01/07/2025
        board.goto(f"{console}/units/{a}")
        with board.expect_navigation():
            board.click("#unt-merge-with")
        board.select_option("#unt-sources", [a, b])
        board.fill("#unt-into-id", merged)
        board.fill("#unt-into-name-vi", names[merged])
        board.select_option("#unt-into-type", "commune")
        board.fill("#unt-effective", "2025-07-01")
        board.fill("#unt-merge-reason", MERGE_REASON)
        snap(board, "merge")
        with board.expect_navigation(url=f"{console}/units/{merged}?done=merged"):
            board.click("#unt-merge-submit")
        assert board.inner_text("#unt-done") == "Đã hợp nhất các đơn vị."
        predecessors = board.locator("#unt-predecessors")
        for uid in (a, b):
            row = predecessors.locator(f'tr[data-unit="{uid}"]')
            assert names[uid] in row.inner_text() and "Đã hợp nhất" in row.inner_text()
            assert "01/07/2025" in row.inner_text()
        snap(board, "lineage")
        predecessors.locator(f'a[href="/units/{a}"]').first.click()
        board.wait_for_selector("#unt-successors")
        assert board.inner_text("#unt-status") == "Đã hợp nhất"
        assert board.locator(f'#unt-successors a[href="/units/{merged}"]').count() == 1
        assert board.locator("#unt-rename-form").count() == 0  # an ended unit is not changed any more
        snap(board, "merged-source")
        lineage = intake(console_stack, f"/api/v1/units/{merged}/lineage", board_token).json()
        assert sorted(p["unit_id"] for p in lineage["predecessors"]) == sorted([a, b])
        assert lineage["unit"]["valid_from"] == "2025-07-01" and lineage["unit"]["name_vi"] == names[merged]

        # their results follow: the campaign's leaderboard lists the new unit with the quarter it
        # inherits (the mean of its predecessors' 60 and 40), and no longer the two it replaced
        deadline = time.monotonic() + 90
        while True:
            board.goto(f"{console}/campaigns/{cid}")
            board.wait_for_selector("#standings")
            if board.locator(f'#standings tr[data-unit="{merged}"]').count():
                break
            assert time.monotonic() < deadline, "the merged unit never reached the leaderboard"
            time.sleep(1)
        row = board.locator(f'#standings tr[data-unit="{merged}"]')
        assert names[merged] in row.inner_text() and row.locator(".total").inner_text() == "50"
        assert board.locator(f'#standings tr[data-unit="{a}"], #standings tr[data-unit="{b}"]').count() == 0
        snap(board, "merged-results")

        # the chain's verification through intake's API: auditors and the board, not a unit
        auditor_token = password_token(console_stack, AUDITOR)
        verified = intake(console_stack, "/api/v1/audit/verify", auditor_token)
        assert verified.status_code == 200, verified.text
        assert verified.json()["ok"] is True and verified.json()["complete"] is True
        assert intake(console_stack, "/api/v1/audit/verify", password_token(console_stack, REPORTER)).status_code == 403
        deadline = time.monotonic() + 60  # the outbox relay chains the merge's records shortly after
        while time.monotonic() < deadline:
            chained = intake(console_stack, "/api/v1/audit", auditor_token, subject=merged).json()
            if chained:
                break
            time.sleep(0.5)
        assert [r["reason"] for r in chained] == [MERGE_REASON]

        # the auditor: the trail filtered by the merge's subject, hashes and links, the chain verified
        auditor = sign_in(browser, console_stack, AUDITOR, seen)
        assert auditor.locator("#nav-units").count() == 1
        auditor.click("#nav-audit")
        auditor.wait_for_selector("#aud-verified")
        assert re.fullmatch(r"Chuỗi nhật ký toàn vẹn: đã kiểm tra [\d.]+ bản ghi\.", auditor.inner_text("#aud-verified"))
        snap(auditor, "audit")
        auditor.fill("#aud-subject", merged)
        auditor.click("#aud-apply")
        auditor.wait_for_selector("#aud-trail")
        rows = auditor.locator("#aud-trail tbody tr")
        assert rows.count() == len(chained)
        record = chained[0]
        row = auditor.locator(f'tr[data-seq="{record["seq"]}"]')
        text = row.inner_text()
        assert record["hash"] in text and MERGE_REASON in text and "vn.thidua.unit.changed.v1" in text
        assert BOARD in text or record["actor"] in text
        assert row.locator("a.aud-prev").get_attribute("href") == f"/audit/{record['seq'] - 1}"
        snap(auditor, "audit-filtered")
        row.locator("a.aud-prev").click()
        auditor.wait_for_selector("#aud-record-hash")
        assert auditor.inner_text("#aud-record-hash") == record["prev_hash"]
        snap(auditor, "audit-record")

        # a record changed behind the application's back: the page names it and why, until restored
        env = console_stack.env()
        mongo = MongoClient(env["THIDUA_MONGO_URI"])
        stored_audit = mongo[f"{env.get('THIDUA_MONGO_DB_PREFIX', 'thidua')}_intake"].audit
        key = {"tenant": record["tenant"], "seq": record["seq"]}
        try:
            stored_audit.update_one(key, {"$set": {"reason": "Lý do đã bị sửa"}})
            auditor.goto(f"{console}/audit/verify")
            broken = auditor.inner_text("#aud-broken")
            assert f"Chuỗi nhật ký bị đứt tại bản ghi số {record['seq']}." in broken
            assert f"Mã băm của bản ghi số {record['seq']} không khớp với nội dung" in broken
            assert auditor.locator(f'#aud-broken a[href="/audit/{record["seq"]}"]').count() == 1
            snap(auditor, "audit-broken")
        finally:
            stored_audit.update_one(key, {"$set": {"reason": record["reason"]}})
            mongo.close()
        auditor.goto(f"{console}/audit/verify")
        auditor.wait_for_selector("#aud-verified")

        # a unit reporter reaches neither page
        reporter = sign_in(browser, console_stack, REPORTER, seen)
        assert reporter.locator("#nav-units").count() == 0 and reporter.locator("#nav-audit").count() == 0
        for path in ("/units", "/audit"):
            refused = reporter.goto(f"{console}{path}")
            assert refused.status == 403 and "Bạn không có quyền xem trang này." in reporter.inner_text("main")

    assert not seen.strangers(console, console_stack.keycloak_url), seen.strangers(console, console_stack.keycloak_url)
    expected = (f"{console}/units/new", f"{console}/units", f"{console}/audit")  # refusals asked for on purpose
    unexpected = [e for e in seen.errors if not any(e.startswith(f"{u}: ") for u in expected)]
    assert unexpected == [], unexpected
    assert len(list(tmp_path.glob("*.png"))) == 12
