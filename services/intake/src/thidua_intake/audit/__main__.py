"""`thidua-audit verify [--tenant T]`: walk the audit chain of intake's database and report the
first broken record of each tenant's chain (its seq and what differs). Exit 0 when every chain
holds, 1 when one is broken."""

import argparse
import asyncio
import json
import sys

from thidua_common.mongo import make_client
from thidua_common.settings import get_settings

from .verify import verify_db


async def _verify(tenant: str | None, as_json: bool) -> int:
    settings = get_settings()
    mongo = make_client(settings)
    try:
        breaks, counts = await verify_db(mongo[settings.db_name("intake")], tenant)
    finally:
        await mongo.close()
    if as_json:
        print(
            json.dumps(
                {
                    "ok": not breaks,
                    "records": counts,
                    "breaks": [{"tenant": b.tenant, "seq": b.seq, "problem": b.problem} for b in breaks],
                },
                ensure_ascii=False,
            )
        )
    else:
        for b in breaks:
            print(f"BROKEN {b}")
        for name, n in sorted(counts.items()):
            print(f"{name}: {n} records checked")
        if not breaks:
            print("OK: the audit chain holds")
    return 1 if breaks else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="thidua-audit", description="Verify intake's hash-chained audit trail")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("verify", help="walk the chain; exit 1 at the first broken record")
    check.add_argument("--tenant", help="only this tenant's chain")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    sys.exit(asyncio.run(_verify(args.tenant, args.json)))


if __name__ == "__main__":
    main()
