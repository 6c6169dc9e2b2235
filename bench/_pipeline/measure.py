"""What every phase measures with: the log line, the event loop, latency percentiles, and the CPU
used by each process of the stack (from /proc, no extra dependency)."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path

from thidua_devstack.stack import Stack

try:  # a cheaper event loop for the benchmark's own work: it shares the 2 cores with what it measures
    import uvloop
except ImportError:  # pragma: no cover - it is a workspace dependency, but the benchmark runs without it
    uvloop = None

BENCH = Path(__file__).resolve().parents[1]
RESULTS = BENCH / "results"
PROFILES = RESULTS / "profiles"  # raw py-spy output, not committed (see bench/.gitignore)


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


def rounded(v, nd=2):
    return None if v is None else round(v, nd)


def latency_summary(seconds: list[float]) -> dict:
    ms = [v * 1000 for v in seconds]
    return {
        "count": len(ms),
        "p50_ms": rounded(pct(ms, 50)),
        "p90_ms": rounded(pct(ms, 90)),
        "p95_ms": rounded(pct(ms, 95)),
        "p99_ms": rounded(pct(ms, 99)),
        "max_ms": rounded(max(ms) if ms else None),
        "mean_ms": rounded(statistics.fmean(ms) if ms else None),
    }


# -- CPU accounting (from /proc, no extra dependency) ---------------------------------------------
CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int | None) -> float:
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
        self.c0 = {n: proc_cpu(p) for n, p in self.pids.items()}
        self.m0 = _machine_busy()
        return self

    def __exit__(self, *exc) -> None:
        wall = time.monotonic() - self.t0
        ours = {}
        for n, pid in self._pids().items():  # a service started during the phase counts from 0
            ours[n] = proc_cpu(pid) - (self.c0[n] if pid == self.pids.get(n) else 0.0)
        busy = _machine_busy() - self.m0
        self.result = {
            "wall_s": round(wall, 2),
            "cpu_pct_of_one_core": {n: round(100 * v / wall, 1) for n, v in ours.items()},
            "other_processes_pct_of_one_core": round(100 * max(0.0, busy - sum(ours.values())) / wall, 1),
            "machine_busy_pct_of_all_cores": round(100 * busy / wall / (os.cpu_count() or 1), 1),
        }


def cpu_ms_per_request(cpu: dict, process: str, requests: int) -> float:
    """CPU a process spent per request during a phase, from CpuMeter's result."""
    return round(10 * cpu["cpu_pct_of_one_core"][process] * cpu["wall_s"] / max(1, requests), 2)
