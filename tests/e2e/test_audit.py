"""The audit trail on the real stack: every state change in intake queues its record in its own
transaction and the outbox relay chains it (hash-linked, in order); `thidua-audit verify` passes on the untouched chain, and names the seq of
a record changed or deleted behind the application's back."""

import asyncio
import os
import subprocess
import sys

import httpx
from pymongo import AsyncMongoClient

from .conftest import eventually, reporter, submission, token


def verify(stack) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "thidua_intake.audit", "verify"],
        env={**os.environ, **stack.env()},
        capture_output=True,
        text=True,
        timeout=60,
    )


async def trail(stack, headers, **params):
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        return await client.get("/api/v1/audit", params=params, headers=headers)


async def test_every_change_is_chained_and_tampering_is_found(stack, settings, campaign, board):
    cid = campaign["id"]
    # concurrent submissions all append to the same chain: conflicts are retried, none is lost
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        answers = await asyncio.gather(*[
            client.post("/api/v1/submissions", json=submission(cid, f"don-vi-{i}", period),
                        headers=reporter(settings, f"don-vi-{i}"))
            for i in (1, 2, 3, 4) for period in ("2018-Q1", "2018-Q2")
        ])
    assert [a.status_code for a in answers] == [202] * 8, [a.text for a in answers if a.status_code != 202]

    auditor = {"Authorization": f"Bearer {token(settings, ['auditor'])}"}
    response = await trail(stack, auditor, subject=cid)
    assert response.status_code == 200, response.text
    records = response.json()
    assert [r["action"] for r in records] == ["vn.thidua.campaign.defined.v1"] * 3  # created, launched, running
    launched = records[1]
    assert launched["actor"] == "board" and launched["reason"] == "Kế hoạch thi đua"
    assert {"seq", "at", "tenant", "event_id", "payload_sha256", "prev_hash", "hash"} <= set(launched)
    async def all_eight_chained():
        found = [r for r in (await trail(stack, auditor, from_seq=launched["seq"])).json()
                 if r["action"] == "vn.thidua.submission.received.v1" and r["subject"].startswith(cid)]
        return found if len(found) >= 8 else None

    # the relay chains them moments after the answers
    subs = await eventually(all_eight_chained)
    assert len(subs) == 8 and all(r["actor"] and r["actor"] != "/thidua/intake/submissions" for r in subs)
    seqs = [r["seq"] for r in (await trail(stack, auditor, from_seq=launched["seq"])).json()]
    assert seqs == list(range(launched["seq"], launched["seq"] + len(seqs)))  # one unbroken sequence
    assert (await trail(stack, reporter(settings, "don-vi-1"))).status_code == 403  # auditors and the board only

    ok = verify(stack)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    mongo = AsyncMongoClient(settings.mongo_uri)
    audit = mongo[settings.db_name("intake")].audit
    key = {"tenant": launched["tenant"], "seq": launched["seq"]}
    stored = await audit.find_one(key)
    try:
        # a changed reason
        await audit.update_one(key, {"$set": {"reason": "Lý do đã bị sửa"}})
        broken = verify(stack)
        assert broken.returncode == 1, broken.stdout
        assert f"seq {launched['seq']}:" in broken.stdout and "hash differs" in broken.stdout
        await audit.update_one(key, {"$set": {"reason": launched["reason"]}})
        assert verify(stack).returncode == 0

        # a deleted record
        await audit.delete_one(key)
        broken = verify(stack)
        assert broken.returncode == 1, broken.stdout
        assert f"seq {launched['seq']}:" in broken.stdout and "missing" in broken.stdout
        await audit.insert_one(stored)
    finally:
        await audit.update_one(key, {"$set": {"reason": launched["reason"]}})
        if await audit.find_one(key) is None:
            await audit.insert_one(stored)
        await mongo.close()
    assert verify(stack).returncode == 0
