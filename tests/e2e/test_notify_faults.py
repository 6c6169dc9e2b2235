"""issue 15: exactly one message per notification, through the real stack. 1 000 notifications are
being sent when the database (SecantusDB) is killed with SIGKILL and restarted; then, separately,
the broker. Every Message-ID is counted in the SMTP catcher: none may be missing, and duplicates
are counted and reported (target 0). A webhook receiver verifies the signatures notify sends and
refuses a replayed request; a webhook to 127.0.0.1 is refused in production mode. A tenant's mail
template set with the operators' CLI shapes its mails, and the CLI's delivery log lists the send; an
unsubscribed recipient's optional mail is skipped."""

import asyncio
import collections
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pymongo import AsyncMongoClient

from thidua_common.contracts import new_event
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.registry import REVIEW_DRAFTS_READY, REVIEW_REMINDER
from thidua_common.contracts.review_report import ReviewDraftsReady, ReviewReminder
from thidua_common.kafka import EventProducer
from thidua_devstack.stack import REPO, Ports, Stack
from thidua_notify.channels import Message, PermanentFailure
from thidua_notify.channels.webhook import WebhookChannel
from thidua_notify.webhooks import subscriptions
from thidua_notify.webhooks.signing import Refused, verify

from .conftest import TENANT, TEST_ENV, eventually

pytestmark = pytest.mark.timeout(900)

TOTAL = 1000
SECRET = "e2e-webhook-secret-0123456789"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A stack of this file's own, whose SecantusDB fsyncs each commit (`--sync-on-commit`): without
    it the server acknowledges journaled writes it then loses on kill -9 (measured: 8 deliveries of
    1 000 gone, one mail without its record), which no client can make up for."""
    s = Stack(tmp_path_factory.mktemp("faults"), Ports.free(), cache=REPO / ".local" / "cache", extra_env=TEST_ENV,
              durable_db=True)
    try:
        s.up()
        yield s
    finally:
        s.down()


@pytest.fixture(scope="module")
def settings(stack):
    return stack.settings()


def drafts_ready(tag: str, i: int):
    ready = ReviewDraftsReady(campaign_id=f"fault-{i}", campaign_name_vi=f"Phong trào {tag} {i}",
                              review_kind="interim", review_date=date(2026, 6, 30), board_document_id=f"doc-{i}",
                              version=1, unit_documents=0, generated_at=datetime.now(UTC))
    return new_event(type=REVIEW_DRAFTS_READY, source="/thidua/reporting/reviews", tenant=TENANT, data=ready,
                     correlationid=tag)


def catcher_counts(stack, tag: str) -> collections.Counter:
    messages = httpx.get(f"http://127.0.0.1:{stack.ports.mail_http}/messages", timeout=60).json()
    return collections.Counter(m["message_id"] for m in messages if m["headers"].get("X-Correlation-ID") == tag)


async def publish(settings, events) -> None:
    producer = EventProducer(settings)
    await producer.start()
    try:
        await producer.publish_many("reports", [(e, e.id) for e in events])
    finally:
        await producer.stop()


async def send_through_a_crash(stack, settings, crash, restart) -> dict:
    tag = f"fault-{uuid.uuid4().hex[:8]}"
    events = [drafts_ready(tag, i) for i in range(TOTAL)]
    expected = {f"<{deterministic_id('mail', f'{e.id}:email')}@thidua.local>" for e in events}
    started = time.monotonic()
    await publish(settings, events)
    await eventually(lambda: sum(catcher_counts(stack, tag).values()) >= TOTAL // 10, timeout=180, interval=1)
    crash()
    sent_at_crash = sum(catcher_counts(stack, tag).values())
    await asyncio.sleep(3)
    await asyncio.to_thread(restart)

    def settled():
        counts = catcher_counts(stack, tag)
        return counts if expected <= set(counts) else None

    try:
        counts = await eventually(settled, timeout=420, interval=3)
    except AssertionError:
        counts = catcher_counts(stack, tag)
    await asyncio.sleep(3)  # a late duplicate would arrive now
    counts = catcher_counts(stack, tag)
    report = {
        "sent_at_crash": sent_at_crash,
        "lost": len(expected - set(counts)),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "unexpected": len(set(counts) - expected),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(f"\nnotify fault report ({crash.__name__}): {json.dumps(report)}")
    return report


async def test_a_database_killed_mid_send_loses_nothing_and_sends_each_mail_once(stack, settings):
    report = await send_through_a_crash(stack, settings, stack.kill_mongo, stack.start_mongo)
    assert 0 < report["sent_at_crash"] < TOTAL, "the kill must land mid-send"
    assert report["lost"] == 0 and report["unexpected"] == 0
    assert report["duplicates"] == 0, report


async def test_a_broker_killed_mid_send_loses_nothing_and_sends_each_mail_once(stack, settings):
    report = await send_through_a_crash(stack, settings, stack.kill_kafka, stack.start_kafka)
    assert 0 < report["sent_at_crash"] < TOTAL, "the kill must land mid-send"
    assert report["lost"] == 0 and report["unexpected"] == 0
    assert report["duplicates"] == 0, report


# -- signed webhooks ------------------------------------------------------------------------------
class Receiver:
    """A webhook receiver as a subscriber would write it: verifies each request, refuses replays."""

    def __init__(self):
        self.accepted: list[dict] = []
        self.refused: list[str] = []
        self.requests: list[tuple[dict, bytes]] = []
        self.seen: dict[str, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                receiver.requests.append((headers, body))
                try:
                    verify(SECRET, headers, body, now=time.time(), seen=receiver.seen)
                    receiver.accepted.append(json.loads(body))
                    self.send_response(204)
                except Refused as refused:
                    receiver.refused.append(refused.reason)
                    self.send_response(409)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


async def test_a_signed_webhook_is_verified_by_its_receiver_and_its_replay_refused(stack, settings, receiver):
    client = AsyncMongoClient(settings.mongo_uri)
    try:
        await subscriptions.save(client[settings.db_name("notify")], TENANT, receiver.url, [REVIEW_DRAFTS_READY], SECRET)
        tag = f"hook-{uuid.uuid4().hex[:8]}"
        event = drafts_ready(tag, 0)
        await publish(settings, [event])
        await eventually(lambda: [a for a in receiver.accepted if a["id"] == event.id], timeout=60)
        headers, body = receiver.requests[-1]
        assert headers["X-ThiDua-Signature"].startswith("sha256=")
        # an attacker who captured the request sends it again: refused
        answer = httpx.post(receiver.url, content=body, headers=headers)
        assert answer.status_code == 409 and receiver.refused == ["replay"]
        log = await client[settings.db_name("notify")].deliveries.find_one({"_id": {"$regex": f"^{event.id}:webhook:"}})
        assert log["status"] == "sent" and log["history"][-1]["outcome"] == "sent"
    finally:
        await subscriptions.save(client[settings.db_name("notify")], TENANT, receiver.url, ["*"], SECRET, active=False)
        await client.close()


async def test_a_webhook_to_loopback_is_refused_in_production_mode(stack, receiver):
    class Production:
        environment = "production"

    channel = WebhookChannel(Production())  # type: ignore[arg-type]
    target = receiver.url.replace("http://", "https://")
    with pytest.raises(PermanentFailure, match="private_address 127.0.0.1"):
        await channel.send(Message(target, "t", "{}", "m-1", "c-1", secret=SECRET))
    with pytest.raises(PermanentFailure, match="scheme"):
        await channel.send(Message(receiver.url, "t", "{}", "m-2", "c-2", secret=SECRET))
    assert receiver.requests == []


# -- templates and the delivery log, through the operators' CLI -----------------------------------
def admin(stack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "thidua_notify.admin", *args],
        env={**os.environ, **stack.env()},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_a_tenants_template_shapes_its_mail_and_the_delivery_log_lists_the_send(stack, settings, tmp_path):
    (tmp_path / "subject.j2").write_text("Dự thảo {{ kind }}: {{ campaign }} (bản {{ version }})", encoding="utf-8")
    (tmp_path / "body.j2").write_text("Kính gửi Ban Thi đua - Khen thưởng,\n{{ units }} đơn vị.\n", encoding="utf-8")
    files = ["--subject-file", str(tmp_path / "subject.j2"), "--body-file", str(tmp_path / "body.j2")]
    (tmp_path / "bad.j2").write_text("{{ khong_co }}", encoding="utf-8")
    refused = admin(stack, "templates", "set", "--tenant", TENANT, "--kind", "mail.review.ready", "--lang", "vi",
                    "--subject-file", str(tmp_path / "bad.j2"), "--body-file", str(tmp_path / "body.j2"))
    assert refused.returncode == 2 and "subject" in refused.stderr
    saved = admin(stack, "templates", "set", "--tenant", TENANT, "--kind", "mail.review.ready", "--lang", "vi", *files)
    assert saved.returncode == 0, saved.stderr
    try:
        tag = f"tpl-{uuid.uuid4().hex[:8]}"
        event = drafts_ready(tag, 7)
        await publish(settings, [event])

        def mail():
            messages = httpx.get(f"http://127.0.0.1:{stack.ports.mail_http}/messages", timeout=60).json()
            return [m for m in messages if m["headers"].get("X-Correlation-ID") == tag]

        (sent,) = await eventually(mail, timeout=60, interval=1)
        assert sent["subject"] == f"Dự thảo sơ kết: Phong trào {tag} 7 (bản 1)"
        assert sent["text"] == "Kính gửi Ban Thi đua - Khen thưởng,\n0 đơn vị.\n"
        shown = admin(stack, "deliveries", event.id)
        assert shown.returncode == 0, shown.stderr
        (row,) = json.loads(shown.stdout)
        assert row["channel"] == "email" and row["status"] == "sent"
        assert f"<{row['message_id']}@thidua.local>" == sent["message_id"]
        assert [a["outcome"] for a in row["attempts"]] == ["sent"]
    finally:
        admin(stack, "templates", "remove", "--tenant", TENANT, "--kind", "mail.review.ready", "--lang", "vi")


async def test_an_unsubscribed_units_reminder_is_skipped_and_another_units_is_sent(stack, settings):
    campaign_id = f"unsub-{uuid.uuid4().hex[:6]}"
    stopped, other = f"{campaign_id}-a@thidua.local", f"{campaign_id}-b@thidua.local"
    client = AsyncMongoClient(settings.mongo_uri)
    try:  # the campaign as notify's directory knows it (its units' addresses)
        await client[settings.db_name("notify")].directory.insert_one({
            "_id": f"{TENANT}/{campaign_id}", "tenant": TENANT, "revision": 1, "name_vi": "Phong trào thử",
            "participants": [{"unit_id": "don-vi-a", "name_vi": "Đơn vị A", "email": stopped},
                             {"unit_id": "don-vi-b", "name_vi": "Đơn vị B", "email": other}],
        })
    finally:
        await client.close()
    issued = admin(stack, "unsubscribe", "token", "--tenant", TENANT, "--recipient", stopped, "--kind", REVIEW_REMINDER)
    assert issued.returncode == 0, issued.stderr
    assert admin(stack, "unsubscribe", "apply", json.loads(issued.stdout)["token"]).returncode == 0
    mandatory = admin(stack, "unsubscribe", "token", "--tenant", TENANT, "--recipient", stopped, "--kind",
                      REVIEW_DRAFTS_READY)
    assert mandatory.returncode == 2 and "mandatory" in mandatory.stderr
    events = [
        new_event(type=REVIEW_REMINDER, source="/thidua/reporting/reviews", tenant=TENANT,
                  data=ReviewReminder(campaign_id=campaign_id, campaign_name_vi="Phong trào thử", unit_id=unit,
                                      review_kind="interim", review_date=date(2026, 6, 30), days_before=7))
        for unit in ("don-vi-a", "don-vi-b")
    ]
    await publish(settings, events)
    await eventually(lambda: mails_to(stack, other), timeout=60, interval=1)

    def skipped():
        shown = admin(stack, "deliveries", events[0].id)
        rows = json.loads(shown.stdout) if shown.returncode == 0 else []
        return rows and rows[0]["status"] == "skipped" and rows[0]["attempts"][-1]["error"] == "unsubscribed"

    await eventually(skipped, timeout=30, interval=1)
    assert mails_to(stack, stopped) == []


def mails_to(stack, to: str) -> list[dict]:
    return [m for m in httpx.get(f"http://127.0.0.1:{stack.ports.mail_http}/messages", timeout=60).json() if m["to"] == to]
