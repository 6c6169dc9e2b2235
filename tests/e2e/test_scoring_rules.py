"""Scores that users can trust and explain, through the real stack: criteria trees, the
cluster-leader rule, a plugin scorer installed from its own package, target changes with their
reasons, criteria versions, progress against targets, and replay equal to live processing."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import SCORE_COMPUTED, topic_name
from thidua_common.contracts.score import ScoreComputed
from thidua_common.kafka import encode_event
from thidua_common.kafka.client import security_options

from .conftest import TENANT, eventually, launch_and_run, reporter, reporting_get, small_campaign


def cluster_campaign(campaign_id: str) -> dict:
    units = [("doi-1", "Đội Cảnh sát 1"), ("doi-2", "Đội Cảnh sát 2"), ("doi-3", "Đội Cảnh sát 3"), ("doi-4", "Đội 4")]
    return {
        "name_vi": "Thi đua cụm Công an",
        "launched_by": "Công an tỉnh",
        "start": "2018-01-01",
        "end": "2018-12-31",
        "reporting_frequency": "year",
        "criteria": [
            {"id": "nghiep-vu", "name_vi": "Công tác nghiệp vụ", "max_points": 55, "children": [
                {"id": "chuyen-an", "name_vi": "Chuyên án phá được", "max_points": 30, "target": 10,
                 "scorer": "cluster_leader"},
                {"id": "truy-na", "name_vi": "Đối tượng truy nã bắt được", "max_points": 30, "target": 20,
                 "scorer": "step_table", "params": {"steps": [[1, 1], [0.8, 0.6], [0.5, 0.3]]}},
            ]},
            {"id": "vi-pham", "name_vi": "Vi phạm kỷ luật", "max_points": 10, "scorer": "penalty",
             "params": {"points_per": 5}},
        ],
        "clusters": [{"id": "cum-1", "name_vi": "Cụm thi đua số 1"}, {"id": "cum-2", "name_vi": "Cụm số 2"}],
        "participants": [
            {"unit_id": u, "name_vi": n, "unit_type": "other", "cluster_id": "cum-2" if u == "doi-4" else "cum-1"}
            for u, n in units
        ],
    }


def quarterly_campaign(name_vi: str, criterion: dict, participant: dict) -> dict:
    """A 2018 campaign of the province reported each quarter, with one criterion and one unit."""
    return {
        "name_vi": name_vi,
        "launched_by": "UBND tỉnh Đắk Nông",
        "start": "2018-01-01",
        "end": "2018-12-31",
        "reporting_frequency": "quarter",
        "criteria": [criterion],
        "participants": [participant],
    }


async def create(client, board, campaign_id, body):
    r = await client.put(f"/api/v1/campaigns/{campaign_id}", json=body, headers=board)
    assert r.status_code == 200, r.text
    await launch_and_run(client, campaign_id, board)


async def submit(client, settings, campaign_id, unit, period, values):
    r = await client.post(
        "/api/v1/submissions",
        json={"tenant": TENANT, "campaign_id": campaign_id, "unit_id": unit, "period": period, "values": values},
        headers=reporter(settings, unit),
    )
    assert r.status_code == 202, r.text


async def scorecard(stack, board, campaign_id, unit):
    return await reporting_get(stack, f"/api/v1/campaigns/{campaign_id}/units/{unit}/scorecard", board)


def lines(card, period):
    return {c["criterion_id"]: c for c in next(p for p in card["periods"] if p["period"] == period)["criteria"]}


async def until_total(stack, board, campaign_id, unit, total, period):
    async def probe():
        card = await scorecard(stack, board, campaign_id, unit)
        found = [p for p in (card or {}).get("periods", []) if p["period"] == period]
        return card if found and abs(found[0]["total"] - total) < 1e-6 else None

    return await eventually(probe, timeout=20)


async def test_cluster_leader_plugin_and_tree_through_the_stack(stack, settings, board):
    cid = f"cum-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        await create(client, board, cid, cluster_campaign(cid))
        await submit(client, settings, cid, "doi-1", "2018", {"chuyen-an": 12, "truy-na": 20, "vi-pham": 1})
        await submit(client, settings, cid, "doi-2", "2018", {"chuyen-an": 8, "truy-na": 17})
        # doi-1 leads the cluster alone: 30 + 30 (100% → step 100%) = 60 capped at 55, minus 5
        card = await until_total(stack, board, cid, "doi-1", 50, "2018")
        got = lines(card, "2018")
        assert got["chuyen-an"]["points"] == 30 and "Dẫn đầu cụm" in got["chuyen-an"]["explanation"]
        assert got["truy-na"]["scorer"] == "step_table" and got["truy-na"]["points"] == 30
        assert got["nghiep-vu"]["kind"] == "group" and got["nghiep-vu"]["points"] == 55
        assert got["vi-pham"]["points"] == -5
        # the sign travels with each line (scoring's scorer knows it deducts), not a scorer name in readers
        assert got["vi-pham"]["deduction"] is True and got["chuyen-an"]["deduction"] is False
        # doi-2: below target 0.5·30·8/10 = 12; 85% → step 60% = 18
        await until_total(stack, board, cid, "doi-2", 30, "2018")

        # doi-3 overtakes: doi-1 is no longer the leader and is recomputed without submitting again
        await submit(client, settings, cid, "doi-3", "2018", {"chuyen-an": 15, "truy-na": 10})
        # doi-1: 0.5·30 + 0.5·30·(12−10)/(15−10) = 21; + 30 = 51 (under the cap of 55); − 5 = 46
        card = await until_total(stack, board, cid, "doi-1", 46, "2018")
        period = next(p for p in card["periods"] if p["period"] == "2018")
        assert period["cause_kind"] == "cohort" and "cụm thi đua" in period["cause"]
        assert "doi-3" in lines(card, "2018")["chuyen-an"]["explanation"]
        # doi-4 is in another cluster and is ranked within it
    board_json = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?cluster=cum-1", board)
    assert [(s["unit_id"], s["rank"]) for s in board_json["standings"]][:3] == [("doi-1", 1), ("doi-3", 2), ("doi-2", 3)]


async def test_target_change_rescored_with_reason_and_history_kept(stack, settings, board):
    cid = f"ct-{uuid.uuid4().hex[:6]}"
    body = quarterly_campaign(
        "Chung tay vì người nghèo",
        {"id": "ho-thoat-ngheo", "name_vi": "Hộ thoát nghèo", "max_points": 100, "target": 100},
        {"unit_id": "huyen-a", "name_vi": "Huyện A", "unit_type": "district"},
    )
    unit_headers = reporter(settings, "huyen-a")
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        await create(client, board, cid, body)
        r = await client.put(f"/api/v1/campaigns/{cid}/registrations/huyen-a", headers=unit_headers, json={
            "targets": [{"criterion_id": "ho-thoat-ngheo", "period": None, "value": 80}],
            "titles": ["Cờ thi đua của UBND tỉnh"], "reason": "Đăng ký đầu năm"})
        assert r.status_code in (200, 201), r.text
        await submit(client, settings, cid, "huyen-a", "2018-Q1", {"ho-thoat-ngheo": 60})
        await until_total(stack, board, cid, "huyen-a", 75, "2018-Q1")  # 60/80
        r = await client.patch(f"/api/v1/campaigns/{cid}/registrations/huyen-a/targets", headers=unit_headers, json={
            "criterion_id": "ho-thoat-ngheo", "period": None, "value": 120,
            "reason": "Điều chỉnh theo Nghị quyết HĐND tỉnh"})
        assert r.status_code == 200, r.text
        card = await until_total(stack, board, cid, "huyen-a", 50, "2018-Q1")  # 60/120
    period = card["periods"][0]
    assert period["cause_kind"] == "target"
    assert "Điều chỉnh theo Nghị quyết HĐND tỉnh" in period["cause"] and "80" in period["cause"] and "120" in period["cause"]
    assert lines(card, "2018-Q1")["ho-thoat-ngheo"]["target_source"] == "registration"
    history = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/huyen-a/history", board)
    provisional = [h for h in history if h["status"] == "provisional"]
    # (the registration and the submission travel on different topics: a first score against the
    # criterion's default target may come before the one against the registered target)
    assert [h["revision"] for h in provisional] == list(range(1, len(provisional) + 1))
    assert (provisional[-1]["total"], provisional[-1]["cause_kind"]) == (50, "target")
    earlier = next(h for h in provisional if h["total"] == 75)
    assert "60/80" in earlier["criteria"][0]["explanation"]  # the earlier explanation is still readable

    progress = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/huyen-a/progress", board)
    point = progress["criteria"][0]["series"][0]
    assert (point["value"], point["target"], point["achieved_pct"]) == (60, 120, 50)


async def test_new_criteria_version_rescores_every_period(stack, settings, board):
    cid = f"cv-{uuid.uuid4().hex[:6]}"
    body = quarterly_campaign(
        "Cải cách thủ tục hành chính",
        {"id": "dung-han", "name_vi": "Hồ sơ đúng hạn", "max_points": 40, "target": 100},
        {"unit_id": "so-a", "name_vi": "Sở A", "unit_type": "department"},
    )
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        await create(client, board, cid, body)
        for q, v in (("2018-Q1", 50), ("2018-Q2", 100)):
            await submit(client, settings, cid, "so-a", q, {"dung-han": v})
        await until_total(stack, board, cid, "so-a", 40, "2018-Q2")
        body["criteria"][0]["max_points"] = 60
        body["reason"] = "Tăng trọng số theo Quyết định sửa đổi"
        r = await client.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)
        assert r.status_code == 200 and r.json()["criteria_version"] == 2
        async def rescored():
            c = await scorecard(stack, board, cid, "so-a")
            return c if c and all(p["criteria_version"] == 2 for p in c["periods"]) else None

        card = await eventually(rescored)
    assert all(p["criteria_version"] == 2 and p["cause_kind"] == "criteria" for p in card["periods"])
    assert "Tăng trọng số" in card["periods"][0]["cause"]
    assert [p["total"] for p in card["periods"]] == [30, 60]


async def test_the_leaderboard_maximum_is_the_one_scoring_stated(stack, settings, board):
    """Reporting takes each period's maximum from the score events instead of re-deriving it from
    the criteria (here the criteria add up to 100; the event says 80, e.g. a plugin that deducts)."""
    cid = f"pt-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        await create(client, board, cid, small_campaign(cid, units=2))
    await eventually(lambda: reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board))
    score = ScoreComputed(submission_id="s-1", campaign_id=cid, unit_id="don-vi-1", period="2018-Q1",
                          criteria_version=1, total=64, max_total=80, criteria=[], submitted_at=None,
                          computed_at=datetime.now(UTC))
    event = new_event(type=SCORE_COMPUTED, source="/thidua/scoring", tenant=TENANT, subject=f"{cid}/don-vi-1/2018-Q1",
                      data=score)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        value, headers = encode_event(event)
        await producer.send_and_wait(topic_name(settings.topic_prefix, "scores"), value,
                                     key=f"{TENANT}/{cid}".encode(), headers=headers)
    finally:
        await producer.stop()

    async def scored():
        got = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?period=2018-Q1", board)
        return got if got and got["standings"][0]["total"] == 64 else None

    got = await eventually(scored)
    assert {s["max_total"] for s in got["standings"]} == {80}


async def test_replay_reaches_exactly_the_live_result(stack, settings, board):
    # runs after the other tests of this module have filled the history
    env = {**os.environ, **stack.env()}
    for command in ("thidua_scoring.replay", "thidua_reporting.replay"):
        done = subprocess.run([sys.executable, "-m", command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Giống hệt" in done.stdout
