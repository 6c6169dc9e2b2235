"""Issue 10, the console's pages of a unit's reporter (thidua_web.reporter) through the real stack
with Keycloak, in Debian's Chromium driven by Playwright: the reporter of huyen-cu-jut signs in,
opens their unit's campaign, registers a target and changes it with a reason, reports a period's
results typed the Vietnamese way with a PDF evidence file, sees the submission with the file's
SHA-256 and, once scoring has run, the score with its explanation; the download is the same file
as an attachment; a reporter of huyen-dak-mil opening that submission or its file gets the 403
page; a cluster head (through intake's API) returns one criterion, the reporter resubmits only it,
the head rejects the resubmission and the reporter files the one appeal. Nothing loads from another
origin, no console error beyond the 403s asked for, a stored <script> renders as text. Screenshots
of each page go to the test's tmp dir."""

import hashlib
import re
import time
import uuid

import httpx
import pytest

from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

REPORTER = "unit-reporter.huyen-cu-jut"
STRANGER = "unit-reporter.huyen-dak-mil"
HEAD = "cluster-head.tx-gia-nghia"
UNIT = "huyen-cu-jut"
PERIOD = "2026-Q1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def campaign(console_stack):
    """A running 2026 campaign (quarterly) of a cluster headed by tx-gia-nghia holding huyen-cu-jut,
    created by the board officer through intake (Keycloak token); a criterion's name holds a <script>."""
    campaign_id = f"rep-{uuid.uuid4().hex[:8]}"
    body = {
        "name_vi": f"Phong trào báo cáo {campaign_id}", "launched_by": "UBND tỉnh Đắk Nông", "kind": "regular",
        "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo <script>document.title='pwned'</script>",
             "unit_of_measure": "hộ", "max_points": 60, "target": 1000, "max_value": 100000},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn", "max_points": 40,
             "target": 10, "max_value": 500},
        ],
        "clusters": [{"id": "cum-tay-nam", "name_vi": "Cụm thi đua Tây Nam",
                      "leadership": [{"year": 2026, "head_unit_id": "tx-gia-nghia"}]}],
        "participants": [
            {"unit_id": unit, "name_vi": name, "unit_type": "district", "cluster_id": "cum-tay-nam"}
            for unit, name in (("huyen-cu-jut", "Huyện Cư Jút"), ("huyen-dak-mil", "Huyện Đắk Mil"),
                               ("tx-gia-nghia", "Thành phố Gia Nghĩa"))
        ],
    }  # fmt: skip
    board = {"Authorization": f"Bearer {password_token(console_stack, 'board-officer.so-noi-vu')}"}
    put_running(console_stack, campaign_id, body, board)
    reporter = {"Authorization": f"Bearer {password_token(console_stack, REPORTER)}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # reporting's read model follows intake's events
        listed = httpx.get(f"{console_stack.url('reporting')}/api/v1/campaigns", headers=reporter, timeout=30)
        if listed.status_code == 200 and any(c["campaign_id"] == campaign_id for c in listed.json()):
            return {"id": campaign_id, **body}
        time.sleep(0.5)
    raise AssertionError(f"reporting never listed {campaign_id}")


def review(stack, submission_id: str, body: dict) -> None:
    """The cluster head's decision through intake's API (the reviewer's pages are another feature's)."""
    head = {"Authorization": f"Bearer {password_token(stack, HEAD)}"}
    response = httpx.post(f"{stack.url('intake')}/api/v1/submissions/{submission_id}/review", json=body,
                          headers=head, timeout=30)
    assert response.status_code == 201, response.text


def reload_until(page, selector: str, timeout: float = 120) -> None:
    """Reload the page until `selector` shows (scoring runs after the submission is accepted)."""
    deadline = time.monotonic() + timeout
    while True:
        if page.locator(selector).count():
            return
        assert time.monotonic() < deadline, f"{selector} never showed on {page.url}"
        time.sleep(1)
        page.reload()


def test_a_unit_reporter_registers_reports_with_evidence_sees_the_score_resubmits_and_appeals(
    console_stack, campaign, tmp_path
):
    console = console_stack.url("web")
    cid = campaign["id"]
    shot = iter(range(1, 100))

    def snap(page, name: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shot):02d}-{name}.png"), full_page=True)

    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, REPORTER, seen)

        # my unit's campaigns, then the campaign: its four quarters, the targets, the links
        page.click("text=Đơn vị của tôi")
        page.wait_for_selector(f'tr[data-campaign="{cid}"]')
        snap(page, "my-campaigns")
        page.click(f'tr[data-campaign="{cid}"] a')
        page.wait_for_selector("#campaign-name")
        assert [r.get_attribute("data-period") for r in page.locator("tr[data-period]").all()] == [
            "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        assert page.get_attribute("#scorecard-link", "href") == f"/campaigns/{cid}/units/{UNIT}"
        target_cell = page.locator('tr[data-criterion="ho-thoat-ngheo"]')
        assert "Số hộ thoát nghèo <script>" in target_cell.inner_text()  # the tag shown as text
        assert "1.000 (mặc định)" in target_cell.inner_text()
        assert page.title() != "pwned" and page.evaluate("document.querySelectorAll('main script').length") == 0
        snap(page, "campaign")

        # register a target and a title, then change the target with a reason
        page.click("#targets-link")
        page.fill("#target-ho-thoat-ngheo", "1.200")
        page.fill("#titles", "Cờ thi đua của UBND tỉnh")
        page.click("#register-submit")
        page.wait_for_selector("#saved")
        assert page.input_value("#target-ho-thoat-ngheo") == "1200"
        page.select_option("#change-criterion", "ho-thoat-ngheo")
        page.fill("#change-value", "1.100,5")
        page.fill("#change-reason", "Điều chỉnh sát thực tế sau rà soát hộ nghèo")
        page.click("#change-submit")
        page.wait_for_selector("text=Đã điều chỉnh chỉ tiêu.")
        history = page.locator(".rep-history tbody tr").first.inner_text()
        assert "1.200" in history and "1.100,5" in history and "Điều chỉnh sát thực tế" in history
        snap(page, "targets")
        registration = httpx.get(
            f"{console_stack.url('intake')}/api/v1/campaigns/{cid}/registrations/{UNIT}", timeout=30,
            headers={"Authorization": f"Bearer {password_token(console_stack, REPORTER)}"}).json()
        assert registration["targets"] == [{"criterion_id": "ho-thoat-ngheo", "period": None, "value": 1100.5}]
        assert registration["titles"] == ["Cờ thi đua của UBND tỉnh"]

        # report 2026-Q1: a value typed the Vietnamese way, one the plain way, a PDF uploaded first
        page.goto(f"{console}/my/campaigns/{cid}/periods/{PERIOD}")
        assert page.get_attribute("#value-ho-thoat-ngheo", "max") == "100000.0"
        page.fill("#value-ho-thoat-ngheo", "1.234,5")
        page.fill("#value-nha-dai-doan-ket", "600")  # over its maximum (500): intake refuses it
        page.fill("#note", "Báo cáo quý 1")
        evidence = tmp_path / "bien-ban-quy-1.pdf"
        evidence.write_bytes(PDF)
        page.set_input_files("#files", str(evidence))
        page.click("#upload")
        page.wait_for_selector("#evidence-list")
        sha = hashlib.sha256(PDF).hexdigest()
        row = page.locator("#evidence-list tbody tr").first
        assert row.locator(".rep-file-name").inner_text() == "bien-ban-quy-1.pdf"
        assert row.locator(".rep-sha").inner_text() == sha
        assert row.locator(".rep-size").inner_text() == f"{len(PDF)} byte"
        assert page.input_value("#value-ho-thoat-ngheo") == "1.234,5"  # kept across the upload
        snap(page, "period-uploaded")
        page.click("#submit-report")
        page.wait_for_selector("#error-nha-dai-doan-ket")  # intake's 422 naming values.nha-dai-doan-ket
        assert "500" in page.inner_text("#error-nha-dai-doan-ket")
        assert page.locator("#error-ho-thoat-ngheo").count() == 0
        assert page.input_value("#value-ho-thoat-ngheo") == "1.234,5" and page.input_value("#value-nha-dai-doan-ket") == "600"
        assert page.locator("#evidence-list .rep-sha").inner_text() == sha  # the uploaded file still attached
        snap(page, "period-refused")
        page.fill("#value-nha-dai-doan-ket", "12")
        page.click("#submit-report")
        page.wait_for_url(re.compile(rf"{re.escape(console)}/submissions/[^/]+$"))
        submission_url = page.url
        submission_id = submission_url.rsplit("/", 1)[1]

        # the submission: values, the file with its SHA-256, then the score with its explanation
        assert page.locator('tr[data-criterion="ho-thoat-ngheo"] .rep-value').inner_text() == "1.234,5"
        assert page.locator(".rep-evidence .rep-sha").inner_text() == sha
        assert page.get_attribute("#review-status", "data-status") == "pending"
        reload_until(page, "#score-total")
        explanation = page.locator('.rep-score tr[data-criterion="ho-thoat-ngheo"] .rep-explanation').inner_text()
        assert explanation.strip(), "no explanation"
        assert "/100" in page.inner_text("#score-total")
        snap(page, "submission-scored")
        href = page.get_attribute(".rep-evidence a.rep-file-name", "href")
        download = page.request.get(f"{console}{href}")
        assert download.status == 200 and download.body() == PDF
        assert download.headers["content-disposition"].startswith("attachment")
        assert download.headers["x-content-type-options"] == "nosniff"
        assert download.headers["content-type"] == "application/pdf"

        # the campaign's periods and the period's page tell the latest submission's status
        page.goto(f"{console}/my/campaigns/{cid}")
        assert "Chờ thẩm định" in page.locator(f'tr[data-period="{PERIOD}"] .rep-status').inner_text()
        assert "Báo cáo kết quả" in page.locator('tr[data-period="2026-Q2"] .rep-next').inner_text()
        page.goto(f"{console}/my/campaigns/{cid}/periods/{PERIOD}")
        assert page.get_attribute("#latest-link", "href") == f"/submissions/{submission_id}"
        snap(page, "period-latest")

        # another unit's reporter: the 403 page for the submission and for its file
        stranger = sign_in(browser, console_stack, STRANGER, seen)
        refused = stranger.goto(submission_url)
        assert refused.status == 403 and "Bạn không có quyền xem trang này." in stranger.inner_text("main")
        snap(stranger, "other-unit-403")
        assert stranger.request.get(f"{console}{href}").status == 403
        other_campaign = stranger.goto(f"{console}/my/campaigns/{cid}/periods/{PERIOD}")
        assert other_campaign.status == 200  # their own unit's period of the same campaign
        stranger.context.close()

        # the cluster head returns one criterion; the reporter resubmits only it
        review(console_stack, submission_id, {"decision": "return",
                                              "reasons": {"ho-thoat-ngheo": "Thiếu biên bản xác nhận của xã"}})
        page.goto(submission_url)
        page.wait_for_selector("#resubmit-form")
        fields = page.locator("#resubmit-form input[type=text]")
        assert fields.count() == 1 and fields.first.get_attribute("name") == "value.ho-thoat-ngheo"
        assert "Thiếu biên bản xác nhận của xã" in page.inner_text("#resubmit-form")
        assert page.locator("#appeal-form").count() == 1
        snap(page, "submission-returned")
        page.fill("#resubmit-ho-thoat-ngheo", "1.250")
        page.click("#resubmit-submit")
        page.wait_for_url(re.compile(r".*/submissions/(?!" + re.escape(submission_id) + r"$)[^/]+$"))
        resubmitted_url = page.url
        assert page.locator('tr[data-criterion="ho-thoat-ngheo"] .rep-value').inner_text() == "1.250"
        assert page.locator('tr[data-criterion="nha-dai-doan-ket"] .rep-value').inner_text() == "12"  # kept
        assert page.locator(".rep-evidence .rep-sha").inner_text() == sha  # the evidence travels on
        snap(page, "resubmitted")

        # the head rejects the resubmission; the reporter files the one appeal
        review(console_stack, resubmitted_url.rsplit("/", 1)[1], {"decision": "reject",
                                                                  "reason": "Số liệu chưa khớp với thống kê"})
        page.goto(resubmitted_url)
        page.wait_for_selector("#appeal-form")
        assert page.locator("#resubmit-form").count() == 0
        page.fill("#appeal-reason", "Số liệu đã được UBND xã xác nhận, đề nghị xem xét lại")
        page.click("#appeal-submit")
        page.wait_for_selector("#appeal-state")
        assert page.get_attribute("#appeal-state", "data-status") == "pending"
        assert "Ban Thi đua – Khen thưởng" in page.inner_text("#appeal-state")
        assert page.locator("#appeal-form").count() == 0
        snap(page, "appealed")

        # my notifications: the return is there, unread, linking to its submission; then all read
        page.goto(f"{console}/notifications")
        reload_until(page, f'.ntf-unread a[href="/submissions/{submission_id}"]')
        page.wait_for_selector("#ntf-badge")  # the nav's unread count, loaded after the page
        assert int(page.inner_text("#ntf-badge").split()[0]) >= 1
        snap(page, "notifications")
        page.click("#mark-all-read")
        page.wait_for_selector("text=0 thông báo chưa đọc")
        assert page.locator(".ntf-unread").count() == 0 and page.locator("#ntf-badge").count() == 0

        # English through the switch
        page.goto(resubmitted_url)
        page.click('a[lang="en"]')
        page.wait_for_selector("text=Score and explanation")
        snap(page, "submission-en")
        page.click('a[lang="vi"]')
        page.wait_for_selector("text=Điểm và giải trình")

    allowed = {console, console_stack.keycloak_url}
    assert not seen.strangers(*allowed), seen.strangers(*allowed)
    # the errors asked for: the other unit's 403 page and the form intake refused (422); Chromium
    # logs each failed document load once more
    period_url = f"{console}/my/campaigns/{cid}/periods/{PERIOD}"
    expected = (
        f"{submission_url}: HTTP 403",
        f"{submission_url}: Failed to load resource: the server responded with a status of 403 (Forbidden)",
        f"{period_url}: HTTP 422",
        f"{period_url}: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)",
    )
    assert [e for e in seen.errors if e not in expected] == [], seen.errors
    assert f"{period_url}: HTTP 422" in seen.errors  # the refusal did happen
    assert len(list(tmp_path.glob("*.png"))) >= 9
