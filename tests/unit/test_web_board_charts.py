"""Issue 11, the charts of the board's dashboards (/board) against fake intake and reporting: the
timeliness of reports and reviews, the nomination pipeline per stage (with overdue) and the award
statistics by kind and recipient type are each drawn from a JSON block holding the figures of the
table next to it (which stays); the charts are labelled images with a caption; the vendored ECharts
and its Vietnamese locale load from the console itself, no inline script; a stored <script> stays
text inside the JSON; nothing to chart, no chart."""

import html as htmllib
import json
import re

import pytest

from thidua_web.board import charts, models
from thidua_web.i18n import texts

from .test_web_board import AWARDS, SCRIPT, STAGES, SUBS, BoardFakes, signed
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)

VI = texts("vi")


@pytest.fixture
def fakes():
    return BoardFakes()


def block(page: str, name: str) -> dict:
    """The chart's data as the browser's JSON.parse reads the block's text."""
    found = re.search(rf'<script type="application/json" id="brd-{name}-data">(.*?)</script>', page, re.S)
    assert found, name
    return json.loads(found.group(1))


# -- pure parts ------------------------------------------------------------------------------------
def test_the_timeliness_chart_has_one_bar_per_state_with_the_tables_figures():
    chart = charts.timeliness_chart(models.timeliness(SUBS), VI)
    assert chart == {
        "names": ["Đang chờ thẩm định", "Thẩm định quá hạn", "Chờ đơn vị bổ sung", "Đã duyệt", "Đã trả lại",
                  "Bị từ chối"],
        "series": [{"name": "Giá trị", "values": [3, 1, 1, 2, 1, 1]}],
        "stacked": False,
    }  # fmt: skip
    assert charts.timeliness_chart(models.timeliness([]), VI) is None and charts.timeliness_chart(None, VI) is None


def test_the_pipeline_chart_has_per_stage_through_in_it_now_and_overdue():
    chart = charts.pipeline_chart(models.stages(STAGES), VI)
    assert chart is not None and chart["names"] == ["unit", "council"]
    assert chart["series"] == [
        {"name": "Số hồ sơ qua bước", "values": [3, 2]},
        {"name": "Đang ở bước này", "values": [0, 1]},
        {"name": "Quá hạn", "values": [0, 1]},
    ]
    assert charts.pipeline_chart([], VI) is None


def test_the_awards_chart_adds_the_years_up_per_kind_stacked_by_recipient_type():
    more = AWARDS + [{"award_name": "Bằng khen", "nominee_kind": "Tập thể", "year": 2026}]
    chart = charts.awards_chart(models.award_stats(more))
    assert chart == {
        "names": ["Bằng khen", f"Cờ thi đua {SCRIPT}"],  # the most awarded first
        "series": [{"name": "Cá nhân", "values": [2, 0]}, {"name": "Tập thể", "values": [2, 1]}],
        "stacked": True,
    }
    assert charts.awards_chart(models.award_stats([])) is None


def test_the_awards_chart_keeps_the_most_awarded_kinds():
    many = [{"award_name": f"Kind {i:02d}", "nominee_kind": "Cá nhân", "year": 2026} for i in range(25)]
    chart = charts.awards_chart(models.award_stats(many + [many[24]]))
    assert chart is not None and len(chart["names"]) == charts.AWARD_NAMES and chart["names"][0] == "Kind 24"


# -- the page --------------------------------------------------------------------------------------
async def test_the_page_draws_each_chart_from_the_tables_figures(client, fakes):
    await signed(client, fakes)
    page = (await client.get("/board?campaign_id=pt-1")).text
    assert block(page, "timeliness")["series"][0]["values"] == [3, 1, 1, 2, 1, 1]
    assert block(page, "pipeline")["series"][2] == {"name": "Quá hạn", "values": [0, 1]}
    awards = block(page, "awards")
    assert awards["stacked"] is True and awards["names"] == ["Bằng khen", f"Cờ thi đua {SCRIPT}"]
    # the stored <script> is text inside the JSON block: it cannot close the block
    assert SCRIPT not in page and "\\u003cscript\\u003e" in page
    for name, label in (("timeliness", "brd_chart_timeliness"), ("pipeline", "brd_chart_pipeline"),
                        ("awards", "brd_chart_awards")):
        assert (f'<div class="brd-chart" id="brd-{name}-chart" role="img" aria-label="{htmllib.escape(VI[label])}" '
                f'data-source="brd-{name}-data"></div>') in page
    assert page.count(f"<figcaption>{VI['brd_chart_caption']}</figcaption>") == 3
    # the tables stay, the accessible version of the same figures
    assert 'id="brd-timeliness-table"' in page and 'id="brd-stages"' in page and 'id="brd-award-stats"' in page


async def test_the_charts_scripts_are_vendored_files_and_no_inline_script(client, fakes):
    await signed(client, fakes)
    page = (await client.get("/board?campaign_id=pt-1")).text
    for src in ("/static/vendor/echarts.min.js", "/static/vendor/echarts-langVI.js", "/static/board.js"):
        assert f'<script src="{src}" defer></script>' in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert scripts and all('type="application/json"' in s for s in scripts)  # data only, never executed
    assert " style=" not in page and " onclick=" not in page
    js = await client.get("/static/board.js")
    assert js.status_code == 200 and "echarts.init" in js.text and 'locale: lang === "en" ? "EN" : "VI"' in js.text


async def test_english_chart_labels(client, fakes):
    await signed(client, fakes)
    client.cookies.set("lang", "en")
    page = (await client.get("/board?campaign_id=pt-1")).text
    assert block(page, "pipeline")["series"][1]["name"] == "In the stage now"
    assert 'aria-label="Bar chart: per stage, nominations through it, in it now and overdue"' in page


async def test_nothing_to_chart_no_chart(client, fakes):
    fakes.subs = []
    await signed(client, fakes)
    page = (await client.get("/board?campaign_id=pt-2")).text
    assert 'id="brd-timeliness-data"' not in page and 'id="brd-timeliness-table"' in page
