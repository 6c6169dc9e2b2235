"""Whole-campaign leaderboards compare units over the same periods (the periods every unit was
due to report), missing reports counted as the campaign says, and say so in the answer and on
the page: a unit that reported more periods no longer outranks a better one by adding them up."""

import uuid

import httpx
import pytest

from .conftest import TENANT, eventually, launch_and_run, reporter, reporting_get, small_campaign
from .test_dashboard import CHROMIUM, render

# A reports two quarters at the target (100 points each), B three at 80 % of it (80 each): added
# up, B led with 240 against 200
A_VALUES = {"ho-thoat-ngheo": 100, "nha-dai-doan-ket": 10}
B_VALUES = {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 8}
DUE = [f"{y}-Q{q}" for y in (2016, 2017) for q in range(1, 5)] + ["2018-Q1", "2018-Q2", "2018-Q3"]


async def board_after_reports(stack, settings, board, missing: str | None) -> dict:
    cid = f"pt-{uuid.uuid4().hex[:8]}"
    body = small_campaign(cid, units=2)
    if missing:
        body["missing_reports"] = missing
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        r = await client.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)
        assert r.status_code == 200, r.text
        assert r.json()["missing_reports"] == (missing or "zero")
        await launch_and_run(client, cid, board)
        reports = [("don-vi-1", p, A_VALUES) for p in ("2018-Q1", "2018-Q2")]
        reports += [("don-vi-2", p, B_VALUES) for p in ("2018-Q1", "2018-Q2", "2018-Q3")]
        for unit, period, values in reports:
            r = await client.post("/api/v1/submissions", headers=reporter(settings, unit), json={
                "tenant": TENANT, "campaign_id": cid, "unit_id": unit, "period": period, "values": values})
            assert r.status_code == 202, r.text

    async def all_scored():
        got = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board)
        return got if got and sum(s["periods_reported"] for s in got["standings"]) == 5 else None

    return await eventually(all_scored, timeout=60)


@pytest.mark.parametrize("missing", ["excluded", None])
async def test_more_periods_with_lower_scores_do_not_outrank_a_better_unit(stack, settings, board, missing):
    got = await board_after_reports(stack, settings, board, missing)
    basis = got["basis"]
    assert basis["periods"] == DUE and basis["missing_reports"] == (missing or "zero")
    assert basis["period_labels"][0] == "quý I/2016" and basis["period_labels"][-1] == "quý III/2018"
    s = {x["unit_id"]: x for x in got["standings"]}
    a, b = s["don-vi-1"], s["don-vi-2"]
    assert (a["total"], b["total"]) == (200, 240)
    assert (a["periods_reported"], b["periods_reported"], a["periods_due"]) == (2, 3, 11)
    assert a["max_total"] == 100 * 11
    if missing == "excluded":
        # ranked on the mean of the periods each reported: A 100, B 80
        assert (a["score"], b["score"]) == (100, 80)
        assert (a["rank"], b["rank"]) == (1, 2)
        assert basis["description"] == (
            "Xếp hạng theo điểm bình quân mỗi kỳ trên các kỳ đơn vị đã báo cáo, trong 11 kỳ mọi đơn vị phải báo cáo "
            "(quý I/2016 – quý III/2018); kỳ không báo cáo không được tính.")
    else:
        # the default: a due period not reported counts 0, so A's missing 2018-Q3 costs it
        assert (a["score"], b["score"]) == (round(200 / 11, 4), round(240 / 11, 4))
        assert (b["rank"], a["rank"]) == (1, 2)
        assert basis["description"] == (
            "Xếp hạng theo điểm bình quân mỗi kỳ trên 11 kỳ mọi đơn vị phải báo cáo (quý I/2016 – quý III/2018); "
            "kỳ không báo cáo được tính 0 điểm.")


async def test_one_period_board_states_its_basis_in_english(stack, settings, board):
    got = await board_after_reports(stack, settings, board, "excluded")
    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=30) as client:
        r = await client.get(f"/api/v1/campaigns/{got['campaign_id']}/leaderboard", params={"period": "2018-Q3"},
                             headers={**board, "Accept-Language": "en"})
    assert r.status_code == 200, r.text
    one = r.json()
    assert one["basis"]["periods"] == ["2018-Q3"] and one["basis"]["description"] == "Ranked on the scores of Q3 2018."
    s = {x["unit_id"]: x for x in one["standings"]}
    assert (s["don-vi-2"]["rank"], s["don-vi-2"]["score"], s["don-vi-1"]["reported"]) == (1, 80, False)


async def test_a_campaign_with_an_unknown_missing_rule_is_refused(stack, board):
    cid = f"pt-{uuid.uuid4().hex[:8]}"
    body = {**small_campaign(cid, units=2), "missing_reports": "average"}
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        r = await client.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["missing_reports"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by ./scripts/bootstrap")
async def test_the_public_board_states_the_basis_under_the_board(stack, settings, board):
    got = await board_after_reports(stack, settings, board, "excluded")
    cid = got["campaign_id"]
    # issue 10: the public board (verified standings only) replaced the token-in-page /dashboard
    public = await reporting_get(stack, f"/public/api/{TENANT}/campaigns/{cid}/leaderboard", {})
    dom = render(f"{stack.url('reporting')}/public/{TENANT}#campaign={cid}")
    line = dom[dom.index('<p id="basis"'):].split("</p>")[0]
    assert public["basis"]["description"] and public["basis"]["description"] in line, line
