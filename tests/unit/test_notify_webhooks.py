"""issue 15: channels — signed webhooks: the signature and the receiver's replay window (pure), the
target check (private, loopback, link-local refused in production, every resolved address), the
channel's answers (retry, refuse) and the fan-out from notify's deliveries to a verifying receiver."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import SUBMISSION_REVIEWED
from thidua_common.contracts.review import SubmissionReviewed
from thidua_notify.channels import Message, PermanentFailure, TemporaryFailure
from thidua_notify.channels.webhook import WebhookChannel
from thidua_notify.service import NotifyService
from thidua_notify.webhooks import subscriptions
from thidua_notify.webhooks.signing import Refused, signature, signed_headers, verify
from thidua_notify.webhooks.targets import TargetRefused, check_target, refused_address

from .fake_mongo import FakeDb

SECRET = "s3cret-s3cret-s3cret"
NOW = 1_790_000_000


# -- signing ----------------------------------------------------------------------------------
def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1790000000.{}", hashlib.sha256).hexdigest()
    assert signature(SECRET, NOW, b"{}") == f"sha256={expected}"


def test_a_receiver_accepts_a_signed_request_once_and_refuses_its_replay():
    body = b'{"type":"x"}'
    headers = signed_headers(SECRET, NOW, body, "d-1")
    seen: dict[str, float] = {}
    assert verify(SECRET, headers, body, now=NOW + 5, seen=seen) == "d-1"
    with pytest.raises(Refused) as replay:
        verify(SECRET, headers, body, now=NOW + 6, seen=seen)
    assert replay.value.reason == "replay"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h, b: (h, b + b" "), "bad_signature"),
        (lambda h, b: ({**h, "X-ThiDua-Timestamp": str(NOW + 1)}, b), "bad_signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "X-ThiDua-Signature"}, b), "missing_header"),
    ],
)
def test_a_tampered_request_is_refused(change, reason):
    body = b'{"a":1}'
    headers, body = change(signed_headers(SECRET, NOW, body, "d-1"), body)
    with pytest.raises(Refused) as refused:
        verify(SECRET, headers, body, now=NOW)
    assert refused.value.reason == reason


def test_an_old_request_is_refused_outside_the_window_even_with_a_valid_signature():
    body = b"{}"
    with pytest.raises(Refused) as refused:
        verify(SECRET, signed_headers(SECRET, NOW, body, "d-1"), body, now=NOW + 301)
    assert refused.value.reason == "stale"


def test_the_wrong_secret_is_refused():
    body = b"{}"
    with pytest.raises(Refused):
        verify("another-secret-value", signed_headers(SECRET, NOW, body, "d"), body, now=NOW)


# -- targets ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1", "fc00::1",
     "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1"],
)
def test_private_loopback_and_link_local_addresses_are_refused(address):
    assert refused_address(address)


def test_public_addresses_pass():
    assert not refused_address("203.113.131.1") and not refused_address("2001:4860:4860::8888")


def resolver(mapping):
    async def resolve(host, port):
        return mapping[host]

    return resolve


def test_production_refuses_a_host_if_any_of_its_addresses_is_private():
    check = check_target("https://hook.example.vn/x", "production", resolver({"hook.example.vn": ["203.113.131.1", "10.0.0.5"]}))
    with pytest.raises(TargetRefused) as refused:
        asyncio.run(check)
    assert refused.value.reason == "private_address" and refused.value.address == "10.0.0.5"


def test_production_refuses_loopback_and_plain_http():
    with pytest.raises(TargetRefused) as loopback:
        asyncio.run(check_target("https://127.0.0.1:8443/hook", "production", resolver({"127.0.0.1": ["127.0.0.1"]})))
    assert loopback.value.reason == "private_address"
    with pytest.raises(TargetRefused) as plain:
        asyncio.run(check_target("http://hook.example.vn/x", "production", resolver({})))
    assert plain.value.reason == "scheme"


def test_development_allows_a_receiver_on_the_laptop():
    assert asyncio.run(check_target("http://127.0.0.1:9/x", "development", resolver({"127.0.0.1": ["127.0.0.1"]}))) == [
        "127.0.0.1"
    ]


# -- the channel ------------------------------------------------------------------------------
class Env:
    def __init__(self, environment):
        self.environment = environment


def message(url="http://127.0.0.1:9/hook") -> Message:
    return Message(url, "thidua.x", '{"a":1}', "mid-1", "corr-1", secret=SECRET)


def channel(handler, environment="development") -> WebhookChannel:
    return WebhookChannel(Env(environment), resolver=resolver({"127.0.0.1": ["127.0.0.1"]}), clock=lambda: NOW,
                          transport=httpx.MockTransport(handler))


def test_the_channel_sends_a_signed_request_the_receiver_verifies():
    received = []

    def handler(request: httpx.Request):
        received.append(verify(SECRET, request.headers, request.content, now=NOW))
        return httpx.Response(204)

    asyncio.run(channel(handler).send(message()))
    assert received == ["mid-1"]


@pytest.mark.parametrize(("status", "failure"), [(500, TemporaryFailure), (429, TemporaryFailure), (404, PermanentFailure)])
def test_server_errors_are_retried_and_client_errors_refused(status, failure):
    with pytest.raises(failure):
        asyncio.run(channel(lambda r: httpx.Response(status)).send(message()))


def test_a_webhook_to_loopback_is_refused_in_production_before_any_request():
    calls = []
    with pytest.raises(PermanentFailure, match="private_address"):
        asyncio.run(channel(lambda r: calls.append(r) or httpx.Response(200), "production").send(
            message("https://127.0.0.1/hook")))
    assert calls == []


def test_redirects_are_not_followed():
    with pytest.raises(PermanentFailure):
        asyncio.run(channel(lambda r: httpx.Response(302, headers={"Location": "http://10.0.0.1/"})).send(message()))


# -- notify's deliveries ----------------------------------------------------------------------
class Settings:
    notify_max_attempts = 3
    notify_backoff_seconds = 60
    environment = "development"


def review_event():
    review = SubmissionReviewed(submission_id="s1", campaign_id="c1", unit_id="u1", period="2026-Q1",
                                decision="approve", level="cluster", reviewer="r", at=datetime.now(UTC))
    return new_event(type=SUBMISSION_REVIEWED, source="/thidua/intake/reviews", tenant="daknong", data=review)


def test_each_subscription_of_the_tenant_to_the_kind_gets_one_signed_delivery():
    async def run():
        db = FakeDb()
        got: list[dict] = []

        def handler(request: httpx.Request):
            verify(SECRET, request.headers, request.content, now=NOW)
            got.append({"url": str(request.url), "event": json.loads(request.content)})
            return httpx.Response(200)

        hooks = WebhookChannel(Settings(), resolver=resolver({"127.0.0.1": ["127.0.0.1"]}), clock=lambda: NOW,
                               transport=httpx.MockTransport(handler))
        service = NotifyService(db, {"webhook": hooks}, publisher=None, settings=Settings())
        await subscriptions.save(db, "daknong", "http://127.0.0.1:9/a", [SUBMISSION_REVIEWED], SECRET)
        await subscriptions.save(db, "daknong", "http://127.0.0.1:9/b", ["thidua.award.decided"], SECRET)
        await subscriptions.save(db, "other", "http://127.0.0.1:9/c", ["*"], SECRET)
        event = review_event()
        for _ in range(2):
            await service.apply(event)
        while await service.dispatch_one():
            pass
        assert [g["url"] for g in got] == ["http://127.0.0.1:9/a"] and got[0]["event"]["id"] == event.id
        (delivery,) = [d for d in db.deliveries.docs.values() if d["channel"] == "webhook"]
        assert delivery["status"] == "sent"

    asyncio.run(run())


def test_a_refused_target_is_recorded_as_refused_not_retried():
    async def run():
        db = FakeDb()

        class Production(Settings):
            environment = "production"

        hooks = WebhookChannel(Production(), resolver=resolver({"127.0.0.1": ["127.0.0.1"]}),
                               transport=httpx.MockTransport(lambda r: httpx.Response(200)))
        service = NotifyService(db, {"webhook": hooks}, publisher=None, settings=Production())
        await subscriptions.save(db, "daknong", "https://127.0.0.1/hook", ["*"], SECRET)
        await service.apply(review_event())
        while await service.dispatch_one():
            pass
        (delivery,) = [d for d in db.deliveries.docs.values() if d["channel"] == "webhook"]
        assert delivery["status"] == "refused" and delivery["attempts"] == 1 and "private_address" in delivery["history"][-1]["error"]

    asyncio.run(run())


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="secret"):
        asyncio.run(subscriptions.save(FakeDb(), "t", "https://x.vn", ["*"], "short"))
