"""`thidua-reporting-replay`: rebuild reporting's read model (campaigns, units, unit-period scores
and the score history) from the event history into a scratch database and compare it with the
live one. Exit 0 when identical. With --apply, the rebuilt collections replace the live ones
(stop the reporting service first)."""

import argparse
import asyncio
import json
import sys

from thidua_common.contracts.registry import topic_name
from thidua_common.kafka import decode_event
from thidua_common.kafka.history import read_history
from thidua_common.mongo import make_client
from thidua_common.settings import Settings, get_settings

from .projection.projector import Projector

COLLECTIONS = ("campaigns", "units", "period_scores", "score_history", "awards", "nominations", "nomination_overdue")


async def rebuild(settings: Settings, db_name: str) -> int:
    mongo = make_client(settings)
    try:
        await mongo.drop_database(db_name)
        projector = Projector(mongo[db_name])
        await projector.setup()
        topics = [topic_name(settings.topic_prefix, k) for k in projector.handlers.topics]
        count = 0
        async for record in read_history(settings, topics):
            await projector.apply(decode_event(record.value))
            count += 1
        return count
    finally:
        await mongo.close()


async def compare(settings: Settings, live_name: str, replay_name: str) -> list[str]:
    mongo = make_client(settings)
    out = []
    try:
        for name in COLLECTIONS:
            live = {d["_id"]: json.dumps(d, sort_keys=True, default=str) async for d in mongo[live_name][name].find()}
            again = {
                d["_id"]: json.dumps(d, sort_keys=True, default=str) async for d in mongo[replay_name][name].find()
            }
            out += [f"{name}: live only {k}" for k in sorted(live.keys() - again.keys())]
            out += [f"{name}: replay only {k}" for k in sorted(again.keys() - live.keys())]
            out += [f"{name}: differs {k}" for k in sorted(live.keys() & again.keys()) if live[k] != again[k]]
    finally:
        await mongo.close()
    return out


async def apply(settings: Settings, live_name: str, replay_name: str) -> None:
    mongo = make_client(settings)
    try:
        for name in COLLECTIONS:
            docs = await mongo[replay_name][name].find().to_list()
            await mongo[live_name][name].delete_many({})
            if docs:
                await mongo[live_name][name].insert_many(docs)
    finally:
        await mongo.close()


async def run(settings: Settings, apply_it: bool) -> int:
    live, scratch = settings.db_name("reporting"), settings.db_name("reporting") + "_replay"
    events = await rebuild(settings, scratch)
    differences = await compare(settings, live, scratch)
    print(f"Đã dựng lại mô hình đọc từ {events} sự kiện / rebuilt the read model from {events} events")
    if apply_it:
        await apply(settings, live, scratch)
        print("Đã thay mô hình đọc bằng bản dựng lại / live read model replaced")
    mongo = make_client(settings)
    await mongo.drop_database(scratch)
    await mongo.close()
    if differences and not apply_it:
        print(f"KHÁC ở {len(differences)} chỗ / DIFFERS:")
        for line in differences[:50]:
            print("  " + line)
        return 1
    print("Giống hệt / identical" if not differences else "Đã áp dụng / applied")
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--apply", action="store_true", help="replace the live read model with the rebuilt one")
    args = parser.parse_args(argv)
    sys.exit(asyncio.run(run(get_settings(), args.apply)))


if __name__ == "__main__":
    main()
