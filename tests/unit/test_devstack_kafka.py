"""Issue 12 (kafka): the local stack's broker takes SASL/SCRAM with deny-by-default ACLs, its
passwords are made once per stack home (owner-readable only), each service gets its own user and
the tools the super user (checked on a real broker by every e2e test and tests/e2e/test_kafka_systems.py)."""

import json

from thidua_devstack import kafka, kafka_security
from thidua_devstack.stack import Ports, Stack


def props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line.strip())


def test_the_broker_authenticates_with_scram_and_denies_by_default(tmp_path):
    p = props(kafka.broker_properties(1, 19092, {1: 19093}, tmp_path, admin_password="pw"))
    assert p["listeners"] == "CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert p["listener.security.protocol.map"] == "CONTROLLER:PLAINTEXT,CLIENT:SASL_PLAINTEXT"
    assert p["sasl.enabled.mechanisms"] == "SCRAM-SHA-512" and p["inter.broker.listener.name"] == "CLIENT"
    assert p["allow.everyone.if.no.acl.found"] == "false" and p["authorizer.class.name"].endswith("StandardAuthorizer")
    assert p["super.users"] == "User:admin;User:ANONYMOUS"  # no service is a super user
    assert 'username="admin" password="pw"' in p["listener.name.client.scram-sha-512.sasl.jaas.config"]
    # without a password: the plaintext broker of before (kept for callers that ask for it)
    assert "authorizer.class.name" not in props(kafka.broker_properties(1, 19092, {1: 19093}, tmp_path))


def test_passwords_are_made_once_per_stack_home_and_readable_by_the_owner_only(tmp_path):
    first = kafka_security.load_or_create(tmp_path / "kafka")
    assert set(first) == {"admin", "thidua-intake", "thidua-scoring", "thidua-notify", "thidua-reporting"}
    assert len(set(first.values())) == 5 and all(len(p) >= 32 for p in first.values())
    assert kafka_security.load_or_create(tmp_path / "kafka") == first
    path = kafka_security.credentials_file(tmp_path / "kafka")
    assert oct(path.stat().st_mode & 0o777) == "0o600" and json.loads(path.read_text()) == first
    assert kafka_security.load_or_create(tmp_path / "other") != first  # another stack, other passwords


def test_a_broker_formatted_without_sasl_is_moved_aside(tmp_path):
    old = tmp_path / "kafka" / "node-1" / "data"
    old.mkdir(parents=True)
    (old / "meta.properties").write_text("cluster.id=x")
    kafka_security.load_or_create(tmp_path / "kafka")
    assert not (tmp_path / "kafka" / "node-1").exists()
    assert [p.name.startswith("kafka.plaintext-") for p in tmp_path.iterdir() if p.name != "kafka"] == [True]


def test_each_service_runs_as_its_own_user_and_the_tools_as_the_super_user(tmp_path):
    stack = Stack(tmp_path, Ports.free())
    creds = stack.kafka_credentials
    assert stack.env()["THIDUA_KAFKA_SASL_USERNAME"] == "admin"
    assert stack.settings().kafka_security_protocol == "SASL_PLAINTEXT"
    for name in ("intake", "scoring", "notify", "reporting"):
        env = stack.service(name).env
        assert env["THIDUA_KAFKA_SASL_USERNAME"] == f"thidua-{name}"
        assert env["THIDUA_KAFKA_SASL_PASSWORD"] == creds[f"thidua-{name}"] != creds["admin"]
    assert stack.demo_system_credentials_file == tmp_path / "kafka" / "systems" / "demo.json"
