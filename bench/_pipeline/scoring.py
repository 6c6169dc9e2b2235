"""Phase `scoring`: N events pre-loaded on the submissions topic, scoring started and timed until
its consumer group has committed them all."""

from __future__ import annotations

import json
import random
import time

from aiokafka.admin import AIOKafkaAdminClient

from thidua_common.contracts.registry import topic_name
from thidua_common.kafka import make_producer
from thidua_common.kafka.client import security_options
from thidua_devstack.stack import Stack

from _pipeline.kafka_tools import assigned_consumer, produce_all
from _pipeline.measure import CpuMeter, log, rounded
from _pipeline.workload import Template, unit_id


# -- phase: scoring ------------------------------------------------------------------------------
def _score_refs(value: bytes) -> tuple[str | None, str | None]:
    """(submission id, causing event id) a score event refers to."""
    data = json.loads(value).get("data", {})
    cause = data.get("cause") or {}
    return data.get("submission_id"), cause.get("event_id") if isinstance(cause, dict) else None


class ScoreTally:
    """The score events read from the scores topic, and which pre-loaded submissions they score
    (named by submission id, or through the id of the event that caused them)."""

    def __init__(self, by_submission: dict[str, str]):
        self.by_submission = by_submission  # submission id -> event id
        self.event_ids = {v: k for k, v in by_submission.items()}
        self.seen: set[str] = set()
        self.stamps: list[float] = []  # when the first score event of each submission was produced
        self.score_events = 0

    def add(self, batch: dict) -> bool:
        """Counts a getmany() batch; True when it scored a submission not scored before."""
        new = False
        for recs in batch.values():
            for r in recs:
                self.score_events += 1
                sid, cause = _score_refs(r.value)
                sid = sid if sid in self.by_submission else self.event_ids.get(cause)
                if sid is not None and sid not in self.seen:
                    self.seen.add(sid)
                    self.stamps.append(r.timestamp / 1000)
                    new = True
        return new


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


async def scoring(stack: Stack, template: Template, n: int, participants: int, timeout: float, stall: float) -> dict:
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
    before = await _end_offsets(bootstrap, submissions_topic)
    producer = make_producer(settings)
    await producer.start()
    try:
        preload_s = await produce_all(producer, submissions_topic, records)
    finally:
        await producer.stop()
    del records
    after = await _end_offsets(bootstrap, submissions_topic)
    log(
        f"scoring: pre-loaded {n} events in {preload_s:.1f} s "
        f"({sum(after.values()) - sum(before.values())} records on {len(after)} partitions)"
    )

    consumer = await assigned_consumer(bootstrap, topic_name(stack.prefix, "scores"), True)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security_options(settings))
    await admin.start()
    ready_file = stack.run_dir / "scoring.ready"
    ready_file.unlink(missing_ok=True)
    proc = stack.service("scoring")
    tally = ScoreTally(by_submission)
    consumed = 0
    t_ready = t_consumed = t_last_consumed = None
    progress: list[tuple[float, int, int]] = []
    stalled = False
    try:
        with CpuMeter(stack, ("scoring",)) as cpu:
            t_start = time.time()
            proc.start()
            now = time.monotonic()
            next_report, next_poll, last_progress, deadline = now + 10, now + 0.5, now, now + timeout
            while t_consumed is None:
                if tally.add(await consumer.getmany(timeout_ms=200, max_records=5000)):
                    last_progress = time.monotonic()
                if t_ready is None and ready_file.exists():
                    t_ready = ready_file.stat().st_mtime
                    last_progress = time.monotonic()
                now = time.monotonic()
                if now >= next_poll:
                    next_poll = now + 0.5
                    committed = await _committed(admin, submissions_topic)
                    done_now = sum(max(0, min(committed.get(p, 0), end) - before.get(p, 0)) for p, end in after.items())
                    if done_now > consumed:
                        consumed, last_progress, t_last_consumed = done_now, now, time.time()
                    if all(committed.get(p, 0) >= end for p, end in after.items()):
                        t_consumed = time.time()
                if now >= next_report:
                    progress.append((round(time.time() - t_start, 1), consumed, len(tally.seen)))
                    log(
                        f"scoring: {consumed}/{n} consumed, {len(tally.seen)} scored, after {time.time() - t_start:.0f} s"
                    )
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
                tally.add(await consumer.getmany(timeout_ms=300, max_records=5000))
    finally:
        await consumer.stop()
        await admin.close()
    scored, stamps = len(tally.seen), sorted(tally.stamps)
    first_ts, last_ts = (stamps[0], stamps[-1]) if stamps else (None, None)
    log_text = proc.log_file.read_text(errors="replace") if proc.log_file.exists() else ""
    out = {
        "events": n,
        "consumed": consumed,
        "completed": t_consumed is not None,
        "stalled": stalled,
        "submissions_with_a_score_event": scored,
        "score_events_seen": tally.score_events,
        "preload_s": round(preload_s, 2),
        "startup_to_ready_s": rounded(t_ready - t_start if t_ready else None),
        "startup_to_first_score_s": rounded(first_ts - t_start if first_ts else None),
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
        half = scored // 2
        out["scored_per_s_first_half"] = round(half / max(1e-3, stamps[half] - stamps[0]), 1)
        out["scored_per_s_second_half"] = round((scored - 1 - half) / max(1e-3, stamps[-1] - stamps[half]), 1)
    log(
        f"scoring: {consumed} consumed, {scored} with a score event; {out.get('events_per_s_from_ready')} events/s "
        f"from ready, {out.get('events_per_s_including_startup')} events/s including startup"
    )
    return out
