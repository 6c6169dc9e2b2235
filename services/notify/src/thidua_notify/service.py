"""Deliveries: each event worth telling someone about becomes a delivery record (idempotent by
event id and channel); a dispatcher sends due deliveries, retries temporary failures with
exponential backoff, and parks the ones that never succeed in the notify dead-letter topic."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.handlers import Handlers
from thidua_common.contracts.nomination import (
    AwardDecided,
    NominationChanged,
    NominationOverdue,
    NominationStatus,
    notice_status,
)
from thidua_common.contracts.notification import NotificationFailed
from thidua_common.contracts.registry import (  # issue 13: reports
    APPEAL_DECIDED,
    AWARD_DECIDED,
    CAMPAIGN_DEFINED,
    NOMINATION_CHANGED,
    NOMINATION_OVERDUE,
    NOTIFICATION_FAILED,
    REVIEW_DRAFTS_READY,
    REVIEW_REMINDER,
    SCORE_COMPUTED,
    SCORING_CAMPAIGN_QUARANTINED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
)
from thidua_common.contracts.review import (
    AppealDecided,
    AppealOutcome,
    ReviewDecision,
    SubmissionReopened,
    SubmissionReviewed,
)
from thidua_common.contracts.review_report import ReviewDraftsReady, ReviewReminder
from thidua_common.contracts.score import ScoreComputed
from thidua_common.contracts.scoring_quarantine import CampaignQuarantined
from thidua_common.logging import correlation_scope, get_logger
from thidua_common.settings import Settings

from . import templates, unsubscribe
from .channels import Channel, Message, PermanentFailure, TemporaryFailure
from .compose import (
    appeal_decision_message,
    award_message,
    criterion_labels,
    nomination_notice_message,
    overdue_message,
    quarantine_message,
    reopen_message,
    review_drafts_params,
    review_message,
    review_reminder_params,
    score_message,
)
from .webhooks import subscriptions as webhook_subscriptions

log = get_logger(__name__)

SOURCE = "/thidua/notify"
LEASE = timedelta(seconds=60)
# issue 15: exactly once — how long notify keeps retrying the record of a message that already left
# (the database is down): the longest database outage it rides out without losing that record
RECORD_RETRY = timedelta(minutes=10)
# A review decision older than this is recorded but not mailed: notify subscribed to the
# submissions topic after reviews began, and its consumer group starts a new topic from the
# beginning, so without this a first start would mail every unit about years-old decisions.
DECISION_NOTICE_MAX_AGE = timedelta(days=7)


class NotifyService:
    def __init__(
        self,
        db: AsyncDatabase,
        channels: dict[str, Channel],
        publisher,
        settings: Settings,
        decision_notice_max_age: timedelta = DECISION_NOTICE_MAX_AGE,
    ):
        self.db, self.channels, self.publisher, self.settings = db, channels, publisher, settings
        self.decision_notice_max_age = decision_notice_max_age
        self.record_retry_delay = 0.2  # issue 15: first wait before recording an outcome again (doubles)
        self.wake = asyncio.Event()
        # the events notify acts on (the consumer skips the others by their ce_type header, e.g.
        # every submission.received on the submissions topic, and subscribes to their topics)
        self.handlers = (
            Handlers()
            .add(CAMPAIGN_DEFINED, CampaignDefined, self.on_campaign)
            .add(SCORE_COMPUTED, ScoreComputed, self.on_score)
            # overdue and quarantined campaigns: escalated to the commendation board; decided: the
            # awarded unit hears of it
            .add(NOMINATION_OVERDUE, NominationOverdue, self.on_alert)
            .add(AWARD_DECIDED, AwardDecided, self.on_alert)
            .add(SCORING_CAMPAIGN_QUARANTINED, CampaignQuarantined, self.on_alert)
            # the unit hears how its report was reviewed, how its appeal was decided, and when an
            # approval of its report is reopened
            .add(SUBMISSION_REVIEWED, SubmissionReviewed, self.on_decision)
            .add(APPEAL_DECIDED, AppealDecided, self.on_decision)
            .add(SUBMISSION_REOPENED, SubmissionReopened, self.on_decision)
            # issue 13: reports — units reminded before a review date, the board told its drafts are ready
            .add(REVIEW_REMINDER, ReviewReminder, self.on_alert)
            .add(REVIEW_DRAFTS_READY, ReviewDraftsReady, self.on_alert)
            # issue 11: nomnotice — the unit hears that its nomination was returned or failed
            .add(NOMINATION_CHANGED, NominationChanged, self.on_nomination)
        )
        # how each recorded event becomes a message, when it is sent
        self.composers = (
            Handlers()
            .add(SCORE_COMPUTED, ScoreComputed, self._score_message)
            .add(NOMINATION_OVERDUE, NominationOverdue, self._overdue_message)
            .add(AWARD_DECIDED, AwardDecided, self._award_message)
            .add(SCORING_CAMPAIGN_QUARANTINED, CampaignQuarantined, self._quarantine_message)
            .add(SUBMISSION_REVIEWED, SubmissionReviewed, self._review_message)
            .add(APPEAL_DECIDED, AppealDecided, self._appeal_decision_message)
            .add(SUBMISSION_REOPENED, SubmissionReopened, self._reopen_message)
            .add(REVIEW_REMINDER, ReviewReminder, self._review_reminder_message)
            .add(REVIEW_DRAFTS_READY, ReviewDraftsReady, self._review_drafts_message)
            .add(NOMINATION_CHANGED, NominationChanged, self._nomination_message)
        )

    async def setup(self) -> None:
        await self.db.deliveries.create_index([("status", 1), ("next_attempt_at", 1)])
        # an appeal's decision looks up the review it was about
        await self.db.deliveries.create_index([("event.data.submission_id", 1)])

    # -- events in ---------------------------------------------------------------------------
    async def apply(self, envelope: Envelope) -> None:
        await self.handlers.dispatch(envelope)
        if "webhook" in self.channels:  # issue 15: channels — the tenant's subscriptions to this kind
            await self.enqueue_webhooks(envelope)

    async def enqueue_webhooks(self, envelope: Envelope) -> None:
        """One delivery per event and subscription (its id names both: idempotent like email's)."""
        for sub in await webhook_subscriptions.matching(self.db, envelope.tenant, envelope.type):
            await self.enqueue(envelope, "webhook", key=f"{envelope.id}:webhook:{sub['_id']}", subscription=sub["_id"])

    async def on_campaign(self, envelope: Envelope, campaign: CampaignDefined) -> None:
        try:
            await self.db.directory.replace_one(
                {"_id": f"{envelope.tenant}/{campaign.campaign_id}", "revision": {"$lt": campaign.revision}},
                {"tenant": envelope.tenant, **campaign.model_dump(mode="json")},
                upsert=True,
            )
        except DuplicateKeyError:
            pass

    async def on_score(self, envelope: Envelope, score: ScoreComputed) -> None:
        if self.worth_telling(score):
            await self.enqueue(envelope, "email")

    async def on_alert(self, envelope: Envelope, _alert: object) -> None:
        await self.enqueue(envelope, "email")

    async def on_decision(self, envelope: Envelope, _decision: object) -> None:
        sent_at = envelope.time if envelope.time.tzinfo else envelope.time.replace(tzinfo=UTC)
        stale = datetime.now(UTC) - sent_at > self.decision_notice_max_age
        await self.enqueue(envelope, "email", skip_reason="quá cũ để báo / too old to announce" if stale else None)

    async def on_nomination(self, envelope: Envelope, nomination: NominationChanged) -> None:
        """issue 11: nomnotice — only the revision that returned it or failed it (never a pass, a
        comment, or a later revision keeping the status). A decision is mailed from its
        AwardDecided event (on_alert), so a unit is not told of its award twice."""
        if notice_status(nomination) in (NominationStatus.returned, NominationStatus.failed):
            await self.on_decision(envelope, nomination)

    @staticmethod
    def worth_telling(score: ScoreComputed) -> bool:
        """The unit hears about its own provisional score after its own action or a reviewer's;
        not about every recomputation of its cluster or about the verified copy."""
        return score.status == "provisional" and score.cause.kind in ("submission", "rating", "target")

    async def enqueue(
        self,
        envelope: Envelope,
        channel: str,
        skip_reason: str | None = None,
        key: str | None = None,
        subscription: str | None = None,
    ) -> None:
        """Record a delivery once per event and channel (`key`: once per event and webhook
        subscription); `skip_reason`: record it as skipped (never sent)."""
        now = datetime.now(UTC)
        skipped = {
            "status": "skipped",
            "finished_at": now,
            "recipient": "",
            "history": [{"at": now, "outcome": "skipped", "error": skip_reason}],
        }
        try:
            await self.db.deliveries.insert_one(
                {
                    "_id": key or f"{envelope.id}:{channel}",
                    "channel": channel,
                    **({"subscription": subscription} if subscription else {}),
                    "event": envelope.model_dump(mode="json"),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "history": [],
                    **(skipped if skip_reason else {}),
                }
            )
            if not skip_reason:
                self.wake.set()
        except DuplicateKeyError:
            log.info("delivery already recorded", event_id=envelope.id)

    # -- dispatching -------------------------------------------------------------------------
    async def run_dispatcher(self) -> None:
        while True:
            try:
                while await self.dispatch_one():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatcher failed; retrying")
            try:
                await asyncio.wait_for(self.wake.wait(), 0.25)
            except TimeoutError:
                pass
            self.wake.clear()

    async def dispatch_one(self) -> bool:
        now = datetime.now(UTC)
        delivery = await self.db.deliveries.find_one_and_update(
            {
                "$or": [
                    {"status": "pending", "next_attempt_at": {"$lte": now}},
                    {"status": "sending", "lease_until": {"$lt": now}},  # a crashed dispatcher's claim
                ]
            },
            {"$set": {"status": "sending", "lease_until": now + LEASE}},
            sort=[("next_attempt_at", 1)],
            # issue 15: the document as it was, so that an expired claim (status still "sending")
            # tells apart from a pending one; the fields used below are not changed by the claim
            return_document=ReturnDocument.BEFORE,
        )
        if delivery is None:
            return False
        envelope = Envelope.model_validate(delivery["event"])
        with correlation_scope(envelope.correlationid, delivery=delivery["_id"]):
            expired_intent = delivery["status"] == "sending" and delivery.get("intent_at") is not None
            if expired_intent and not self._receiver_dedupes(delivery["channel"]):
                # issue 15: exactly once — a claim that expired after the message was handed to a
                # channel whose receiver cannot drop a repeat (SMTP): the message possibly left, so
                # it is not sent again (at most once); the delivery log shows it as possibly_sent
                await self._finish(delivery, "possibly_sent", delivery["attempts"] + 1, "lease expired after intent")
                log.warning("notification possibly sent; not resent", intent_at=str(delivery["intent_at"]))
                return True
            await self._attempt(delivery, envelope)
        return True

    def _receiver_dedupes(self, channel: str) -> bool:
        """A channel whose receiver drops a repeat by its id (a webhook's X-ThiDua-Delivery) is safe
        to send again after an unknown outcome; email is not (mail servers do not dedupe)."""
        return bool(getattr(self.channels.get(channel), "receiver_dedupes", False))

    async def _mark_intent(self, delivery: dict, message: Message) -> None:
        """Record, before the send, that the message is about to leave: if notify dies before it
        records the outcome, the next claim knows the message may have left (see dispatch_one).
        A failure here raises before anything is sent, so the delivery is simply claimed again."""
        await self.db.deliveries.update_one(
            {"_id": delivery["_id"]},
            {"$set": {"intent_at": datetime.now(UTC), "message_id": message.message_id}},
        )

    async def _attempt(self, delivery: dict, envelope: Envelope) -> None:
        attempts = delivery["attempts"] + 1
        recipient = "?"
        try:
            if delivery["channel"] == "webhook":
                message = await self._webhook_message(delivery, envelope)
            else:
                message = await self._message(envelope, delivery["_id"])
            if message is None:
                why = (
                    "đăng ký webhook đã gỡ hoặc tạm dừng / subscription removed or paused"
                    if delivery["channel"] == "webhook"
                    else "đơn vị chưa có địa chỉ thư / no address"
                )
                await self._finish(delivery, "skipped", attempts, why)
                return
            recipient = message.recipient
            if delivery["channel"] == "email" and await unsubscribe.unsubscribed(
                self.db, envelope.tenant, recipient, envelope.type
            ):  # issue 15: channels — an optional kind the recipient stopped
                await self._finish(delivery, "skipped", attempts, "unsubscribed", recipient)
                return
            await self._mark_intent(delivery, message)
            await self.channels[delivery["channel"]].send(message)
        except TemporaryFailure as exc:
            # the channel says it did not leave: the intent is cleared first and the failure recorded
            # however long the database takes, so that neither a database outage nor a dead letter
            # that cannot be published (the broker down) leaves it to read as "possibly sent"
            error = str(exc)
            await self._durably(lambda: self._clear_intent(delivery))
            await self._durably(lambda: self._failed(delivery, envelope, attempts, recipient, error))
            return
        except PermanentFailure as exc:  # issue 15: a refused webhook target or a 4xx answer: not retried
            refusal = str(exc)
            await self._durably(lambda: self._finish(delivery, "refused", attempts, refusal, recipient))
            log.warning("notification refused", error=refusal)
            return
        except PyMongoError:
            raise  # the database, not the message: the dispatcher retries, the lease lets it claim again
        except Exception as exc:  # a bug or bad data: counted like any failure, ends in the dead-letter topic
            log.exception("notification attempt failed unexpectedly")
            await self._failed(delivery, envelope, attempts, recipient, repr(exc))
            return
        await self._durably(lambda: self._finish(delivery, "sent", attempts, None, recipient))
        log.info("notification sent", recipient=recipient, attempts=attempts)

    async def _clear_intent(self, delivery: dict) -> None:
        await self.db.deliveries.update_one({"_id": delivery["_id"]}, {"$set": {"intent_at": None}})

    async def _durably(self, record: Callable[[], Awaitable[None]]) -> None:
        """Record an attempt's outcome whatever it takes (the database may be down or restarting):
        a lost "sent" record is what let a lease expire and a mail go out twice. The dispatcher
        waits here: nothing else is sent meanwhile."""
        deadline = datetime.now(UTC) + RECORD_RETRY
        delay = self.record_retry_delay
        while True:
            try:
                await record()
                return
            except PyMongoError as exc:
                if datetime.now(UTC) > deadline:
                    raise  # the intent stays: the next claim treats it as possibly sent
                log.warning("recording a notification's outcome failed; retrying", error=str(exc), delay_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _message(self, envelope: Envelope, delivery_id: str) -> Message | None:
        return await self.composers.dispatch(envelope, delivery_id)

    async def _webhook_message(self, delivery: dict, envelope: Envelope) -> Message | None:
        """The event itself (CloudEvents JSON), to the subscription as it stands now (a rotated
        secret signs the next attempt; a removed or paused subscription is skipped)."""
        sub = await self.db.webhook_subscriptions.find_one({"_id": delivery.get("subscription"), "active": True})
        if sub is None:
            return None
        return Message(
            recipient=sub["url"],
            subject=envelope.type,
            body=envelope.model_dump_json(),
            message_id=delivery_message_id(delivery),
            correlation_id=envelope.correlationid,
            secret=sub["secret"],
        )

    async def _score_message(self, envelope: Envelope, score: ScoreComputed, delivery_id: str) -> Message | None:
        campaign = await self._campaign(envelope.tenant, score.campaign_id)
        unit = next((p for p in campaign["participants"] if p["unit_id"] == score.unit_id), None)
        if unit is None or not unit.get("email"):
            return None
        names = {cid: label.name for cid, label in criterion_labels(campaign["criteria"]).items()}
        subject, body = score_message(score, unit["name_vi"], campaign["name_vi"], names)
        return _message(unit["email"], subject, body, delivery_id, envelope)

    async def _campaign(self, tenant: str, campaign_id: str) -> dict:
        """The campaign as notify last heard of it; an event about it may arrive first (another topic)."""
        campaign = await self.db.directory.find_one({"_id": f"{tenant}/{campaign_id}"})
        if campaign is None:
            raise TemporaryFailure("campaign not known yet / chưa nhận được thông tin phong trào")
        return campaign

    async def _review_message(self, envelope: Envelope, review: SubmissionReviewed, delivery_id: str) -> Message | None:
        campaign = await self._campaign(envelope.tenant, review.campaign_id)
        unit = await self._participant(envelope.tenant, review.unit_id, review.campaign_id)
        if unit is None or not unit.get("email"):
            return None  # no address known for the unit: skipped, like a score
        labels = criterion_labels(campaign["criteria"])
        subject, body = review_message(review, unit["name_vi"], campaign["name_vi"], labels)
        return _message(unit["email"], subject, body, delivery_id, envelope)

    async def _reopen_message(
        self, envelope: Envelope, reopened: SubmissionReopened, delivery_id: str
    ) -> Message | None:
        campaign = await self._campaign(envelope.tenant, reopened.campaign_id)
        unit = await self._participant(envelope.tenant, reopened.unit_id, reopened.campaign_id)
        if unit is None or not unit.get("email"):
            return None  # no address known for the unit: skipped, like a review
        subject, body = reopen_message(reopened, unit["name_vi"], campaign["name_vi"])
        return _message(unit["email"], subject, body, delivery_id, envelope)

    async def _appeal_decision_message(
        self, envelope: Envelope, decided: AppealDecided, delivery_id: str
    ) -> Message | None:
        campaign = await self._campaign(envelope.tenant, decided.campaign_id)
        unit = await self._participant(envelope.tenant, decided.unit_id, decided.campaign_id)
        if unit is None or not unit.get("email"):
            return None
        returned = None
        if decided.outcome == AppealOutcome.upheld and decided.decision == ReviewDecision.return_:
            returned = await self._returned_reasons(envelope.tenant, decided.submission_id)
        labels = criterion_labels(campaign["criteria"])
        subject, body = appeal_decision_message(decided, unit["name_vi"], campaign["name_vi"], labels, returned)
        return _message(unit["email"], subject, body, delivery_id, envelope)

    async def _returned_reasons(self, tenant: str, submission_id: str) -> dict[str, str] | None:
        """The criteria and reasons of the submission's latest return, from the review event notify
        recorded (it precedes the appeal on the same partition)."""
        delivery = await self.db.deliveries.find_one(
            {"event.data.submission_id": submission_id, "event.type": SUBMISSION_REVIEWED, "event.tenant": tenant},
            sort=[("event.time", -1)],
        )
        data = (delivery or {}).get("event", {}).get("data", {})
        return (data.get("reasons") or None) if data.get("decision") == ReviewDecision.return_.value else None

    async def _participant(self, tenant: str, unit_id: str, campaign_id: str | None = None) -> dict | None:
        """The unit as a campaign lists it (name, email): the named campaign first, else any."""
        query: dict = {"tenant": tenant, "participants.unit_id": unit_id}
        if campaign_id:
            campaign = await self.db.directory.find_one({"_id": f"{tenant}/{campaign_id}"})
            found = next((p for p in (campaign or {}).get("participants", []) if p["unit_id"] == unit_id), None)
            if found and found.get("email"):
                return found
        best = None
        async for campaign in self.db.directory.find(query).sort("revision", -1):
            for p in campaign["participants"]:
                if p["unit_id"] == unit_id and (best is None or (p.get("email") and not best.get("email"))):
                    best = p
        return best

    async def _overdue_message(self, envelope: Envelope, alert: NominationOverdue, delivery_id: str) -> Message:
        unit = await self._participant(envelope.tenant, alert.nominee.unit_id)
        subject, body = overdue_message(alert, unit["name_vi"] if unit else None)
        return _message(self.settings.escalation_email, subject, body, delivery_id, envelope)

    async def _quarantine_message(self, envelope: Envelope, alert: CampaignQuarantined, delivery_id: str) -> Message:
        # the name as notify last heard it (the offending revision may never have been readable)
        known = await self.db.directory.find_one({"_id": f"{envelope.tenant}/{alert.campaign_id}"}, {"name_vi": 1})
        subject, body = quarantine_message(alert, (known or {}).get("name_vi"))
        return _message(self.settings.escalation_email, subject, body, delivery_id, envelope)

    async def _award_message(self, envelope: Envelope, award: AwardDecided, delivery_id: str) -> Message | None:
        unit = await self._participant(envelope.tenant, award.nominee.unit_id, award.campaign_id)
        if unit is None or not unit.get("email"):
            return None  # no address known for the unit: skipped, like a score
        subject, body = award_message(award, unit["name_vi"])
        return _message(unit["email"], subject, body, delivery_id, envelope)

    # issue 13: reports
    async def _review_reminder_message(
        self, envelope: Envelope, reminder: ReviewReminder, delivery_id: str
    ) -> Message | None:
        unit = await self._participant(envelope.tenant, reminder.unit_id, reminder.campaign_id)
        if unit is None or not unit.get("email"):
            return None  # no address known for the unit: skipped (the console's inbox still shows it)
        # issue 15: channels — the tenant's own template when it has one, in the unit's language
        lang = unit.get("language") or "vi"
        params = review_reminder_params(reminder, unit["name_vi"], lang)
        subject, body = await templates.compose(self.db, envelope.tenant, "mail.review.reminder", lang, params)
        return _message(unit["email"], subject, body, delivery_id, envelope)

    async def _review_drafts_message(self, envelope: Envelope, ready: ReviewDraftsReady, delivery_id: str) -> Message:
        params = review_drafts_params(ready)  # issue 15: channels — the tenant's own template, if any
        subject, body = await templates.compose(self.db, envelope.tenant, "mail.review.ready", "vi", params)
        return _message(self.settings.escalation_email, subject, body, delivery_id, envelope)

    async def _nomination_message(
        self, envelope: Envelope, nomination: NominationChanged, delivery_id: str
    ) -> Message | None:
        """issue 11: nomnotice — to the nominee's unit, else the unit that filed it, at the address a
        campaign lists for it (the nomination's own campaign first, else any of the tenant's)."""
        for unit_id in dict.fromkeys(filter(None, [nomination.nominee.unit_id, nomination.nominating_unit_id])):
            unit = await self._participant(envelope.tenant, unit_id, nomination.campaign_id)
            if unit and unit.get("email"):
                own = unit["name_vi"] if unit_id == nomination.nominee.unit_id else None
                subject, body = nomination_notice_message(nomination, unit["name_vi"], own)
                return _message(unit["email"], subject, body, delivery_id, envelope)
        return None  # no address known for either unit: skipped, like a review

    async def _finish(self, delivery: dict, status: str, attempts: int, error: str | None, recipient: str = "") -> None:
        now = datetime.now(UTC)
        await self.db.deliveries.update_one(
            {"_id": delivery["_id"]},
            {
                "$set": {"status": status, "attempts": attempts, "finished_at": now, "recipient": recipient},
                "$push": {
                    "history": {
                        "at": now,
                        "outcome": status,
                        "error": error,
                        "message_id": delivery_message_id(delivery),
                    }
                },
            },
        )

    async def _failed(self, delivery: dict, envelope: Envelope, attempts: int, recipient: str, error: str) -> None:
        now = datetime.now(UTC)
        if attempts >= self.settings.notify_max_attempts:
            failed = NotificationFailed(
                cause_event_id=envelope.id,
                cause_event_type=envelope.type,
                channel=delivery["channel"],
                recipient=recipient,
                attempts=attempts,
                last_error=error,
            )
            event = new_event(
                type=NOTIFICATION_FAILED,
                source=SOURCE,
                tenant=envelope.tenant,
                subject=delivery["_id"],
                data=failed,
                id=deterministic_id("notify-dlq", delivery["_id"]),
                correlationid=envelope.correlationid,
            )
            await self.publisher.publish("notify_dlq", event, key=delivery["_id"])
            await self._finish(delivery, "dead_lettered", attempts, error, recipient)
            log.warning("notification dead-lettered", attempts=attempts, error=error)
            return
        delay = self.settings.notify_backoff_seconds * 2 ** (attempts - 1)
        await self.db.deliveries.update_one(
            {"_id": delivery["_id"]},
            {
                "$set": {
                    "status": "pending",
                    "attempts": attempts,
                    "next_attempt_at": now + timedelta(seconds=delay),
                    "intent_at": None,  # the channel said it did not leave: safe to send again
                },
                "$push": {"history": {"at": now, "outcome": "retry", "error": error, "delay_s": delay}},
            },
        )
        log.info("notification will be retried", attempts=attempts, delay_s=delay, error=error)


def delivery_message_id(delivery: dict) -> str:
    """The Message-ID a delivery's message carries (the same on every attempt), for the delivery log."""
    return deterministic_id("mail", delivery["_id"])


def _message(recipient: str, subject: str, body: str, delivery_id: str, envelope: Envelope) -> Message:
    """A message whose id is stable per delivery, so that a receiver can drop a repeat."""
    return Message(
        recipient=recipient,
        subject=subject,
        body=body,
        message_id=deterministic_id("mail", delivery_id),
        correlation_id=envelope.correlationid,
    )
