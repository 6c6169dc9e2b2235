"""The audit pages' view models, free of I/O: the filters of the trail read from the query (days in
Việt Nam's time turned into the API's time range), and each record with the link to the record
its previous hash names."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ..formats import LOCAL

READERS = ("auditor", "board_officer")  # who intake lets read the trail
GENESIS = "0" * 64  # the previous hash of a chain's first record
PAGE_SIZE = 50
MAX_TEXT = 256  # intake's bound on subject and actor
MAX_SEQ = 2**63 - 1


@dataclass
class Filters:
    subject: str = ""
    actor: str = ""
    date_from: str = ""
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field → text key

    def query(self) -> dict[str, str]:
        """What the page's own links carry (the typed values, not the API's)."""
        given = {"subject": self.subject, "actor": self.actor, "from": self.date_from, "to": self.date_to}
        return {k: v for k, v in given.items() if v}

    def api_params(self) -> dict[str, str]:
        """subject, actor, since (the first day's midnight in Việt Nam) and until (the midnight
        after the last day), as intake's GET /api/v1/audit takes them."""
        params = {"subject": self.subject, "actor": self.actor}
        first, last = _day(self.date_from), _day(self.date_to)
        if first:
            params["since"] = datetime.combine(first, time(), LOCAL).isoformat()
        if last:
            params["until"] = datetime.combine(last + timedelta(days=1), time(), LOCAL).isoformat()
        return {k: v for k, v in params.items() if v}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_filters(subject: str | None, actor: str | None, date_from: str | None, date_to: str | None) -> Filters:
    found = Filters((subject or "").strip(), (actor or "").strip(), (date_from or "").strip(), (date_to or "").strip())
    for name in ("subject", "actor"):
        if len(getattr(found, name)) > MAX_TEXT:
            found.errors[name] = "aud_too_long"
    for name, value in (("from", found.date_from), ("to", found.date_to)):
        if value and _day(value) is None:
            found.errors[name] = "aud_bad_date"
    first, last = _day(found.date_from), _day(found.date_to)
    if first and last and last < first:
        found.errors["to"] = "aud_to_before_from"
    return found


def start_seq(value: str | None) -> int:
    """The page's first seq (from the `from_seq` of a next-page link); 1 when absent or not a number."""
    try:
        seq = int(value or "1")
    except ValueError:
        return 1
    return seq if 1 <= seq <= MAX_SEQ else 1


@dataclass
class Record:
    data: dict[str, Any]
    prev_href: str | None  # where the record the previous hash names is shown; None: the chain's start


def records(found: Iterable[Mapping[str, Any]]) -> list[Record]:
    """Each record with a link to its predecessor: an anchor on this page when it is shown here,
    else the predecessor's own page."""
    rows = [dict(r) for r in found if isinstance(r, Mapping) and isinstance(r.get("seq"), int)]
    here = {r["seq"] for r in rows}
    out = []
    for r in rows:
        seq = r["seq"]
        if r.get("prev_hash") == GENESIS or seq <= 1:
            href = None
        elif seq - 1 in here:
            href = f"#seq-{seq - 1}"
        else:
            href = f"/audit/{seq - 1}"
        out.append(Record(r, href))
    return out


def link_holds(record: Mapping[str, Any], previous: Mapping[str, Any] | None) -> bool | None:
    """Whether the record's previous hash is its predecessor's hash (None: nothing to compare)."""
    if record.get("prev_hash") == GENESIS and record.get("seq") == 1:
        return True
    if previous is None:
        return None
    return previous.get("hash") == record.get("prev_hash")
