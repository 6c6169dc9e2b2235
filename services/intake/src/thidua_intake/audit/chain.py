"""The audit chain (pure): every record names its predecessor's hash, and its own hash covers all
its other fields; so changing, inserting or deleting a record breaks the chain where it happened."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "subject", "tenant", "reason", "event_id", "payload_sha256", "prev_hash")


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 (not \\u escapes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def record_hash(record: dict) -> str:
    """sha256 over the canonical JSON of the record's fields without `hash` (storage fields such as
    Mongo's `_id` are not part of the record)."""
    return sha256({k: record.get(k) for k in FIELDS})


def actor_and_reason(event_data: dict, source: str) -> tuple[str, str]:
    """Who did it and why, as the event says: its `change`, else the submitter, the author or the
    reviewer; the producing component when the event names no person."""
    data = event_data or {}
    given = data.get("change")
    change = given if isinstance(given, dict) else {}
    actor = change.get("by") or data.get("submitted_by") or data.get("by") or data.get("reviewer") or ""
    if isinstance(actor, dict):  # e.g. a reviewer given as an object
        actor = actor.get("id") or actor.get("subject") or json.dumps(actor, ensure_ascii=False, sort_keys=True)
    reason = change.get("reason") or data.get("reason") or ""
    return str(actor or source), str(reason)


def new_record(
    *, seq: int, at: str, tenant: str, action: str, subject: str, event_id: str, data: dict, source: str, prev_hash: str
) -> dict:
    actor, reason = actor_and_reason(data, source)
    record = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "tenant": tenant,
        "reason": reason,
        "event_id": event_id,
        "payload_sha256": sha256(data),
        "prev_hash": prev_hash,
    }
    record["hash"] = record_hash(record)
    return record


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold. `kind` names what broke (missing, order, tenant,
    hash, link, tail) and `params` its details, for a message in the reader's language; `problem`
    says it in English for the CLI."""

    tenant: str
    seq: int
    problem: str
    kind: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"tenant {self.tenant}: seq {self.seq}: {self.problem}"


class ChainWalk:
    """Verification one record at a time (records in seq order), so that a caller may stream the
    chain from the database and stop at a bound: `step` returns the first break, `finish` checks
    the end against the head's seq. `verify` is the whole walk at once."""

    def __init__(self, tenant: str = ""):
        self.tenant = tenant
        self.expected_seq = 1
        self.prev_hash = GENESIS

    @property
    def checked(self) -> int:
        return self.expected_seq - 1

    def step(self, record: dict) -> Break | None:
        tenant, expected_seq, prev_hash = self.tenant, self.expected_seq, self.prev_hash
        seq = record.get("seq")
        if seq != expected_seq:
            if isinstance(seq, int) and seq > expected_seq:
                missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
                return Break(
                    tenant,
                    expected_seq,
                    f"record(s) {missing} missing (deleted?): next stored is seq {seq}",
                    "missing",
                    {"missing": missing, "next": seq},
                )
            return Break(
                tenant,
                expected_seq,
                f"expected seq {expected_seq}, found {seq!r} (duplicate or reordered)",
                "order",
                {"found": repr(seq)},
            )
        if record.get("tenant", tenant) != tenant and tenant:
            return Break(
                tenant, seq, f"tenant differs: record says {record.get('tenant')!r}", "tenant",
                {"found": str(record.get("tenant"))},
            )  # fmt: skip
        computed = record_hash(record)
        if computed != record.get("hash"):
            return Break(
                tenant,
                seq,
                f"hash differs: stored {record.get('hash')}, recomputed {computed} "
                "(a field of this record was changed)",
                "hash",
                {"stored": str(record.get("hash")), "computed": computed},
            )
        if record.get("prev_hash") != prev_hash:
            return Break(
                tenant,
                seq,
                f"prev_hash differs: record has {record.get('prev_hash')}, seq {seq - 1} has hash {prev_hash}",
                "link",
                {"found": str(record.get("prev_hash")), "previous": seq - 1, "expected": prev_hash},
            )
        self.prev_hash = record["hash"]
        self.expected_seq += 1
        return None

    def finish(self, head_seq: int | None) -> Break | None:
        last = self.expected_seq - 1
        if head_seq is None or head_seq == last:
            return None
        if head_seq > last:
            return Break(
                self.tenant,
                self.expected_seq,
                f"record(s) {self.expected_seq}–{head_seq} missing at the end (head says {head_seq})",
                "tail_missing",
                {"first": self.expected_seq, "head": head_seq},
            )
        return Break(
            self.tenant,
            head_seq + 1,
            f"records after the head's seq {head_seq} (not appended through the head)",
            "tail_extra",
            {"head": head_seq},
        )


def verify(records: Iterable[dict], tenant: str = "", head_seq: int | None = None) -> Break | None:
    """Walk one tenant's records in seq order. Returns the first break, or None when every record
    is intact, numbered 1, 2, 3 … without gaps, linked to its predecessor, and (given the head's
    seq) none is missing at the end."""
    walk = ChainWalk(tenant)
    for record in records:
        found = walk.step(record)
        if found:
            return found
    return walk.finish(head_seq)
