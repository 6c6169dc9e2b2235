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


# -- issue 12: kafka — TLS with a private CA, and the admin client's configuration ------------------


def _ca_pem(tmp_path) -> str:
    """A self-signed CA certificate (the broker's CA of a private PKI)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "thidua-kafka-ca")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256())
    )
    path = tmp_path / "ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def test_sasl_ssl_trusts_the_configured_ca_and_checks_the_host_name(tmp_path):
    cafile = _ca_pem(tmp_path)
    options = security_options(SASL.model_copy(update={"kafka_security_protocol": "SASL_SSL", "kafka_ssl_cafile": cafile}))
    context = options["ssl_context"]
    assert [dict(c["subject"][0])["commonName"] for c in context.get_ca_certs()] == ["thidua-kafka-ca"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    # without the setting: the system's CAs, not ours
    default = security_options(SASL.model_copy(update={"kafka_security_protocol": "SASL_SSL"}))["ssl_context"]
    assert "thidua-kafka-ca" not in str(default.get_ca_certs())


def test_the_admin_client_authenticates_like_the_services():
    from thidua_common.kafka.admin import AdminCredentials

    tls = Settings(kafka_bootstrap="k:9093", kafka_security_protocol="SASL_SSL", kafka_ssl_cafile="/ca.pem")
    config = AdminCredentials.from_settings(tls, "admin", "pw").config()
    assert config == {
        "bootstrap.servers": "k:9093", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "admin", "sasl.password": "pw", "ssl.ca.location": "/ca.pem",
    }
    assert AdminCredentials.from_settings(Settings(), "", "").config() == {
        "bootstrap.servers": "127.0.0.1:9092", "security.protocol": "PLAINTEXT",
    }
