"""Every Kafka client of the services authenticates the same way, from THIDUA_KAFKA_* settings
(issue 8: Kafka with SASL in compose and production; checked on a real broker in
tests/e2e/test_kafka_sasl.py)."""

import ssl

from thidua_common.kafka import make_consumer, make_producer
from thidua_common.kafka.client import security_options
from thidua_common.settings import Settings

SASL = Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="thidua", kafka_sasl_password="pw")


def test_plaintext_by_default_for_the_local_stack():
    assert security_options(Settings()) == {"security_protocol": "PLAINTEXT"}


def test_sasl_carries_mechanism_user_and_password():
    assert security_options(SASL) == {
        "security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "thidua", "sasl_plain_password": "pw",
    }


def test_sasl_ssl_adds_a_verifying_tls_context():
    options = security_options(SASL.model_copy(update={"kafka_security_protocol": "SASL_SSL"}))
    assert options["security_protocol"] == "SASL_SSL" and options["sasl_plain_username"] == "thidua"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED


async def test_producers_and_consumers_get_the_options():
    producer = make_producer(SASL)
    consumer = make_consumer(SASL, "t", group_id="g")
    assert producer.client._security_protocol == "SASL_PLAINTEXT"
    assert producer.client._sasl_plain_username == "thidua"
    assert consumer._client._sasl_mechanism == "SCRAM-SHA-512"
