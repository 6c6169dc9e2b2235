"""Issue 11 (revisions), through the real stack with Keycloak in Debian's Chromium driven by Playwright:
board-officer.so-noi-vu creates a campaign through intake's API (revision 1), then in the browser
changes it in the editor (a criterion's maximum points and target, a new criterion, a participant
removed, the end date; revision 2) and launches it with a reason (revision 3). From the editor they
open the campaign's revisions: the list shows who saved each, when (Vietnamese date) and why; they
compare revisions 1 and 3 and see each change in words, as intake's history holds them; a choice
of the same revision twice is refused next to the field. Screenshots go to the test's tmp dir."""

import uuid

import httpx
import pytest

from .a11y import serious_violations
from .conftest import small_campaign
from .console_stack import console_browser, sign_in
from .helpers import password_token

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

BOARD = "board-officer.so-noi-vu"


def fid(name: str) -> str:
    return "#f-" + name.replace(".", "-")


def test_a_board_officer_compares_revisions_1_and_3_of_a_campaign_saved_three_times(console_stack, tmp_path):
    console, intake = console_stack.url("web"), console_stack.url("intake")
    token = password_token(console_stack, BOARD)
    headers = {"Authorization": f"Bearer {token}"}
    cid = f"rv-{uuid.uuid4().hex[:8]}"
    body = {**small_campaign(cid, units=3), "end": "2016-12-31", "reason": "Tạo theo kế hoạch 7/KH-BTĐKT"}
    created = httpx.put(f"{intake}/api/v1/campaigns/{cid}", json=body, headers=headers, timeout=30)
    assert created.status_code == 200 and created.json()["revision"] == 1, created.text
    shot = iter(range(1, 100))

    def snap(page, what: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shot):02d}-{what}.png"), full_page=True)

    def press(page, selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    with console_browser() as (browser, seen):
        board = sign_in(browser, console_stack, BOARD, seen)
        board.goto(f"{console}/editor/{cid}")
        board.wait_for_selector("#ed-form")
        # revision 2: points and target of a criterion, a new criterion, a participant removed, the end date
        board.fill(fid("criteria.0.max_points"), "50")
        board.fill(fid("criteria.0.target"), "120")
        press(board, "#ed-add-root")
        board.fill(fid("criteria.2.id"), "sang-kien")
        board.fill(fid("criteria.2.name_vi"), "Sáng kiến cải cách")
        board.fill(fid("criteria.2.max_points"), "10")
        board.fill(fid("criteria.2.target"), "2")
        board.fill(fid("end"), "31/12/2017")
        press(board, '#ed-participant-list tr[data-unit="don-vi-3"] button')
        assert board.locator('#ed-participant-list tr[data-unit="don-vi-3"]').count() == 0
        board.fill(fid("reason"), "Bổ sung tiêu chí sáng kiến")
        press(board, "#ed-save")
        board.wait_for_selector("#ed-done")
        # revision 3: launched, with its reason
        board.fill("#ed-status-reason", "Phát động theo Quyết định 345/QĐ-UBND")
        press(board, "#ed-to-launched")
        board.wait_for_selector("#ed-done")
        stored = httpx.get(f"{intake}/api/v1/campaigns/{cid}/revisions", headers=headers, timeout=30).json()
        assert [(r["revision"], r["reason"]) for r in stored["items"]] == [
            (3, "Phát động theo Quyết định 345/QĐ-UBND"), (2, "Bổ sung tiêu chí sáng kiến"),
            (1, "Tạo theo kế hoạch 7/KH-BTĐKT")]
        assert stored["history_from"] == 1 and len({r["saved_by"] for r in stored["items"]}) == 1  # one officer
        paged = httpx.get(f"{intake}/api/v1/campaigns/{cid}/revisions", params={"limit": 2, "after": 3},
                          headers=headers, timeout=30).json()
        assert [r["revision"] for r in paged["items"]] == [2, 1] and paged["next"] is None
        first = httpx.get(f"{intake}/api/v1/campaigns/{cid}/revisions/1", headers=headers, timeout=30).json()
        assert first["definition"]["end"] == "2016-12-31" and first["definition"]["status"] == "draft"
        unknown = httpx.get(f"{intake}/api/v1/campaigns/{cid}/revisions/9", headers=headers, timeout=30)
        assert unknown.status_code == 404 and unknown.json()["message"] == (
            f"Phong trào '{cid}' không có phiên bản 9 trong lịch sử đã lưu (lịch sử có từ phiên bản 1 đến 3).")
        bad = httpx.get(f"{intake}/api/v1/campaigns/{cid}/revisions", params={"limit": 0}, headers=headers, timeout=30)
        assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["limit"]
        snap(board, "editor")

        # the revisions page, from the editor's link
        press(board, "#ed-revisions")
        assert board.url == f"{console}/editor/{cid}/revisions"
        assert board.locator("#rvs-list tbody tr").count() == 3
        listed = board.inner_text("#rvs-list")
        for reason in ("Phát động theo Quyết định 345/QĐ-UBND", "Bổ sung tiêu chí sáng kiến", "Tạo theo kế hoạch 7/KH-BTĐKT"):
            assert reason in listed
        assert "Chuyển trạng thái: Dự thảo → Đã phát động" in listed
        saved_at = board.inner_text('#rvs-list tr[data-revision="1"] td >> nth=0')
        assert len(saved_at) == len("HH:MM dd/mm/yyyy") and saved_at[5] == " " and saved_at[8] == "/", saved_at
        assert serious_violations(board) == []
        snap(board, "revisions")

        board.select_option("#rvs-a", "1")
        board.select_option("#rvs-b", "3")
        press(board, "#rvs-show")
        assert board.inner_text("#rvs-diff-h") == "Thay đổi từ phiên bản 1 đến phiên bản 3"

        def row(path: str) -> list[str]:
            cells = board.locator(f'#rvs-changes tr[data-path="{path}"]').first.locator("th, td")
            return [cells.nth(i).inner_text() for i in range(4)]

        assert row("criteria[ho-thoat-ngheo].max_points") == [
            "Tiêu chí ho-thoat-ngheo · Điểm tối đa", "Sửa đổi", "60", "50"]
        assert row("criteria[ho-thoat-ngheo].target")[2:] == ["100", "120"]
        added = row("criteria[sang-kien]")
        assert added[:3] == ["Tiêu chí sang-kien", "Thêm mới", "—"] and "Sáng kiến cải cách" in added[3]
        assert row("participants[don-vi-3]")[:2] == ["Đơn vị tham gia · don-vi-3", "Bỏ đi"]
        assert row("end")[2:] == ["31/12/2016", "31/12/2017"]
        assert row("periods")[2:] == ["quý I/2016 – quý IV/2016 (4)", "quý I/2016 – quý IV/2017 (8)"]
        assert row("status")[2:] == ["Dự thảo", "Đã phát động"]
        assert serious_violations(board) == []
        snap(board, "compared")

        # the same revision twice: refused next to the field, nothing compared
        refused = board.goto(f"{console}/editor/{cid}/revisions?a=2&b=2")
        assert refused.status == 422
        assert board.inner_text("#rvs-b-err") == "Hãy chọn hai phiên bản khác nhau."
        assert board.get_attribute("#rvs-b", "aria-invalid") == "true" and board.locator("#rvs-diff").count() == 0
        snap(board, "refused")

    assert not seen.strangers(console, console_stack.keycloak_url), seen.strangers(console, console_stack.keycloak_url)
    refusal = f"{console}/editor/{cid}/revisions?a=2&b=2"
    unexpected = [e for e in seen.errors if not e.startswith(f"{refusal}: ")]
    assert unexpected == [], unexpected
    assert len(list(tmp_path.glob("*.png"))) == 4
