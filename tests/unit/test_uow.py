"""Issue 9: the unit of work's own rules, on a scripted client (no MongoDB): a transient
transaction error runs the work again from the start with nothing of the failed attempt kept; the
relay is woken and the stale campaigns dropped only once the change is committed; the inbound
consumer dead-letters a service's domain error with the same key and message as HTTP answers."""

import json
from types import SimpleNamespace

import pytest
from pymongo.errors import OperationFailure

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import SUBMISSION_SUBMITTED
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.errors import Conflict
from thidua_intake.campaigns import cache
from thidua_intake.inbound.consumer import InboundHandler
from thidua_intake.uow import UnitOfWork

from .fake_uow import FakeRelay
from .service_fixtures import CAMPAIGN, TENANT, UNIT, fresh_uow, store_campaign


class Session:
    def __init__(self, client):
        self.client, self.in_transaction = client, False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    async def start_transaction(self):
        self.in_transaction = True

    async def commit_transaction(self):
        self.client.log.append("commit")
        self.in_transaction = False

    async def abort_transaction(self):
        self.client.log.append("abort")
        self.in_transaction = False


class Outbox:
    def __init__(self, client):
        self.client = client

    async def insert_many(self, records, session=None):
        assert session is not None and session.in_transaction  # written inside the transaction
        self.client.log.append(("outbox", [r["event_id"] for r in records]))


class Client:
    def __init__(self):
        self.log: list = []

    def start_session(self):
        return Session(self)


def _uow(relay=None) -> tuple[UnitOfWork, Client]:
    client = Client()
    db = SimpleNamespace(name="t", outbox=Outbox(client))
    return UnitOfWork(client, db, relay, attempts=3), client  # type: ignore[arg-type]


def _change(uow: UnitOfWork, n: int) -> None:
    uow.record_change(tenant=TENANT, action="vn.thidua.test.changed.v1", subject=f"s{n}", actor="a")


async def test_a_transient_error_runs_the_work_again_and_keeps_nothing_of_the_failed_attempt():
    relay = FakeRelay()
    uow, client = _uow(relay)
    cache.definitions["x/y"] = (1, None, 0.0)  # type: ignore[assignment]
    attempts = []

    async def work(session):
        attempts.append(session)
        _change(uow, len(attempts))
        uow.drop_campaigns("x/y")
        if len(attempts) == 1:
            assert relay.wakes == 0
            raise OperationFailure("write conflict", 112, {"errorLabels": ["TransientTransactionError"]})
        return "done"

    assert await uow.run(work) == "done"
    assert len(attempts) == 2 and attempts[0] is not attempts[1]  # a new session for each attempt
    [written] = [entry for entry in client.log if entry[0] == "outbox"]
    assert len(written[1]) == 1  # the second attempt's event only
    assert client.log[-2:] == [written, "commit"] and client.log[0] == "abort"
    assert relay.wakes == 1 and len(uow.committed) == 1
    assert "x/y" not in cache.definitions


async def test_a_refused_change_wakes_nothing_and_a_non_transient_error_is_not_retried():
    relay = FakeRelay()
    uow, client = _uow(relay)
    runs = 0

    async def work(session):
        nonlocal runs
        runs += 1
        _change(uow, runs)
        raise OperationFailure("bad", 2)

    with pytest.raises(OperationFailure):
        await uow.run(work)
    assert runs == 1 and relay.wakes == 0 and uow.committed == []
    assert client.log == ["abort"]


async def test_a_change_without_records_commits_and_wakes_nothing():
    relay = FakeRelay()
    uow, client = _uow(relay)

    async def work(session):
        return 1

    assert await uow.run(work) == 1
    assert client.log == ["commit"] and relay.wakes == 0


class Producer:
    def __init__(self):
        self.sent = []

    async def send_raw(self, topic, value, key, headers):
        self.sent.append((topic, value, dict(headers)))


def _record(data: dict) -> SimpleNamespace:
    event = new_event(type=SUBMISSION_SUBMITTED, source="/he-thong-khac", tenant=TENANT, subject="x",
                      data=SubmissionSubmitted.model_validate(data))
    return SimpleNamespace(value=event.model_dump_json().encode(), key=b"k", headers=[], topic="inbound.v1",
                           partition=0, offset=7)


async def test_the_inbound_consumer_dead_letters_a_service_refusal_with_its_key_and_both_languages():
    uow = fresh_uow()
    await store_campaign(uow)
    producer = Producer()
    handler = InboundHandler(None, None, producer, None)  # type: ignore[arg-type]
    handler.unit_of_work = lambda: uow
    base = {"campaign_id": CAMPAIGN, "unit_id": UNIT, "period": "2018-Q1", "values": {"dung-han": 97.5, "dvc": 12}}
    await handler.handle(_record(base))
    assert producer.sent == [] and len(uow.events()) == 1 and uow.relay.wakes == 1  # accepted
    await handler.handle(_record({**base, "campaign_id": "khong-co"}))
    [(topic, value, headers)] = producer.sent
    reason = json.loads(headers["dlq_reason"])
    assert topic == "inbound_dlq" and json.loads(value)["data"]["campaign_id"] == "khong-co"  # the original bytes
    assert reason["code"] == "request.invalid"
    assert reason["errors"][0]["field"] == "campaign_id" and reason["errors"][0]["code"] == "campaign.unknown"
    assert reason["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert reason["message_en"] != reason["message"]
    assert len(uow.events()) == 1  # nothing stored for the refused one


async def test_a_change_still_conflicting_after_every_attempt_raises_the_given_domain_error():
    uow, client = _uow()
    runs = 0

    async def work(session):
        nonlocal runs
        runs += 1
        raise OperationFailure("write conflict", 112, {"errorLabels": ["TransientTransactionError"]})

    with pytest.raises(Conflict) as caught:
        await uow.run(work, conflict=Conflict("review.concurrent"))
    assert caught.value.key == "review.concurrent" and runs == 3  # every attempt first
    with pytest.raises(OperationFailure):
        await uow.run(work)  # without one, the database's error as it is
