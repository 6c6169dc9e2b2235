"""A merge of two units keeps both histories, and the merged unit's results add up: before the
merge it inherits its predecessors' results, after it scores on its own."""

import uuid

import httpx

from .conftest import TENANT, eventually, launch_and_run, reporter, reporting_get


async def test_merged_unit_inherits_results_and_predecessors_keep_their_history(stack, settings, board):
    sfx = uuid.uuid4().hex[:6]
    a, b, c, merged = f"huyen-a-{sfx}", f"huyen-b-{sfx}", f"huyen-c-{sfx}", f"huyen-ab-{sfx}"
    cid = f"mg-{sfx}"
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        for unit, name in ((a, "Huyện A"), (b, "Huyện B"), (c, "Huyện C")):
            r = await client.put(f"/api/v1/units/{unit}", headers=board,
                                 json={"name_vi": name, "unit_type": "district", "valid_from": "2004-01-01"})
            assert r.status_code == 200, r.text
        r = await client.put(f"/api/v1/campaigns/{cid}", headers=board, json={
            "name_vi": "Chung sức xây dựng nông thôn mới",
            "launched_by": "UBND tỉnh",
            "start": "2018-01-01",
            "end": "2018-12-31",
            "reporting_frequency": "quarter",
            "criteria": [{"id": "km-duong", "name_vi": "Km đường được cứng hóa", "max_points": 100, "target": 100}],
            "clusters": [{"id": "khoi-huyen", "name_vi": "Khối huyện"}],
            "participants": [{"unit_id": u, "name_vi": n, "unit_type": "district", "cluster_id": "khoi-huyen"}
                             for u, n in ((a, "Huyện A"), (b, "Huyện B"), (c, "Huyện C"))],
        })
        assert r.status_code == 200, r.text
        await launch_and_run(client, cid, board)

        async def submit(unit, period, km):
            r = await client.post("/api/v1/submissions", headers=reporter(settings, unit), json={
                "tenant": TENANT, "campaign_id": cid, "unit_id": unit, "period": period, "values": {"km-duong": km}})
            assert r.status_code == 202, r.text

        await submit(a, "2018-Q1", 60)
        await submit(a, "2018-Q2", 70)
        await submit(b, "2018-Q1", 40)
        await submit(c, "2018-Q1", 100)

        async def board_with(n_reported):
            got = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board)
            return got if got and sum(s["periods_reported"] for s in got["standings"]) == n_reported else None

        await eventually(lambda: board_with(4))
        r = await client.post("/api/v1/units/merge", headers=board, json={
            "sources": [a, b],
            "into": {"unit_id": merged, "name_vi": "Huyện A – B", "unit_type": "district"},
            "effective": "2018-07-01",
            "reason": "Sắp xếp đơn vị hành chính cấp huyện",
        })
        assert r.status_code in (200, 201), r.text

        async def merged_listed():
            got = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board)
            ids = {s["unit_id"] for s in (got or {}).get("standings", [])}
            return got if merged in ids and a not in ids else None

        standings = {s["unit_id"]: s for s in (await eventually(merged_listed))["standings"]}
        # before the merge: Q1 = mean(60, 40), Q2 = A's 70
        assert standings[merged]["total"] == 120 and standings[merged]["inherited_periods"] == 2
        assert standings[merged]["periods_reported"] == 0

        r = await client.post("/api/v1/submissions", headers=reporter(settings, merged), json={
            "tenant": TENANT, "campaign_id": cid, "unit_id": merged, "period": "2018-Q3", "values": {"km-duong": 90}})
        assert r.status_code == 202, r.text

        async def merged_scored():
            got = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board)
            s = next(x for x in got["standings"] if x["unit_id"] == merged)
            return got if s["periods_reported"] == 1 else None

        standings = {s["unit_id"]: s for s in (await eventually(merged_scored))["standings"]}
    assert standings[merged]["total"] == 210 and standings[merged]["rank"] == 1
    assert standings[c]["total"] == 100
    # both predecessors keep their own history
    card_a = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/{a}/scorecard", board)
    card_b = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/{b}/scorecard", board)
    assert [(p["period"], p["total"]) for p in card_a["periods"]] == [("2018-Q1", 60), ("2018-Q2", 70)]
    assert [(p["period"], p["total"]) for p in card_b["periods"]] == [("2018-Q1", 40)]
    card_m = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/{merged}/scorecard", board)
    assert sorted(card_m["inherited_from"]) == sorted([a, b])
    assert [(p["period"], p["total"]) for p in card_m["periods"]] == [("2018-Q3", 90)]
