"""Issue 11, the board's dashboards (/board) through the real stack with Keycloak, in Debian's
Chromium driven by Playwright: a campaign and two submissions go in through intake's API (password
tokens of the demo users); the board officer opens /board for that campaign and the counts shown
are those the APIs answer (intake's submissions, reporting's nomination timeliness and awards).
No request to another origin, no browser console error, no serious accessibility violation."""

import json
import time
import uuid
from datetime import date, timedelta

import httpx
import pytest

from thidua_web.board import models
from thidua_web.formats import number

from .a11y import serious_violations
from .conftest import submission
from .console_stack import console_browser, sign_in
from .helpers import password_token, put_running, uploaded_dossier

pytestmark = pytest.mark.timeout(900)

BOARD = "board-officer.so-noi-vu"
UNITS = {"huyen-cu-jut": "Huyện Cư Jút", "huyen-dak-mil": "Huyện Đắk Mil"}
PERIOD = "2026-Q1"


def bearer(stack, username: str) -> dict:
    return {"Authorization": f"Bearer {password_token(stack, username)}"}


def test_the_board_sees_the_timeliness_pipeline_and_award_figures_the_apis_give(console_stack, tmp_path):
    cid = f"brd-{uuid.uuid4().hex[:8]}"
    board = bearer(console_stack, BOARD)
    body = {
        "name_vi": f"Phong trào bảng điều hành {cid}", "launched_by": "UBND tỉnh Đắk Nông", "kind": "regular",
        "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "max_points": 60,
             "target": 1000, "max_value": 100000},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn", "max_points": 40,
             "target": 10, "max_value": 500},
        ],
        "clusters": [{"id": "cum-tay-nam", "name_vi": "Cụm thi đua Tây Nam",
                      "leadership": [{"year": 2026, "head_unit_id": "tx-gia-nghia"}]}],
        "participants": [{"unit_id": u, "name_vi": n, "unit_type": "district", "cluster_id": "cum-tay-nam"}
                         for u, n in UNITS.items()],
    }  # fmt: skip
    put_running(console_stack, cid, body, board)
    intake = console_stack.url("intake")
    for unit in UNITS:
        sent = submission(cid, unit, PERIOD)
        answer = httpx.post(f"{intake}/api/v1/submissions", json=sent,
                            headers=bearer(console_stack, f"unit-reporter.{unit}"), timeout=30)
        assert answer.status_code == 202, answer.text

    def listed() -> list[dict]:
        found = httpx.get(f"{intake}/api/v1/submissions", params={"campaign_id": cid, "limit": 200},
                          headers=board, timeout=30)
        assert found.status_code == 200, found.text
        return found.json()["items"]

    deadline = time.monotonic() + 60
    while len(items := listed()) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(items) == 2
    expected = models.timeliness(items)
    assert expected.total == 2 and expected.pending == 2
    reporting = console_stack.url("reporting")
    stage_rows = httpx.get(f"{reporting}/api/v1/nominations/timeliness", headers=board, timeout=30).json()
    awards = httpx.get(f"{reporting}/api/v1/awards", headers=board, timeout=30).json()
    stats = models.award_stats(awards)

    console = console_stack.url("web")
    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, BOARD, seen)
        assert page.inner_text("#nav-board") == "Bảng điều hành"
        page.click("#nav-board")
        page.wait_for_selector("#brd-campaign")
        page.select_option("#brd-campaign", cid)
        page.click("#brd-apply")
        page.wait_for_url(f"{console}/board?campaign_id={cid}*")
        page.wait_for_selector("#brd-timeliness-table")
        page.screenshot(path=str(tmp_path / "01-board.png"), full_page=True)

        def cell(row_id: str) -> str:
            return page.inner_text(f"#{row_id} td").strip()

        assert cell("brd-total") == number(expected.total, "vi") == "2"
        assert cell("brd-pending") == number(expected.pending, "vi")
        assert cell("brd-overdue") == number(expected.overdue, "vi")
        assert cell("brd-awaiting-unit") == number(expected.awaiting_unit, "vi")
        assert cell("brd-approved") == number(expected.approved, "vi")
        assert page.locator("#brd-partial").count() == 0
        # the chart of the same figures (issue 11), drawn with the vendored ECharts
        page.wait_for_selector("#brd-timeliness-chart[data-drawn] canvas")
        from thidua_web.board import charts
        from thidua_web.i18n import texts

        assert json.loads(page.text_content("#brd-timeliness-data")) == charts.timeliness_chart(expected, texts("vi"))
        # the pipeline and the awards as reporting answers them (other tests may have filed some)
        for s in models.stages(stage_rows):
            cells = page.locator(f'tr[data-stage="{s.stage}"] td').all_inner_texts()
            assert cells[0] == number(s.count, "vi") and cells[4] == number(s.overdue, "vi")
        if stats.rows:
            assert page.inner_text("#brd-awards-total") == number(stats.total, "vi")
        else:
            assert page.locator("#brd-no-awards").count() == 1
        assert serious_violations(page) == []

        # a refused year: named next to its field, every year shown
        page.goto(f"{console}/board?campaign_id={cid}&year=20x6")
        page.wait_for_selector("#err-year")
        page.screenshot(path=str(tmp_path / "02-board-bad-year.png"), full_page=True)
        assert serious_violations(page) == []

    assert seen.strangers(console, console_stack.keycloak_url) == []
    errors = [e for e in seen.errors if "year=20x6" not in e]  # the refused year answers 422 on purpose
    assert errors == []


# -- issue 11: the pipeline and award figures from real nominations, and the charts ----------------
LEADER, COUNCIL, CHAIR = "unit-leader.huyen-cu-jut", "council-member.daknong", "chairperson.daknong"
DOSSIER = [{"kind": k, "name": f"{k}.pdf", "url": f"https://vanban.daknong.test/{k}.pdf", "sha256": "b" * 64,
            "size": 2048} for k in ("cover_request", "achievement_report", "vote_minutes")]


def with_award_kind(stack, headers: dict, award: dict) -> None:
    """The tenant's commendation configuration with this award kind added (the others kept: the
    console tests share the tenant), at the revision read."""
    intake = stack.url("intake")
    current = httpx.get(f"{intake}/api/v1/config/commendation", headers=headers, timeout=30)
    config = current.json() if current.status_code == 200 else {}
    body = {
        "holidays": config.get("holidays") or [],
        "award_kinds": [*(config.get("award_kinds") or []), award],
        "escalate_to": config.get("escalate_to") or ["board_officer", "chairperson"],
        "reason": "Hình thức khen thưởng cho kiểm thử bảng điều hành",
        "expected_revision": config.get("revision", 0),
    }
    answer = httpx.put(f"{intake}/api/v1/config/commendation", json=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text


def test_the_pipeline_and_award_figures_and_charts_come_from_real_nominations(console_stack, tmp_path):
    """Three nominations of an award kind of this test's own (its stages named for it, so its rows
    are this test's alone): one left in vetting and made overdue by the timeliness check run as of a
    later day, one at the council's vote (overdue too by then), one voted and decided (an award).
    The page's pipeline rows, award row and charts equal what reporting answers, and are what the
    test made; each chart is drawn (a canvas) with no console error and nothing from another origin."""
    from thidua_web.board import charts
    from thidua_web.i18n import texts

    tag = uuid.uuid4().hex[:6]
    award_id, award_name = f"bk-brd-{tag}", f"Bằng khen bảng điều hành {tag}"
    ids = {k: f"b{tag}-{k}" for k in ("tham-dinh", "cong-khai", "hoi-dong", "quyet-dinh")}
    board = bearer(console_stack, BOARD)
    with_award_kind(console_stack, board, {
        "id": award_id, "name_vi": award_name, "nominee_kind": "individual", "disclosure_days": 0,
        "vote_threshold": 0.8, "rules": [],
        "chain": [
            {"id": ids["tham-dinh"], "name_vi": "Thẩm định", "role": "board_officer", "service_days": 0, "kind": "review"},
            {"id": ids["cong-khai"], "name_vi": "Công khai", "role": "board_officer", "service_days": 0,
             "kind": "disclosure"},
            {"id": ids["hoi-dong"], "name_vi": "Hội đồng xét", "role": "council_member", "service_days": 2, "kind": "vote"},
            {"id": ids["quyet-dinh"], "name_vi": "Quyết định", "role": "chairperson", "service_days": 2,
             "kind": "decision"},
        ],
    })  # fmt: skip
    intake, reporting = console_stack.url("intake"), console_stack.url("reporting")
    leader, council, chair = (bearer(console_stack, u) for u in (LEADER, COUNCIL, CHAIR))

    def nominate(n: int) -> dict:
        body = {"award_kind": award_id, "year": 2026, "basis": "regular",
                "documents": uploaded_dossier(intake, leader, DOSSIER),
                "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2026",
                "nominee": {"kind": "individual", "unit_id": "huyen-cu-jut", "person_id": f"nv-{tag}-{n}",
                            "person_name": f"Cán bộ {n} {tag}"}}  # fmt: skip
        answer = httpx.post(f"{intake}/api/v1/nominations", json=body, headers=leader, timeout=30)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def act(nid: str, headers: dict, action: str, **body) -> dict:
        answer = httpx.post(f"{intake}/api/v1/nominations/{nid}/actions", json={"action": action, **body},
                            headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    vetting, at_council, decided = (nominate(n) for n in (1, 2, 3))
    for n in (at_council, decided):
        act(n["nomination_id"], board, "pass")  # vetting
        act(n["nomination_id"], board, "pass")  # a 0-day disclosure window is closed
    act(decided["nomination_id"], council, "vote", vote={"members": 10, "yes": 9, "no": 1, "abstain": 0})
    done = act(decided["nomination_id"], chair, "decide",
               decision={"number": f"{tag}/QĐ-UBND", "date": "2026-03-02", "signer": "Chủ tịch UBND tỉnh"})
    assert done["status"] == "decided"
    # the timeliness check as of ten days on: vetting and the council's stage are late by then
    later = (date.fromisoformat(vetting["due_on"]) + timedelta(days=10)).isoformat()
    check = httpx.post(f"{intake}/api/v1/nominations/overdue-check", json={"as_of": later}, headers=board, timeout=60)
    assert check.status_code == 200, check.text
    assert check.json()["emitted"] >= 2

    expected = {  # stage: (through it, in it now, overdue)
        ids["tham-dinh"]: (3, 1, 1), ids["cong-khai"]: (2, 0, 0), ids["hoi-dong"]: (2, 1, 1), ids["quyet-dinh"]: (1, 0, 0),
    }  # fmt: skip

    def answers() -> tuple[list, list]:
        rows = httpx.get(f"{reporting}/api/v1/nominations/timeliness", headers=board, timeout=30)
        awards = httpx.get(f"{reporting}/api/v1/awards", headers=board, timeout=30)
        assert rows.status_code == 200 and awards.status_code == 200, (rows.text, awards.text)
        return rows.json(), awards.json()

    def mine(rows: list) -> dict:
        return {s.stage: (s.count, s.in_stage_now, s.overdue) for s in models.stages(rows) if s.stage in expected}

    deadline = time.monotonic() + 120  # reporting reads the nominations' events from Kafka
    while True:
        stage_rows, awards = answers()
        ours = [a for a in awards if a.get("award_name") == award_name]
        if (mine(stage_rows) == expected and len(ours) == 1) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert mine(stage_rows) == expected
    assert len(ours) == 1 and ours[0]["nomination_id"] == decided["nomination_id"] and ours[0]["year"] == 2026
    stats = models.award_stats(awards)
    vi = texts("vi")

    console = console_stack.url("web")
    with console_browser() as (browser, seen):
        page = sign_in(browser, console_stack, BOARD, seen)
        page.goto(f"{console}/board")
        page.wait_for_selector("#brd-stages")
        for name in ("pipeline", "awards"):  # drawn by static/board.js with the vendored ECharts
            page.wait_for_selector(f"#brd-{name}-chart[data-drawn] canvas")
        page.screenshot(path=str(tmp_path / "03-board-charts.png"), full_page=True)

        # the pipeline: this test's stages as made, every row as reporting answers
        for s in models.stages(stage_rows):
            cells = page.locator(f'tr[data-stage="{s.stage}"] td').all_inner_texts()
            assert cells[0] == number(s.count, "vi") and cells[1] == number(s.in_stage_now, "vi"), s
            assert cells[4] == number(s.overdue, "vi"), s
        for stage, (through, now, late) in expected.items():
            cells = page.locator(f'tr[data-stage="{stage}"] td').all_inner_texts()
            assert (cells[0], cells[1], cells[4]) == (str(through), str(now), str(late))
        # the award: its row (one individual) and the total as reporting answers
        row = page.locator("#brd-award-stats tbody tr", has_text=award_name)
        assert row.count() == 1 and row.locator("td").last.inner_text() == "1"
        assert page.inner_text("#brd-awards-total") == number(stats.total, "vi")
        # the charts show the same figures: their data is what the APIs' answers make
        assert json.loads(page.text_content("#brd-pipeline-data")) == charts.pipeline_chart(models.stages(stage_rows), vi)
        assert json.loads(page.text_content("#brd-awards-data")) == charts.awards_chart(stats)
        assert page.get_attribute("#brd-pipeline-chart", "role") == "img"
        assert page.get_attribute("#brd-pipeline-chart", "aria-label") == vi["brd_chart_pipeline"]
        assert page.locator("figcaption").count() >= 2
        assert serious_violations(page) == []

    assert seen.strangers(console, console_stack.keycloak_url) == []
    assert seen.errors == []
