"""Issue 12 (kafka): each service's ACLs come from the topic registry and nothing else; an outside
system may only write its own inbound topic; intake's subscription finds every system's topic,
never the dead-letter topic, and the shared topic only in development. Checked on a real broker
in tests/e2e/test_kafka_sasl.py and tests/e2e/test_kafka_systems.py."""

import re

import pytest

from thidua_common.contracts.registry import EVENT_TYPES, TOPICS, topic_name
from thidua_common.kafka.acls import (
    ADMIN_WRITTEN_TOPICS,
    CONSUMER_GROUPS,
    SERVICES,
    Acl,
    inbound_topic_pattern,
    service_acls,
    service_principal,
    system_acls,
    system_of_topic,
    system_topic,
    valid_system_name,
)

P = "thidua"


def ops(service: str, key: str) -> set[str]:
    name = topic_name(P, key)
    return {a.operation for a in service_acls(P, service) if a.resource == "topic" and a.name == name}


def test_every_topic_has_a_writer_and_every_service_is_a_known_one():
    for key, spec in TOPICS.items():
        assert set(spec.producers) <= set(SERVICES) and set(spec.consumers) <= set(SERVICES), key
        assert spec.producers or key in ADMIN_WRITTEN_TOPICS, f"{key}: no service may write it (producers=?)"


def test_what_each_service_may_do():
    assert ops("intake", "submissions") == {"WRITE", "DESCRIBE"}  # intake writes, never reads its own
    assert ops("intake", "scores") == set()
    assert ops("scoring", "submissions") == {"READ", "DESCRIBE"} and ops("scoring", "scores") == {"WRITE", "DESCRIBE"}
    assert ops("scoring", "nominations") == set() and ops("scoring", "units") == set()
    assert ops("notify", "notify_dlq") == {"WRITE", "READ", "DESCRIBE"} and ops("notify", "campaigns") == {"READ", "DESCRIBE"}
    assert ops("notify", "inbound_dlq") == {"READ", "DESCRIBE"}  # the digest of dead letters reads, never writes
    assert ops("reporting", "units") == {"READ", "DESCRIBE"}
    # reporting writes only its own review-report events (issue 13: reports)
    assert {a.name for a in service_acls(P, "reporting") if a.operation == "WRITE"} == {topic_name(P, "reports")}
    for service in SERVICES:
        acls = service_acls(P, service)
        assert {a.principal for a in acls} == {service_principal(service)}
        assert {a.name for a in acls if a.resource == "group"} == set(CONSUMER_GROUPS[service])
        assert not any(a.operation in ("CREATE", "ALTER", "ALL") for a in acls)  # topics are the admin's


def test_the_consumers_read_what_their_handlers_subscribe_to():
    # the handler registries decide the subscriptions (contracts.handlers.topics): the ACLs must cover them
    from thidua_notify.service import NotifyService
    from thidua_reporting.projection.projector import Projector

    class Anything:
        def __getattr__(self, name):
            return Anything()

        def __getitem__(self, name):
            return Anything()

        def __call__(self, *args, **kwargs):
            return Anything()

    subscriptions = {
        "notify": NotifyService(Anything(), {}, Anything(), Anything()).handlers.topics,  # type: ignore[arg-type]
        "reporting": Projector(Anything()).handlers.topics,  # type: ignore[arg-type]
        "scoring": ["campaigns", "submissions"],  # thidua_scoring.app's two faust topics
    }
    for service, keys in subscriptions.items():
        for key in keys:
            assert "READ" in ops(service, key), (service, key)


def test_intake_reads_every_system_topic_by_prefix():
    inbound = [a for a in service_acls(P, "intake") if a.pattern == "prefixed"]
    assert inbound == [
        Acl("thidua-intake", "topic", "thidua.inbound.", "DESCRIBE", "prefixed"),
        Acl("thidua-intake", "topic", "thidua.inbound.", "READ", "prefixed"),
    ]


def test_a_system_writes_its_own_topic_only():
    assert system_acls(P, "so-noi-vu") == [
        Acl("system-so-noi-vu", "topic", "thidua.inbound.so-noi-vu.v1", "DESCRIBE"),
        Acl("system-so-noi-vu", "topic", "thidua.inbound.so-noi-vu.v1", "WRITE"),
    ]


@pytest.mark.parametrize("shared", [True, False])
def test_intake_subscribes_to_every_system_topic_never_the_dead_letters(shared):
    pattern = re.compile(inbound_topic_pattern(P, shared=shared))
    assert pattern.match(system_topic(P, "so-noi-vu")) and pattern.match("thidua.inbound.a1.v1")
    assert not pattern.match("thidua.inbound.dlq.v1")
    assert not pattern.match("khac.inbound.so-noi-vu.v1") and not pattern.match("thidua.inbound.x.v2")
    assert not pattern.match("thidua.inbound.Hoa.v1") and not pattern.match("thidua.inbound.a.b.v1")
    assert bool(pattern.match("thidua.inbound.v1")) is shared  # the shared topic: development only


def test_the_system_of_a_topic():
    assert system_of_topic(P, "thidua.inbound.so-noi-vu.v1") == "so-noi-vu"
    assert system_of_topic(P, "thidua.inbound.v1") is None
    assert system_of_topic(P, "thidua.inbound.dlq.v1") is None
    assert system_of_topic("other", "thidua.inbound.so-noi-vu.v1") is None


@pytest.mark.parametrize("name", ["dlq", "intake", "admin", "Hoa", "-x", "x-", "a.b", "a_b", "", "x" * 49])
def test_names_that_would_collide_or_break_a_topic_name_are_refused(name):
    assert not valid_system_name(name)


def test_inbound_kinds_come_from_the_registry():
    from thidua_intake.systems.rules import KINDS

    assert KINDS == {t.split(".")[2]: t for t, s in EVENT_TYPES.items() if s.topic == "inbound"}
    assert KINDS["submission"] == "vn.thidua.submission.submitted.v1"
