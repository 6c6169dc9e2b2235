"""The replay ledger: which dead letters were replayed, when, and under which new id. It lives in
a compacted Kafka topic (deadletters.replays.v1), one record per replayed dead letter keyed by its
dead-letter topic/partition/offset; kafka_io writes an entry in the same Kafka transaction as the
replay itself, so either both are there or neither."""

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(frozen=True)
class Replay:
    key: str  # dead-letter topic/partition/offset
    original_id: str  # empty when the original was not a CloudEvent
    new_id: str  # the replayed event's id; empty for an as-is replay (same bytes)
    target_topic: str
    replayed_at: str  # ISO 8601, UTC
    as_is: bool = False

    def encode(self) -> tuple[bytes, bytes]:
        return self.key.encode(), json.dumps(asdict(self), ensure_ascii=False).encode()

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.replayed_at)


def decode(value: bytes | None) -> Replay | None:
    """A ledger record's value; None for a tombstone or anything unreadable (never a replay)."""
    if not value:
        return None
    try:
        fields = json.loads(value)
        return Replay(**{k: fields[k] for k in Replay.__dataclass_fields__ if k in fields})
    except (ValueError, TypeError, KeyError):
        return None


def fold(records: Iterable[tuple[bytes | None, bytes | None]]) -> dict[str, Replay]:
    """The ledger as of the records read in order (key, value): the first replay of a key wins (a
    second one cannot be written through the CLI; if it were, the first is what took effect)."""
    ledger: dict[str, Replay] = {}
    for key, value in records:
        entry = decode(value)
        if entry is not None and (key is None or key.decode(errors="replace") == entry.key):
            ledger.setdefault(entry.key, entry)
    return ledger
