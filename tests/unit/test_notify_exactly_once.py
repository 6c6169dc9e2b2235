"""issue 15: exactly one message per notification — notify marks the intent before a send, records
the outcome whatever the database does, and does not resend a mail whose outcome it never learned
(the delivery shows as possibly_sent); a channel whose receiver drops repeats is sent again."""

import asyncio
from datetime import UTC, datetime, timedelta

from pymongo.errors import AutoReconnect

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import SUBMISSION_REVIEWED
from thidua_common.contracts.review import SubmissionReviewed
from thidua_notify.channels import Message, TemporaryFailure
from thidua_notify.service import NotifyService, delivery_message_id

from .fake_mongo import FakeDb


class Outbox:
    name = "email"
    receiver_dedupes = False

    def __init__(self, failures: int = 0):
        self.sent: list[str] = []
        self.failures = failures

    async def send(self, message: Message) -> None:
        if self.failures:
            self.failures -= 1
            raise TemporaryFailure("connection refused")
        self.sent.append(message.message_id)


class Webhooks(Outbox):
    name = "signed-hook"
    receiver_dedupes = True


class FlakyDeliveries:
    """The deliveries collection, whose updates fail `fail_updates` times from `after` updates on
    (a database killed mid-send)."""

    def __init__(self, inner, after: int, fail_updates: int):
        self.inner, self.after, self.fail_updates = inner, after, fail_updates
        self.updates = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def update_one(self, query, update, upsert=False):
        self.updates += 1
        if self.updates > self.after and self.fail_updates:
            self.fail_updates -= 1
            raise AutoReconnect("connection refused")
        return await self.inner.update_one(query, update, upsert)


class Db:
    def __init__(self, deliveries):
        self.deliveries = deliveries


def event():
    review = SubmissionReviewed(submission_id="s1", campaign_id="c1", unit_id="u1", period="2026-Q1",
                                decision="approve", level="cluster", reviewer="r", at=datetime.now(UTC))
    return new_event(type=SUBMISSION_REVIEWED, source="/thidua/intake/reviews", tenant="daknong", data=review)


def make_service(channel, deliveries=None) -> NotifyService:
    db = Db(deliveries) if deliveries is not None else FakeDb()
    service = NotifyService(db, {channel.name: channel}, publisher=None, settings=Settings())
    service.record_retry_delay = 0.001

    async def message(envelope, delivery_id):
        return Message("unit@example.vn", "s", "b", delivery_message_id({"_id": delivery_id}), envelope.correlationid)

    service._message = message  # type: ignore[method-assign]
    return service


class Settings:
    notify_max_attempts = 6
    notify_backoff_seconds = 0.001


async def drain(service: NotifyService) -> None:
    while True:
        try:
            if not await service.dispatch_one():
                return
        except AutoReconnect:
            pass  # the dispatcher loop logs and tries again
        await asyncio.sleep(0.002)


def test_a_mail_sent_while_the_database_is_down_is_sent_once_and_recorded():
    async def run():
        deliveries = FlakyDeliveries(FakeDb().deliveries, after=1, fail_updates=5)  # intent ok, "sent" fails 5x
        outbox = Outbox()
        service = make_service(outbox, deliveries)
        envelope = event()
        await service.enqueue(envelope, "email")
        await drain(service)
        doc = deliveries.inner.docs[f"{envelope.id}:email"]
        assert outbox.sent == [delivery_message_id(doc)]
        assert doc["status"] == "sent" and doc["history"][-1]["message_id"] == outbox.sent[0]

    asyncio.run(run())


def test_when_the_intent_cannot_be_written_nothing_is_sent_and_the_delivery_is_claimed_again():
    async def run():
        deliveries = FlakyDeliveries(FakeDb().deliveries, after=0, fail_updates=1)
        outbox = Outbox()
        service = make_service(outbox, deliveries)
        envelope = event()
        await service.enqueue(envelope, "email")
        await drain(service)
        assert outbox.sent == []  # the claim holds the delivery until its lease ends
        doc = deliveries.inner.docs[f"{envelope.id}:email"]
        doc["lease_until"] = datetime.now(UTC) - timedelta(seconds=1)
        await drain(service)
        assert len(outbox.sent) == 1 and deliveries.inner.docs[f"{envelope.id}:email"]["status"] == "sent"

    asyncio.run(run())


def expired_intent(service: NotifyService, channel: str) -> str:
    envelope = event()
    asyncio.run(service.enqueue(envelope, channel))
    doc = service.db.deliveries.docs[f"{envelope.id}:{channel}"]
    doc.update(status="sending", lease_until=datetime.now(UTC) - timedelta(seconds=1),
               intent_at=datetime.now(UTC) - timedelta(seconds=61))
    return doc["_id"]


def test_a_mail_whose_outcome_was_never_learned_is_not_sent_again():
    outbox = Outbox()
    service = make_service(outbox)
    delivery_id = expired_intent(service, "email")
    asyncio.run(drain(service))
    assert outbox.sent == []
    doc = service.db.deliveries.docs[delivery_id]
    assert doc["status"] == "possibly_sent" and doc["history"][-1]["outcome"] == "possibly_sent"


def test_a_webhook_whose_outcome_was_never_learned_is_sent_again_with_the_same_id():
    hooks = Webhooks()
    service = make_service(hooks)
    delivery_id = expired_intent(service, "signed-hook")
    asyncio.run(drain(service))
    assert hooks.sent == [delivery_message_id({"_id": delivery_id})]
    assert service.db.deliveries.docs[delivery_id]["status"] == "sent"


def test_a_refused_send_clears_the_intent_so_the_retry_sends():
    outbox = Outbox(failures=1)
    service = make_service(outbox)
    service.settings = type("Slow", (Settings,), {"notify_backoff_seconds": 60})()
    envelope = event()
    asyncio.run(service.enqueue(envelope, "email"))
    asyncio.run(drain(service))
    doc = service.db.deliveries.docs[f"{envelope.id}:email"]
    assert doc["status"] == "pending" and doc["intent_at"] is None
    doc["next_attempt_at"] = datetime.now(UTC) - timedelta(seconds=1)
    asyncio.run(drain(service))
    assert len(outbox.sent) == 1 and doc["status"] == "sent"


def test_a_requeued_delivery_with_an_old_intent_is_sent():
    """An operator puts a dead-lettered or possibly_sent delivery back to pending: it is sent."""
    outbox = Outbox()
    service = make_service(outbox)
    delivery_id = expired_intent(service, "email")
    service.db.deliveries.docs[delivery_id].update(status="pending", next_attempt_at=datetime.now(UTC))
    asyncio.run(drain(service))
    assert len(outbox.sent) == 1 and service.db.deliveries.docs[delivery_id]["status"] == "sent"


class BrokerDown:
    async def publish(self, *args, **kwargs):
        raise ConnectionError("broker down")


def test_a_last_failed_attempt_whose_dead_letter_cannot_be_published_is_not_taken_for_sent():
    outbox = Outbox(failures=1)
    service = make_service(outbox)
    service.settings = type("Once", (Settings,), {"notify_max_attempts": 1})()
    service.publisher = BrokerDown()
    envelope = event()
    asyncio.run(service.enqueue(envelope, "email"))
    try:
        asyncio.run(service.dispatch_one())
    except ConnectionError:
        pass  # the dispatcher loop logs it and goes on
    doc = service.db.deliveries.docs[f"{envelope.id}:email"]
    assert doc["status"] == "sending" and doc["intent_at"] is None
    doc["lease_until"] = datetime.now(UTC) - timedelta(seconds=1)  # claimed again after the lease
    service.publisher = None
    asyncio.run(drain(service))
    assert outbox.sent == [delivery_message_id(doc)]
