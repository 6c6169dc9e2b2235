"""Kafka with SASL/SCRAM as docker-compose.yml configures it, on a real broker: the broker
properties and SCRAM users are taken from the compose file itself (only ports, paths and host
names changed, since compose cannot run here), the project's Kafka jars run them, and the
services' own clients (thidua_common.kafka, settings THIDUA_KAFKA_SASL_*) create the topics,
produce and consume. A wrong password, an unknown user and a client without SASL are refused.
Issue 12: compose's setup job (python -m thidua_common.kafka.setup, as the super user) creates each
service's user and ACLs; each service may do what its ACLs allow and is refused the rest."""

import asyncio
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from aiokafka import AIOKafkaProducer

from thidua_common.contracts.registry import topic_name
from thidua_common.kafka import EventProducer, make_consumer
from thidua_common.kafka.client import security_options
from thidua_common.settings import Settings
from thidua_devstack import kafka
from thidua_devstack.processes import Managed, free_port, wait_port
from thidua_devstack.stack import REPO

ADMIN_PASSWORD = uuid.uuid4().hex
SERVICE_PASSWORDS = {s: uuid.uuid4().hex for s in ("intake", "scoring", "notify", "reporting")}
PREFIX = f"sasl{uuid.uuid4().hex[:6]}"


def compose_kafka_script() -> str:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return compose["services"]["kafka"]["command"][0]


def broker_properties(data: Path, client: int, host: int, controller: int) -> str:
    """compose's server.properties, moved to local ports and folders; compose's `$${VAR}` (the
    container's shell expands it) replaced by the value the container would have."""
    script = compose_kafka_script()
    block = script.split("cat > /tmp/server.properties <<PROPS\n", 1)[1].split("\nPROPS\n", 1)[0]
    block = block.replace("$${KAFKA_ADMIN_PASSWORD}", ADMIN_PASSWORD)
    block = block.replace("INTERNAL://kafka:9092", f"INTERNAL://127.0.0.1:{client}")
    block = block.replace("HOST://localhost:29092", f"HOST://127.0.0.1:{host}")
    block = block.replace(":29092", f":{host}").replace(":9092", f":{client}").replace(":9093", f":{controller}")
    block = block.replace("log.dirs=/var/lib/kafka/data", f"log.dirs={data}")
    assert "$" not in block, block
    return block + "\n"


def scram_users() -> list[str]:
    """The --add-scram arguments of compose's format step, with the passwords filled in."""
    values = {"KAFKA_ADMIN_PASSWORD": ADMIN_PASSWORD}
    found = re.findall(r'--add-scram "([^"]+)"', compose_kafka_script())
    assert len(found) == 1, found  # issue 12: only the super user; the services' users come from the setup job
    return [re.sub(r"\$\$\{(\w+)\}", lambda m: values[m.group(1)], f) for f in found]


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory):
    home = tmp_path_factory.mktemp("kafka-sasl")
    libs = kafka.install(REPO / ".local" / "cache")
    client, host, controller = free_port(), free_port(), free_port()
    props = home / "server.properties"
    props.write_text(broker_properties(home / "data", client, host, controller))
    add_scram = [arg for user in scram_users() for arg in ("--add-scram", user)]
    subprocess.run(
        ["java", "-cp", f"{libs}/*", "kafka.tools.StorageTool", "format", "--ignore-formatted",
         "-t", kafka.cluster_id(home), "-c", str(props), *add_scram],
        check=True, stdout=subprocess.DEVNULL,
    )
    broker = Managed(
        "kafka-sasl",
        ["java", "-Xmx384m", "-Xms384m", f"-Dlog4j2.configurationFile={kafka.KAFKA_DIR / 'log4j2.properties'}",
         "-cp", f"{libs}/*", "kafka.Kafka", str(props)],
        home / "run", home / "logs",
    )
    broker.start()
    try:
        wait_port(client, 120, broker)
        setup_as_compose_does(client)
        yield client
    finally:
        broker.stop(timeout=30)


def setup_as_compose_does(port: int) -> None:
    """compose's `topics` job: its command and environment (as the super user, each service's password)."""
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    job = compose["services"]["topics"]
    env = {**os.environ, "THIDUA_KAFKA_BOOTSTRAP": f"127.0.0.1:{port}", "THIDUA_TOPIC_PREFIX": PREFIX,
           "THIDUA_KAFKA_SECURITY_PROTOCOL": job["environment"]["THIDUA_KAFKA_SECURITY_PROTOCOL"],
           "THIDUA_KAFKA_SASL_USERNAME": job["environment"]["THIDUA_KAFKA_SASL_USERNAME"],
           "THIDUA_KAFKA_SASL_PASSWORD": ADMIN_PASSWORD,
           **{f"THIDUA_KAFKA_{s.upper()}_PASSWORD": pw for s, pw in SERVICE_PASSWORDS.items()}}
    subprocess.run([sys.executable if a == "python" else a for a in job["command"]], env=env, check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)


def settings(port: int, service: str = "intake", **over) -> Settings:
    values = dict(
        kafka_bootstrap=f"127.0.0.1:{port}", topic_prefix=PREFIX,
        kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username=f"thidua-{service}", kafka_sasl_password=SERVICE_PASSWORDS[service],
    )
    return Settings(**{**values, **over})


async def test_the_services_clients_work_with_the_compose_broker(sasl_broker):
    s = settings(sasl_broker)  # intake writes the units topic, reporting reads it in its own group
    producer = EventProducer(s)
    await producer.start()
    try:  # acks=all and idempotence, as every producer of the services
        await producer.send_raw("units", b'{"note": "qua SASL"}', b"daknong/x", [])
    finally:
        await producer.stop()
    consumer = make_consumer(settings(sasl_broker, "reporting"), topic_name(PREFIX, "units"), group_id="reporting")
    await consumer.start()
    try:
        records = []
        for _ in range(40):
            batch = await consumer.getmany(timeout_ms=500)
            records += [r for rs in batch.values() for r in rs]
            if records:
                break
        assert [r.key for r in records] == [b"daknong/x"]
        assert b"qua SASL" in records[0].value
    finally:
        await consumer.stop()


async def _sends(options: dict, port: int, topic: str = "units") -> bool:
    """Whether an idempotent producer with these options can write to an existing topic of the broker."""
    producer = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=5000,
                                enable_idempotence=True, acks="all", **options)
    try:
        await asyncio.wait_for(producer.start(), 20)
        await asyncio.wait_for(producer.send_and_wait(topic_name(PREFIX, topic), b"x"), 20)
        return True
    except Exception:  # aiokafka raises several kinds for the same refusal
        return False
    finally:
        await producer.stop()


async def test_the_right_credentials_send(sasl_broker):
    # the control of the refusals below: the same attempt, with the services' credentials
    assert await _sends(security_options(settings(sasl_broker)), sasl_broker)


async def test_a_wrong_password_is_refused(sasl_broker):
    assert not await _sends(security_options(settings(sasl_broker, kafka_sasl_password="sai-mat-khau")), sasl_broker)


async def test_an_unknown_user_is_refused(sasl_broker):
    assert not await _sends(security_options(settings(sasl_broker, kafka_sasl_username="ke-la")), sasl_broker)


async def test_a_client_without_sasl_is_refused(sasl_broker):
    assert not await _sends({}, sasl_broker)


# -- issue 12: each service's ACLs, from the registry, on the compose broker -------------------------


@pytest.mark.parametrize(("service", "topic", "allowed"), [
    ("intake", "submissions", True), ("scoring", "scores", True), ("notify", "notify_dlq", True),
    ("reporting", "units", False), ("scoring", "submissions", False), ("notify", "scores", False),
    ("intake", "scores", False),
])
async def test_each_service_writes_only_the_topics_it_produces(sasl_broker, service, topic, allowed):
    assert await _sends(security_options(settings(sasl_broker, service)), sasl_broker, topic) is allowed


async def test_a_service_reads_only_in_its_own_group(sasl_broker):
    from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError

    async def first_poll(service: str, topic: str, group: str) -> None:
        consumer = make_consumer(settings(sasl_broker, service), topic_name(PREFIX, topic), group_id=group)
        try:
            await consumer.start()
            await consumer.getmany(timeout_ms=3000)
        finally:
            await consumer.stop()

    await first_poll("scoring", "submissions", "thidua-scoring")  # the control: its own group and topic
    with pytest.raises(GroupAuthorizationFailedError):
        await first_poll("scoring", "submissions", "reporting")
    with pytest.raises(TopicAuthorizationFailedError):
        await first_poll("scoring", "nominations", "thidua-scoring")
