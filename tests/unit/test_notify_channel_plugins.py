"""issue 15: channels — a channel packaged apart (tests/plugins/thidua-test-sms) loads through the
`thidua.channels` entry point next to email and webhook, and notify's delivery log lists each
delivery of an event with its attempts, outcome and Message-ID."""

import asyncio
from datetime import UTC, datetime

from thidua_notify.admin import delivery_log, list_webhooks
from thidua_notify.channels import Message, load_channels
from thidua_notify.service import delivery_message_id
from thidua_notify.webhooks import subscriptions
from thidua_test_sms import SmsChannel

from .fake_mongo import FakeDb


class Settings:
    environment = "development"


def test_the_sms_plugin_loads_by_its_entry_point_next_to_the_built_in_channels():
    channels = load_channels(Settings())  # type: ignore[arg-type]
    assert {"email", "webhook", "sms"} <= set(channels)
    assert isinstance(channels["sms"], SmsChannel)
    assert channels["webhook"].receiver_dedupes and not channels["sms"].receiver_dedupes


def test_the_sms_plugin_sends_a_short_text():
    sms = SmsChannel(Settings())
    asyncio.run(sms.send(Message("+84912345678", "Báo cáo quý I đã được duyệt", "…", "m", "c")))
    assert SmsChannel.outbox[-1] == ("+84912345678", "Báo cáo quý I đã được duyệt")


def test_the_delivery_log_lists_each_delivery_of_an_event_with_its_attempts_and_message_id():
    async def run():
        db = FakeDb()
        at = datetime(2026, 3, 1, tzinfo=UTC)
        await db.deliveries.insert_one(
            {"_id": "e1:email", "channel": "email", "status": "sent", "recipient": "u@x.vn",
             "history": [{"at": at, "outcome": "retry", "error": "refused"}, {"at": at, "outcome": "sent"}]}
        )
        await db.deliveries.insert_one({"_id": "e1:webhook:t/abc", "channel": "webhook", "status": "refused",
                                        "history": [{"at": at, "outcome": "refused", "error": "private_address"}]})
        await db.deliveries.insert_one({"_id": "e2:email", "channel": "email", "status": "sent", "history": []})
        rows = await delivery_log(db, "e1")
        assert [r["delivery"] for r in rows] == ["e1:email", "e1:webhook:t/abc"]
        assert rows[0]["message_id"] == delivery_message_id({"_id": "e1:email"})
        assert [a["outcome"] for a in rows[0]["attempts"]] == ["retry", "sent"]
        assert rows[1]["status"] == "refused"

    asyncio.run(run())


def test_the_webhook_listing_never_shows_a_secret():
    async def run():
        db = FakeDb()
        await subscriptions.save(db, "daknong", "https://hook.example.vn/a", ["*"], "0123456789abcdef0123")
        (listed,) = await list_webhooks(db, "daknong")
        assert listed["url"] == "https://hook.example.vn/a" and "secret" not in listed

    asyncio.run(run())
