"""`thidua-scoring-replay`: rebuild every score from the event history (campaigns, registrations,
ratings and submissions, in timestamp order) into a scratch database, and compare the result with
the live scores. Exit 0 when they are identical, 1 with the differences otherwise.

    uv run thidua-scoring-replay            # verify
    uv run thidua-scoring-replay --keep     # keep the rebuilt database (<db>_replay) to inspect
"""

import argparse
import asyncio
import sys

from thidua_common.contracts.envelope import Envelope
from thidua_common.contracts.registry import topic_name
from thidua_common.kafka import decode_event
from thidua_common.kafka.history import read_history
from thidua_common.mongo import make_client
from thidua_common.settings import Settings, get_settings

from .quarantine import Guard, QuarantineStore, campaign_key
from .scorers import load_scorers
from .service import ScoringService


class CapturingPublisher:
    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish_many(self, topic_key: str, events: list[tuple[Envelope, str]]) -> None:
        self.events.extend(e for e, _ in events)

    async def publish(self, topic_key: str, event: Envelope, key: str) -> None:
        """A quarantine alert: not a score, not counted."""

    async def send_raw(self, topic_key: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        """A dead letter: the live worker already sent it."""


async def rebuild(settings: Settings, db_name: str) -> tuple[int, int]:
    mongo = make_client(settings)
    try:
        await mongo.drop_database(db_name)
        publisher = CapturingPublisher()
        service = ScoringService(mongo[db_name], publisher, load_scorers())
        await service.setup()
        # as live: a campaign that cannot be scored is quarantined alone (and resumed by a later
        # corrected revision), so one poisoned event in the history does not stop the replay
        store = QuarantineStore(service.db)
        await store.setup()
        guard = Guard(service.apply_batch, store, publisher)
        quarantined: set[str] = set()
        count = 0
        topics = [topic_name(settings.topic_prefix, k) for k in ("campaigns", "submissions")]
        async for record in read_history(settings, topics):
            envelope = decode_event(record.value)
            key = campaign_key(envelope)
            try:
                if key in quarantined:
                    raise LookupError(key)  # held by the guard until a corrected revision
                await service.apply(envelope)
            except Exception:
                await guard.run([envelope])
                quarantined = (quarantined - {key}) | await store.quarantined({key})
            count += 1
        return count, len(publisher.events)
    finally:
        await mongo.close()


async def score_digests(db) -> dict[str, str]:
    """campaign/period/status/unit → digest of the score, from scoring's score index."""
    return {
        f"{d['_id']}/{entry['unit_id']}": entry["hash"]
        async for d in db.score_index.find()
        for entry in d.get("units", {}).values()
    }


async def compare(settings: Settings, live_name: str, replay_name: str) -> list[str]:
    """Differences between two scoring databases, by score key and content hash."""
    mongo = make_client(settings)
    try:
        live = await score_digests(mongo[live_name])
        again = await score_digests(mongo[replay_name])
    finally:
        await mongo.close()
    out = [f"chỉ có khi chạy thực / live only: {k}" for k in sorted(live.keys() - again.keys())]
    out += [f"chỉ có khi dựng lại / replay only: {k}" for k in sorted(again.keys() - live.keys())]
    out += [f"khác nội dung / differs: {k}" for k in sorted(live.keys() & again.keys()) if live[k] != again[k]]
    return out


async def run(settings: Settings, keep: bool) -> int:
    live, scratch = settings.db_name("scoring"), settings.db_name("scoring") + "_replay"
    events, emitted = await rebuild(settings, scratch)
    differences = await compare(settings, live, scratch)
    if not keep:
        mongo = make_client(settings)
        await mongo.drop_database(scratch)
        await mongo.close()
    print(f"Đã dựng lại từ {events} sự kiện, {emitted} lần tính điểm / rebuilt from {events} events, {emitted} scores")
    if differences:
        print(f"KHÁC với kết quả đang chạy ở {len(differences)} điểm / DIFFERS from live:")
        for line in differences[:50]:
            print("  " + line)
        return 1
    print("Giống hệt kết quả đang chạy / identical to the live scores")
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the rebuilt scratch database")
    args = parser.parse_args(argv)
    sys.exit(asyncio.run(run(get_settings(), args.keep)))


if __name__ == "__main__":
    main()
