"""Issue 15 (exactly once): notifications/s through notify, next to raw aiokafka consume of the same
records on the same SASL/SCRAM broker in the same run.

    uv run python bench/notify.py                      # 2 000 notifications, a few minutes on 2 cores
    uv run python bench/notify.py --notifications 500  # quicker

It starts its own stack (Kafka with SASL/SCRAM and ACLs, SecantusDB, the mail catcher, notify only)
on free ports in a temporary folder with a unique topic prefix. With notify stopped:

1. **publish** — `--notifications` `review.drafts_ready` events (each one mail to the board's
   address) are produced to the reports topic by the stack's super user (`EventProducer`).
2. **raw consume** — an `AIOKafkaConsumer` (same user, same broker, same SASL) reads them all from
   the beginning: msgs/s, the ceiling of any consumer.
3. **notify** — notify is started on the backlog; every notification is counted when its delivery
   is recorded `sent` in notify's database (after the SMTP server accepted it: intent, send, record,
   the exactly-once path). notifications/s from notify ready to the last one sent; the mails in the
   catcher are counted by Message-ID (duplicates reported).

The load average is printed at the start and the end. Result: bench/results/notify-latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import shutil
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from pymongo import AsyncMongoClient

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import REVIEW_DRAFTS_READY, topic_name
from thidua_common.contracts.review_report import ReviewDraftsReady
from thidua_common.kafka import EventProducer
from thidua_common.kafka.client import security_options
from thidua_common.logging import configure_logging
from thidua_devstack.stack import REPO, Ports, Stack

from _pipeline.kafka_tools import assigned_consumer, authenticate
from _pipeline.measure import RESULTS, log, run

BOARD = "ban-tdkt@bench.thidua.local"


def notifications(n: int, tag: str) -> list:
    events = []
    for i in range(n):
        ready = ReviewDraftsReady(
            campaign_id=f"bench-{i}",
            campaign_name_vi=f"Phong trào thi đua {i}",
            review_kind="interim",
            review_date=date(2026, 6, 30),
            board_document_id=f"doc-{i}",
            version=1,
            unit_documents=0,
            generated_at=datetime.now(UTC),
        )
        events.append(
            new_event(type=REVIEW_DRAFTS_READY, source="/bench/notify", tenant="bench", data=ready, correlationid=tag)
        )
    return events


async def publish(stack: Stack, events: list) -> dict:
    producer = EventProducer(stack.settings())
    await producer.start()
    try:
        t0 = time.perf_counter()
        await producer.publish_many("reports", [(e, e.id) for e in events])
        seconds = time.perf_counter() - t0
    finally:
        await producer.stop()
    return {"events": len(events), "seconds": round(seconds, 3), "events_per_s": round(len(events) / seconds)}


async def raw_consume(bootstrap: str, topic: str, n: int) -> dict:
    """The same raw baseline as bench/inbound.py: from the first fetch to the last record read."""
    consumer = await assigned_consumer(bootstrap, topic, True, max_partition_fetch_bytes=4 * 1024 * 1024)
    try:
        seen, start, last = 0, time.perf_counter(), None
        deadline = time.monotonic() + 120
        while seen < n and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            got = sum(len(records) for records in batch.values())
            if got:
                seen, last = seen + got, time.perf_counter()
    finally:
        await consumer.stop()
    seconds = (last or start) - start
    return {
        "events": seen,
        "seconds": round(seconds, 3),
        "events_per_s": round(seen / seconds) if seconds > 0 else None,
    }


async def notify_sends(stack: Stack, n: int, timeout: float) -> dict:
    settings = stack.settings()
    mongo = AsyncMongoClient(settings.mongo_uri)
    deliveries = mongo[settings.db_name("notify")].deliveries
    try:
        t0 = time.perf_counter()
        stack.start_services(("notify",))
        ready = time.perf_counter()
        sent, last, samples = 0, ready, []
        deadline = time.monotonic() + timeout
        stalled_since = time.monotonic()
        while sent < n and time.monotonic() < deadline:
            count = await deliveries.count_documents({"status": "sent"})
            now = time.perf_counter()
            if count > sent:
                last, sent, stalled_since = now, count, time.monotonic()
                samples.append((round(now - ready, 2), count))
            elif time.monotonic() - stalled_since > 60:
                break
            await asyncio.sleep(0.25)
        statuses = {
            d["_id"]: d["n"]
            async for d in await deliveries.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
        }
    finally:
        await mongo.close()
    seconds = last - ready
    return {
        "sent": sent,
        "statuses": statuses,
        "notify_start_s": round(ready - t0, 2),
        "seconds_from_ready": round(seconds, 3),
        "notifications_per_s": round(sent / seconds, 1) if seconds > 0 else None,
        "progress": samples[:: max(1, len(samples) // 20)],
    }


def catcher(stack: Stack, tag: str) -> dict:
    messages = httpx.get(f"http://127.0.0.1:{stack.ports.mail_http}/messages", timeout=120).json()
    counts = collections.Counter(m["message_id"] for m in messages if m["headers"].get("X-Correlation-ID") == tag)
    return {"mails": sum(counts.values()), "distinct": len(counts), "duplicates": sum(n - 1 for n in counts.values())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=900, help="stop waiting for notify after this (s)")
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder (logs, data) afterwards")
    parser.add_argument("--output", type=Path, default=RESULTS / "notify-latest.json")
    args = parser.parse_args()
    configure_logging("bench", "WARNING")
    home = Path(tempfile.mkdtemp(prefix="thidua-bench-notify-"))
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    stack = Stack(
        home, Ports.free(), cache=REPO / ".local" / "cache", prefix=prefix, extra_env={"THIDUA_ESCALATION_EMAIL": BOARD}
    )
    tag = uuid.uuid4().hex
    res: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg()},
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    log(f"stack in {home}, topic prefix {prefix}; load average {os.getloadavg()}")
    try:
        stack.start_infra()
        settings = stack.settings()
        authenticate(security_options(settings))
        res["publish"] = run(publish(stack, notifications(args.notifications, tag)))
        log(f"publish: {res['publish']['events_per_s']} events/s")
        res["raw_consume"] = run(
            raw_consume(settings.kafka_bootstrap, topic_name(prefix, "reports"), args.notifications)
        )
        log(f"raw aiokafka consume: {res['raw_consume']['events_per_s']} events/s")
        res["notify"] = run(notify_sends(stack, args.notifications, args.timeout))
        res["catcher"] = catcher(stack, tag)
        raw = res["raw_consume"]["events_per_s"] or 0
        through = res["notify"]["notifications_per_s"] or 0
        res["notify_as_percent_of_raw_consume"] = round(100 * through / raw, 2) if raw else None
        log(
            f"notify: {res['notify']['sent']}/{args.notifications} sent at {through} notifications/s "
            f"({res['notify_as_percent_of_raw_consume']} % of raw consume); catcher {res['catcher']}"
        )
    finally:
        try:
            stack.down()
        except Exception as exc:
            log(f"stopping the stack failed: {type(exc).__name__}: {exc}")
        res["machine"]["loadavg_at_end"] = os.getloadavg()
        res["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        log(f"load average at the end {res['machine']['loadavg_at_end']}")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(res, indent=2))
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
