"""Longer schemathesis runs than the test command's (tests/e2e/test_fuzz.py), to look for what
a short budget misses.

    uv run python bench/fuzz.py [--seconds 600] [--examples 100] [--seed N] [--keep DIR]

Starts a stack of its own (Kafka, SecantusDB, intake and reporting) on free ports in a temporary
folder, runs schemathesis (every phase, stateful included) against intake and reporting with a
board officer's and a unit reporter's token at once, each for --seconds, prints every distinct
failed check with the request that caused it, and stops the stack. Exit status 1 when anything
was found. Reports (NDJSON) and schemathesis' own output stay in --keep when given.
"""

import argparse
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from thidua_common.auth import mint_token
from thidua_devstack import fuzz
from thidua_devstack.stack import REPO, Ports, Stack

ROLES = {
    "board_officer": {"roles": ["board_officer"], "unit_id": None},
    "unit_reporter": {"roles": ["unit_reporter"], "unit_id": "don-vi-1"},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=600, help="time budget of each of the four runs")
    parser.add_argument("--examples", type=int, default=100, help="max examples per operation and phase")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the reports")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thidua-fuzz-") as tmp:
        reports = args.keep or Path(tmp) / "reports"
        stack = Stack(
            Path(tmp) / "stack", Ports.free(), cache=REPO / ".local" / "cache", prefix=f"fuzz{uuid.uuid4().hex[:6]}"
        )
        try:
            stack.start_infra()
            stack.start_services(("intake", "reporting"))
            settings = stack.settings()

            def one(service: str, role: str) -> fuzz.Result:
                token = mint_token(settings, subject=f"fuzz-{role}", tenant="daknong", **ROLES[role])
                return fuzz.run(
                    f"{stack.url(service)}/openapi.json",
                    token,
                    reports / f"{service}-{role}.ndjson",
                    max_examples=args.examples,
                    max_time=args.seconds,
                    seed=args.seed,
                    log=reports / f"{service}-{role}.log",
                )

            runs = [(s, r) for s in ("intake", "reporting") for r in ROLES]
            with ThreadPoolExecutor(len(runs)) as pool:
                results = dict(zip(runs, pool.map(lambda run: one(*run), runs), strict=True))
        finally:
            stack.down()
        found = False
        for (service, role), result in results.items():
            print(f"== {service} as {role}: phases {result.phases}, {len(result.findings)} failed checks")
            for error in result.errors:
                print(f"   run error: {error}")
            for finding in fuzz.distinct(result.findings):
                print("   " + finding.describe().replace("\n", "\n   "))
            found |= bool(result.findings or result.errors)
        if args.keep:
            print(f"reports in {reports}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
