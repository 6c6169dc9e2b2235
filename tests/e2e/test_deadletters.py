"""issue 12: dead letters that operators can act on, through the real stack: inbound events intake
refuses are listed and shown by `thidua-deadletters`; after the board fixes the cause (the unit made
a participant through intake's API) a replay takes effect exactly once and a second replay is
refused; the board gets one digest mail for several dead letters; intake's /metrics counts them."""

import asyncio
import json
import os
import re
import sys
import uuid

import httpx
from pymongo import AsyncMongoClient

from thidua_common.contracts.registry import topic_name
from thidua_common.kafka.client import make_producer

from .conftest import TENANT, TEST_ENV, eventually, mails, read_topic
from .helpers import call, inbound_submission

BOARD = "ban-tdkt@thidua.local"  # THIDUA_ESCALATION_EMAIL's default
WINDOW = "12"  # long enough to kill notify while the digest waits


async def deadletters(stack, *args: str) -> tuple[int, str]:
    """Run the command as an operator would, with the stack's settings."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "thidua_common.deadletters.cli", *args,
        env={**os.environ, **stack.env()}, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode()


def counted(text: str) -> dict[str, float]:
    found = {}
    for reason, value in re.findall(r'thidua_dead_letters_total\{reason="([^"]+)",topic="[^"]*inbound\.dlq\.v1"\} (\S+)', text):
        found[reason] = float(value)
    return found


def metrics(stack) -> dict[str, float]:
    return counted(httpx.get(f"{stack.url('intake')}/metrics", timeout=30).text)


async def restart_notify(stack, window: str | None) -> None:
    # the session's stack shares TEST_ENV: the short window is put back to the session's after the test
    stack.extra_env["THIDUA_NOTIFY_DEADLETTER_WINDOW_SECONDS"] = window or TEST_ENV["THIDUA_NOTIFY_DEADLETTER_WINDOW_SECONDS"]
    await asyncio.to_thread(stack.stop_service, "notify")
    await asyncio.to_thread(stack.start_services, ("notify",))


async def test_dead_letters_are_listed_replayed_once_after_the_fix_mailed_in_one_digest_and_counted(
    stack, settings, board, campaign
):
    cid = campaign["id"]
    mongo = AsyncMongoClient(settings.mongo_uri)
    items = mongo[settings.db_name("notify")].deadletter_items
    submissions = mongo[settings.db_name("intake")].submissions
    await restart_notify(stack, WINDOW)
    try:
        # the dead letters of earlier tests go out in their own digest first
        await eventually(lambda: _none_pending(items), 60, 0.5)
        before = metrics(stack)

        # three refused events: a unit that does not take part, bytes that are not JSON, a kind not taken here
        event = inbound_submission(cid, "don-vi-9")
        broken = json.loads(event.model_dump_json())
        broken.update(id=str(uuid.uuid4()), type="vn.thidua.something.else.v1")
        markers = [uuid.uuid4().hex.encode() for _ in range(3)]
        producer = make_producer(settings)
        await producer.start()
        try:
            inbound = topic_name(settings.topic_prefix, "inbound")
            await producer.send_and_wait(inbound, event.model_dump_json().encode(), key=markers[0])
            await producer.send_and_wait(inbound, b"{ not json", key=markers[1])
            await producer.send_and_wait(inbound, json.dumps(broken).encode(), key=markers[2])
        finally:
            await producer.stop()
        dead = await read_topic(settings, "inbound_dlq", lambda r: r.key in markers)
        dead = sorted(dead, key=lambda r: markers.index(r.key))
        assert len(dead) == 3
        wheres = [f"{topic_name(settings.topic_prefix, 'inbound_dlq')}/0/{r.offset}" for r in dead]

        # notify has recorded them for the board and dies (SIGKILL) before the window is over: the
        # restarted notify sends the digest (nothing lost), once (nothing twice)
        mine = {"recipient": BOARD, "where": {"$in": wheres}}
        await eventually(lambda: _count(items, mine, 3), 30, 0.2)
        await asyncio.to_thread(stack.service("notify").kill)
        assert await _count(items, {**mine, "digest": None}, 3), "killed before they were gathered into a digest"
        await asyncio.to_thread(stack.start_services, ("notify",))
        codes = [json.loads(dict(r.headers)["dlq_reason"])["code"] for r in dead]
        assert codes == ["request.invalid", "request.bad_json", "event.type"]
        unit_offset = dead[0].offset
        dlq = topic_name(settings.topic_prefix, "inbound_dlq")

        # list (filtered) and show, in Vietnamese by default
        status, out = await deadletters(stack, "list", "--topic", "inbound_dlq", "--reason", "request.invalid")
        assert status == 0, out
        [line] = [x for x in out.splitlines() if x.startswith(f"{dlq}/0/{unit_offset} |")]
        assert f"| request.invalid | {topic_name(settings.topic_prefix, 'inbound')} |" in line
        assert f"| {event.id} | vn.thidua.submission.submitted.v1 | chưa" in line
        assert f"{dlq}/0/{dead[1].offset} |" not in out  # another reason: filtered out
        status, out = await deadletters(stack, "show", "inbound_dlq", str(unit_offset))
        assert status == 0, out
        assert "Lý do (tiếng Việt): Dữ liệu gửi lên không hợp lệ." in out and "The request is invalid." in out
        assert "unit_id: Đơn vị 'don-vi-9' không tham gia phong trào này." in out and '"unit_id": "don-vi-9"' in out

        # replaying before the fix would only fail again; the raw bytes need --as-is
        status, out = await deadletters(stack, "replay", "inbound_dlq", str(dead[1].offset))
        assert status == 1 and "--as-is" in out, out

        # the fix: the board makes don-vi-9 a participant through intake's API
        body = {k: v for k, v in campaign.items() if k != "id"}
        body["participants"] = [*body["participants"], {
            "unit_id": "don-vi-9", "name_vi": "Đơn vị số 9", "unit_type": "district", "cluster_id": "khoi-huyen",
            "email": f"don-vi-9@{cid}.test"}]
        response = await call(stack, "PUT", f"/api/v1/campaigns/{cid}", board, body)
        assert response.status_code == 200, response.text

        status, out = await deadletters(stack, "replay", "inbound_dlq", str(unit_offset))
        assert status == 0, out
        new_id = re.search(r"với mã sự kiện mới (\S+) \(sự kiện gốc " + re.escape(event.id), out).group(1)
        assert new_id != event.id

        query = {"tenant": TENANT, "campaign_id": cid, "unit_id": "don-vi-9"}
        [accepted] = await eventually(lambda: submissions.find(query).to_list(), 30)
        assert accepted["channel"] == "kafka"

        # a second replay is refused, saying when and under which id it was replayed
        status, out = await deadletters(stack, "--lang", "en", "replay", "inbound_dlq", str(unit_offset))
        assert status == 1 and "already replayed at" in out and new_id in out, out
        await asyncio.sleep(2)
        assert await submissions.count_documents(query) == 1  # exactly once
        replayed = await read_topic(settings, "inbound", lambda r: r.key == markers[0])
        assert len(replayed) == 2 and json.loads(replayed[1].value)["replayof"] == event.id
        status, out = await deadletters(stack, "list", "--topic", "inbound_dlq", "--reason", "request.invalid")
        assert [x for x in out.splitlines() if x.startswith(f"{dlq}/0/{unit_offset} |")][0].endswith("| có")

        # the board hears of the three in one digest

        def digests():
            return [m for m in mails(stack, BOARD) if any(w in m["text"] for w in wheres)]

        [mail] = await eventually(digests, 60, 0.5)
        assert all(w in mail["text"] for w in wheres), mail["text"]
        assert "sự kiện bị từ chối (thư lỗi)" in mail["subject"]
        assert "request.invalid" in mail["text"] and "request.bad_json" in mail["text"] and "event.type" in mail["text"]
        await asyncio.sleep(float(WINDOW) + 2)
        assert len(digests()) == 1  # one mail, not one per dead letter nor a repeat

        # and intake's /metrics counted them by reason
        after = metrics(stack)
        for reason in ("request.invalid", "request.bad_json", "event.type"):
            assert after.get(reason, 0) - before.get(reason, 0) == 1, (reason, before, after)
    finally:
        await mongo.close()
        await restart_notify(stack, None)


async def _none_pending(items) -> bool:
    return await items.count_documents({"digest": None}) == 0


async def _count(items, query: dict, expected: int) -> bool:
    return await items.count_documents(query) == expected
