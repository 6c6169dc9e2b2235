"""A scoring worker killed (SIGKILL) in the middle of a stream and restarted loses nothing and
double-counts nothing."""

import asyncio
import json
import uuid

import httpx
from pymongo import AsyncMongoClient

from .conftest import TENANT, eventually, launch_and_run, mails, read_topic, reporting_get, small_campaign

UNITS = 30
QUARTERS = [f"{y}-Q{q}" for y in range(2016, 2021) for q in range(1, 5)]  # 20 periods


def values(unit: int, q: int) -> tuple[dict, float]:
    homes = 10 * ((unit + q) % 9) + 5  # target 100, max 60 points
    houses = (unit * q) % 12  # target 10, max 40 points
    points = min(60, homes / 100 * 60) + min(40, houses / 10 * 40)
    return {"ho-thoat-ngheo": homes, "nha-dai-doan-ket": houses}, points


async def test_scoring_killed_mid_stream_loses_and_double_counts_nothing(stack, settings, board):
    campaign_id = f"kill-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        r = await client.put(f"/api/v1/campaigns/{campaign_id}", json=small_campaign(campaign_id, UNITS), headers=board)
        assert r.status_code == 200
        await launch_and_run(client, campaign_id, board)
        await eventually(lambda: reporting_get(stack, f"/api/v1/campaigns/{campaign_id}/leaderboard", board))

        expected: dict[str, float] = {}
        submission_ids = set()
        bodies = []
        for unit in range(1, UNITS + 1):
            for q, period in enumerate(QUARTERS[:12]):
                vals, points = values(unit, q)
                expected[f"don-vi-{unit}"] = expected.get(f"don-vi-{unit}", 0) + points
                bodies.append({"tenant": TENANT, "campaign_id": campaign_id, "unit_id": f"don-vi-{unit}",
                               "period": period, "values": vals})
    total = len(bodies)  # 360

    mongo = AsyncMongoClient(settings.mongo_uri)
    index = mongo[settings.db_name("scoring")].score_index

    async def scored() -> list[dict]:
        """Provisional scores scoring holds for the campaign (its score index)."""
        return [
            entry
            async for d in index.find({"campaign_key": f"{TENANT}/{campaign_id}", "status": "provisional"})
            for entry in d.get("units", {}).values()
        ]

    async def send_all() -> None:
        # sent while scoring runs, a few at a time, so that scoring takes them in many small
        # batches: a backlog sent beforehand is scored in one batch, and a kill then lands either
        # before or after all of it, never in the middle
        sem = asyncio.Semaphore(4)
        async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as sender:

            async def send(body):
                async with sem:
                    resp = await sender.post("/api/v1/submissions", json=body, headers=board)
                    assert resp.status_code == 202, resp.text
                    submission_ids.add(resp.json()["submission_id"])

            await asyncio.gather(*(send(b) for b in bodies))

    try:
        sending = asyncio.create_task(send_all())
        await eventually(scored, timeout=60, interval=0.01)
        stack.service("scoring").kill()
        scored_before_kill = len(await scored())
        assert 0 < scored_before_kill < total, "the kill must land mid-stream"
        await sending

        stack.start_services(("scoring",))

        async def all_scored():
            return len(await scored()) == total

        await eventually(all_scored, timeout=120, interval=0.5)
        # one score per submission, no more
        assert {e["submission_id"] for e in await scored()} == submission_ids
    finally:
        await mongo.close()

    async def board_complete():
        b = await reporting_get(stack, f"/api/v1/campaigns/{campaign_id}/leaderboard", board)
        return b if b and all(s["periods_reported"] == 12 for s in b["standings"]) else None

    leaderboard = await eventually(board_complete, timeout=60)
    for s in leaderboard["standings"]:
        assert abs(s["total"] - round(expected[s["unit_id"]], 4)) < 1e-6, s

    records = await read_topic(settings, "scores", lambda r: json.loads(r.value)["data"]["campaign_id"] == campaign_id)
    by_submission: dict[str, set] = {}
    for rec in records:
        event = json.loads(rec.value)
        by_submission.setdefault(event["data"]["submission_id"], set()).add(event["id"])
    assert set(by_submission) == submission_ids
    assert all(len(ids) == 1 for ids in by_submission.values())  # repeats carry the same event id

    async def all_mailed():
        got = [m for m in mails(stack) if m["to"].endswith(f"@{campaign_id}.test")]
        return got if len(got) >= total else None

    got = await eventually(all_mailed, timeout=120, interval=0.5)
    await asyncio.sleep(1)
    got = [m for m in mails(stack) if m["to"].endswith(f"@{campaign_id}.test")]
    assert len(got) == total  # one email per submission, none twice
    assert len({m["message_id"] for m in got}) == total
