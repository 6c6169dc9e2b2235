"""Pipeline benchmark: submissions/s through intake and events/s through scoring, each next to raw
aiokafka produce / consume throughput measured in the same run on the same broker.

    uv run python bench/pipeline.py [--submissions N] [--rate 200] [--duration 20] [--profile]

It starts its own stack (real Kafka, SecantusDB, mail catcher and the services each phase needs)
on free ports in a temporary folder with a unique topic prefix, so it never touches a running dev
stack or the e2e tests, and stops all of it at the end. Phases, in order:

  campaign  intake up; a campaign with --participants units is created over HTTP and relayed to
            the campaigns topic; one probe submission is POSTed and its submission.received
            record read back from the submissions topic: it is the template (size, key, fields)
            of every event the benchmark makes, so they match what intake really emits.
  baseline  intake down. Raw aiokafka producer (acks=all, idempotence, linger 2 ms like the
            product's producers) on a fresh 3-partition topic with messages of the template's
            size: pipelined, then one send_and_wait at a time; then a raw consumer reading them
            back (msgs/s and MB/s), read_uncommitted and read_committed; then a bare faust app
            (scoring's consumer settings, one agent, concurrency 1, take_events, only counting)
            reading the same topic in a process of its own: faust's own cost per message, the
            ceiling of anything built on it that way, so scoring is reported against it too.
  scoring   N submission.received events (built with new_event and SubmissionReceived from the
            template) are pre-loaded onto the submissions topic; scoring is started and timed
            until its consumer group has committed all of them, from its ready file and from
            process start; the score events they cause on the scores topic are counted too.
  diag      where the time goes: scoring's service layer (in batches, as faust hands them over)
            and intake's accept() replayed in this process on databases of their own, with
            every MongoDB and Kafka call timed, and the CPU used here and in SecantusDB.
  intake    intake up (scoring down). One request at a time (service time); then an open loop
            at --rate for --duration: latency from each request's due time (no coordinated
            omission), errors, and POST -> record on the submissions topic (outbox relay lag);
            then a closed loop, --concurrency clients as fast as they can. The load comes from
            a minimal HTTP/1.1 client (requests encoded beforehand, keep-alive connections opened
            beforehand, uvloop): httpx cost ~5 ms of CPU per request, two thirds of a core taken
            from the service it measured on this 2-core machine; this one costs ~0.2-0.6 ms.

Targets (from the requirement): scoring >= 20% of raw consume throughput; intake p99 < 50 ms at
200 requests/s. A summary table is printed and the full results are written as JSON
(bench/results/latest.json by default). --profile also samples the services with py-spy.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from thidua_common.auth import mint_token
from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.registry import SUBMISSION_RECEIVED, topic_name
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.kafka import encode_event
from thidua_common.logging import configure_logging
from thidua_devstack.processes import free_port
from thidua_devstack.stack import REPO, Ports, Stack

try:  # a cheaper event loop for the benchmark's own work: it shares the 2 cores with what it measures
    import uvloop
except ImportError:  # pragma: no cover - it is a workspace dependency, but the benchmark runs without it
    uvloop = None

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PROFILES = RESULTS / "profiles"  # raw py-spy output, not committed (see bench/.gitignore)
TENANT = "daknong"
CAMPAIGN_ID = "bench-pt"
CRITERIA = [
    # id, name, max_points, target, max_value
    ("ho-thoat-ngheo", "Số hộ thoát nghèo", 35, 150, 20000),
    ("nha-dai-doan-ket", "Nhà đại đoàn kết xây mới và sửa chữa", 25, 10, 2000),
    ("quy-vi-nguoi-ngheo", "Vận động Quỹ Vì người nghèo", 20, 300, 100000),
    ("lao-dong-viec-lam", "Lao động nghèo được đào tạo nghề, giới thiệu việc làm", 20, 40, 10000),
]
CLUSTERS = ["khoi-huyen", "khoi-so-nganh", "khoi-doan-the", "khoi-trung-uong", "khoi-doanh-nghiep"]
PERIODS = [f"{y}-Q{q}" for y in range(2016, 2021) for q in range(1, 5)]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


EVENT_LOOP = "uvloop" if uvloop is not None else "asyncio"


def run(coro, *, loop: str = EVENT_LOOP):
    """asyncio.run on uvloop when it is installed: the benchmark's own work (load generator,
    followers, raw baseline) then costs less CPU on the cores it shares with the stack. The
    scoring replay (diag) passes loop="asyncio": faust, and so the scoring service, runs on it."""
    if loop == "uvloop" and uvloop is not None:
        return uvloop.run(coro)
    return asyncio.run(coro)


# -- statistics ---------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _r(v, nd=2):
    return None if v is None else round(v, nd)


def latency_summary(seconds: list[float]) -> dict:
    ms = [v * 1000 for v in seconds]
    return {
        "count": len(ms),
        "p50_ms": _r(pct(ms, 50)),
        "p90_ms": _r(pct(ms, 90)),
        "p95_ms": _r(pct(ms, 95)),
        "p99_ms": _r(pct(ms, 99)),
        "max_ms": _r(max(ms) if ms else None),
        "mean_ms": _r(statistics.fmean(ms) if ms else None),
    }


# -- CPU accounting (from /proc, no extra dependency) ---------------------------------------------
CLK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int | None) -> float:
    """CPU seconds (user+system, waited-for children included) of a process, 0 if gone."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / CLK
    except (FileNotFoundError, IndexError, ValueError):
        return 0.0


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine, all cores."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return (sum(parts) - idle) / CLK


class CpuMeter:
    """CPU used by each of our processes during a phase, and by everything else on the machine
    (other people's test runs share these 2 cores: that column says how much they took)."""

    def __init__(self, stack: Stack, services: tuple[str, ...]):
        self.stack, self.services = stack, services

    def _pids(self) -> dict[str, int | None]:
        pids = {"kafka": self.stack._kafka().pid(), "secantusdb": self.stack._mongo().pid()}
        pids.update({n: self.stack.service(n).pid() for n in self.services})
        pids["bench client"] = os.getpid()
        return pids

    def __enter__(self) -> CpuMeter:
        self.pids = self._pids()
        self.t0 = time.monotonic()
        self.c0 = {n: _proc_cpu(p) for n, p in self.pids.items()}
        self.m0 = _machine_busy()
        return self

    def __exit__(self, *exc) -> None:
        wall = time.monotonic() - self.t0
        ours = {}
        for n, pid in self._pids().items():  # a service started during the phase counts from 0
            ours[n] = _proc_cpu(pid) - (self.c0[n] if pid == self.pids.get(n) else 0.0)
        busy = _machine_busy() - self.m0
        self.result = {
            "wall_s": round(wall, 2),
            "cpu_pct_of_one_core": {n: round(100 * v / wall, 1) for n, v in ours.items()},
            "other_processes_pct_of_one_core": round(100 * max(0.0, busy - sum(ours.values())) / wall, 1),
            "machine_busy_pct_of_all_cores": round(100 * busy / wall / (os.cpu_count() or 1), 1),
        }


# -- payloads ------------------------------------------------------------------------------------
def unit_id(i: int) -> str:
    return f"don-vi-{i:04d}"


def campaign_body(participants: int) -> dict:
    return {
        "name_vi": "Phong trào đo hiệu năng: chung tay vì người nghèo",
        "name_en": "Benchmark campaign",
        "launched_by": "UBND tỉnh Đắk Nông",
        "kind": "themed",
        "start": "2016-01-01",
        "end": "2020-12-31",
        "reporting_frequency": "quarter",
        "goals_vi": ["Giảm tỷ lệ hộ nghèo bình quân 2–3%/năm"],
        "criteria": [
            {"id": cid, "name_vi": name, "max_points": mp, "target": target, "max_value": mx}
            for cid, name, mp, target, mx in CRITERIA
        ],
        "clusters": [{"id": c, "name_vi": f"Cụm {c}"} for c in CLUSTERS],
        "participants": [
            {
                "unit_id": unit_id(i),
                "name_vi": f"Đơn vị thi đua số {i}",
                "unit_type": "district",
                "cluster_id": CLUSTERS[i % len(CLUSTERS)],
                "email": f"vanthu.{unit_id(i)}@daknong.thidua.local",
            }
            for i in range(participants)
        ],
    }


def submission_fields(rng: random.Random, unit: str) -> dict:
    """What a unit submits (SubmissionSubmitted), with values inside every criterion's range."""
    return {
        "campaign_id": CAMPAIGN_ID,
        "unit_id": unit,
        "period": rng.choice(PERIODS),
        "values": {cid: float(rng.randint(0, int(target * 1.5))) for cid, _, _, target, _ in CRITERIA},
        "evidence": [{"url": "https://vanban.daknong.test/bao-cao-quy.pdf", "description": "Báo cáo kết quả quý"}],
        "note": "Số liệu đã được lãnh đạo đơn vị phê duyệt.",
    }


class Template:
    """The submission.received record intake emitted for the probe submission. Events made from it
    carry whatever fields the contract has today and are keyed the way intake keys them."""

    def __init__(self, value: bytes, key: bytes | None, headers: list, unit: str):
        self.value, self.key, self.headers, self.unit = value, key, headers, unit
        self.envelope = Envelope.model_validate(json.loads(value))

    def key_for(self, unit: str) -> bytes | None:
        if self.key is None:
            return None
        key = self.key.decode()
        # intake keys by tenant/campaign/unit or by tenant/campaign: keep whichever it uses
        return (key[: -len(self.unit)] + unit).encode() if key.endswith("/" + self.unit) else self.key

    def event(self, rng: random.Random, unit: str) -> tuple[Envelope, bytes, list, bytes | None]:
        fields = submission_fields(rng, unit)
        data = {**self.envelope.data, **fields, "submission_id": str(uuid.uuid4()),
                "submitted_at": datetime.now(UTC).isoformat(), "submitted_by": f"vanthu-{unit}"}
        payload = SubmissionReceived.model_validate(data)
        event = new_event(
            type=SUBMISSION_RECEIVED,
            source=self.envelope.source,
            tenant=self.envelope.tenant,
            subject=f"{CAMPAIGN_ID}/{unit}/{fields['period']}",
            data=payload,
        )
        value, headers = encode_event(event)
        return event, value, headers, self.key_for(unit)


# -- Kafka helpers -------------------------------------------------------------------------------
async def create_topic(bootstrap: str, name: str, partitions: int = 3) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


async def assigned_consumer(bootstrap: str, topic: str, from_beginning: bool, **options) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **options)
    await consumer.start()
    parts = consumer.partitions_for_topic(topic)
    for _ in range(50):
        if parts:
            break
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(topic)
        await asyncio.sleep(0.1)
    tps = [TopicPartition(topic, p) for p in sorted(parts)]
    consumer.assign(tps)
    if from_beginning:
        await consumer.seek_to_beginning(*tps)
    else:
        await consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the lazy seek now, so records produced from here on are seen
            await consumer.position(tp)
    return consumer


def durable_producer(bootstrap: str, **overrides) -> AIOKafkaProducer:
    """The product's producer settings (thidua_common.kafka.make_producer): acks=all, idempotence,
    linger 2 ms, batches of up to 512 kB per partition."""
    options = dict(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=2,
                   max_batch_size=512 * 1024)
    options.update(overrides)
    return AIOKafkaProducer(**options)


async def produce_all(producer: AIOKafkaProducer, topic: str, records: list[tuple]) -> float:
    """Pipelined produce of (value, key, headers) records; seconds until all are acknowledged."""
    t0 = time.perf_counter()
    futures = []
    for value, key, headers in records:
        futures.append(await producer.send(topic, value, key=key, headers=headers))
        if len(futures) >= 2000:
            await asyncio.gather(*futures)
            futures.clear()
    await asyncio.gather(*futures)
    return time.perf_counter() - t0


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


# -- phase: raw aiokafka baseline ----------------------------------------------------------------
async def baseline(stack: Stack, template: Template, messages: int, sequential: int, participants: int) -> dict:
    bootstrap = stack.settings().kafka_bootstrap
    size = len(template.value)
    log(f"baseline: {messages} messages of {size} bytes (+{len(template.headers)} headers)")
    # keys spread over the units, so the 3 partitions share the load
    records = [(template.value, f"{TENANT}/{CAMPAIGN_ID}/{unit_id(i % participants)}".encode(), template.headers)
               for i in range(messages)]
    topic = f"{stack.prefix}.bench.raw.{uuid.uuid4().hex[:6]}"
    await create_topic(bootstrap, topic, 3)
    out: dict = {"topic": topic, "partitions": 3, "message_bytes": size, "messages": messages}

    producer = durable_producer(bootstrap)
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


# The bare faust app: scoring's faust.App consumer settings and agent shape (one agent,
# concurrency 1, take_events(2000, within=0.05)) doing nothing but counting, so its rate is the
# ceiling of anything built on faust this way, before any work per event. Kept as source text
# because it runs as `python <file> worker`, a process of its own like the scoring service.
FAUST_BASELINE_APP = """
import json, os, time

import faust

env = os.environ
expected = int(env["BENCH_FAUST_EXPECTED"])
app = faust.App(
    env["BENCH_FAUST_APP_ID"],
    broker=[f"kafka://{b}" for b in env["BENCH_FAUST_BOOTSTRAP"].split(",")],
    value_serializer="raw",
    key_serializer="raw",
    store="memory://",
    web_enabled=False,
    web_port=int(env["BENCH_FAUST_WEB_PORT"]),  # some versions bind 6066 even with the web disabled
    web_bind="127.0.0.1",
    datadir=env["BENCH_FAUST_DATADIR"],
    topic_replication_factor=1,
    topic_allow_declare=False,
    consumer_auto_offset_reset="earliest",
    broker_commit_every=100,
    broker_commit_interval=1.0,
    broker_session_timeout=10.0,
    broker_heartbeat_interval=3.0,
    worker_redirect_stdouts=False,
)
topic = app.topic(env["BENCH_FAUST_TOPIC"], value_serializer="raw", key_serializer="raw")


@app.agent(topic, concurrency=1)
async def count(stream):
    seen = first = 0
    t0 = cpu0 = started = None
    async for events in stream.take_events(2000, within=0.05):
        seen += len(events)
        if t0 is None:  # the rate runs from the first batch: group join and fetch start are left out
            t0, cpu0, first = time.perf_counter(), time.process_time(), len(events)
            started = time.time()
        if seen >= expected:
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            counted = seen - first
            with open(env["BENCH_FAUST_RESULT"], "w") as f:
                json.dump({"msgs_per_s": round(counted / elapsed), "messages": seen, "timed_messages": counted,
                           "elapsed_s": round(elapsed, 3), "first_batch_at": started,
                           "cpu_us_per_msg": round(1e6 * cpu / counted, 1),
                           "cpu_pct_of_one_core": round(100 * cpu / elapsed, 1)}, f)
            os._exit(0)  # done: skip faust's orderly shutdown (commits, rebalance), it is not measured


if __name__ == "__main__":
    app.main()
"""


async def faust_baseline(stack: Stack, topic: str, expected: int) -> dict:
    """Bare faust-streaming consume throughput on the raw baseline's topic, in a process of its
    own: events/s from its first batch to the `expected`-th event."""
    folder = stack.home / f"faust-baseline-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    source, result, log_file = folder / "app.py", folder / "result.json", folder / "worker.log"
    source.write_text(FAUST_BASELINE_APP)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "BENCH_FAUST_BOOTSTRAP": stack.settings().kafka_bootstrap,
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
        proc = await asyncio.create_subprocess_exec(sys.executable, str(source), "worker", "-l", "warn",
                                                    cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
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
    log(f"baseline: bare faust consume {out['msgs_per_s']} msgs/s ({out['cpu_us_per_msg']} µs CPU per message, "
        f"first batch {out['startup_to_first_batch_s']} s after start)")
    return out


# -- phase: scoring ------------------------------------------------------------------------------
def _score_refs(value: bytes) -> tuple[str | None, str | None]:
    """(submission id, causing event id) a score event refers to."""
    data = json.loads(value).get("data", {})
    cause = data.get("cause") or {}
    return data.get("submission_id"), cause.get("event_id") if isinstance(cause, dict) else None


async def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = await assigned_consumer(bootstrap, topic, True)
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        return {tp.partition: off for tp, off in ends.items()}
    finally:
        await consumer.stop()


async def _committed(admin: AIOKafkaAdminClient, topic: str) -> dict[int, int]:
    """Offsets committed on `topic` by whichever consumer group reads it (scoring's faust app;
    no other consumer of the submissions topic runs during the phase)."""
    best: dict[int, int] = {}
    for group, *_ in await admin.list_consumer_groups():
        offsets = await admin.list_consumer_group_offsets(group)
        for tp, meta in offsets.items():
            if tp.topic == topic and meta.offset >= 0:
                best[tp.partition] = max(best.get(tp.partition, 0), meta.offset)
    return best


async def scoring(stack: Stack, template: Template, n: int, participants: int, timeout: float,
                  stall: float) -> dict:
    """Done when scoring's consumer group has committed the end of the submissions topic (faust
    commits what it has processed, at least every second); score events on the scores topic are
    counted alongside (a design that scores a unit's period once per batch emits fewer than N)."""
    settings = stack.settings()
    bootstrap = settings.kafka_bootstrap
    submissions_topic = topic_name(stack.prefix, "submissions")
    rng = random.Random(3)
    log(f"scoring: building {n} submission.received events")
    by_submission: dict[str, str] = {}  # submission id -> event id
    records = []
    for i in range(n):
        event, value, headers, key = template.event(rng, unit_id(i % participants))
        by_submission[event.data["submission_id"]] = event.id
        records.append((value, key, headers))
    event_ids = {v: k for k, v in by_submission.items()}
    before = await _end_offsets(bootstrap, submissions_topic)
    producer = durable_producer(bootstrap)
    await producer.start()
    try:
        preload_s = await produce_all(producer, submissions_topic, records)
    finally:
        await producer.stop()
    del records
    after = await _end_offsets(bootstrap, submissions_topic)
    log(f"scoring: pre-loaded {n} events in {preload_s:.1f} s "
        f"({sum(after.values()) - sum(before.values())} records on {len(after)} partitions)")

    consumer = await assigned_consumer(bootstrap, topic_name(stack.prefix, "scores"), True)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    ready_file = stack.run_dir / "scoring.ready"
    ready_file.unlink(missing_ok=True)
    proc = stack.service("scoring")
    seen: set[str] = set()
    stamps: list[float] = []
    score_events = 0
    consumed = 0
    first_ts = last_ts = t_ready = t_consumed = t_last_consumed = None
    progress: list[tuple[float, int, int]] = []
    stalled = False
    try:
        with CpuMeter(stack, ("scoring",)) as cpu:
            t_start = time.time()
            proc.start()
            now = time.monotonic()
            next_report, next_poll, last_progress, deadline = now + 10, now + 0.5, now, now + timeout
            while t_consumed is None:
                batch = await consumer.getmany(timeout_ms=200, max_records=5000)
                for recs in batch.values():
                    for r in recs:
                        score_events += 1
                        sid, cause = _score_refs(r.value)
                        sid = sid if sid in by_submission else event_ids.get(cause)
                        if sid is not None and sid not in seen:
                            seen.add(sid)
                            last_progress = time.monotonic()
                            ts = r.timestamp / 1000
                            stamps.append(ts)
                            first_ts = ts if first_ts is None else min(first_ts, ts)
                            last_ts = ts if last_ts is None else max(last_ts, ts)
                if t_ready is None and ready_file.exists():
                    t_ready = ready_file.stat().st_mtime
                    last_progress = time.monotonic()
                now = time.monotonic()
                if now >= next_poll:
                    next_poll = now + 0.5
                    committed = await _committed(admin, submissions_topic)
                    done_now = sum(max(0, min(committed.get(p, 0), end) - before.get(p, 0))
                                   for p, end in after.items())
                    if done_now > consumed:
                        consumed, last_progress, t_last_consumed = done_now, now, time.time()
                    if all(committed.get(p, 0) >= end for p, end in after.items()):
                        t_consumed = time.time()
                if now >= next_report:
                    progress.append((round(time.time() - t_start, 1), consumed, len(seen)))
                    log(f"scoring: {consumed}/{n} consumed, {len(seen)} scored, after {time.time() - t_start:.0f} s")
                    next_report = now + 10
                if now > deadline:
                    log(f"scoring: timeout after {timeout:.0f} s with {consumed}/{n} consumed")
                    break
                if t_ready and now - last_progress > stall:
                    stalled = True
                    log(f"scoring: no progress for {stall:.0f} s; giving up with {consumed}/{n} consumed")
                    break
                if not proc.running():
                    raise RuntimeError("scoring exited:\n" + proc.log_file.read_text(errors="replace")[-3000:])
            # scores of the last batch may still be on their way
            settle = time.monotonic() + 3
            while time.monotonic() < settle and t_consumed is not None:
                batch = await consumer.getmany(timeout_ms=300, max_records=5000)
                for recs in batch.values():
                    for r in recs:
                        score_events += 1
                        sid, cause = _score_refs(r.value)
                        sid = sid if sid in by_submission else event_ids.get(cause)
                        if sid is not None and sid not in seen:
                            seen.add(sid)
                            ts = r.timestamp / 1000
                            stamps.append(ts)
                            last_ts = max(last_ts or ts, ts)
                            first_ts = min(first_ts or ts, ts)
    finally:
        await consumer.stop()
        await admin.close()
    scored = len(seen)
    log_text = proc.log_file.read_text(errors="replace") if proc.log_file.exists() else ""
    out = {
        "events": n,
        "consumed": consumed,
        "completed": t_consumed is not None,
        "stalled": stalled,
        "submissions_with_a_score_event": scored,
        "score_events_seen": score_events,
        "preload_s": round(preload_s, 2),
        "startup_to_ready_s": _r(t_ready - t_start if t_ready else None),
        "startup_to_first_score_s": _r(first_ts - t_start if first_ts else None),
        "parked_before_campaign_arrived": log_text.count("parked until its campaign arrives"),
        "error_log_lines": sum(1 for line in log_text.splitlines() if '"level": "error"' in line),
        "progress_s_consumed_scored": progress,
        "cpu": cpu.result,
    }
    if stalled or t_consumed is None:
        out["log_tail"] = log_text[-3000:]
    if t_consumed is not None:
        out["all_consumed_after_s"] = round(t_consumed - t_start, 2)
        out["events_per_s_including_startup"] = round(n / (t_consumed - t_start), 1)
        out["events_per_s_from_ready"] = round(n / max(1e-3, t_consumed - (t_ready or t_start)), 1)
    elif consumed and t_last_consumed:
        out["events_per_s_from_ready_partial"] = round(consumed / max(1e-3, t_last_consumed - (t_ready or t_start)), 1)
    if scored > 1 and last_ts and first_ts and last_ts > first_ts:
        out["score_events_per_s_first_to_last"] = round((scored - 1) / (last_ts - first_ts), 1)
    if scored >= 4:  # does it keep its pace? (it does not when the database slows with every write)
        stamps.sort()
        half = scored // 2
        out["scored_per_s_first_half"] = round(half / max(1e-3, stamps[half] - stamps[0]), 1)
        out["scored_per_s_second_half"] = round((scored - 1 - half) / max(1e-3, stamps[-1] - stamps[half]), 1)
    log(f"scoring: {consumed} consumed, {scored} with a score event; {out.get('events_per_s_from_ready')} events/s "
        f"from ready, {out.get('events_per_s_including_startup')} events/s including startup")
    return out


# -- phase: where one scored event's time goes ---------------------------------------------------
def _is_cursor(value) -> bool:
    return hasattr(value, "to_list") and hasattr(value, "__aiter__")


async def _timed(awaitable, label: str, stats: dict[str, list[float]]):
    t0 = time.perf_counter()
    try:
        result = await awaitable
    finally:
        stats[label].append(time.perf_counter() - t0)
    return TimedCursor(result, label, stats) if _is_cursor(result) else result


class Timed:
    """Proxy that times every awaitable an object's methods return (collections, producers), and
    the cursors they return (find(), aggregate()) as they are iterated."""

    def __init__(self, target, name: str, stats: dict[str, list[float]]):
        self._target, self._name, self._stats = target, name, stats

    def __getattr__(self, attr):
        value = getattr(self._target, attr)
        if not callable(value):
            return value
        label = f"{self._name}.{attr}"

        def call(*args, **kwargs):
            result = value(*args, **kwargs)
            if inspect.isawaitable(result):
                return _timed(result, label, self._stats)
            if _is_cursor(result):
                return TimedCursor(result, label, self._stats)
            return result

        return call


class TimedCursor:
    """A cursor whose fetches (async for, to_list, next) count towards its query's label."""

    def __init__(self, cursor, label: str, stats: dict[str, list[float]]):
        self._cursor, self._label, self._stats = cursor, label, stats

    def __getattr__(self, attr):
        value = getattr(self._cursor, attr)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            result = value(*args, **kwargs)
            if inspect.isawaitable(result):
                return _timed(result, self._label, self._stats)
            return TimedCursor(result, self._label, self._stats) if _is_cursor(result) else result  # sort(), limit()

        return call

    def __aiter__(self):
        return self

    async def __anext__(self):
        t0 = time.perf_counter()
        try:
            return await self._cursor.__anext__()
        finally:
            self._stats[self._label].append(time.perf_counter() - t0)


class TimedDb:
    def __init__(self, db, stats):
        self._db, self._stats = db, stats

    def __getitem__(self, name):
        return Timed(self._db[name], f"mongo {name}", self._stats)

    def __getattr__(self, name):
        from pymongo.asynchronous.collection import AsyncCollection

        value = getattr(self._db, name)
        return Timed(value, f"mongo {name}", self._stats) if isinstance(value, AsyncCollection) else value


async def _replay(stack: Stack, stats: dict[str, list[float]], step, rounds: int, warm_up: int = 20,
                  per_step: int = 1) -> dict:
    """Await step(i) one at a time; per event: wall time, time inside each awaited MongoDB/Kafka
    call, CPU of this process (the product's Python code, pymongo's and aiokafka's included) and
    CPU the database and the broker spent serving it."""
    for i in range(warm_up):
        await step(i)
    stats.clear()
    servers = {"secantusdb": stack._mongo().pid(), "kafka": stack._kafka().pid()}
    c0 = {n: _proc_cpu(p) for n, p in servers.items()}
    p0, t0 = time.process_time(), time.perf_counter()
    for i in range(warm_up, warm_up + rounds):
        await step(i)
    wall, cpu = time.perf_counter() - t0, time.process_time() - p0
    rounds *= per_step  # figures per event
    server_cpu = {n: round(1000 * (_proc_cpu(p) - c0[n]) / rounds, 3) for n, p in servers.items()}
    awaited = {k: round(1000 * sum(v) / rounds, 3) for k, v in sorted(stats.items())}
    total_ms = 1000 * wall / rounds
    return {
        "events": rounds,
        "events_per_call": per_step,
        "ms_per_event": round(total_ms, 3),
        "per_s_one_at_a_time": round(1000 / total_ms, 1),
        "awaited_ms_per_event": awaited,
        "awaited_calls_per_event": {k: round(len(v) / rounds, 2) for k, v in sorted(stats.items())},
        "outside_awaited_calls_ms_per_event": round(total_ms - sum(awaited.values()), 3),
        "client_cpu_ms_per_event": round(1000 * cpu / rounds, 3),
        "server_cpu_ms_per_event": server_cpu,
    }


async def scoring_diagnostics(stack: Stack, template: Template, participants: int, rounds: int,
                              batch: int) -> dict:
    """Replays scoring's service layer (what each faust agent iteration awaits) in this process,
    outside faust, on a database of its own, with every MongoDB and Kafka call timed."""
    from thidua_common.kafka import EventProducer, decode_event
    from thidua_common.mongo import make_client
    from thidua_scoring.scorers import load_scorers
    from thidua_scoring.service import ScoringService

    settings = stack.settings().model_copy(update={"mongo_db_prefix": "benchdiag"})
    consumer = await assigned_consumer(settings.kafka_bootstrap, topic_name(stack.prefix, "campaigns"), True)
    try:
        campaign_events = []
        for _ in range(10):
            got = await consumer.getmany(timeout_ms=500)
            campaign_events += [r.value for recs in got.values() for r in recs]
            if campaign_events and not got:
                break
    finally:
        await consumer.stop()
    rng = random.Random(4)
    stats: dict[str, list[float]] = defaultdict(list)
    mongo = make_client(settings)
    producer = EventProducer(settings)
    await producer.start()
    try:
        svc = ScoringService(TimedDb(mongo[settings.db_name("scoring")], stats), Timed(producer, "kafka", stats),
                             load_scorers())
        await svc.setup()
        campaign = [e for e in map(decode_event, campaign_events) if e.subject in (CAMPAIGN_ID, None)
                    or e.subject.startswith(CAMPAIGN_ID + "/")]
        if hasattr(svc, "apply_batch"):
            # the batched design: events as the faust agent hands them over (take_events(batch))
            await svc.apply_batch(campaign)
            size = max(1, min(batch, rounds))
            values = [template.event(rng, unit_id(i % participants))[1] for i in range(size * (rounds // size + 1))]

            async def step(i: int) -> None:
                await svc.apply_batch([decode_event(v) for v in values[i * size:(i + 1) * size]])

            out = await _replay(stack, stats, step, rounds // size, warm_up=1, per_step=size)
        else:  # the one-event-at-a-time design
            for envelope in campaign:
                await svc.on_campaign(envelope)
            values = [template.event(rng, unit_id(i % participants))[1] for i in range(rounds + 20)]

            async def step(i: int) -> None:
                await svc.on_submission(decode_event(values[i]))

            out = await _replay(stack, stats, step, rounds)
    finally:
        await producer.stop()
        await mongo.drop_database(settings.db_name("scoring"))
        await mongo.close()
    log(f"diag scoring: {out['ms_per_event']:.2f} ms per event, {out['events_per_call']} per call "
        f"({sum(out['awaited_ms_per_event'].values()):.2f} ms inside MongoDB/Kafka calls, "
        f"{out['client_cpu_ms_per_event']:.2f} ms CPU here, "
        f"{out['server_cpu_ms_per_event']['secantusdb']:.2f} ms CPU in SecantusDB)")
    return out


async def intake_diagnostics(stack: Stack, participants: int, rounds: int) -> dict:
    """Replays intake's accept() (validate against the campaign, then the transaction that writes
    the submission and its outbox record) in this process, on a copy of intake's database."""
    from thidua_common.mongo import make_client
    from thidua_intake.submissions import service as submissions
    from thidua_intake.submissions.models import SubmissionCreate

    settings = stack.settings()
    mongo = make_client(settings)
    real, diag = mongo[settings.db_name("intake")], mongo["benchdiag_intake"]
    stats: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(6)
    try:
        for name in await real.list_collection_names():  # same documents and indexes as intake's
            async for doc in real[name].find({} if name == "campaigns" else {"_id": None}):
                await diag[name].replace_one({"_id": doc["_id"]}, doc, upsert=True)
            async for spec in await real[name].list_indexes():
                if spec["name"] != "_id_":
                    await diag[name].create_index(list(spec["key"].items()), name=spec["name"],
                                                  unique=spec.get("unique", False))
        timed, timed_client = TimedDb(diag, stats), Timed(mongo, "mongo client", stats)

        async def step(i: int) -> None:
            unit = unit_id(rng.randrange(participants))
            body = SubmissionCreate.model_validate({"tenant": TENANT, **submission_fields(rng, unit)})
            # the client too: intake writes a submission and its outbox record with client.bulk_write
            await submissions.accept(timed_client, timed, TENANT, body, submitted_by=f"vanthu-{unit}",
                                     channel="http", idempotency_key=None)

        out = await _replay(stack, stats, step, rounds)
    finally:
        await mongo.drop_database("benchdiag_intake")
        await mongo.close()
    log(f"diag intake: accept() takes {out['ms_per_event']:.2f} ms one at a time "
        f"({sum(out['awaited_ms_per_event'].values()):.2f} ms inside MongoDB calls, "
        f"{out['client_cpu_ms_per_event']:.2f} ms CPU here, "
        f"{out['server_cpu_ms_per_event']['secantusdb']:.2f} ms CPU in SecantusDB)")
    return out


# -- a lean HTTP/1.1 client for the intake load ---------------------------------------------------
# httpx cost ~5 ms of CPU per request here: at 130 requests/s, two thirds of one of the machine's
# two cores, taken from the service being measured. This client sends requests encoded before the
# timed phase on persistent keep-alive connections and parses no more of an answer than its status
# line and the headers that delimit its body.
REQUEST_TIMEOUT = 30.0  # seconds on the wire per request, as httpx's timeout was


class HttpError(ValueError):
    """An answer this client cannot read (bad status line, no Content-Length and not chunked)."""


def parse_head(head: bytes) -> tuple[int, int | None, bool, bool]:
    """(status, Content-Length or None, chunked?, will the server close?) from a response head."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise HttpError(f"bad status line {lines[0][:80]!r}")
    length, chunked, close = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    return int(parts[1]), length, chunked, close


class HttpConnection:
    """One keep-alive connection carrying one request at a time."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        """Send one pre-encoded request, read its whole answer: (status, body)."""
        if self.reader is None or self.reader.at_eof():
            # never opened, dropped after an error, or closed by the server while idle (uvicorn
            # closes keep-alive connections idle for 5 s): reconnecting is part of this request
            self.close()
            await self.open()
        try:
            self.writer.write(raw)  # ~1 kB into an idle socket: no need to wait for drain
            status, length, chunked, close = parse_head(await self.reader.readuntil(b"\r\n\r\n"))
            if chunked:
                body = await self._read_chunked()
            elif length is not None:
                body = await self.reader.readexactly(length)
            elif status in (204, 304) or status < 200:
                body = b""
            else:  # the body would run to the end of the connection: not what intake does
                raise HttpError(f"HTTP {status} without Content-Length")
        except BaseException:
            self.close()  # the answer was not read to its end (error, timeout, cancelled): never reuse
            raise
        if close:
            self.close()
        return status, body

    async def _read_chunked(self) -> bytes:
        parts = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
            parts.append((await self.reader.readexactly(size + 2))[:-2])
        while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers up to the empty line
            pass
        return b"".join(parts)


class HttpPool:
    """`size` connections to 127.0.0.1:port, all opened on entry (before any timed phase); a
    request waits for a free one. Last in, first out: under light load the same few connections
    stay warm and the others may idle out, to be reopened when they are needed again."""

    def __init__(self, port: int, size: int):
        self.connections = [HttpConnection("127.0.0.1", port) for _ in range(size)]
        self.free: asyncio.LifoQueue[HttpConnection] = asyncio.LifoQueue()

    async def __aenter__(self) -> HttpPool:
        await asyncio.gather(*(c.open() for c in self.connections))
        for c in self.connections:
            self.free.put_nowait(c)
        return self

    async def __aexit__(self, *exc) -> None:
        for c in self.connections:
            c.close()

    async def acquire(self) -> HttpConnection:
        return await self.free.get()

    def release(self, conn: HttpConnection) -> None:
        self.free.put_nowait(conn)


def cpu_ms_per_request(cpu: dict, process: str, requests: int) -> float:
    """CPU a process spent per request during a phase, from CpuMeter's result."""
    return round(10 * cpu["cpu_pct_of_one_core"][process] * cpu["wall_s"] / max(1, requests), 2)


# -- phase: intake -------------------------------------------------------------------------------
class IntakeLoad:
    """POST /api/v1/submissions through the lean client above. Every unit reports with its own
    unit_reporter token, as in production; each request is a random unit's random submission."""

    def __init__(self, stack: Stack, participants: int):
        settings = stack.settings()
        self.stack = stack
        self.port = stack.ports.intake
        self.units = [unit_id(i) for i in range(participants)]
        self.tokens = {u: mint_token(settings, subject=f"vanthu-{u}", tenant=TENANT, roles=["unit_reporter"], unit_id=u)
                       for u in self.units}
        self.rng = random.Random(5)

    def encode(self, n: int) -> list[bytes]:
        """n requests as the bytes that go on the wire, made before a timed phase so that the
        phase measures intake rather than this client's JSON encoding."""
        head = (f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                "Content-Type: application/json\r\n")
        out = []
        for _ in range(n):
            unit = self.rng.choice(self.units)
            body = json.dumps({"tenant": TENANT, **submission_fields(self.rng, unit)}, ensure_ascii=False,
                              separators=(",", ":")).encode()
            out.append(f"{head}Content-Length: {len(body)}\r\nAuthorization: Bearer {self.tokens[unit]}\r\n\r\n"
                       .encode() + body)
        return out

    @staticmethod
    async def post(conn: HttpConnection, raw: bytes) -> tuple[int, str | None]:
        """(202, submission id), (other status, start of the body), or (-1, error) without an answer."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                status, body = await conn.request(raw)
            if status == 202:
                return status, json.loads(body).get("submission_id")
        except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as exc:  # TimeoutError is an OSError
            return -1, type(exc).__name__
        return status, body[:200].decode(errors="replace")

    async def warm_up(self, requests: int = 100, connections: int = 8) -> None:
        async with HttpPool(self.port, connections) as pool:
            async def worker(raws: list[bytes]) -> None:
                conn = await pool.acquire()
                for raw in raws:
                    await self.post(conn, raw)
                pool.release(conn)

            raws = self.encode(requests)
            await asyncio.gather(*(worker(raws[i::connections]) for i in range(connections)))

    async def one_at_a_time(self, requests: int) -> dict:
        """One connection, one request at a time: the service time of a POST with no queueing."""
        raws = self.encode(requests)
        latencies, errors = [], 0
        async with HttpPool(self.port, 1) as pool:
            conn = await pool.acquire()
            with CpuMeter(self.stack, ("intake",)) as cpu:
                for raw in raws:
                    t0 = time.perf_counter()
                    status, _ = await self.post(conn, raw)
                    if status == 202:
                        latencies.append(time.perf_counter() - t0)
                    else:
                        errors += 1
        return {
            "requests": requests,
            "errors": errors,
            "latency": latency_summary(latencies),
            "intake_cpu_ms_per_request": cpu_ms_per_request(cpu.result, "intake", requests),
            "secantusdb_cpu_ms_per_request": cpu_ms_per_request(cpu.result, "secantusdb", requests),
            "client_cpu_ms_per_request": cpu_ms_per_request(cpu.result, "bench client", requests),
            "cpu": cpu.result,
        }

    async def open_loop(self, rate: float, duration: float, max_in_flight: int, grace: float) -> dict:
        """Requests are due on a fixed schedule whatever the answers do, so a slow server cannot
        slow the load down (no coordinated omission): latency counts from the due time, and a
        request that waits for a free connection (max_in_flight of them, so at most that many
        requests are open) waits on the clock. Requests unanswered `grace` seconds after the last
        one was due are cancelled and counted as errors. A follower on the submissions topic times
        the outbox relay: POST -> record produced on the topic."""
        settings = self.stack.settings()
        total = int(rate * duration)
        raws = self.encode(total)
        follower = await assigned_consumer(settings.kafka_bootstrap, topic_name(self.stack.prefix, "submissions"), False)
        relayed: dict[str, float] = {}
        stop = asyncio.Event()

        async def follow():
            while not stop.is_set():
                batch = await follower.getmany(timeout_ms=200, max_records=5000)
                for recs in batch.values():
                    for r in recs:
                        sid = json.loads(r.value).get("data", {}).get("submission_id")
                        relayed[sid] = r.timestamp / 1000  # CreateTime: when intake's relay produced it

        follow_task = asyncio.create_task(follow())
        results: list[tuple] = []  # (from due time, on the wire, sent wall, status, info, answered wall)
        send_lag: list[float] = []
        clock = time.perf_counter  # not loop.time(): uvloop's has a resolution of 1 ms

        async def one(raw: bytes, due: float):
            conn = await pool.acquire()
            try:
                started, wall = clock(), time.time()
                status, info = await self.post(conn, raw)
                done = clock()
            finally:
                pool.release(conn)
            send_lag.append(started - due)
            results.append((done - due, done - started, wall, status, info, wall + (done - started)))

        try:
            async with HttpPool(self.port, max_in_flight) as pool:
                with CpuMeter(self.stack, ("intake",)) as cpu:
                    tasks = []
                    t0 = clock() + 0.1
                    for i, raw in enumerate(raws):
                        due = t0 + i / rate
                        delay = due - clock()
                        if delay > 0:
                            await asyncio.sleep(delay)
                        tasks.append(asyncio.create_task(one(raw, due)))
                    _, pending = await asyncio.wait(tasks, timeout=grace)
                    for task in pending:
                        task.cancel()
                    await asyncio.gather(*pending, return_exceptions=True)
                    elapsed = clock() - t0  # first due time -> last answer (or end of grace)
            ok = [r for r in results if r[3] == 202]
            wanted = {r[4]: (r[2], r[5]) for r in ok}
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not wanted.keys() <= relayed.keys():
                await asyncio.sleep(0.2)
        finally:
            stop.set()
            await follow_task
            await follower.stop()
        errors = Counter(f"{r[3]} {r[4]}"[:160] for r in results if r[3] != 202)
        if pending:
            errors[f"no answer within {grace:g} s of the last due time (cancelled)"] = len(pending)
        relay_lag = [relayed[s] - sent for s, (sent, _) in wanted.items() if s in relayed]
        after_answer = [relayed[s] - answered for s, (_, answered) in wanted.items() if s in relayed]
        return {
            "target_rate": rate,
            "duration_s": duration,
            "max_in_flight": max_in_flight,
            "requests": total,
            "accepted": len(ok),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors.most_common(5)),
            "achieved_submissions_per_s": round(len(ok) / elapsed, 1),
            "latency_from_due_time": latency_summary([r[0] for r in ok]),
            "latency_on_the_wire": latency_summary([r[1] for r in ok]),
            "client_send_lag": latency_summary(send_lag),
            "relay_lag_post_to_topic": latency_summary(relay_lag),
            "relay_lag_after_202": latency_summary(after_answer),
            "relayed": len(relay_lag),
            "client_cpu_ms_per_request": cpu_ms_per_request(cpu.result, "bench client", total),
            "cpu": cpu.result,
        }

    async def closed_loop(self, concurrency: int, duration: float) -> dict:
        """`concurrency` clients, each on its own connection, posting as fast as intake answers."""
        clock = time.perf_counter  # not loop.time(): uvloop's has a resolution of 1 ms
        latencies: list[float] = []
        errors: Counter = Counter()
        # 1 000 requests/s is far above what intake takes on this machine; should it ever take
        # more, the same requests are posted again (as new submissions: no idempotency key)
        raws = itertools.cycle(self.encode(max(1000, int(1000 * duration))))

        async def worker(conn: HttpConnection, end: float):
            while clock() < end:
                t0 = clock()
                status, info = await self.post(conn, next(raws))
                if status == 202:
                    latencies.append(clock() - t0)
                else:
                    errors[f"{status} {info}"[:160]] += 1

        async with HttpPool(self.port, concurrency) as pool:
            with CpuMeter(self.stack, ("intake",)) as cpu:
                start = clock()
                await asyncio.gather(*(worker(conn, start + duration) for conn in pool.connections))
                elapsed = clock() - start
        requests = len(latencies) + sum(errors.values())
        return {
            "concurrency": concurrency,
            "duration_s": duration,
            "accepted": len(latencies),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors.most_common(5)),
            "max_submissions_per_s": round(len(latencies) / elapsed, 1),
            "latency": latency_summary(latencies),
            "client_cpu_ms_per_request": cpu_ms_per_request(cpu.result, "bench client", requests),
            "cpu": cpu.result,
        }


# -- profiling (optional) ------------------------------------------------------------------------
class Profiler:
    """py-spy (run through uvx, so nothing is installed into the project) on a process while a
    phase runs, sampling only the thread holding the GIL (so the shares are of CPU used, not of
    time spent waiting); collapsed stacks under bench/results/profiles/, top frames in the JSON."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and shutil.which("uvx") is not None
        if enabled and not self.enabled:
            log("--profile: uvx not found, profiling skipped")
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, pid: int | None, seconds: float) -> None:
        if not self.enabled or not pid:
            return
        PROFILES.mkdir(parents=True, exist_ok=True)
        cmd = ["uvx", "py-spy", "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))),
               "--rate", "100", "--gil", "--format", "raw", "--output", str(PROFILES / f"{name}.txt"), "--nonblocking"]
        self.procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def finish(self) -> None:
        for proc in self.procs:
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()


def top_frames(path: Path, limit: int = 25) -> tuple[list, list]:
    """(inclusive, self) share of samples per frame from py-spy's collapsed output."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = stack.split(";")
        total += int(n)
        own[frames[-1]] += int(n)
        for f in set(frames):
            inclusive[f] += int(n)
    if not total:
        return [], []
    return ([(f, round(100 * k / total, 1)) for f, k in inclusive.most_common(limit)],
            [(f, round(100 * k / total, 1)) for f, k in own.most_common(limit)])


# -- report --------------------------------------------------------------------------------------
def summary_table(res: dict) -> str:
    b = res["baseline"]
    raw_p, raw_c = b["produce"]["msgs_per_s"], b["consume"]["msgs_per_s"]
    rows = [("measure", "value", "baseline (same run)", "ratio", "target")]
    rows.append(("raw produce, pipelined (acks=all, idempotent)", f"{raw_p} msgs/s", f"{b['produce']['mb_per_s']} MB/s",
                 "", ""))
    rows.append(("raw produce, send_and_wait one at a time", f"{b['produce_sequential']['msgs_per_s']} msgs/s",
                 f"{b['produce_sequential']['mean_ms']} ms each", "", ""))
    rows.append(("raw consume", f"{raw_c} msgs/s", f"{b['consume']['mb_per_s']} MB/s", "", ""))
    f = b.get("faust_consume") or {}
    faust_c = f.get("msgs_per_s")
    if faust_c:
        rows.append(("bare faust consume (take_events, concurrency 1)", f"{faust_c} msgs/s", f"{raw_c} msgs/s",
                     f"{100 * faust_c / raw_c:.2f}% of raw consume", f"{f['cpu_us_per_msg']} µs CPU/msg"))
    elif f:
        rows.append(("bare faust consume", "failed", "", "", f["error"][:60]))
    s = res.get("scoring")
    if s:
        for label, key in (("scoring, from ready", "events_per_s_from_ready"),
                           ("scoring, including startup", "events_per_s_including_startup"),
                           ("scoring, first to last score event", "score_events_per_s_first_to_last")):
            v = s.get(key)
            if v is None and key == "events_per_s_from_ready":
                v = s.get("events_per_s_from_ready_partial")
                label += " (partial)"
            ratio = f"{100 * v / raw_c:.2f}% of raw consume" if v else "n/a"
            target = ""
            if key == "events_per_s_from_ready":
                target = ("PASS" if v and v / raw_c >= 0.20 else "FAIL") + " (>= 20%)"
            rows.append((label, f"{v} events/s", f"{raw_c} msgs/s", ratio, target))
        v = s.get("events_per_s_from_ready") or s.get("events_per_s_from_ready_partial")
        if faust_c and v:  # faust's own cost per message is a ceiling scoring cannot pass
            rows.append(("scoring as % of bare faust consume", f"{v} events/s", f"{faust_c} msgs/s",
                         f"{100 * v / faust_c:.1f}% of bare faust consume", ""))
        rows.append(("  scored per s, first / second half", f"{s.get('scored_per_s_first_half')} / "
                     f"{s.get('scored_per_s_second_half')}", "", "", ""))
        rows.append(("  consumed / with a score event / pre-loaded",
                     f"{s['consumed']} / {s['submissions_with_a_score_event']} / {s['events']}", "", "",
                     "" if s["completed"] else "INCOMPLETE"))
        rows.append(("  process start -> ready", f"{s['startup_to_ready_s']} s", "", "", ""))
    d = res.get("diagnostics", {}).get("scoring")
    if s and d and d.get("client_cpu_ms_per_event"):
        ceiling = 1000 / d["client_cpu_ms_per_event"]
        rows.append(("scoring CPU ceiling: 1 core / CPU per event", f"{ceiling:.0f} events/s", f"{raw_c} msgs/s",
                     f"{100 * ceiling / raw_c:.2f}% of raw consume", ""))
    for name, what in (("scoring", "scoring service"), ("intake", "intake accept()")):
        d = res.get("diagnostics", {}).get(name)
        if d and "ms_per_event" in d:
            rows.append((f"{what} replayed, {d['events_per_call']} event(s) per call", f"{d['ms_per_event']} ms/event",
                         f"{sum(d['awaited_ms_per_event'].values()):.2f} ms in DB/Kafka calls",
                         f"{d['client_cpu_ms_per_event']} ms CPU + "
                         f"{d['server_cpu_ms_per_event']['secantusdb']} ms DB CPU", ""))
    q = res.get("intake_one_at_a_time")
    if q:
        rows.append(("intake POST, one at a time, p50 / p99", f"{q['latency']['p50_ms']} / {q['latency']['p99_ms']} ms",
                     f"{q['intake_cpu_ms_per_request']} ms intake CPU",
                     f"{q['secantusdb_cpu_ms_per_request']} ms DB CPU", ""))
    o = res.get("intake_open_loop")
    if o:
        lat = o["latency_from_due_time"]
        rows.append((f"intake open loop @ {o['target_rate']:g}/s, {o['duration_s']:g} s",
                     f"{o['achieved_submissions_per_s']} subs/s", f"{raw_p} msgs/s",
                     f"{100 * o['achieved_submissions_per_s'] / raw_p:.2f}% of raw produce", ""))
        p99 = lat["p99_ms"]
        rows.append(("  latency p50 / p95 / p99 / max", f"{lat['p50_ms']} / {lat['p95_ms']} / {p99} / {lat['max_ms']} ms",
                     "", "", ("PASS" if p99 is not None and p99 < 50 else "FAIL") + " (p99 < 50 ms)"))
        rows.append(("  errors", f"{o['errors']} of {o['requests']}", "", "", ""))
        rl = o["relay_lag_post_to_topic"]
        rows.append(("  POST -> on submissions topic p50 / p99", f"{rl['p50_ms']} / {rl['p99_ms']} ms",
                     f"{o['relayed']} relayed", "", ""))
    c = res.get("intake_closed_loop")
    if c:
        rows.append((f"intake closed loop, {c['concurrency']} clients, {c['duration_s']:g} s",
                     f"{c['max_submissions_per_s']} subs/s", f"{raw_p} msgs/s",
                     f"{100 * c['max_submissions_per_s'] / raw_p:.2f}% of raw produce", ""))
        rows.append(("  latency p50 / p99", f"{c['latency']['p50_ms']} / {c['latency']['p99_ms']} ms", "", "",
                     f"{c['errors']} errors"))
    client = [(name.removeprefix("intake_"), res[name]) for name in
              ("intake_one_at_a_time", "intake_open_loop", "intake_closed_loop") if "cpu" in res.get(name, {})]
    if client:  # the load generator shares the 2 cores with what it measures: how much it took
        rows.append(("bench client CPU (of one core), " + " / ".join(n for n, _ in client),
                     " / ".join(f"{r['cpu']['cpu_pct_of_one_core']['bench client']:g}%" for _, r in client),
                     " / ".join(f"{r.get('client_cpu_ms_per_request')}" for _, r in client) + " ms per request",
                     "", ""))
    others = [(name, res[name]["cpu"]["other_processes_pct_of_one_core"])
              for name in ("scoring", "intake_open_loop", "intake_closed_loop") if "cpu" in res.get(name, {})]
    if others:
        rows.append(("CPU taken by other processes (of 200%)", " / ".join(f"{v:g}%" for _, v in others),
                     " / ".join(n.replace("intake_", "") for n, _ in others), "", ""))
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("secantusdb", "aiokafka", "faust-streaming", "pymongo", "httpx", "fastapi", "uvicorn", "pydantic",
                    "uvloop"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    jars = sorted((REPO / ".local" / "cache").glob("kafka-*/libs/kafka_*.jar"))
    out["kafka"] = jars[0].stem.split("-", 1)[1] if jars else None
    return out


def revision() -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                                    capture_output=True, text=True).stdout.strip())
        return {"commit": commit, "uncommitted_changes": dirty}
    except (OSError, subprocess.CalledProcessError):
        marker = REPO / ".bench-revision"  # an exported tree (git archive) may say where it came from
        return {"commit": marker.read_text().strip() if marker.exists() else None, "uncommitted_changes": None}


async def _profiled(profiler: Profiler, stack: Stack, name: str, coro, skip: float = 8, seconds: float = 30):
    """Attach py-spy to a service once the phase has started it, past its imports and join."""
    if not profiler.enabled:
        return await coro
    task = asyncio.create_task(coro)
    for _ in range(600):
        pid = stack.service(name).pid()
        if pid or task.done():
            await asyncio.sleep(skip)
            if not task.done():
                profiler.start(name, pid, seconds)
            break
        await asyncio.sleep(0.1)
    try:
        return await task
    finally:
        await asyncio.to_thread(profiler.finish)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=20000,
                        help="events pre-loaded for the scoring phase (about 3 minutes at ~130 events/s)")
    parser.add_argument("--rate", type=float, default=200, help="open-loop intake requests per second")
    parser.add_argument("--duration", type=float, default=20, help="open-loop intake duration (s)")
    parser.add_argument("--max-in-flight", type=int, default=128, help="open-loop requests open at once")
    parser.add_argument("--grace", type=float, default=30, help="open loop: wait this long after the last request")
    parser.add_argument("--concurrency", type=int, default=16, help="closed-loop intake clients")
    parser.add_argument("--closed-duration", type=float, default=10, help="closed-loop intake duration (s)")
    parser.add_argument("--participants", type=int, default=200, help="units in the benchmark campaign")
    parser.add_argument("--raw-messages", type=int, default=50000, help="messages for the raw aiokafka baseline")
    parser.add_argument("--raw-sequential", type=int, default=1000, help="one-at-a-time send_and_wait messages")
    parser.add_argument("--sequential-requests", type=int, default=200, help="one-at-a-time intake POSTs")
    parser.add_argument("--diag-rounds", type=int, default=1000, help="events replayed by the scoring diagnostics")
    parser.add_argument("--diag-batch", type=int, default=500, help="events per apply_batch call in that replay")
    parser.add_argument("--diag-intake-rounds", type=int, default=300, help="accept() calls replayed for intake")
    parser.add_argument("--scoring-timeout", type=float, default=900, help="stop timing scoring after this (s)")
    parser.add_argument("--scoring-stall", type=float, default=300,
                        help="give up when scoring commits nothing new for this long (s)")
    parser.add_argument("--phases", default="scoring,diag,intake,closed",
                        help="comma-separated subset of scoring,diag,intake,closed (the baseline always runs)")
    parser.add_argument("--mongo-options", default="",
                        help="extra MongoDB URI options for every process, e.g. retryWrites=false")
    parser.add_argument("--profile", action="store_true", help="sample the services with py-spy (through uvx)")
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder (logs, data) afterwards")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    configure_logging("bench", "WARNING")  # the product's code run in-process (diag) stays quiet

    home = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    ports = Ports.free()
    extra_env = {}
    if args.mongo_options:
        extra_env["THIDUA_MONGO_URI"] = f"mongodb://127.0.0.1:{ports.mongo}/?directConnection=true&{args.mongo_options}"
    stack = Stack(home, ports, cache=REPO / ".local" / "cache", prefix=prefix, extra_env=extra_env)
    profiler = Profiler(args.profile)
    if profiler.enabled:
        shutil.rmtree(PROFILES, ignore_errors=True)
    res: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": revision(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_at_start": os.getloadavg()},
        "event_loop": EVENT_LOOP,  # of the benchmark process (the load generator, the raw baseline)
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "topic_prefix": prefix,
        "versions": versions(),
        "mongo_uri": stack.settings().mongo_uri,
    }
    failed = False
    try:
        log(f"stack in {home}, topic prefix {prefix}")
        stack.start_infra()
        stack.start_services(("intake",))
        res["campaign"], template = run(create_campaign(stack, args.participants))
        stack.stop_service("intake")  # each phase runs only what it measures
        res["baseline"] = run(
            baseline(stack, template, args.raw_messages, args.raw_sequential, args.participants)
        )
        if "scoring" in phases:
            res["scoring"] = run(_profiled(
                profiler, stack, "scoring",
                scoring(stack, template, args.submissions, args.participants, args.scoring_timeout,
                        args.scoring_stall),
            ))
            stack.stop_service("scoring")
        if "diag" in phases:
            res["diagnostics"] = {}
            # each replay on the event loop its service runs on: faust's default (asyncio) for
            # scoring, uvicorn's (uvloop when installed) for intake
            for name, coro, loop in (
                ("scoring", lambda: scoring_diagnostics(stack, template, args.participants, args.diag_rounds,
                                                        args.diag_batch), "asyncio"),
                ("intake", lambda: intake_diagnostics(stack, args.participants, args.diag_intake_rounds), EVENT_LOOP),
            ):
                try:
                    res["diagnostics"][name] = run(coro(), loop=loop)
                except Exception as exc:  # internals change: keep every other figure
                    log(f"diag {name}: failed ({type(exc).__name__}: {exc}); its service layer may have changed")
                    res["diagnostics"][name] = {"error": f"{type(exc).__name__}: {exc}"}
        if phases & {"intake", "closed"}:
            stack.start_services(("intake",))
            load = IntakeLoad(stack, args.participants)
            run(load.warm_up())
            if "intake" in phases:
                res["intake_one_at_a_time"] = run(load.one_at_a_time(args.sequential_requests))
                q = res["intake_one_at_a_time"]
                log(f"intake: one at a time p50 {q['latency']['p50_ms']} ms; {q['intake_cpu_ms_per_request']} ms "
                    f"intake CPU and {q['secantusdb_cpu_ms_per_request']} ms SecantusDB CPU per request")
                log(f"intake: open loop at {args.rate:g} requests/s for {args.duration:g} s")
                profiler.start("intake-open-loop", stack.service("intake").pid(), args.duration)
                profiler.start("secantusdb-open-loop", stack._mongo().pid(), args.duration)
                res["intake_open_loop"] = run(
                    load.open_loop(args.rate, args.duration, args.max_in_flight, args.grace)
                )
                profiler.finish()
                o = res["intake_open_loop"]
                log(f"intake: {o['achieved_submissions_per_s']} subs/s, p99 {o['latency_from_due_time']['p99_ms']} ms, "
                    f"{o['errors']} errors")
            if "closed" in phases:
                log(f"intake: closed loop, {args.concurrency} clients for {args.closed_duration:g} s")
                profiler.start("intake-closed-loop", stack.service("intake").pid(), args.closed_duration)
                profiler.start("secantusdb-closed-loop", stack._mongo().pid(), args.closed_duration)
                res["intake_closed_loop"] = run(load.closed_loop(args.concurrency, args.closed_duration))
                profiler.finish()
                log(f"intake: max {res['intake_closed_loop']['max_submissions_per_s']} subs/s")
    except BaseException:
        failed = True
        raise
    finally:
        profiler.finish()
        try:
            stack.down()
        except Exception as exc:  # e.g. the broker never formatted its storage: nothing to stop
            log(f"stopping the stack failed: {type(exc).__name__}: {exc}")
        finally:
            res["machine"]["loadavg_at_end"] = os.getloadavg()
            res["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            if profiler.enabled and PROFILES.exists():
                res["profiles"] = {}
                for p in sorted(PROFILES.glob("*.txt")):
                    inclusive, own = top_frames(p)
                    res["profiles"][p.stem] = {"inclusive_pct": inclusive, "self_pct": own}
                    for title, rows in (("inclusive", inclusive), ("self", own)):
                        print(f"\n{p.stem}: frames by {title} share of samples")
                        for frame, share in rows:
                            print(f"  {share:5.1f}%  {frame}")
            if "baseline" in res:
                res["summary"] = summary_table(res)
                print("\n" + res["summary"] + "\n", flush=True)
            output = args.output.with_suffix(".failed.json") if failed else args.output  # keep the last good one
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
            log(f"results written to {output}")
            if args.keep or failed:
                log(f"stack folder kept: {home}")
            else:
                shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
