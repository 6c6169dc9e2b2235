"""notify through the real SMTP server: temporary failures are retried with backoff, and a
delivery that never succeeds ends in the notify dead-letter topic."""

import json

import httpx
from pymongo import AsyncMongoClient

from .conftest import eventually, mail_control, mails, read_topic, reporter, submission


async def post(stack, settings, campaign_id, unit):
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        r = await client.post(
            "/api/v1/submissions", json=submission(campaign_id, unit), headers=reporter(settings, unit)
        )
        assert r.status_code == 202, r.text
        return r.json()


async def delivery_for(settings, submission_id):
    mongo = AsyncMongoClient(settings.mongo_uri)
    try:
        return await mongo[settings.db_name("notify")].deliveries.find_one({"event.data.submission_id": submission_id})
    finally:
        await mongo.close()


async def test_temporary_smtp_failures_are_retried(stack, settings, campaign):
    mail_control(stack, reject_next=2)
    try:
        accepted = await post(stack, settings, campaign["id"], "don-vi-1")
        inbox = await eventually(lambda: mails(stack, f"don-vi-1@{campaign['id']}.test"))
    finally:
        mail_control(stack, reject_next=0)
    assert len(inbox) == 1
    delivery = await eventually(lambda: delivery_for(settings, accepted["submission_id"]))
    assert delivery["status"] == "sent"
    assert delivery["attempts"] == 3
    retries = [h for h in delivery["history"] if h["outcome"] == "retry"]
    assert [h["delay_s"] for h in retries] == [0.2, 0.4]  # exponential backoff
    assert "451" in retries[0]["error"]


async def test_delivery_failing_every_retry_is_dead_lettered(stack, settings, campaign):
    mail_control(stack, reject_next=1000)
    try:
        accepted = await post(stack, settings, campaign["id"], "don-vi-2")

        async def dead_lettered():
            d = await delivery_for(settings, accepted["submission_id"])
            return d if d and d["status"] == "dead_lettered" else None

        delivery = await eventually(dead_lettered, timeout=30)
    finally:
        mail_control(stack, reject_next=0)
    assert delivery["attempts"] == 4
    assert mails(stack, f"don-vi-2@{campaign['id']}.test") == []
    records = await read_topic(
        settings, "notify_dlq", lambda r: json.loads(r.value)["subject"] == delivery["_id"]
    )
    assert len(records) == 1
    failed = json.loads(records[0].value)
    assert failed["type"] == "vn.thidua.notification.failed.v1"
    assert failed["data"]["attempts"] == 4
    assert failed["data"]["recipient"] == f"don-vi-2@{campaign['id']}.test"
    assert "451" in failed["data"]["last_error"]
