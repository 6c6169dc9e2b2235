"""Latency of intake's submission list (GET /api/v1/submissions: the console's review queue and a
unit's periods) for a tenant of many units: the API call the console's queue and period pages wrap.

    uv run python bench/review_queue.py [--units 2000] [--periods 4] [--repeat 40]

Starts its own stack (Kafka, SecantusDB, intake only) on free ports in a temporary folder, defines a
campaign of --units units in 20 clusters (head and deputy per cluster in 2018), POSTs one submission
per unit and period (2018-Q1…), returns 100 of them, then times each kind of page --repeat times
(p50 / p95, ms) and follows 20 pages by cursor. Prints the figures; writes nothing.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from thidua_common.auth import mint_token
from thidua_devstack.stack import REPO, Ports, Stack

TENANT = "daknong"
CLUSTERS = 20


def unit(i: int) -> str:
    return f"dv-{i:04d}"


def campaign(units: int) -> dict:
    return {
        "name_vi": "Phong trào đo hiệu năng hàng đợi thẩm định",
        "launched_by": "UBND tỉnh Đắk Nông",
        "kind": "regular",
        "start": "2016-01-01",
        "end": "2020-12-31",
        "reporting_frequency": "quarter",
        "criteria": [
            {"id": "a", "name_vi": "Chỉ tiêu A", "max_points": 60, "target": 100, "max_value": 10000},
            {"id": "b", "name_vi": "Chỉ tiêu B", "max_points": 40, "target": 10, "max_value": 500},
        ],
        "clusters": [
            {
                "id": f"c{c}",
                "name_vi": f"Cụm {c}",
                "leadership": [{"year": 2018, "head_unit_id": unit(c), "deputy_unit_id": unit(c + CLUSTERS)}],
            }
            for c in range(CLUSTERS)
        ],
        "participants": [
            {"unit_id": unit(i), "name_vi": f"Đơn vị {i}", "unit_type": "district", "cluster_id": f"c{i % CLUSTERS}"}
            for i in range(units)
        ],
    }


async def measure(stack: Stack, units: int, periods: list[str], repeat: int) -> None:
    settings = stack.settings()

    def headers(roles: list[str], unit_id: str | None = None) -> dict:
        token = mint_token(settings, subject="bench", tenant=TENANT, roles=roles, unit_id=unit_id)
        return {"Authorization": f"Bearer {token}"}

    board = headers(["board_officer"])
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=60) as client:
        r = await client.put("/api/v1/campaigns/bench", json=campaign(units), headers=board)
        assert r.status_code == 200, r.text
        for status in ("launched", "running"):
            r = await client.post(
                "/api/v1/campaigns/bench/status", json={"status": status, "reason": "Kế hoạch"}, headers=board
            )
            assert r.status_code == 200, r.text
        gate, started = asyncio.Semaphore(16), time.perf_counter()

        async def submit(i: int, period: str) -> str:
            async with gate:
                body = {
                    "tenant": TENANT,
                    "campaign_id": "bench",
                    "unit_id": unit(i),
                    "period": period,
                    "values": {"a": 80, "b": 12},
                }
                r = await client.post("/api/v1/submissions", headers=board, json=body)
                assert r.status_code == 202, r.text
                return r.json()["submission_id"]

        ids = await asyncio.gather(*(submit(i, p) for p in periods for i in range(units)))
        print(f"{len(ids)} submissions in {time.perf_counter() - started:.0f} s")
        for sid in ids[:100]:
            r = await client.post(
                f"/api/v1/submissions/{sid}/review",
                headers=board,
                json={"decision": "return", "reasons": {"a": "Thiếu minh chứng"}},
            )
            assert r.status_code == 201, r.text
        cases = {
            "board, newest 50": (board, ""),
            "board, newest 200": (board, "limit=200"),
            "board queue, oldest 50": (board, "queue=true"),
            "board, status=returned": (board, "status=returned"),
            "cluster head queue": (headers(["cluster_head"], unit(3)), "queue=true"),
            "cluster head, one period": (headers(["cluster_head"], unit(3)), "campaign_id=bench&period=2018-Q2"),
            "unit reporter, own periods": (headers(["unit_reporter"], unit(units // 2)), ""),
        }
        for name, (who, query) in cases.items():
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                r = await client.get(f"/api/v1/submissions?{query}", headers=who)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(
                f"{name:28s} {len(r.json()['items']):4d} items  p50 {statistics.median(times):6.1f} ms"
                f"  p95 {p95:6.1f} ms"
            )
        after, times = None, []
        for _ in range(20):
            t = time.perf_counter()
            r = await client.get("/api/v1/submissions" + (f"?after={after}" if after else ""), headers=board)
            times.append((time.perf_counter() - t) * 1000)
            after = r.json()["next"]
        print(
            f"{'board, pages 1…20 by cursor':28s}   50 items  p50 {statistics.median(times):6.1f} ms"
            f"  max {max(times):6.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--periods", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    stack = Stack(
        Path(tempfile.mkdtemp(prefix="thidua-queue-bench")),
        Ports.free(),
        cache=REPO / ".local" / "cache",
        prefix=f"qb{uuid.uuid4().hex[:6]}",
        extra_env={"THIDUA_ENVIRONMENT": "development"},
    )
    stack.start_infra()
    stack.start_services(("intake",))
    try:
        asyncio.run(measure(stack, args.units, [f"2018-Q{q}" for q in range(1, args.periods + 1)], args.repeat))
    finally:
        stack.down()


if __name__ == "__main__":
    main()
