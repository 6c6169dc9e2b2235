"""Proxies that time every awaited MongoDB and Kafka call of the product's code, and the replay
loop of the diagnostics."""

from __future__ import annotations

import inspect
import time

from thidua_devstack.stack import Stack

from _pipeline.measure import proc_cpu


def _is_cursor(value) -> bool:
    return hasattr(value, "to_list") and hasattr(value, "__aiter__")


async def _timed(awaitable, label: str, stats: dict[str, list[float]]):
    t0 = time.perf_counter()
    try:
        result = await awaitable
    finally:
        stats[label].append(time.perf_counter() - t0)
    return TimedCursor(result, label, stats) if _is_cursor(result) else result


def _timed_method(method, label: str, stats: dict[str, list[float]]):
    """`method`, its awaitables timed under `label`, the cursors it returns (find(), aggregate(),
    and a cursor's sort(), limit()) wrapped to be timed as they are iterated."""

    def call(*args, **kwargs):
        result = method(*args, **kwargs)
        if inspect.isawaitable(result):
            return _timed(result, label, stats)
        return TimedCursor(result, label, stats) if _is_cursor(result) else result

    return call


class Timed:
    """Proxy that times every awaitable an object's methods return (collections, producers), and
    the cursors they return (find(), aggregate()) as they are iterated."""

    def __init__(self, target, name: str, stats: dict[str, list[float]]):
        self._target, self._name, self._stats = target, name, stats

    def __getattr__(self, attr):
        value = getattr(self._target, attr)
        return _timed_method(value, f"{self._name}.{attr}", self._stats) if callable(value) else value


class TimedCursor:
    """A cursor whose fetches (async for, to_list, next) count towards its query's label."""

    def __init__(self, cursor, label: str, stats: dict[str, list[float]]):
        self._cursor, self._label, self._stats = cursor, label, stats

    def __getattr__(self, attr):
        value = getattr(self._cursor, attr)
        return _timed_method(value, self._label, self._stats) if callable(value) else value

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


async def replay(
    stack: Stack, stats: dict[str, list[float]], step, rounds: int, warm_up: int = 20, per_step: int = 1
) -> dict:
    """Await step(i) one at a time; per event: wall time, time inside each awaited MongoDB/Kafka
    call, CPU of this process (the product's Python code, pymongo's and aiokafka's included) and
    CPU the database and the broker spent serving it."""
    for i in range(warm_up):
        await step(i)
    stats.clear()
    servers = {"secantusdb": stack._mongo().pid(), "kafka": stack._kafka().pid()}
    c0 = {n: proc_cpu(p) for n, p in servers.items()}
    p0, t0 = time.process_time(), time.perf_counter()
    for i in range(warm_up, warm_up + rounds):
        await step(i)
    wall, cpu = time.perf_counter() - t0, time.process_time() - p0
    rounds *= per_step  # figures per event
    server_cpu = {n: round(1000 * (proc_cpu(p) - c0[n]) / rounds, 3) for n, p in servers.items()}
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
