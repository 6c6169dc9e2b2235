"""Phase `campaign`: the benchmark campaign created through intake, and the template event."""

from __future__ import annotations

import json
import random
import time

import httpx

from thidua_common.auth import mint_token
from thidua_common.contracts.registry import topic_name
from thidua_devstack.stack import Stack

from _pipeline.kafka_tools import assigned_consumer
from _pipeline.measure import log
from _pipeline.workload import CAMPAIGN_ID, TENANT, Template, campaign_body, submission_fields, unit_id


# -- phase: campaign and template ----------------------------------------------------------------
async def create_campaign(stack: Stack, participants: int) -> tuple[dict, Template]:
    settings = stack.settings()
    board = mint_token(settings, subject="bench-board", tenant=TENANT, roles=["board_officer"])
    probe_unit = unit_id(0)
    reporter = mint_token(settings, subject="bench-probe", tenant=TENANT, roles=["unit_reporter"], unit_id=probe_unit)
    campaigns = await assigned_consumer(settings.kafka_bootstrap, topic_name(stack.prefix, "campaigns"), True)
    submissions = await assigned_consumer(settings.kafka_bootstrap, topic_name(stack.prefix, "submissions"), False)
    try:
        async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
            t0 = time.perf_counter()
            response = await client.put(
                f"/api/v1/campaigns/{CAMPAIGN_ID}",
                json=campaign_body(participants),
                headers={"Authorization": f"Bearer {board}"},
            )
            put_ms = 1000 * (time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(f"PUT campaign refused: {response.status_code} {response.text[:2000]}")
            campaign = response.json()
            relayed_ms = None
            deadline = time.monotonic() + 30
            while relayed_ms is None and time.monotonic() < deadline:
                batch = await campaigns.getmany(timeout_ms=300)
                for recs in batch.values():
                    for r in recs:
                        if json.loads(r.value).get("subject") == CAMPAIGN_ID:
                            relayed_ms = 1000 * (time.perf_counter() - t0)
            if relayed_ms is None:
                raise TimeoutError("the campaign event never reached the campaigns topic")
            log(f"campaign: {participants} participants, PUT {put_ms:.0f} ms, relayed after {relayed_ms:.0f} ms")
            if campaign.get("status") == "draft":
                # a new campaign is a draft: launch it, then run it, so that units may report
                for status in ("launched", "running"):
                    response = await client.post(
                        f"/api/v1/campaigns/{CAMPAIGN_ID}/status",
                        json={"status": status, "reason": "bench"},
                        headers={"Authorization": f"Bearer {board}"},
                    )
                    if response.status_code != 200:
                        raise RuntimeError(f"campaign status {status} refused: {response.status_code} {response.text}")
                    campaign = response.json()

            body = {"tenant": TENANT, **submission_fields(random.Random(0), probe_unit)}
            response = await client.post(
                "/api/v1/submissions", json=body, headers={"Authorization": f"Bearer {reporter}"}
            )
            if response.status_code != 202:
                raise RuntimeError(f"probe submission refused: {response.status_code} {response.text[:2000]}")
            submission_id = response.json()["submission_id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch = await submissions.getmany(timeout_ms=300)
            for recs in batch.values():
                for r in recs:
                    if json.loads(r.value)["data"].get("submission_id") == submission_id:
                        template = Template(r.value, r.key, list(r.headers), probe_unit)
                        log(f"template: submission.received is {len(r.value)} bytes, key {r.key!r}")
                        return {
                            "participants": participants,
                            "criteria_version": campaign.get("criteria_version"),
                            "status": campaign.get("status"),
                            "put_ms": round(put_ms, 1),
                            "relayed_ms": round(relayed_ms, 1),
                            "event_bytes": len(r.value),
                            "event_key": r.key.decode() if r.key else None,
                        }, template
        raise TimeoutError("the probe submission never reached the submissions topic")
    finally:
        await campaigns.stop()
        await submissions.stop()
