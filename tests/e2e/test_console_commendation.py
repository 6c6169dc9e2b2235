"""Issue 11, the commendation configuration in the console through the real stack with Keycloak, in
Debian's Chromium driven by Playwright: the board officer adds an award kind with a three-stage chain
(the chain built with the form's own buttons, no script needed), a service time out of range is
refused by intake with the field and the reason in Vietnamese next to the stage's input and nothing
is saved, then the corrected kind is saved; the officer adds a holiday typed dd/mm/yyyy with its
name (a name too long is refused next to its input first) and sees it listed; intake holds exactly
what was typed; the chairperson reads the configuration with no form to change it.
Nothing loads from another origin, no console errors. Screenshots of each page go to tmp_path.

The console tests' shared stack with Keycloak (tests/e2e/console_stack.py)."""

import random
import uuid

import httpx
import pytest

from .console_stack import console_browser, sign_in
from .helpers import password_token

pytestmark = pytest.mark.timeout(900)  # Keycloak's first start on a busy 2-core machine takes minutes

BOARD = "board-officer.so-noi-vu"
CHAIR = "chairperson.daknong"


def config_of(stack) -> dict | None:
    headers = {"Authorization": f"Bearer {password_token(stack, BOARD)}"}
    answer = httpx.get(f"{stack.url('intake')}/api/v1/config/commendation", headers=headers, timeout=30)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return answer.json()


def submit(page, selector: str) -> None:
    """Click a submit button and wait for the page it leads to (a redirect or the form again)."""
    with page.expect_navigation():
        page.click(selector)


def test_the_board_configures_commendation_and_the_chairperson_reads_it(console_stack, tmp_path):
    console = console_stack.url("web")
    award_id = f"giay-khen-{uuid.uuid4().hex[:6]}"
    award_name = f"Giấy khen của Giám đốc Sở {award_id}"
    before = config_of(console_stack)
    taken = {h["date"] for h in (before or {}).get("holidays") or []}  # each {date, name} (issue 11)
    holiday = next(
        f"2031-{m:02d}-{d:02d}"
        for m, d in ((random.randint(1, 12), random.randint(1, 28)) for _ in range(1000))
        if f"2031-{m:02d}-{d:02d}" not in taken
    )
    typed_holiday = f"{holiday[8:10]}/{holiday[5:7]}/{holiday[:4]}"
    holiday_name = f"Ngày hội Đắk Nông {award_id[-6:]}"
    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, BOARD, seen)
        page.click("#nav-commendation")
        page.wait_for_selector("h1")
        assert page.url == f"{console}/commendation"
        assert page.inner_text("h1") == "Cấu hình thi đua, khen thưởng"
        page.screenshot(path=str(tmp_path / "01-overview.png"), full_page=True)

        # a new award kind: the default chain has two stages, a third is added with the form's button
        page.click("#cmd-edit-awards")
        page.wait_for_selector("#cmd-new-award")
        page.screenshot(path=str(tmp_path / "02-awards.png"), full_page=True)
        page.click("#cmd-new-award")
        page.wait_for_selector("#cmd-award-form")
        page.fill("#cmd-id", award_id)
        page.fill("#cmd-name", award_name)
        page.select_option("#cmd-nominee", "individual")
        page.fill("#cmd-disclosure", "5")
        page.fill("#cmd-threshold", "75")
        submit(page, "#cmd-add-stage")
        assert page.locator("#cmd-stages tbody tr").count() == 3
        assert page.input_value("#cmd-name") == award_name  # what was typed is kept
        stages = [
            ("Thẩm định hồ sơ", "board_officer", "4,5", "review"),
            ("Hội đồng xét, bỏ phiếu", "council_member", "400", "vote"),  # out of range: refused
            ("Giám đốc Sở quyết định", "chairperson", "3", "decision"),
        ]
        for i, (name, role, days, kind) in enumerate(stages):
            page.fill(f"#stage-{i}-name_vi", name)
            page.select_option(f"#stage-{i}-role", role)
            page.fill(f"#stage-{i}-service_days", days)
            page.select_option(f"#stage-{i}-kind", kind)
        page.fill("#cmd-reason", "Thêm giấy khen của Sở")
        submit(page, "#cmd-save")

        # refused by intake: the field and the reason in Vietnamese next to the stage's input
        error = page.locator("#stage-1-service_days-err")
        assert "Giá trị ngoài phạm vi cho phép" in error.inner_text()
        assert page.get_attribute("#stage-1-service_days", "aria-invalid") == "true"
        assert page.input_value("#stage-1-service_days") == "400"
        assert page.input_value("#stage-0-name_vi") == "Thẩm định hồ sơ"
        assert "Chưa có gì được lưu" in page.inner_text("#cmd-refusal")
        page.screenshot(path=str(tmp_path / "03-award-refused.png"), full_page=True)
        assert award_id not in {a["id"] for a in (config_of(console_stack) or {}).get("award_kinds", [])}

        page.fill("#stage-1-service_days", "2")
        submit(page, "#cmd-save")
        assert page.url == f"{console}/commendation/awards/{award_id}?done=saved"
        assert page.inner_text("#cmd-done") == "Đã lưu cấu hình."
        page.screenshot(path=str(tmp_path / "04-award-saved.png"), full_page=True)

        # a holiday typed the Vietnamese way
        page.goto(f"{console}/commendation/holidays")
        page.fill("#cmd-day", "31/02/2031")
        submit(page, "#cmd-add-holiday")
        assert "Ngày không hợp lệ" in page.inner_text("#cmd-day-err")
        # a name too long: refused next to the name's input, nothing saved, what was typed kept
        page.fill("#cmd-day", typed_holiday)
        page.fill("#cmd-holiday-name", "Nghỉ lễ " * 20)
        submit(page, "#cmd-add-holiday")
        assert page.inner_text("#cmd-holiday-name-err") == "Tên ngày lễ dài quá 100 ký tự."
        assert page.get_attribute("#cmd-holiday-name", "aria-invalid") == "true"
        assert page.input_value("#cmd-day") == typed_holiday
        assert holiday not in {h["date"] for h in (config_of(console_stack) or {}).get("holidays") or []}
        page.fill("#cmd-holiday-name", holiday_name)
        page.fill("#cmd-reason", "Nghỉ bù")
        submit(page, "#cmd-add-holiday")
        assert page.inner_text("#cmd-done") == "Đã thêm ngày nghỉ."
        row = page.inner_text(f'tr[data-day="{holiday}"]')
        assert typed_holiday in row and holiday_name in row
        page.screenshot(path=str(tmp_path / "05-holidays.png"), full_page=True)

        for n, path in ((6, "rules"), (7, "flags")):
            page.goto(f"{console}/commendation/{path}")
            assert page.locator("h1").count() == 1
            page.screenshot(path=str(tmp_path / f"0{n}-{path}.png"), full_page=True)
        page.goto(f"{console}/commendation/rules")
        assert page.locator(f"#rules-{award_id}").count() == 1

        # intake holds exactly what was typed, and nothing of the refused attempt
        saved = config_of(console_stack)
        assert saved is not None and {"date": holiday, "name": holiday_name} in saved["holidays"]
        assert sorted(taken | {holiday}) == [h["date"] for h in saved["holidays"]]
        award = next(a for a in saved["award_kinds"] if a["id"] == award_id)
        assert award["name_vi"] == award_name and award["vote_threshold"] == 0.75 and award["disclosure_days"] == 5
        assert [(s["name_vi"], s["role"], s["service_days"], s["kind"]) for s in award["chain"]] == [
            ("Thẩm định hồ sơ", "board_officer", 4.5, "review"),
            ("Hội đồng xét, bỏ phiếu", "council_member", 2, "vote"),
            ("Giám đốc Sở quyết định", "chairperson", 3, "decision"),
        ]
        assert saved["reason"] == "Nghỉ bù" and saved["revision"] == (before or {}).get("revision", 0) + 2

        # the chairperson reads it: no form to change it
        chair = sign_in(browser, console_stack, CHAIR, seen)
        chair.click("#nav-commendation")
        chair.wait_for_selector("#cmd-read-only")
        assert award_name in chair.inner_text("#cmd-awards-table")
        chair.screenshot(path=str(tmp_path / "08-chair-overview.png"), full_page=True)
        for n, path in ((9, f"awards/{award_id}"), (10, "holidays?year=2031"), (11, "rules")):
            answer = chair.goto(f"{console}/commendation/{path}")
            assert answer.status == 200
            assert chair.locator('form[method="post"][action^="/commendation"]').count() == 0, path
            chair.screenshot(path=str(tmp_path / f"{n:02d}-chair-{path.split('?')[0].replace('/', '-')}.png"),
                             full_page=True)
        assert chair.locator(f'[data-rules="{award_id}"]').count() == 1
        chair.goto(f"{console}/commendation/awards/{award_id}")
        assert "Hội đồng xét, bỏ phiếu" in chair.inner_text("#cmd-stages")

    assert seen.strangers(console, console_stack.keycloak_url) == []
    # the refused form answers 422 on purpose (the browser logs that status); nothing else failed
    unexpected = [e for e in seen.errors if "422" not in e]
    assert unexpected == [], unexpected


def test_intake_refuses_a_holiday_given_twice_or_a_bad_name_and_keeps_the_configuration(console_stack):
    """Issue 11 through the real intake: holidays are {date, name} (a plain date still accepted); a
    date given twice, a name too long or holding a line break is refused at its field, in
    Vietnamese or English, and the stored configuration is unchanged."""
    headers = {"Authorization": f"Bearer {password_token(console_stack, BOARD)}"}
    url = f"{console_stack.url('intake')}/api/v1/config/commendation"
    before = config_of(console_stack)
    if before is None:  # the first configuration of the shared tenant: one award kind
        chain = [{"id": "quyet-dinh", "name_vi": "Quyết định", "role": "chairperson", "service_days": 3,
                  "kind": "decision"}]  # fmt: skip
        first = {"award_kinds": [{"id": "giay-khen", "name_vi": "Giấy khen", "nominee_kind": "individual",
                                  "chain": chain}], "holidays": ["2026-01-01"]}  # fmt: skip
        assert httpx.put(url, json=first, headers=headers, timeout=30).status_code == 200
        before = config_of(console_stack)
    assert before is not None and all(set(h) == {"date", "name"} for h in before["holidays"])
    body = {k: before[k] for k in ("award_kinds", "escalate_to")} | {"expected_revision": before["revision"]}
    cases = [
        ([{"date": "2032-09-02", "name": "Quốc khánh"}, "2032-09-02"], "holidays.1.date",
         "Ngày 02/09/2032 đã có trong lịch nghỉ lễ; mỗi ngày chỉ khai báo một lần.",
         "02/09/2032 is already in the holidays; each date is given once."),
        ([{"date": "2032-09-02", "name": "Quốc\nkhánh"}], "holidays.0.name",
         "Tên ngày lễ không được chứa ký tự điều khiển (như xuống dòng).",
         "A holiday's name may not hold control characters (such as a line break)."),
    ]  # fmt: skip
    for holidays, field, vi, en in cases:
        for lang, reason in (("vi", vi), ("en", en)):
            answer = httpx.put(url, json={**body, "holidays": holidays}, timeout=30,
                               headers={**headers, "Accept-Language": lang})  # fmt: skip
            assert answer.status_code == 422, answer.text
            assert [(e["field"], e["reason"]) for e in answer.json()["errors"]] == [(field, reason)]
    too_long = httpx.put(url, json={**body, "holidays": [{"date": "2032-09-02", "name": "x" * 101}]}, headers=headers,
                         timeout=30)  # fmt: skip
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "holidays.0.name"
    assert config_of(console_stack) == before  # nothing written
