"""Issue 12 (inbound kinds): inbound events/s through intake, next to raw aiokafka consume of the
same records on the same SASL/SCRAM broker in the same run.

    uv run python bench/inbound.py                 # 5 000 events, about 2–4 minutes on 2 cores
    uv run python bench/inbound.py --events 2000   # quicker

It starts its own stack (Kafka with SASL/SCRAM and ACLs, SecantusDB, intake only) on free ports in
a temporary folder with a unique topic prefix, registers the demo system with the operators' CLI
(`thidua-systems add`: its own SCRAM user, topic and ACLs) and creates the benchmark campaign
through intake's HTTP API. Then, with intake stopped:

1. **publish** — `--events` submission CloudEvents (distinct ids, units, periods and values within
   the criteria's ranges) are produced pipelined to the system's topic `<prefix>.inbound.demo.v1`
   by an `AIOKafkaProducer` logged in as the system (`system-demo`), `acks=all`, idempotent.
2. **raw consume** — an `AIOKafkaConsumer` (the stack's super user, same broker, same SASL) reads
   every one of those records from the beginning: msgs/s. That is the ceiling of any consumer.
3. **intake** — intake is started on the backlog (its consumer group has read nothing of the topic)
   and every event is counted when it is **accepted**: the submissions stored with
   `channel = kafka` in intake's database (each accepted in its own transaction with its outbox
   record, the way the inbound consumer does it). events/s from intake ready to the last one
   accepted; the dead letters are counted too (a refused event would not be counted as accepted).

The load average is printed at the start and at the end (the figures swing with whatever else
runs on the machine: compare intake with the raw consume of the same run, not across runs). The
result is written to bench/results/inbound-latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from thidua_common.contracts.registry import SUBMISSION_SUBMITTED, topic_name
from thidua_common.kafka.client import security_options
from thidua_common.logging import configure_logging
from thidua_devstack.stack import REPO, Ports, Stack

from _pipeline.campaign import create_campaign
from _pipeline.kafka_tools import assigned_consumer, authenticate, produce_all
from _pipeline.measure import RESULTS, log, run
from _pipeline.workload import CAMPAIGN_ID, TENANT, submission_fields, unit_id


def events(n: int, participants: int) -> list[tuple[bytes, bytes, list]]:
    rng = random.Random(12)
    records = []
    for i in range(n):
        unit = unit_id(i % participants)
        event = {
            "specversion": "1.0",
            "id": f"bench-{i}",
            "source": "/bench/inbound",
            "type": SUBMISSION_SUBMITTED,
            "time": datetime.now(UTC).isoformat(),
            "tenant": TENANT,
            "correlationid": uuid.uuid4().hex,
            "data": submission_fields(rng, unit),
        }
        records.append((json.dumps(event).encode(), f"{TENANT}/{unit}".encode(), []))
    return records


async def publish(credentials: dict, records: list) -> dict:
    producer = AIOKafkaProducer(
        bootstrap_servers=credentials["bootstrap_servers"],
        security_protocol=credentials["security_protocol"],
        sasl_mechanism=credentials["sasl_mechanism"],
        sasl_plain_username=credentials["username"],
        sasl_plain_password=credentials["password"],
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
    )
    await producer.start()
    try:
        seconds = await produce_all(producer, credentials["topic"], records)
    finally:
        await producer.stop()
    return {"events": len(records), "seconds": round(seconds, 3), "events_per_s": round(len(records) / seconds)}


async def raw_consume(bootstrap: str, topic: str, n: int) -> dict:
    consumer = await assigned_consumer(bootstrap, topic, True, max_partition_fetch_bytes=4 * 1024 * 1024)
    try:
        # timed from the first fetch asked for to the last record read (the connection, the
        # metadata and the seek are done before: intake's figure does not count its start-up either)
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


async def intake_accepts(stack: Stack, n: int, timeout: float) -> dict:
    settings = stack.settings()
    mongo = AsyncMongoClient(settings.mongo_uri)
    db = mongo[settings.db_name("intake")]
    query = {"campaign_id": CAMPAIGN_ID, "channel": "kafka"}
    try:
        t0 = time.perf_counter()
        stack.start_services(("intake",))  # returns once its consumers have joined their groups
        ready = time.perf_counter()
        accepted, first, last, samples = 0, None, ready, []
        deadline = time.monotonic() + timeout
        stalled_since = time.monotonic()
        while accepted < n and time.monotonic() < deadline:
            count = await db.submissions.count_documents(query)
            now = time.perf_counter()
            if count > accepted:
                first = first or now
                last, accepted, stalled_since = now, count, time.monotonic()
                samples.append((round(now - ready, 2), count))
            elif time.monotonic() - stalled_since > 60:
                break  # nothing more in a minute: the rest was refused (see dead letters)
            await asyncio.sleep(0.25)
    finally:
        await mongo.close()
    seconds = last - ready
    return {
        "accepted": accepted,
        "intake_start_s": round(ready - t0, 2),
        "seconds_from_ready": round(seconds, 3),
        "events_per_s": round(accepted / seconds) if seconds > 0 else None,
        "progress": samples[:: max(1, len(samples) // 20)],
    }


async def dead_letters(bootstrap: str, topic: str) -> int:
    consumer = await assigned_consumer(bootstrap, topic, True)
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        starts = await consumer.beginning_offsets(list(consumer.assignment()))
        return sum(ends[tp] - starts[tp] for tp in ends)
    finally:
        await consumer.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000, help="submission events published by the system")
    parser.add_argument("--participants", type=int, default=200, help="units in the benchmark campaign")
    parser.add_argument("--timeout", type=float, default=900, help="stop waiting for intake after this (s)")
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder (logs, data) afterwards")
    parser.add_argument("--output", type=Path, default=RESULTS / "inbound-latest.json")
    args = parser.parse_args()
    configure_logging("bench", "WARNING")
    home = Path(tempfile.mkdtemp(prefix="thidua-bench-inbound-"))
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    stack = Stack(home, Ports.free(), cache=REPO / ".local" / "cache", prefix=prefix)
    res: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg()},
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    log(f"stack in {home}, topic prefix {prefix}; load average {os.getloadavg()}")
    try:
        stack.start_infra()
        settings = stack.settings()
        authenticate(security_options(settings))  # the broker takes SASL only
        stack.ensure_demo_system()  # thidua-systems add demo: its user, topic, ACLs and scope
        credentials = json.loads(stack.demo_system_credentials_file.read_text())
        stack.start_services(("intake",))
        run(create_campaign(stack, args.participants))
        stack.stop_service("intake")
        log(f"publish: {args.events} events to {credentials['topic']} as {credentials['username']}")
        res["publish"] = run(publish(credentials, events(args.events, args.participants)))
        log(f"publish: {res['publish']['events_per_s']} events/s")
        res["raw_consume"] = run(raw_consume(settings.kafka_bootstrap, credentials["topic"], args.events))
        log(f"raw aiokafka consume: {res['raw_consume']['events_per_s']} events/s")
        res["intake"] = run(intake_accepts(stack, args.events, args.timeout))
        res["dead_letters"] = run(dead_letters(settings.kafka_bootstrap, topic_name(prefix, "inbound_dlq")))
        raw = res["raw_consume"]["events_per_s"] or 0
        through = res["intake"]["events_per_s"] or 0
        res["intake_as_percent_of_raw_consume"] = round(100 * through / raw, 2) if raw else None
        log(
            f"intake: {res['intake']['accepted']}/{args.events} accepted at {through} events/s "
            f"({res['intake_as_percent_of_raw_consume']} % of raw consume), {res['dead_letters']} dead letters"
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
