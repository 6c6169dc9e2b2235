"""Issue 12 (kafka): an outside system's scope (tenants, units, kinds) and how intake's inbound
consumer applies it: the record's topic names the system; a submission inside the scope is the
system's (submitted_by system:<name>); one outside it is dead-lettered with reason `scope`, the
system and its contact in headers, and audited with the system as actor."""

import json
from types import SimpleNamespace

import pytest

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import REGISTRATION_CHANGED, SUBMISSION_SUBMITTED
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_intake.inbound.consumer import InboundHandler
from thidua_intake.systems.rules import ALL_UNITS, System, parse_kinds, parse_units, scope_errors

from .service_fixtures import CAMPAIGN, TENANT, UNIT, fresh_uow, store_campaign

SUB = SUBMISSION_SUBMITTED
SYSTEM = System("so-noi-vu", "it@snv.test", {TENANT: [UNIT]}, ["submission"])


def codes(errors):
    return [e.key for e in errors]


def test_inside_the_scope_nothing_is_said():
    assert scope_errors(SYSTEM, TENANT, SUB, UNIT) == []
    everything = System("x", "", {TENANT: [ALL_UNITS]}, ["submission"])
    assert scope_errors(everything, TENANT, SUB, "any-unit") == []


def test_another_tenant_another_unit_or_another_kind_is_outside():
    assert codes(scope_errors(SYSTEM, "lamdong", SUB, UNIT)) == ["scope.tenant"]
    assert codes(scope_errors(SYSTEM, TENANT, SUB, "huyen-khac")) == ["scope.unit"]
    assert codes(scope_errors(SYSTEM, TENANT, REGISTRATION_CHANGED, UNIT)) == ["scope.kind"]
    assert codes(scope_errors(SYSTEM, TENANT, SUB, None)) == ["scope.unit"]  # no unit named: not one of its own


def test_the_cli_scope_arguments():
    assert parse_units(["daknong"], [], True) == {"daknong": ["*"]}
    assert parse_units(["daknong"], ["a", "b"], False) == {"daknong": ["a", "b"]}
    assert parse_units(["daknong", "lamdong"], ["daknong/a", "lamdong/b"], False) == {"daknong": ["a"], "lamdong": ["b"]}
    for tenants, units, all_units in [
        ([], [], True),  # no tenant
        (["daknong"], [], False),  # neither units nor --all-units
        (["daknong"], ["a"], True),  # both
        (["daknong", "lamdong"], ["a"], False),  # which tenant's unit?
        (["daknong", "lamdong"], ["daknong/a"], False),  # lamdong has none
        (["daknong"], ["lamdong/a"], False),  # not one of its tenants
    ]:
        with pytest.raises(ValueError):
            parse_units(tenants, units, all_units)
    assert parse_kinds(["submission", "submission"]) == ["submission"]
    with pytest.raises(ValueError):
        parse_kinds(["khong-co"])
    with pytest.raises(ValueError):
        parse_kinds([])


class Producer:
    def __init__(self):
        self.sent = []

    async def send_raw(self, topic, value, key, headers):
        self.sent.append((topic, value, dict((k, v.decode()) for k, v in headers)))


class Systems:
    def __init__(self, *systems):
        self.by_name = {s.name: s for s in systems}

    async def get(self, name):
        return self.by_name.get(name)


def record(topic: str, tenant: str = TENANT, unit: str = UNIT, event_type: str = SUB) -> SimpleNamespace:
    data = SubmissionSubmitted.model_validate(
        {"campaign_id": CAMPAIGN, "unit_id": unit, "period": "2018-Q1", "values": {"dung-han": 97.5, "dvc": 12}}
    )
    event = new_event(type=event_type, source="/van-ban", tenant=tenant, subject="x", data=data)
    return SimpleNamespace(value=event.model_dump_json().encode(), key=b"k", headers=[], topic=topic, partition=0, offset=3)


@pytest.fixture
async def handler():
    uow = fresh_uow()
    await store_campaign(uow)
    h = InboundHandler(None, None, Producer(), None, systems=Systems(SYSTEM), topic_prefix="thidua")  # type: ignore[arg-type]
    h.unit_of_work = lambda: uow
    h.audited = []

    async def audit(refused):
        h.audited.append(refused)

    h.scope.audit = audit
    h.uow = uow
    return h


async def test_a_system_submission_inside_its_scope_is_its_own(handler):
    await handler.handle(record("thidua.inbound.so-noi-vu.v1"))
    assert handler.producer.sent == [] and handler.audited == []
    [event] = handler.uow.events()
    assert event["data"]["submitted_by"] == "system:so-noi-vu"


async def test_the_shared_development_topic_names_no_system(handler):
    await handler.handle(record("thidua.inbound.v1"))
    [event] = handler.uow.events()
    assert event["data"]["submitted_by"] == "/van-ban"  # as before issue 12: the event's source


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"tenant": "lamdong"}, "scope.tenant"),
        ({"unit": "huyen-khac"}, "scope.unit"),
        ({"event_type": REGISTRATION_CHANGED}, "scope.kind"),
    ],
)
async def test_outside_its_scope_is_dead_lettered_and_audited(handler, kwargs, code):
    rec = record("thidua.inbound.so-noi-vu.v1", **kwargs)
    await handler.handle(rec)
    [(topic, value, headers)] = handler.producer.sent
    reason = json.loads(headers["dlq_reason"])
    assert topic == "inbound_dlq" and value == rec.value  # the original bytes
    assert reason["code"] == "scope" and [e["code"] for e in reason["errors"]] == [code]
    assert reason["message"] == "Sự kiện nằm ngoài phạm vi được cấp cho hệ thống gửi."
    assert reason["message_en"] == "The event lies outside the scope granted to the sending system."
    assert headers["dlq_system"] == "so-noi-vu" and headers["dlq_contact"] == "it@snv.test"
    [refused] = handler.audited
    assert refused.system == SYSTEM and refused.key == "scope"
    assert handler.uow.events() == []  # nothing accepted


async def test_a_topic_of_no_registered_system_takes_nothing(handler):
    await handler.handle(record("thidua.inbound.da-go-bo.v1"))
    [(_, _, headers)] = handler.producer.sent
    reason = json.loads(headers["dlq_reason"])
    assert reason["code"] == "scope" and reason["errors"][0]["code"] == "scope.system"
    assert headers["dlq_system"] == "da-go-bo" and headers["dlq_contact"] == ""
    assert handler.uow.events() == []


async def test_an_unreadable_record_of_a_system_keeps_its_reason_and_names_the_system(handler):
    rec = SimpleNamespace(value=b"{khong phai json", key=b"k", headers=[], topic="thidua.inbound.so-noi-vu.v1",
                          partition=0, offset=4)
    await handler.handle(rec)
    [(_, _, headers)] = handler.producer.sent
    assert json.loads(headers["dlq_reason"])["code"] == "request.bad_json"
    assert headers["dlq_system"] == "so-noi-vu" and headers["dlq_contact"] == "it@snv.test"
