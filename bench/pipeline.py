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

This file parses the options and runs the phases; each phase is a module of bench/_pipeline/
(campaign, baseline with faust_worker.py, scoring, diagnostics with timing.py, intake with
http_client.py), next to what they share (measure, workload, kafka_tools) and the report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from thidua_common.kafka.client import security_options
from thidua_common.logging import configure_logging
from thidua_devstack.stack import REPO, Ports, Stack

from _pipeline.baseline import baseline
from _pipeline.campaign import create_campaign
from _pipeline.diagnostics import intake_diagnostics, scoring_diagnostics
from _pipeline.intake import IntakeLoad
from _pipeline.kafka_tools import authenticate
from _pipeline.measure import EVENT_LOOP, PROFILES, RESULTS, log, run
from _pipeline.report import Profiler, profiled, revision, summary_table, top_frames, versions
from _pipeline.scoring import scoring


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--submissions",
        type=int,
        default=20000,
        help="events pre-loaded for the scoring phase (about 3 minutes at ~130 events/s)",
    )
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
    parser.add_argument(
        "--scoring-stall", type=float, default=300, help="give up when scoring commits nothing new for this long (s)"
    )
    parser.add_argument(
        "--phases",
        default="scoring,diag,intake,closed",
        help="comma-separated subset of scoring,diag,intake,closed (the baseline always runs)",
    )
    parser.add_argument(
        "--mongo-options", default="", help="extra MongoDB URI options for every process, e.g. retryWrites=false"
    )
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
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "loadavg_at_start": os.getloadavg()},
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
        authenticate(security_options(stack.settings()))  # issue 12: the broker takes SASL only
        stack.start_services(("intake",))
        res["campaign"], template = run(create_campaign(stack, args.participants))
        stack.stop_service("intake")  # each phase runs only what it measures
        res["baseline"] = run(baseline(stack, template, args.raw_messages, args.raw_sequential, args.participants))
        if "scoring" in phases:
            res["scoring"] = run(
                profiled(
                    profiler,
                    stack,
                    "scoring",
                    scoring(
                        stack, template, args.submissions, args.participants, args.scoring_timeout, args.scoring_stall
                    ),
                )
            )
            stack.stop_service("scoring")
        if "diag" in phases:
            res["diagnostics"] = {}
            # each replay on the event loop its service runs on: faust's default (asyncio) for
            # scoring, uvicorn's (uvloop when installed) for intake
            for name, coro, loop in (
                (
                    "scoring",
                    lambda: scoring_diagnostics(stack, template, args.participants, args.diag_rounds, args.diag_batch),
                    "asyncio",
                ),
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
                log(
                    f"intake: one at a time p50 {q['latency']['p50_ms']} ms; {q['intake_cpu_ms_per_request']} ms "
                    f"intake CPU and {q['secantusdb_cpu_ms_per_request']} ms SecantusDB CPU per request"
                )
                log(f"intake: open loop at {args.rate:g} requests/s for {args.duration:g} s")
                profiler.start("intake-open-loop", stack.service("intake").pid(), args.duration)
                profiler.start("secantusdb-open-loop", stack._mongo().pid(), args.duration)
                res["intake_open_loop"] = run(load.open_loop(args.rate, args.duration, args.max_in_flight, args.grace))
                profiler.finish()
                o = res["intake_open_loop"]
                log(
                    f"intake: {o['achieved_submissions_per_s']} subs/s, p99 {o['latency_from_due_time']['p99_ms']} ms, "
                    f"{o['errors']} errors"
                )
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
