"""The results: py-spy profiles (optional), the summary table, versions and revision."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from thidua_devstack.stack import REPO, Stack

from _pipeline.measure import PROFILES, log


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
        cmd = [
            "uvx",
            "py-spy",
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, int(seconds))),
            "--rate",
            "100",
            "--gil",
            "--format",
            "raw",
            "--output",
            str(PROFILES / f"{name}.txt"),
            "--nonblocking",
        ]
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
    return (
        [(f, round(100 * k / total, 1)) for f, k in inclusive.most_common(limit)],
        [(f, round(100 * k / total, 1)) for f, k in own.most_common(limit)],
    )


# -- report --------------------------------------------------------------------------------------
def summary_table(res: dict) -> str:
    b = res["baseline"]
    raw_p, raw_c = b["produce"]["msgs_per_s"], b["consume"]["msgs_per_s"]
    rows = [("measure", "value", "baseline (same run)", "ratio", "target")]
    rows.append(
        ("raw produce, pipelined (acks=all, idempotent)", f"{raw_p} msgs/s", f"{b['produce']['mb_per_s']} MB/s", "", "")
    )
    rows.append(
        (
            "raw produce, send_and_wait one at a time",
            f"{b['produce_sequential']['msgs_per_s']} msgs/s",
            f"{b['produce_sequential']['mean_ms']} ms each",
            "",
            "",
        )
    )
    rows.append(("raw consume", f"{raw_c} msgs/s", f"{b['consume']['mb_per_s']} MB/s", "", ""))
    f = b.get("faust_consume") or {}
    faust_c = f.get("msgs_per_s")
    if faust_c:
        rows.append(
            (
                "bare faust consume (take_events, concurrency 1)",
                f"{faust_c} msgs/s",
                f"{raw_c} msgs/s",
                f"{100 * faust_c / raw_c:.2f}% of raw consume",
                f"{f['cpu_us_per_msg']} µs CPU/msg",
            )
        )
    elif f:
        rows.append(("bare faust consume", "failed", "", "", f["error"][:60]))
    s = res.get("scoring")
    if s:
        for label, key in (
            ("scoring, from ready", "events_per_s_from_ready"),
            ("scoring, including startup", "events_per_s_including_startup"),
            ("scoring, first to last score event", "score_events_per_s_first_to_last"),
        ):
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
            rows.append(
                (
                    "scoring as % of bare faust consume",
                    f"{v} events/s",
                    f"{faust_c} msgs/s",
                    f"{100 * v / faust_c:.1f}% of bare faust consume",
                    "",
                )
            )
        rows.append(
            (
                "  scored per s, first / second half",
                f"{s.get('scored_per_s_first_half')} / {s.get('scored_per_s_second_half')}",
                "",
                "",
                "",
            )
        )
        rows.append(
            (
                "  consumed / with a score event / pre-loaded",
                f"{s['consumed']} / {s['submissions_with_a_score_event']} / {s['events']}",
                "",
                "",
                "" if s["completed"] else "INCOMPLETE",
            )
        )
        rows.append(("  process start -> ready", f"{s['startup_to_ready_s']} s", "", "", ""))
    d = res.get("diagnostics", {}).get("scoring")
    if s and d and d.get("client_cpu_ms_per_event"):
        ceiling = 1000 / d["client_cpu_ms_per_event"]
        rows.append(
            (
                "scoring CPU ceiling: 1 core / CPU per event",
                f"{ceiling:.0f} events/s",
                f"{raw_c} msgs/s",
                f"{100 * ceiling / raw_c:.2f}% of raw consume",
                "",
            )
        )
    for name, what in (("scoring", "scoring service"), ("intake", "intake accept()")):
        d = res.get("diagnostics", {}).get(name)
        if d and "ms_per_event" in d:
            rows.append(
                (
                    f"{what} replayed, {d['events_per_call']} event(s) per call",
                    f"{d['ms_per_event']} ms/event",
                    f"{sum(d['awaited_ms_per_event'].values()):.2f} ms in DB/Kafka calls",
                    f"{d['client_cpu_ms_per_event']} ms CPU + {d['server_cpu_ms_per_event']['secantusdb']} ms DB CPU",
                    "",
                )
            )
    q = res.get("intake_one_at_a_time")
    if q:
        rows.append(
            (
                "intake POST, one at a time, p50 / p99",
                f"{q['latency']['p50_ms']} / {q['latency']['p99_ms']} ms",
                f"{q['intake_cpu_ms_per_request']} ms intake CPU",
                f"{q['secantusdb_cpu_ms_per_request']} ms DB CPU",
                "",
            )
        )
    o = res.get("intake_open_loop")
    if o:
        lat = o["latency_from_due_time"]
        rows.append(
            (
                f"intake open loop @ {o['target_rate']:g}/s, {o['duration_s']:g} s",
                f"{o['achieved_submissions_per_s']} subs/s",
                f"{raw_p} msgs/s",
                f"{100 * o['achieved_submissions_per_s'] / raw_p:.2f}% of raw produce",
                "",
            )
        )
        p99 = lat["p99_ms"]
        rows.append(
            (
                "  latency p50 / p95 / p99 / max",
                f"{lat['p50_ms']} / {lat['p95_ms']} / {p99} / {lat['max_ms']} ms",
                "",
                "",
                ("PASS" if p99 is not None and p99 < 50 else "FAIL") + " (p99 < 50 ms)",
            )
        )
        rows.append(("  errors", f"{o['errors']} of {o['requests']}", "", "", ""))
        rl = o["relay_lag_post_to_topic"]
        rows.append(
            (
                "  POST -> on submissions topic p50 / p99",
                f"{rl['p50_ms']} / {rl['p99_ms']} ms",
                f"{o['relayed']} relayed",
                "",
                "",
            )
        )
    c = res.get("intake_closed_loop")
    if c:
        rows.append(
            (
                f"intake closed loop, {c['concurrency']} clients, {c['duration_s']:g} s",
                f"{c['max_submissions_per_s']} subs/s",
                f"{raw_p} msgs/s",
                f"{100 * c['max_submissions_per_s'] / raw_p:.2f}% of raw produce",
                "",
            )
        )
        rows.append(
            (
                "  latency p50 / p99",
                f"{c['latency']['p50_ms']} / {c['latency']['p99_ms']} ms",
                "",
                "",
                f"{c['errors']} errors",
            )
        )
    client = [
        (name.removeprefix("intake_"), res[name])
        for name in ("intake_one_at_a_time", "intake_open_loop", "intake_closed_loop")
        if "cpu" in res.get(name, {})
    ]
    if client:  # the load generator shares the 2 cores with what it measures: how much it took
        rows.append(
            (
                "bench client CPU (of one core), " + " / ".join(n for n, _ in client),
                " / ".join(f"{r['cpu']['cpu_pct_of_one_core']['bench client']:g}%" for _, r in client),
                " / ".join(f"{r.get('client_cpu_ms_per_request')}" for _, r in client) + " ms per request",
                "",
                "",
            )
        )
    others = [
        (name, res[name]["cpu"]["other_processes_pct_of_one_core"])
        for name in ("scoring", "intake_open_loop", "intake_closed_loop")
        if "cpu" in res.get(name, {})
    ]
    if others:
        rows.append(
            (
                "CPU taken by other processes (of 200%)",
                " / ".join(f"{v:g}%" for _, v in others),
                " / ".join(n.replace("intake_", "") for n, _ in others),
                "",
                "",
            )
        )
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
    for package in (
        "secantusdb",
        "aiokafka",
        "faust-streaming",
        "pymongo",
        "httpx",
        "fastapi",
        "uvicorn",
        "pydantic",
        "uvloop",
    ):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    jars = sorted((REPO / ".local" / "cache").glob("kafka-*/libs/kafka_*.jar"))
    out["kafka"] = jars[0].stem.split("-", 1)[1] if jars else None
    return out


def revision() -> dict:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
            ).stdout.strip()
        )
        return {"commit": commit, "uncommitted_changes": dirty}
    except (OSError, subprocess.CalledProcessError):
        marker = REPO / ".bench-revision"  # an exported tree (git archive) may say where it came from
        return {"commit": marker.read_text().strip() if marker.exists() else None, "uncommitted_changes": None}


async def profiled(profiler: Profiler, stack: Stack, name: str, coro, skip: float = 8, seconds: float = 30):
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
