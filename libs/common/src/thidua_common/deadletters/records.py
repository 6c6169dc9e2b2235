"""A dead letter as read from a dead-letter topic, and the filters of `thidua-deadletters list`.
Pure: no Kafka here (kafka_io reads the records, notify and the CLI use these)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# the headers every producer of dead letters adds to the original record (intake, scoring); the
# rest of a dead letter's headers are the original record's own
DLQ_HEADER_PREFIX = "dlq_"
REASON_HEADER = "dlq_reason"
# issue 12 (kafka): which outside system published an inbound record, and its contact's address
SYSTEM_HEADER = "dlq_system"
CONTACT_HEADER = "dlq_contact"
# notify's dead letters are CloudEvents of this type (their reason is the event, not a header)
NOTIFICATION_FAILED_CODE = "notification.failed"


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    value: bytes
    key: bytes | None = None
    headers: tuple[tuple[str, bytes], ...] = ()
    timestamp_ms: int = 0  # the broker's record time (when the dead letter was written)
    _header_map: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        topic: str,
        partition: int,
        offset: int,
        value: bytes | None,
        key: bytes | None = None,
        headers: Iterable[tuple[str, Any]] | None = None,
        timestamp_ms: int = 0,
    ) -> "DeadLetter":
        raw = tuple((k, v if isinstance(v, bytes) else str(v).encode()) for k, v in (headers or ()))
        return cls(topic, partition, offset, value or b"", key, raw, timestamp_ms, {k: _text(v) for k, v in raw})

    # -- where it is and where it came from ----------------------------------------------------
    @property
    def ledger_key(self) -> str:
        """The dead letter's identity: its topic, partition and offset (the replay ledger's key)."""
        return f"{self.topic}/{self.partition}/{self.offset}"

    def header(self, name: str) -> str | None:
        return self._header_map.get(name)

    @property
    def original_headers(self) -> list[tuple[str, bytes]]:
        """The headers of the record that failed, without those the dead-lettering added."""
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_HEADER_PREFIX)]

    @property
    def source_topic(self) -> str:
        return self.header("dlq_source_topic") or ""

    @property
    def system(self) -> str:
        return self.header(SYSTEM_HEADER) or ""

    @property
    def contact(self) -> str:
        return self.header(CONTACT_HEADER) or ""

    @property
    def failed_at(self) -> datetime | None:
        stamped = parse_time(self.header("dlq_failed_at") or "")
        if stamped is None and self.timestamp_ms:
            stamped = datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)
        return stamped

    # -- why ----------------------------------------------------------------------------------
    @property
    def reason(self) -> dict[str, Any]:
        """The reason the producer gave: {code, message (vi), message_en, errors}. notify's dead
        letters carry theirs in the event (a notification.failed CloudEvent)."""
        raw = self.header(REASON_HEADER)
        if raw is not None:
            try:
                parsed = json.loads(raw)
            except json.JSONDecodeError:
                return {"code": "?", "message": raw, "message_en": raw, "errors": []}
            if isinstance(parsed, dict):
                return parsed
        event = self.event
        if event and isinstance(event.get("data"), dict) and "last_error" in event["data"]:
            error = str(event["data"].get("last_error", ""))
            return {"code": NOTIFICATION_FAILED_CODE, "message": error, "message_en": error, "errors": []}
        return {"code": "?", "message": "", "message_en": "", "errors": []}

    @property
    def reason_code(self) -> str:
        return str(self.reason.get("code") or "?")

    # -- what -----------------------------------------------------------------------------------
    @property
    def payload(self) -> Any:
        """The original value as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.value)
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def event(self) -> dict[str, Any] | None:
        """The original value when it is a JSON object with a string id (a CloudEvent, or close to
        one: enough to give it a new id)."""
        payload = self.payload
        if isinstance(payload, dict) and isinstance(payload.get("id"), str) and payload["id"]:
            return payload
        return None

    @property
    def event_id(self) -> str:
        event = self.event
        return event["id"] if event else (self.header("ce_id") or "")

    @property
    def event_type(self) -> str:
        event = self.event
        kind = event.get("type") if event else None
        return kind if isinstance(kind, str) else (self.header("ce_type") or "")


@dataclass(frozen=True)
class Filter:
    """What `thidua-deadletters list` keeps: every criterion given must hold."""

    reason: str | None = None
    source: str | None = None  # the source topic, whole or its end (e.g. inbound.v1)
    system: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __call__(self, letter: DeadLetter) -> bool:
        if self.reason and letter.reason_code != self.reason:
            return False
        if self.source and not (letter.source_topic == self.source or letter.source_topic.endswith("." + self.source)):
            return False
        if self.system and letter.system != self.system:
            return False
        at = letter.failed_at
        if self.since and (at is None or at < self.since):
            return False
        if self.until and (at is None or at >= self.until):
            return False
        return True
