"""Two SecantusDB costs that grow with the data, isolated from the services (see bench/README.md).

    uv run python bench/secantus_writes.py [--writes 6000] [--docs 0,1000,3000]

1. Single-document writes with retryable writes on (pymongo's default) and off: SecantusDB keeps
   a record of every retryable write for 30 minutes (up to 10,000) and scans all of them on each
   write, so each write costs more than the one before.
2. Upserts in a bulk_write whose filter is {_id: X} versus {_id: X, $or: [...]} (the shape of
   scoring's conditional "newer input wins" upsert) on a collection of growing size: with the
   extra predicate the _id index is not used and every upsert scans the collection.

It starts its own secantusd-py on a free port in a temporary folder and stops it at the end.
"""

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from pymongo import AsyncMongoClient, UpdateOne

CLK = os.sysconf("SC_CLK_TCK")
RESULTS = Path(__file__).resolve().parent / "results"
DOC = {"tenant": "t", "criteria": [{"id": f"c{i}", "vi": "x" * 200, "en": "y" * 200, "points": 1.0} for i in range(4)]}


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / CLK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="secantus-bench-")
        self.port = free_port()
        exe = shutil.which("secantusd-py", path=str(Path(sys.executable).parent)) or "secantusd-py"
        self.proc = subprocess.Popen(
            [
                exe,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--storage-path",
                self.dir,
                "--log-level",
                "WARNING",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("secantusd-py did not listen")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self, options: str = "") -> AsyncMongoClient:
        return AsyncMongoClient(f"mongodb://127.0.0.1:{self.port}/?directConnection=true{options}")


async def single_writes(writes: int, retry: bool, step: int = 1000) -> list[dict]:
    rows = []
    with Server() as server:
        client = server.client("" if retry else "&retryWrites=false")
        coll = client.bench.scores
        for done in range(0, writes, step):
            c0, t0 = cpu_s(server.proc.pid), time.perf_counter()
            for _ in range(step):
                await coll.replace_one({"_id": str(uuid.uuid4())}, DOC, upsert=True)
            rows.append(
                {
                    "writes_so_far": done + step,
                    "ms_per_write": round(1000 * (time.perf_counter() - t0) / step, 2),
                    "server_cpu_ms_per_write": round(1000 * (cpu_s(server.proc.pid) - c0) / step, 2),
                }
            )
            print(
                f"  retryWrites={'on ' if retry else 'off'} after {done + step:6d} writes: "
                f"{rows[-1]['ms_per_write']:6.2f} ms, {rows[-1]['server_cpu_ms_per_write']:6.2f} ms server CPU per write",
                flush=True,
            )
        await client.close()
    return rows


async def conditional_upserts(sizes: list[int], batch: int = 100) -> list[dict]:
    rows = []
    with Server() as server:
        client = server.client("&retryWrites=false")
        coll = client.bench.inputs
        await coll.create_index([("campaign_key", 1), ("period", 1)])
        have = 0
        for size in sizes:
            if size > have:
                await coll.insert_many(
                    [
                        {"_id": f"k/u{i}/p", "campaign_key": "k", "period": "p", "order": ["2020-01-01", str(i)]}
                        for i in range(have, size)
                    ]
                )
                have = size
            for label, conditional in (("{_id}", False), ("{_id, $or}", True)):
                ops = []
                for _ in range(batch):
                    flt = {"_id": f"new/{uuid.uuid4()}"}
                    if conditional:
                        flt["$or"] = [{"order": {"$lt": ["2021-01-01", "x"]}}, {"order": None}]
                    ops.append(UpdateOne(flt, {"$set": {"v": 1}}, upsert=True))
                c0, t0 = cpu_s(server.proc.pid), time.perf_counter()
                await coll.bulk_write(ops, ordered=False)
                rows.append(
                    {
                        "collection_docs": size,
                        "filter": label,
                        "ms_per_upsert": round(1000 * (time.perf_counter() - t0) / batch, 2),
                        "server_cpu_ms_per_upsert": round(1000 * (cpu_s(server.proc.pid) - c0) / batch, 2),
                    }
                )
                have += batch
                print(
                    f"  {size:6d} docs, bulk of {batch} upserts, filter {label:11s}: "
                    f"{rows[-1]['ms_per_upsert']:7.2f} ms, {rows[-1]['server_cpu_ms_per_upsert']:7.2f} ms server CPU each",
                    flush=True,
                )
        await client.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=6000)
    parser.add_argument("--docs", default="0,1000,3000")
    parser.add_argument("--output", type=Path, default=RESULTS / "secantus-writes.json")
    args = parser.parse_args()
    from importlib.metadata import version

    out = {"secantusdb": version("secantusdb"), "loadavg_at_start": os.getloadavg()}
    print("1. single-document upserts, one after another")
    out["single_writes_retry_on"] = asyncio.run(single_writes(args.writes, True))
    out["single_writes_retry_off"] = asyncio.run(single_writes(args.writes, False))
    print("2. upserts in one bulk_write, by filter shape and collection size")
    out["conditional_upserts"] = asyncio.run(conditional_upserts([int(x) for x in args.docs.split(",")]))
    out["loadavg_at_end"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2) + "\n")
    print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
