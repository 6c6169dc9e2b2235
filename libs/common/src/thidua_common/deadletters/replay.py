"""What a replay publishes: the original record to its source topic, re-identified when it is a
CloudEvent (a new id, and `replayof` naming the original). Pure: kafka_io sends it."""

import json
from dataclasses import dataclass

from ..contracts.envelope import deterministic_id
from .records import DeadLetter

ID_HEADER = "ce_id"
REPLAYOF_HEADER = "ce_replayof"


class NotReplayable(Exception):
    """A dead letter this replay cannot republish: `key` names why in the message catalogue."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Republish:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    new_id: str  # "" when replayed as is
    original_id: str


def new_event_id(letter: DeadLetter) -> str:
    """Derived from the dead letter's place: a replay that went out twice (which the ledger prevents)
    would still carry one id, and intake's idempotency (kafka:{source}:{id}) would take it once."""
    return deterministic_id("deadletter-replay", letter.ledger_key)


def republish(letter: DeadLetter, *, as_is: bool = False) -> Republish:
    if not letter.source_topic:
        raise NotReplayable("deadletters.no_source")
    event = letter.event
    if event is None:
        if not as_is:
            raise NotReplayable("deadletters.not_cloudevent")
        return Republish(letter.source_topic, letter.key, letter.value, letter.original_headers, "", letter.event_id)
    original_id = event["id"]
    new_id = new_event_id(letter)
    replayed = {**event, "id": new_id, "replayof": original_id}
    headers = [(k, v) for k, v in letter.original_headers if k not in (ID_HEADER, REPLAYOF_HEADER)]
    headers += [(ID_HEADER, new_id.encode()), (REPLAYOF_HEADER, original_id.encode())]
    value = json.dumps(replayed, ensure_ascii=False).encode()
    return Republish(letter.source_topic, letter.key, value, headers, new_id, original_id)
