"""Phase `intake`: POST /api/v1/submissions one at a time, in an open loop and a closed loop."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter

from thidua_common.auth import mint_token
from thidua_common.contracts.registry import topic_name
from thidua_devstack.stack import Stack

from _pipeline.http_client import REQUEST_TIMEOUT, HttpConnection, HttpPool
from _pipeline.kafka_tools import assigned_consumer
from _pipeline.measure import CpuMeter, cpu_ms_per_request, latency_summary
from _pipeline.workload import TENANT, submission_fields, unit_id


# -- phase: intake -------------------------------------------------------------------------------
class IntakeLoad:
    """POST /api/v1/submissions through the lean client above. Every unit reports with its own
    unit_reporter token, as in production; each request is a random unit's random submission."""

    def __init__(self, stack: Stack, participants: int):
        settings = stack.settings()
        self.stack = stack
        self.port = stack.ports.intake
        self.units = [unit_id(i) for i in range(participants)]
        self.tokens = {
            u: mint_token(settings, subject=f"vanthu-{u}", tenant=TENANT, roles=["unit_reporter"], unit_id=u)
            for u in self.units
        }
        self.rng = random.Random(5)

    def encode(self, n: int) -> list[bytes]:
        """n requests as the bytes that go on the wire, made before a timed phase so that the
        phase measures intake rather than this client's JSON encoding."""
        head = f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
        out = []
        for _ in range(n):
            unit = self.rng.choice(self.units)
            body = json.dumps(
                {"tenant": TENANT, **submission_fields(self.rng, unit)}, ensure_ascii=False, separators=(",", ":")
            ).encode()
            out.append(
                f"{head}Content-Length: {len(body)}\r\nAuthorization: Bearer {self.tokens[unit]}\r\n\r\n".encode()
                + body
            )
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
        follower = await assigned_consumer(
            settings.kafka_bootstrap, topic_name(self.stack.prefix, "submissions"), False
        )
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
