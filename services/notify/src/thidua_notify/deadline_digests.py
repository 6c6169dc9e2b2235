"""Issue 15: deadlines — notify turns deadline.reminder and deadline.escalated events into one digest
mail per recipient instead of a flood: a daily digest at THIDUA_NOTIFY_DEADLINE_DIGEST_AT (local
time), or a rolling window (THIDUA_NOTIFY_DEADLINE_DIGEST_SECONDS, tests and demos), never during
quiet hours (THIDUA_NOTIFY_QUIET_HOURS, delayed not dropped).

Restart-safe like the dead-letter digests (deadletters.py), in notify's own database:
- each event becomes one item per address it names (`deadline_items`, _id address|event id: a
  redelivered event is recorded once), before the consumer commits its offset;
- once a recipient's oldest pending item is due (deadlines.digest_time), its pending items are
  marked with the digest's id (derived from the first item: a crash and a retry make the same
  digest), then the digest is stored with its text fixed (`deadline_digests`);
- a digest is sent with a lease, retried with backoff, its Message-ID stable."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts.deadline import DeadlineNotice
from thidua_common.contracts.envelope import Envelope, deterministic_id
from thidua_common.contracts.handlers import Handlers
from thidua_common.contracts.registry import DEADLINE_ESCALATED, DEADLINE_REMINDER
from thidua_common.deadlines import digest_time, parse_quiet_hours
from thidua_common.i18n import t
from thidua_common.i18n.format import format_date
from thidua_common.logging import get_logger
from thidua_common.settings import Settings

from .channels import Channel
from .digest_sending import send_next_digest

log = get_logger(__name__)
ROLE_NAMES = {
    "unit_reporter": "cán bộ báo cáo của đơn vị",
    "unit_leader": "lãnh đạo đơn vị",
    "cluster_head": "cụm trưởng",
    "board_officer": "Ban Thi đua – Khen thưởng",
    "chairperson": "Chủ tịch Hội đồng Thi đua – Khen thưởng",
    "reviewer": "người thẩm định",
    "reviewer_head": "cấp trên của người thẩm định",
}


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def item_line(item: dict[str, Any]) -> str:
    n = item["notice"]
    kind = "reminder" if item["type"] == DEADLINE_REMINDER else "escalated"
    days = abs(int(n["working_days_late"]))
    return t(
        f"mail.deadline.{n['subject']}_{kind}",
        "vi",
        period=n["period"],
        unit=n["unit_name_vi"] or n["unit_id"],
        campaign=n["campaign_name_vi"] or n["campaign_id"],
        due=format_date(date.fromisoformat(n["due_on"]), "vi"),
        days=days,
        role=ROLE_NAMES.get(item["role"], item["role"]),
    )


def digest_text(recipient: str, items: list[dict[str, Any]], day: str) -> tuple[str, str]:
    """Escalations first, then reminders, each by campaign, unit and period."""
    ordered = sorted(items, key=lambda i: (i["type"] != DEADLINE_ESCALATED, i["key"]))
    subject = t("mail.deadline.subject", "vi", day=day, count=len(items))
    body = t("mail.deadline.body", "vi", recipient=recipient, items="\n".join(item_line(i) for i in ordered))
    return subject, body


class DeadlineDigests:
    def __init__(self, db: AsyncDatabase, channel: Channel, settings: Settings):
        self.db, self.channel, self.settings = db, channel, settings
        self.quiet = parse_quiet_hours(settings.notify_quiet_hours)
        self.daily_at = time.fromisoformat(settings.notify_deadline_digest_at)
        self.window = timedelta(seconds=settings.notify_deadline_digest_seconds)

    def register(self, handlers: Handlers) -> None:
        handlers.add(DEADLINE_REMINDER, DeadlineNotice, self.on_notice)
        handlers.add(DEADLINE_ESCALATED, DeadlineNotice, self.on_notice)

    async def setup(self) -> None:
        await self.db.deadline_items.create_index([("digest", 1), ("recipient", 1), ("noticed_at", 1)])
        await self.db.deadline_digests.create_index([("status", 1), ("next_attempt_at", 1)])

    # -- events in ---------------------------------------------------------------------------
    async def on_notice(self, envelope: Envelope, notice: DeadlineNotice, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        new = 0
        for r in notice.recipients:
            for address in sorted({e.lower() for e in r.emails}):
                item = {
                    "_id": f"{address}|{envelope.id}",
                    "recipient": address,
                    "tenant": envelope.tenant,
                    "type": envelope.type,
                    "role": r.role,
                    "key": f"{notice.campaign_id}/{notice.unit_id}/{notice.period}/{notice.subject.value}",
                    "notice": notice.model_dump(mode="json"),
                    "noticed_at": now,
                    "send_at": digest_time(now, self.daily_at, self.window, self.quiet),
                    "digest": None,
                }
                try:
                    await self.db.deadline_items.insert_one(item)
                    new += 1
                except DuplicateKeyError:
                    pass  # the event was read again
            if not r.emails:
                log.warning("deadline notice without an address", role=r.role, unit=r.unit_id, event=envelope.id)
        return new

    # -- gathering ---------------------------------------------------------------------------
    async def gather(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        made = 0
        marked = await self.db.deadline_items.find({"digest": {"$ne": None}, "composed": {"$ne": True}}).to_list()
        for digest_id in sorted({i["digest"] for i in marked}):
            made += await self._store(digest_id, now)
        pending = await self.db.deadline_items.find({"digest": None}).sort([("noticed_at", 1), ("_id", 1)]).to_list()
        first: dict[str, dict[str, Any]] = {}
        for item in pending:
            first.setdefault(item["recipient"], item)
        for recipient, item in sorted(first.items()):
            if _aware(item["send_at"]) > now:
                continue
            digest_id = deterministic_id("deadline-digest", item["_id"])
            await self.db.deadline_items.update_many(
                {"recipient": recipient, "digest": None, "noticed_at": {"$lte": now}}, {"$set": {"digest": digest_id}}
            )
            made += await self._store(digest_id, now)
        return made

    async def _store(self, digest_id: str, now: datetime) -> int:
        items = await self.db.deadline_items.find({"digest": digest_id}).sort([("noticed_at", 1), ("_id", 1)]).to_list()
        if not items:
            return 0
        recipient = items[0]["recipient"]
        day = format_date(self.quiet.send_at(now).astimezone(self.quiet.tz).date(), "vi")
        subject, body = digest_text(recipient, items, day)
        result = await self.db.deadline_digests.update_one(
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
        await self.db.deadline_items.update_many({"digest": digest_id}, {"$set": {"composed": True}})
        return 1 if result.upserted_id is not None else 0

    # -- sending -----------------------------------------------------------------------------
    async def send_one(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        if self.quiet.contains(now):
            return False  # a digest stored before the quiet hours waits for their end
        return await send_next_digest(self.db.deadline_digests, self.channel, self.settings, now, "deadline digest")

    async def run(self) -> None:
        while True:
            try:
                await self.gather()
                while await self.send_one():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("deadline digests failed; retrying")
            await asyncio.sleep(1.0)
