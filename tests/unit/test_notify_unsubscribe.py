"""issue 15: channels — unsubscribing from optional kinds with a signed token per tenant, recipient
and kind; mandatory kinds cannot be stopped; an unsubscribed recipient's optional mail is skipped."""

import asyncio
from datetime import date

import pytest

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import REVIEW_REMINDER, SCORE_COMPUTED, SUBMISSION_REVIEWED
from thidua_common.contracts.review_report import ReviewReminder
from thidua_notify import unsubscribe
from thidua_notify.channels import Message
from thidua_notify.service import NotifyService, delivery_message_id

from .fake_mongo import FakeDb

SECRET = "a-signing-secret-of-thirty-two-bytes!"


def test_a_token_names_its_tenant_recipient_and_kind_and_survives_case():
    value = unsubscribe.token(SECRET, "daknong", "Don-Vi-1@Example.vn", REVIEW_REMINDER)
    assert unsubscribe.read(SECRET, value) == ("daknong", "don-vi-1@example.vn", REVIEW_REMINDER)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # the signature
        lambda v: unsubscribe.token(SECRET, "kontum", "x@y.vn", REVIEW_REMINDER).split(".")[0] + "." + v.split(".")[1],
        lambda v: "not-a-token",
    ],
)
def test_a_tampered_token_is_refused(tamper):
    value = unsubscribe.token(SECRET, "daknong", "x@y.vn", REVIEW_REMINDER)
    with pytest.raises(unsubscribe.TokenInvalid):
        unsubscribe.read(SECRET, tamper(value))


def test_another_secret_or_a_mandatory_kind_is_refused():
    with pytest.raises(unsubscribe.TokenInvalid):
        unsubscribe.read("another-secret", unsubscribe.token(SECRET, "daknong", "x@y.vn", SCORE_COMPUTED))
    with pytest.raises(unsubscribe.TokenInvalid, match="mandatory"):
        unsubscribe.read(SECRET, unsubscribe.token(SECRET, "daknong", "x@y.vn", SUBMISSION_REVIEWED))
    assert unsubscribe.mandatory(SUBMISSION_REVIEWED) and not unsubscribe.mandatory(REVIEW_REMINDER)


class Outbox:
    name = "email"

    def __init__(self):
        self.sent: list[str] = []

    async def send(self, message: Message) -> None:
        self.sent.append(message.recipient)


class Settings:
    notify_max_attempts = 3
    notify_backoff_seconds = 60


def test_an_unsubscribed_recipients_reminder_is_skipped_and_others_still_sent():
    async def run():
        db, outbox = FakeDb(), Outbox()
        service = NotifyService(db, {"email": outbox}, publisher=None, settings=Settings())  # type: ignore[arg-type]
        to = iter(["stopped@x.vn", "other@x.vn"])
        addresses: dict[str, str] = {}

        async def message(envelope, delivery_id):
            addresses.setdefault(delivery_id, next(to))
            return Message(addresses[delivery_id], "s", "b", delivery_message_id({"_id": delivery_id}), "c")

        service._message = message  # type: ignore[method-assign]
        await unsubscribe.apply(db, SECRET, unsubscribe.token(SECRET, "daknong", "STOPPED@x.vn", REVIEW_REMINDER))
        reminder = ReviewReminder(campaign_id="c1", campaign_name_vi="C", unit_id="u1", review_kind="interim",
                                  review_date=date(2026, 6, 30), days_before=7)
        events = [new_event(type=REVIEW_REMINDER, source="/t", tenant="daknong", data=reminder) for _ in range(2)]
        for event in events:
            await service.enqueue(event, "email")
            while await service.dispatch_one():
                pass
        assert outbox.sent == ["other@x.vn"]
        skipped = db.deliveries.docs[f"{events[0].id}:email"]
        assert skipped["status"] == "skipped" and skipped["history"][-1]["error"] == "unsubscribed"

    asyncio.run(run())
