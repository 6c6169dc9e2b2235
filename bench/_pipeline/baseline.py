"""Phase `baseline`: raw aiokafka produce and consume on the template's messages, then a bare
faust app (faust_worker.py, in a process of its own) reading the same topic."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from thidua_common.kafka import make_producer
from thidua_devstack.processes import free_port
from thidua_devstack.stack import Stack

from _pipeline.kafka_tools import assigned_consumer, create_topic, produce_all
from _pipeline.measure import log
from _pipeline.workload import CAMPAIGN_ID, TENANT, Template, unit_id


# -- phase: raw aiokafka baseline ----------------------------------------------------------------
async def baseline(stack: Stack, template: Template, messages: int, sequential: int, participants: int) -> dict:
    bootstrap = stack.settings().kafka_bootstrap
    size = len(template.value)
    log(f"baseline: {messages} messages of {size} bytes (+{len(template.headers)} headers)")
    # keys spread over the units, so the 3 partitions share the load
    records = [
        (template.value, f"{TENANT}/{CAMPAIGN_ID}/{unit_id(i % participants)}".encode(), template.headers)
        for i in range(messages)
    ]
    topic = f"{stack.prefix}.bench.raw.{uuid.uuid4().hex[:6]}"
    await create_topic(bootstrap, topic, 3)
    out: dict = {"topic": topic, "partitions": 3, "message_bytes": size, "messages": messages}

    producer = make_producer(stack.settings())  # the product's own producer settings
    await producer.start()
    try:
        await produce_all(producer, topic, records[:2000])  # warm-up: connections, metadata, broker JIT
        elapsed = await produce_all(producer, topic, records)
        out["produce"] = {
            "msgs_per_s": round(messages / elapsed),
            "mb_per_s": round(messages * size / elapsed / 1e6, 2),
            "elapsed_s": round(elapsed, 3),
        }
        log(f"baseline: raw produce {out['produce']['msgs_per_s']} msgs/s ({out['produce']['mb_per_s']} MB/s)")
        # one at a time, waiting for each acknowledgement: what scoring does for every score
        t0 = time.perf_counter()
        for value, key, headers in records[:sequential]:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
        elapsed = time.perf_counter() - t0
        out["produce_sequential"] = {
            "msgs_per_s": round(sequential / elapsed),
            "mean_ms": round(1000 * elapsed / sequential, 3),
            "messages": sequential,
        }
        log(f"baseline: raw send_and_wait one at a time {out['produce_sequential']['msgs_per_s']} msgs/s")
    finally:
        await producer.stop()

    expected = messages + 2000 + sequential
    # the first pass warms the broker's page cache and the client; the two after it are reported
    for label, options in (
        ("warm-up", {}),
        ("consume", {}),
        ("consume_read_committed", {"isolation_level": "read_committed"}),
    ):
        consumer = await assigned_consumer(bootstrap, topic, True, **options)
        try:
            count = nbytes = 0
            t0 = time.perf_counter()
            while count < expected and time.perf_counter() - t0 < 120:
                batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
                for recs in batch.values():
                    count += len(recs)
                    nbytes += sum(len(r.value) for r in recs)
            elapsed = time.perf_counter() - t0
        finally:
            await consumer.stop()
        if label == "warm-up":
            continue
        out[label] = {
            "msgs_per_s": round(count / elapsed),
            "mb_per_s": round(nbytes / elapsed / 1e6, 2),
            "elapsed_s": round(elapsed, 3),
            "messages": count,
        }
        log(f"baseline: raw {label} {out[label]['msgs_per_s']} msgs/s ({out[label]['mb_per_s']} MB/s)")
    try:
        out["faust_consume"] = await faust_baseline(stack, topic, expected)
    except Exception as exc:  # keep the raw figures if faust cannot start (its settings change across versions)
        log(f"baseline: bare faust consume failed ({type(exc).__name__}: {exc})")
        out["faust_consume"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


# the bare faust app, a script of its own: it runs as `python faust_worker.py worker`
FAUST_WORKER = Path(__file__).with_name("faust_worker.py")


async def faust_baseline(stack: Stack, topic: str, expected: int) -> dict:
    """Bare faust-streaming consume throughput on the raw baseline's topic, in a process of its
    own: events/s from its first batch to the `expected`-th event."""
    folder = stack.home / f"faust-baseline-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    result, log_file = folder / "result.json", folder / "worker.log"
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "BENCH_FAUST_BOOTSTRAP": stack.settings().kafka_bootstrap,
        # issue 12: the stack's super user (the worker's group and topic are the bench's own)
        "BENCH_FAUST_SASL_USERNAME": stack.settings().kafka_sasl_username,
        "BENCH_FAUST_SASL_PASSWORD": stack.settings().kafka_sasl_password,
        "BENCH_FAUST_TOPIC": topic,
        "BENCH_FAUST_EXPECTED": str(expected),
        "BENCH_FAUST_APP_ID": f"{stack.prefix}-bench-faust-{uuid.uuid4().hex[:6]}",  # a fresh group: reads from 0
        "BENCH_FAUST_WEB_PORT": str(free_port()),
        "BENCH_FAUST_DATADIR": str(folder / "data"),
        "BENCH_FAUST_RESULT": str(result),
    }
    # startup (imports, group join) takes seconds; then at >= 500 msgs/s even on a loaded machine
    timeout = 60 + expected / 500
    log(f"baseline: bare faust consume of {expected} messages (time out after {timeout:.0f} s)")
    t0 = time.time()
    with log_file.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(FAUST_WORKER),
            "worker",
            "-l",
            "warn",
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            code = await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            code = None
    if code != 0 or not result.exists():
        tail = log_file.read_text(errors="replace")[-2000:]
        why = f"timed out after {timeout:.0f} s" if code is None else f"exited with {code}"
        raise RuntimeError(f"faust worker {why}; log tail:\n{tail}")
    out = json.loads(result.read_text())
    out["startup_to_first_batch_s"] = round(out.pop("first_batch_at") - t0, 2)
    log(
        f"baseline: bare faust consume {out['msgs_per_s']} msgs/s ({out['cpu_us_per_msg']} µs CPU per message, "
        f"first batch {out['startup_to_first_batch_s']} s after start)"
    )
    return out
