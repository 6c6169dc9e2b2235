"""Rescoring benchmark (issue: campaigns, criteria, targets and scores).

A campaign of 2,000 units × 20 criteria × 12 monthly periods (480,000 values) is loaded into a
real stack (Kafka, SecantusDB, the scoring service); then its criteria change (a new version)
and every score is recomputed from the stored inputs. Printed next to raw aiokafka consume
throughput of the same submissions on the same broker, measured in the same run.

    uv run python bench/rescoring.py [--units 2000] [--criteria 20] [--periods 12]
"""

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from thidua_common.contracts import new_event
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registry import CAMPAIGN_DEFINED, SUBMISSION_RECEIVED, topic_name
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.kafka import encode_event, make_producer
from thidua_common.kafka.client import security_options
from thidua_devstack.stack import REPO, Ports, Stack

TENANT = "bench"
CAMPAIGN = "rescoring-bench"


def campaign(units: int, criteria: int, version: int, clusters: int = 20) -> CampaignDefined:
    leaves = []
    for i in range(criteria):
        scorer = "cluster_leader" if i % 10 == 0 else ("pass_fail" if i % 10 == 5 else "ratio_to_target")
        leaves.append(
            {
                "id": f"c{i}",
                "name_vi": f"Tiêu chí {i}",
                "max_points": 5 + version,
                "target": 100,
                "scorer": scorer,
                "direction": "lower" if i % 7 == 3 else "higher",
            }
        )
    groups = [
        {"id": f"g{g}", "name_vi": f"Nhóm {g}", "max_points": 20 + 4 * version, "children": leaves[g * 5 : (g + 1) * 5]}
        for g in range((criteria + 4) // 5)
    ]
    return CampaignDefined.model_validate(
        {
            "campaign_id": CAMPAIGN,
            "revision": version,
            "status": "running",
            "name_vi": "Phong trào đo hiệu năng",
            "launched_by": "bench",
            "start": "2018-01-01",
            "end": "2018-12-31",
            "reporting_frequency": "month",
            "criteria_version": version,
            "criteria": groups,
            "clusters": [{"id": f"k{k}", "name_vi": f"Cụm {k}"} for k in range(clusters)],
            "participants": [
                {"unit_id": f"u{n}", "name_vi": f"Đơn vị {n}", "unit_type": "commune", "cluster_id": f"k{n % clusters}"}
                for n in range(units)
            ],
        }
    )


async def produce(settings, topic_key: str, events, key: str) -> float:
    producer = make_producer(settings, linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    start = time.perf_counter()
    try:
        futures = []
        for event in events:
            value, headers = encode_event(event)
            futures.append(
                await producer.send(
                    topic_name(settings.topic_prefix, topic_key), value, key=key.encode(), headers=headers
                )
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.perf_counter() - start


async def raw_consume(settings, topic_key: str, expected: int) -> float:
    """Baseline: how fast a plain aiokafka consumer reads (and JSON-decodes) the same records."""
    from aiokafka import TopicPartition

    topic = topic_name(settings.topic_prefix, topic_key)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), enable_auto_commit=False
    )
    await consumer.start()
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or {0, 1, 2}]
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    seen, start = 0, time.perf_counter()
    try:
        while seen < expected:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for r in records:
                    json.loads(r.value)
                seen += len(records)
    finally:
        await consumer.stop()
    return time.perf_counter() - start


async def wait_scores(settings, version: int, expected: int, timeout: float) -> tuple[float, int]:
    """Time until `expected` provisional scores of criteria `version` are on the scores topic."""
    consumer = AIOKafkaConsumer(
        topic_name(settings.topic_prefix, "scores"),
        bootstrap_servers=settings.kafka_bootstrap,
        **security_options(settings),
        group_id=f"watch-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    start, seen, events = time.perf_counter(), set(), 0
    marker = f'"criteria_version":{version},'.encode()
    try:
        while len(seen) < expected and time.perf_counter() - start < timeout:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for r in records:
                    # a light look at each 10 kB event, so the watcher takes little of the 2 cores
                    events += 1
                    if marker in r.value and b'"status":"provisional"' in r.value:
                        start_s = r.value.index(b'"subject":"') + 11
                        seen.add(r.value[start_s : r.value.index(b'"', start_s)])
    finally:
        await consumer.stop()
    return time.perf_counter() - start, events


async def run(args) -> dict:
    home = Path(tempfile.mkdtemp(prefix="thidua-rescoring-bench-"))
    stack = Stack(home, Ports.free(), cache=REPO / ".local" / "cache", prefix=f"rb{uuid.uuid4().hex[:6]}")
    settings = stack.settings()
    rng = random.Random(7)
    periods = [f"2018-{m:02d}" for m in range(1, args.periods + 1)]
    total = args.units * args.periods
    try:
        await asyncio.to_thread(stack.start_infra)
        v1 = campaign(args.units, args.criteria, 1)
        await produce(
            settings,
            "campaigns",
            [new_event(type=CAMPAIGN_DEFINED, source="/bench", tenant=TENANT, data=v1)],
            f"{TENANT}/{CAMPAIGN}",
        )
        now = datetime.now(UTC)
        submissions = [
            new_event(
                type=SUBMISSION_RECEIVED,
                source="/bench",
                tenant=TENANT,
                data=SubmissionReceived(
                    submission_id=str(uuid.uuid4()),
                    campaign_id=CAMPAIGN,
                    unit_id=f"u{n}",
                    period=p,
                    values={f"c{i}": float(rng.randint(40, 160)) for i in range(args.criteria)},
                    submitted_by="bench",
                    submitted_at=now,
                    criteria_version=1,
                ),
            )
            for p in periods
            for n in range(args.units)
        ]
        produce_s = await produce(settings, "submissions", submissions, f"{TENANT}/{CAMPAIGN}")
        consume_s = await raw_consume(settings, "submissions", total)
        raw_rate = total / consume_s
        print(
            f"raw aiokafka: produce {total / produce_s:,.0f} msg/s, consume {raw_rate:,.0f} msg/s "
            f"({total} submissions, {args.criteria} values each)"
        )

        started = time.perf_counter()
        await asyncio.to_thread(stack.start_services, ("scoring",))
        ready_s = time.perf_counter() - started
        first_s, _ = await wait_scores(settings, 1, total, args.timeout)
        print(
            f"initial scoring: {total} unit-periods in {first_s:.1f} s (worker start {ready_s:.1f} s) "
            f"= {total / first_s:,.0f} scores/s"
        )

        v2 = campaign(args.units, args.criteria, 2)
        v2.change.reason = "bench: new criteria version"
        t0 = time.perf_counter()
        await produce(
            settings,
            "campaigns",
            [new_event(type=CAMPAIGN_DEFINED, source="/bench", tenant=TENANT, data=v2)],
            f"{TENANT}/{CAMPAIGN}",
        )
        rescore_s, _ = await wait_scores(settings, 2, total, args.timeout)
        rescore_s = time.perf_counter() - t0
        rate = total / rescore_s
        values_rate = total * args.criteria / rescore_s
        result = {
            "date": date.today().isoformat(),
            "units": args.units,
            "criteria": args.criteria,
            "periods": args.periods,
            "values": total * args.criteria,
            "raw_consume_msgs_per_s": round(raw_rate),
            "raw_produce_msgs_per_s": round(total / produce_s),
            "initial_scoring_s": round(first_s, 2),
            "initial_scores_per_s": round(total / first_s),
            "rescoring_s": round(rescore_s, 2),
            "rescoring_score_events_per_s": round(rate),
            "rescoring_values_per_s": round(values_rate),
            "rescoring_vs_raw_consume": round(rate / raw_rate, 3),
            "target_s": 60,
        }
        print(
            f"RESCORING: {total * args.criteria:,} values ({total} score events) in {rescore_s:.1f} s "
            f"= {rate:,.0f} score events/s, {values_rate:,.0f} values/s; "
            f"{rate / raw_rate:.1%} of raw consume throughput; target < 60 s: "
            f"{'met' if rescore_s < 60 else 'NOT met'}"
        )
        return result
    finally:
        await asyncio.to_thread(stack.down)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "rescoring-latest.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
