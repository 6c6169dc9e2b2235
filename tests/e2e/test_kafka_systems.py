"""Issue 12 (kafka): outside systems as real Kafka clients of the stack's SASL/SCRAM broker with
ACLs. `thidua-systems add` (the operators' CLI, run as the super user) makes a system's user, topic
and ACLs while intake runs; the system publishes with its own credentials and its submission takes
effect as its own; the broker refuses it every other topic; what lies outside its scope (another
tenant, a unit not its own, a kind it may not publish) is dead-lettered with reason `scope`, names
the system and its contact, and is audited with the system as actor; `remove` locks it out."""

import asyncio
import json
import os
import subprocess
import sys
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError
from pymongo import AsyncMongoClient

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import REGISTRATION_CHANGED, SUBMISSION_SUBMITTED, topic_name
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_devstack.stack import REPO
from thidua_intake.audit.verify import verify_db

from .conftest import TENANT, read_topic, submission

SCOPE_REFUSED = "vn.thidua.inbound.scope_refused.v1"


def systems_cli(stack, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "thidua_intake.systems", *args],
                          env={**os.environ, **stack.env(), **env}, cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def system(stack, tmp_path_factory):
    """A system added while intake runs: units don-vi-1 and don-vi-2 of the test tenant, submissions only."""
    name = f"he-thong-{uuid.uuid4().hex[:6]}"
    creds = tmp_path_factory.mktemp("systems") / f"{name}.json"
    added = systems_cli(stack, "add", name, "--contact", f"it@{name}.test", "--tenant", TENANT,
                        "--unit", "don-vi-1", "--unit", "don-vi-2", "--kind", "submission",
                        "--credentials-file", str(creds))
    assert added.returncode == 0, added.stdout + added.stderr
    assert oct(creds.stat().st_mode & 0o777) == "0o600"
    return json.loads(creds.read_text())


def producer_of(credentials: dict, **options) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=credentials["bootstrap_servers"], security_protocol=credentials["security_protocol"],
        sasl_mechanism=credentials["sasl_mechanism"], sasl_plain_username=credentials["username"],
        sasl_plain_password=credentials["password"], acks="all", enable_idempotence=True, request_timeout_ms=10000,
        **options,
    )


def event(campaign_id: str, unit: str, tenant: str = TENANT, event_type: str = SUBMISSION_SUBMITTED):
    data = SubmissionSubmitted.model_validate({k: v for k, v in submission(campaign_id, unit).items() if k != "tenant"})
    return new_event(type=event_type, source="/he-thong/van-ban", tenant=tenant, data=data)


async def publish(credentials: dict, topic: str, value: bytes, key: bytes) -> None:
    producer = producer_of(credentials)
    await producer.start()
    try:
        await asyncio.wait_for(producer.send_and_wait(topic, value, key=key), 30)
    finally:
        await producer.stop()


async def test_the_system_submission_takes_effect_as_its_own(stack, settings, system, campaign):
    sent = event(campaign["id"], "don-vi-1")
    await publish(system, system["topic"], sent.model_dump_json().encode(), b"don-vi-1")
    accepted = await read_topic(settings, "submissions", lambda r: json.loads(r.value)["data"].get("campaign_id")
                                == campaign["id"], timeout=45)
    assert [json.loads(r.value)["data"]["submitted_by"] for r in accepted] == [f"system:{system['system']}"]
    assert json.loads(accepted[0].value)["data"]["unit_id"] == "don-vi-1"


@pytest.mark.parametrize("topic_key", ["submissions", "campaigns", "inbound", "inbound_dlq", "demo"])
async def test_the_broker_refuses_the_system_every_other_topic(stack, settings, system, topic_key):
    # the domain topics, the shared inbound topic, the dead letters and another system's own topic
    topic = f"{settings.topic_prefix}.inbound.demo.v1" if topic_key == "demo" else topic_name(settings.topic_prefix, topic_key)
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(system, topic, b"{}", b"x")


async def test_the_control_of_the_refusals_the_demo_system_writes_its_own_topic(stack):
    demo = json.loads(stack.demo_system_credentials_file.read_text())
    assert demo["topic"] == f"{stack.prefix}.inbound.demo.v1" and demo["username"] == "system-demo"
    await publish(demo, demo["topic"], b"{}", b"control")  # accepted by the broker (dead-lettered by intake)


@pytest.mark.parametrize(("case", "code"), [
    ("another tenant", "scope.tenant"), ("a unit not its own", "scope.unit"), ("a kind not its own", "scope.kind"),
])
async def test_outside_its_scope_is_dead_lettered_and_audited_with_the_system_as_actor(
        stack, settings, system, campaign, case, code):
    sent = {
        "another tenant": lambda: event(campaign["id"], "don-vi-1", tenant="lamdong"),
        "a unit not its own": lambda: event(campaign["id"], "don-vi-3"),  # a participant, not the system's
        "a kind not its own": lambda: event(campaign["id"], "don-vi-1", event_type=REGISTRATION_CHANGED),
    }[case]()
    marker = uuid.uuid4().hex.encode()
    await publish(system, system["topic"], sent.model_dump_json().encode(), marker)
    [dead] = await read_topic(settings, "inbound_dlq", lambda r: r.key == marker, timeout=45)
    headers = {k: v.decode() for k, v in dead.headers}
    reason = json.loads(headers["dlq_reason"])
    assert reason["code"] == "scope" and [e["code"] for e in reason["errors"]] == [code], reason
    assert reason["message"] == "Sự kiện nằm ngoài phạm vi được cấp cho hệ thống gửi."
    assert headers["dlq_system"] == system["system"] and headers["dlq_contact"] == f"it@{system['system']}.test"
    assert headers["dlq_source_topic"] == system["topic"] and dead.value == sent.model_dump_json().encode()
    mongo = AsyncMongoClient(settings.mongo_uri)
    try:
        db = mongo[settings.db_name("intake")]
        audited = await db.audit.find_one({"action": SCOPE_REFUSED, "actor": f"system:{system['system']}",
                                           "subject": f"system/{system['system']}", "tenant": TENANT,
                                           "event_id": {"$exists": True}, "reason": "scope",
                                           "payload_sha256": {"$exists": True}}, sort=[("seq", -1)])
        assert audited is not None
        # appended beside the outbox relay's records, the tenant's chain still holds
        breaks, _ = await verify_db(db, TENANT)
        assert breaks == []
        # and nothing of it was accepted
        assert await db.submissions.count_documents({"campaign_id": campaign["id"]}) == 0
    finally:
        await mongo.close()


async def test_list_shows_the_system_and_remove_locks_it_out(stack, settings, tmp_path):
    name = f"tam-thoi-{uuid.uuid4().hex[:6]}"
    creds = tmp_path / "creds.json"
    assert systems_cli(stack, "add", name, "--contact", "x@y.test", "--tenant", TENANT, "--all-units",
                       "--kind", "submission", "--credentials-file", str(creds)).returncode == 0
    listed = json.loads(systems_cli(stack, "list", "--json").stdout)
    mine = next(s for s in listed if s["_id"] == name)
    assert (mine["contact"], mine["units"], mine["kinds"]) == ("x@y.test", {TENANT: ["*"]}, ["submission"])
    credentials = json.loads(creds.read_text())
    await publish(credentials, credentials["topic"], b"{}", b"before")  # the control: it may write
    again = systems_cli(stack, "add", name, "--contact", "x@y.test", "--tenant", TENANT, "--all-units", "--kind", "submission")
    assert again.returncode == 1 and "exists already" in again.stdout
    removed = systems_cli(stack, "remove", name)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert name not in [s["_id"] for s in json.loads(systems_cli(stack, "list", "--json").stdout)]
    with pytest.raises(KafkaError):  # its user is gone: authentication fails (or, cached, its ACLs)
        await publish(credentials, credentials["topic"], b"{}", b"after")


def test_the_cli_refuses_a_bad_name_or_scope(stack):
    assert systems_cli(stack, "add", "dlq", "--contact", "x@y.test", "--tenant", TENANT, "--all-units",
                       "--kind", "submission").returncode == 2
    bad = systems_cli(stack, "add", "ok-name", "--contact", "x@y.test", "--tenant", TENANT, "--kind", "submission")
    assert bad.returncode == 2 and "--all-units" in bad.stdout


def test_the_cli_as_a_service_user_is_refused_by_the_broker(stack):
    # a service's own user has no right to create users, topics or ACLs: the CLI says who it must run as
    intake = stack.kafka_client_env("thidua-intake")
    refused = systems_cli(stack, "add", f"x-{uuid.uuid4().hex[:6]}", "--contact", "x@y.test", "--tenant", TENANT,
                          "--all-units", "--kind", "submission", **intake)
    assert refused.returncode == 1 and "AUTHORIZATION_FAILED" in refused.stdout, refused.stdout + refused.stderr
    assert "super user" in refused.stdout and "Traceback" not in refused.stderr
