"""issue 12: dead letters — notify tells the commendation board (THIDUA_ESCALATION_EMAIL) and, for
an inbound dead letter that names its system's contact (header dlq_contact), that contact about
new dead letters: one digest mail per recipient per window (THIDUA_NOTIFY_DEADLETTER_WINDOW_SECONDS),
with the counts by reason and the first few items, in Vietnamese.

Restart-safe like notify's deliveries, in notify's own database:
- each dead letter becomes one item per recipient (`deadletter_items`, _id recipient|topic/partition/
  offset: a redelivered record is recorded once), before the consumer commits its offset;
- a recipient's pending items are gathered into a digest once the oldest is a window old: the items
  are marked with the digest's id (derived from the recipient and the first item, so a crash and a
  retry make the same digest), then the digest is stored (`deadletter_digests`, its text fixed);
  items marked for a digest that was never stored are gathered again at the next tick;
- a digest is sent like a delivery: claimed with a lease, retried with backoff, its Message-ID
  stable, marked sent after the mail went out (a crash in between resends the same Message-ID)."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts.envelope import deterministic_id
from thidua_common.deadletters.records import DeadLetter
from thidua_common.i18n import t
from thidua_common.logging import get_logger
from thidua_common.settings import Settings

from .channels import Channel
from .digest_sending import send_next_digest

log = get_logger(__name__)

FIRST_ITEMS = 10  # items listed in a digest; the rest are counted
# a dead letter older than this is not announced: a first start reads the topics from the beginning
NOTICE_MAX_AGE = timedelta(days=7)
# notify's own dead letters about its digests are not announced again (a loop otherwise)
DIGEST_CAUSE = "deadletter.digest"


def recipients(letter: DeadLetter, board: str) -> list[str]:
    """The board always; the publishing system's contact too when the dead letter names one."""
    found = [board]
    if letter.contact and letter.contact != board:
        found.append(letter.contact)
    return found


def item_line(item: dict[str, Any]) -> str:
    system = f", hệ thống {item['system']}" if item.get("system") else ""
    event = f", sự kiện {item['event_id']}" if item.get("event_id") else ""
    return (
        f"- {item['failed_at']}: {item['reason']} — {item['reason_message']} "
        f"(nguồn {item['source_topic'] or '-'}{system}{event}; thư lỗi {item['where']})"
    )


def digest_text(recipient_name: str, items: list[dict[str, Any]]) -> tuple[str, str]:
    """The digest's subject and body (Vietnamese), for items in the order they arrived."""
    by_reason = Counter(item["reason"] for item in items)
    lines = "\n".join(f"- {code}: {count}" for code, count in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
    first = "\n".join(item_line(item) for item in items[:FIRST_ITEMS])
    more = t("mail.deadletters.more", "vi", count=len(items) - FIRST_ITEMS) if len(items) > FIRST_ITEMS else ""
    subject = t("mail.deadletters.subject", "vi", count=len(items))
    body = t(
        "mail.deadletters.body",
        "vi",
        recipient=recipient_name,
        first=items[0]["failed_at"],
        last=items[-1]["failed_at"],
        count=len(items),
        by_reason=lines,
        items=first,
        more=more,
    )
    return subject, body


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # MongoDB gives naive UTC times back


def due(pending: list[dict[str, Any]], now: datetime, window: timedelta) -> list[tuple[str, dict[str, Any]]]:
    """The recipients whose oldest pending item is at least a window old, each with that item (the
    digest's id derives from it). A recipient's next digest thus comes a window after the first
    item it will hold, so one recipient gets at most one digest per window."""
    first: dict[str, dict[str, Any]] = {}
    for item in pending:
        best = first.get(item["recipient"])
        if best is None or (_aware(item["noticed_at"]), item["_id"]) < (_aware(best["noticed_at"]), best["_id"]):
            first[item["recipient"]] = item
    return [(r, item) for r, item in sorted(first.items()) if now - _aware(item["noticed_at"]) >= window]


class DeadLetterDigests:
    def __init__(self, db: AsyncDatabase, channel: Channel, settings: Settings):
        self.db, self.channel, self.settings = db, channel, settings
        self.window = timedelta(seconds=settings.notify_deadletter_window_seconds)
        self.board = settings.escalation_email

    async def setup(self) -> None:
        await self.db.deadletter_items.create_index([("digest", 1), ("recipient", 1), ("noticed_at", 1)])
        await self.db.deadletter_digests.create_index([("status", 1), ("next_attempt_at", 1)])

    # -- dead letters in -------------------------------------------------------------------------
    async def handle(self, record: ConsumerRecord) -> None:
        letter = DeadLetter.of(
            record.topic, record.partition, record.offset, record.value, record.key, record.headers, record.timestamp
        )
        await self.record(letter)

    async def record(self, letter: DeadLetter, now: datetime | None = None) -> int:
        """Record the dead letter for each recipient (once); returns how many items were new."""
        now = now or datetime.now(UTC)
        event = letter.event or {}
        if (event.get("data") or {}).get("cause_event_type") == DIGEST_CAUSE:
            return 0
        failed_at = letter.failed_at or now
        if now - failed_at > NOTICE_MAX_AGE:
            return 0
        reason = letter.reason
        fields = {
            "where": letter.ledger_key,
            "failed_at": failed_at.astimezone(UTC).isoformat(timespec="seconds"),
            "reason": letter.reason_code,
            "reason_message": str(reason.get("message") or "")[:300],
            "source_topic": letter.source_topic,
            "system": letter.system,
            "event_id": letter.event_id,
            "noticed_at": now,
            "digest": None,
        }
        new = 0
        for recipient in recipients(letter, self.board):
            try:
                await self.db.deadletter_items.insert_one(
                    {"_id": f"{recipient}|{letter.ledger_key}", "recipient": recipient, **fields}
                )
                new += 1
            except DuplicateKeyError:
                pass  # the record was read again (a rewind or a restart before the commit)
        return new

    # -- gathering ---------------------------------------------------------------------------
    async def gather(self, now: datetime | None = None) -> int:
        """Make a digest of every recipient whose oldest pending item is a window old (and finish
        digests a crash left half made). Returns how many digests were stored."""
        now = now or datetime.now(UTC)
        made = 0
        # half made: items marked with a digest that was never stored
        marked = await self.db.deadletter_items.find({"digest": {"$ne": None}, "composed": {"$ne": True}}).to_list()
        for digest_id in sorted({item["digest"] for item in marked}):
            made += await self._store(digest_id, now)
        pending = await self.db.deadletter_items.find({"digest": None}).to_list()
        for recipient, first in due(pending, now, self.window):
            digest_id = deterministic_id("deadletter-digest", first["_id"])
            await self.db.deadletter_items.update_many(
                {"recipient": recipient, "digest": None, "noticed_at": {"$lte": now}}, {"$set": {"digest": digest_id}}
            )
            made += await self._store(digest_id, now)
        return made

    async def _store(self, digest_id: str, now: datetime) -> int:
        items = (
            await self.db.deadletter_items.find({"digest": digest_id}).sort([("noticed_at", 1), ("_id", 1)]).to_list()
        )
        if not items:
            return 0
        recipient = items[0]["recipient"]
        name = t("mail.deadletters.board", "vi") if recipient == self.board else (items[0].get("system") or recipient)
        subject, body = digest_text(name, items)
        result = await self.db.deadletter_digests.update_one(
            {"_id": digest_id},
            {
                "$setOnInsert": {
                    "recipient": recipient,
                    "subject": subject,
                    "body": body,
                    "count": len(items),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "history": [],
                }
            },
            upsert=True,
        )
        await self.db.deadletter_items.update_many({"digest": digest_id}, {"$set": {"composed": True}})
        return 1 if result.upserted_id is not None else 0

    # -- sending -----------------------------------------------------------------------------
    async def send_one(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return await send_next_digest(
            self.db.deadletter_digests, self.channel, self.settings, now, "dead-letter digest"
        )

    async def run(self) -> None:
        tick = min(1.0, self.window.total_seconds() / 4)
        while True:
            try:
                await self.gather()
                while await self.send_one():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dead-letter digests failed; retrying")
            await asyncio.sleep(tick)
