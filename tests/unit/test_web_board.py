"""Issue 11, the board's dashboards in the console (services/web, package board/) against fake
intake and reporting: timeliness of reports and reviews for a campaign (read page by page, bounded,
the partial-count notice), the nomination pipeline per stage with the overdue nominations, award
statistics by award, recipient type and year; 403 for a unit reporter; stored `<script>` as text."""

import json
from datetime import date
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.board import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"


def sub(i: int, status: str = "pending", awaiting: str | None = "board", overdue: bool = False, age: int = 2) -> dict:
    return {"submission_id": f"s-{i}", "campaign_id": "pt-1", "unit_id": f"u-{i}", "period": "2026-Q1",
            "status": status, "awaiting": awaiting, "overdue": overdue, "age_days": age, "due_date": "2026-04-10"}


SUBS = [sub(1, age=2), sub(2, overdue=True, age=11), sub(3, "returned", "unit"), sub(4, "approved", None),
        sub(5, "approved", None), sub(6, "rejected", None), sub(7, awaiting="cluster", age=5)]

STAGES = [
    {"stage": "unit", "count": 3, "in_stage_now": 0, "average_working_days": 1.5, "max_working_days": 2.0, "overdue": 0},
    {"stage": "council", "count": 2, "in_stage_now": 1, "average_working_days": 4.25, "max_working_days": 6.0,
     "overdue": 1},
]

NOMINATIONS = [
    {"nomination_id": "nom-late", "status": "in_progress", "stage": "council", "due_on": "2026-01-05",
     "award_name_vi": f"Bằng khen {SCRIPT}", "award_kind": "bang-khen", "nominee": {"kind": "individual",
     "unit_id": "huyen-cu-jut", "person_name": "Nguyễn Văn A"}},
    {"nomination_id": "nom-ok", "status": "in_progress", "stage": "board", "due_on": "2099-01-05",
     "award_name_vi": "Giấy khen", "award_kind": "giay-khen", "nominee": {"kind": "collective", "unit_id": "u-2"}},
]

AWARDS = [
    {"award_name": "Bằng khen", "award_kind": "bang-khen", "nominee_kind": "Tập thể", "year": 2025},
    {"award_name": "Bằng khen", "award_kind": "bang-khen", "nominee_kind": "Cá nhân", "year": 2025},
    {"award_name": "Bằng khen", "award_kind": "bang-khen", "nominee_kind": "Cá nhân", "year": 2025},
    {"award_name": f"Cờ thi đua {SCRIPT}", "award_kind": "co", "nominee_kind": "Tập thể", "year": 2026},
]


class BoardFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.unit, self.roles = None, ["board_officer"]
        self.subs = list(SUBS)
        self.page_size = 3
        self.calls: list[tuple[str, str, dict]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host not in ("intake.test", "reporting.test"):
            return super().__call__(request)
        path = request.url.path
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((host, path, query))
        if host == "intake.test" and path == "/api/v1/campaigns":
            return httpx.Response(200, json=[{"campaign_id": "pt-1", "name_vi": f"Phong trào {SCRIPT}"},
                                             {"campaign_id": "pt-2", "name_vi": "Khác"}])
        if host == "intake.test" and path == "/api/v1/submissions":
            if "unit_reporter" in self.roles and "board_officer" not in self.roles:
                return httpx.Response(403, json={"message": "không được"})
            if "council_member" in self.roles:
                return httpx.Response(403, json={"message": "không được"})
            subs = self.subs if query.get("campaign_id") == "pt-1" else []
            start = int(query.get("after", 0))
            end = start + self.page_size
            return httpx.Response(200, json={"items": subs[start:end], "next": str(end) if end < len(subs) else None})
        if host == "intake.test" and path == "/api/v1/nominations":
            return httpx.Response(200, json=NOMINATIONS)
        if host == "reporting.test" and path == "/api/v1/nominations/timeliness":
            return httpx.Response(200, json=STAGES)
        if host == "reporting.test" and path == "/api/v1/awards":
            return httpx.Response(200, content=json.dumps(AWARDS))
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return BoardFakes()


async def signed(client, fakes, roles=None, unit=None) -> str:
    return await signed_in(client, fakes, roles or ["board_officer"], unit)


def row(html: str, row_id: str) -> str:
    start = html.index(f'id="{row_id}"')
    return html[start:html.index("</tr>", start)]


# -- pure parts ------------------------------------------------------------------------------------
def test_timeliness_counts_each_state_and_the_average_age_of_pending_ones():
    t = models.timeliness(SUBS)
    assert (t.total, t.pending, t.overdue, t.awaiting_unit) == (7, 3, 1, 1)
    assert (t.approved, t.returned, t.rejected) == (2, 1, 1)
    assert t.average_age_pending == 6.0 and t.partial is False
    assert models.timeliness([], partial=True) == models.Timeliness(partial=True)


def test_overdue_nominations_are_those_in_progress_past_the_stage_due_date():
    late = models.overdue_nominations(NOMINATIONS + [{**NOMINATIONS[0], "nomination_id": "x", "status": "decided"},
                                                     {**NOMINATIONS[0], "nomination_id": "y", "due_on": "bad"}],
                                      date(2026, 1, 8))
    assert [(o.nomination_id, o.stage, o.days_late, o.nominee) for o in late] == [
        ("nom-late", "council", 3, "Nguyễn Văn A")]
    assert models.overdue_nominations(NOMINATIONS, date(2026, 1, 5)) == []  # due today: not late yet


def test_award_statistics_per_year_award_and_recipient_type():
    stats = models.award_stats(AWARDS + [{"year": "x"}])
    assert stats.recipients == ["Cá nhân", "Tập thể"] and stats.total == 4
    assert stats.totals == {"Tập thể": 2, "Cá nhân": 2}
    assert [(r.year, r.award_name, r.by_recipient, r.total) for r in stats.rows] == [
        (2026, f"Cờ thi đua {SCRIPT}", {"Tập thể": 1}, 1),
        (2025, "Bằng khen", {"Tập thể": 1, "Cá nhân": 2}, 3),
    ]


def test_stages_and_year_are_read_defensively():
    assert [s.stage for s in models.stages(STAGES + [{"count": 1}, "x"])] == ["unit", "council"]
    assert models.stages([{"stage": "a", "count": True, "average_working_days": "2"}])[0].count == 0
    assert [models.read_year(v) for v in (None, "", "2026", "26", "1999", "abcd")] == [
        (None, True), (None, True), (2026, True), (None, False), (None, False), (None, False)]


# -- the page --------------------------------------------------------------------------------------
async def test_the_board_sees_the_figures_computed_from_the_apis(client, fakes):
    await signed(client, fakes)
    page = await client.get("/board?campaign_id=pt-1&year=2025")
    assert page.status_code == 200
    html = page.text
    assert 'id="nav-board"' in html and 'aria-current="page"' in html
    assert ">7<" in row(html, "brd-total") and ">3<" in row(html, "brd-pending")
    assert ">1<" in row(html, "brd-overdue") and ">1<" in row(html, "brd-awaiting-unit")
    assert ">2<" in row(html, "brd-approved") and ">1<" in row(html, "brd-rejected")
    assert ">6<" in row(html, "brd-age")
    assert 'id="brd-partial"' not in html
    # read in pages of 200 following `next`, as the caller, for the chosen campaign and year
    sub_calls = [q for h, p, q in fakes.calls if p == "/api/v1/submissions"]
    assert len(sub_calls) == 3 and all(q["campaign_id"] == "pt-1" and q["limit"] == "200" for q in sub_calls)
    assert [q.get("after") for q in sub_calls] == [None, "3", "6"]
    assert next(q for h, p, q in fakes.calls if p == "/api/v1/awards") == {"year": "2025"}
    assert next(q for h, p, q in fakes.calls if p == "/api/v1/nominations/timeliness") == {"year": "2025"}
    # the pipeline: numbers through the filter (4,25 in Vietnamese), overdue nomination linked
    council = html[html.index('data-stage="council"'):]
    assert "4,25" in council[:council.index("</tr>")]
    assert '<a href="/nominations/nom-late">' in html and "nom-ok" not in html
    # awards: the total and the per-type cells
    assert 'id="brd-awards-total">4<' in html and "<caption>" in html and 'scope="col"' in html
    assert SCRIPT not in html and "&lt;script&gt;" in html


async def test_the_first_campaign_is_chosen_by_default_and_english_numbers(client, fakes):
    await signed(client, fakes)
    page = await client.get("/board", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Overdue reviews" in page.text and "4.25" in page.text
    assert 'value="pt-1" selected' in page.text


async def test_a_partial_count_is_said_when_the_pages_run_out(client, fakes, monkeypatch):
    monkeypatch.setattr(models, "MAX_PAGES", 2)
    await signed(client, fakes)
    page = await client.get("/board?campaign_id=pt-1")
    html = page.text
    assert 'id="brd-partial"' in html and "chưa đầy đủ" in html
    assert ">6<" in row(html, "brd-total")  # two pages of three
    assert len([1 for _, p, _ in fakes.calls if p == "/api/v1/submissions"]) == 2


async def test_a_bad_year_is_refused_by_name_and_all_years_shown(client, fakes):
    await signed(client, fakes)
    page = await client.get("/board?year=20x6")
    assert page.status_code == 422 and 'id="err-year"' in page.text and 'aria-invalid="true"' in page.text
    assert next(q for h, p, q in fakes.calls if p == "/api/v1/awards") == {}


async def test_a_council_member_sees_what_they_may_and_is_told_the_rest(client, fakes):
    await signed(client, fakes, ["council_member"])
    page = await client.get("/board?campaign_id=pt-1")
    assert page.status_code == 200 and 'id="brd-timeliness-refused"' in page.text and 'id="brd-stages"' in page.text


async def test_a_unit_reporter_gets_the_403_page(client, fakes):
    await signed(client, fakes, ["unit_reporter"], "huyen-cu-jut")
    page = await client.get("/board")
    assert page.status_code == 403 and 'id="nav-board"' not in page.text
    assert not [c for c in fakes.calls if c[1] == "/api/v1/submissions"]
