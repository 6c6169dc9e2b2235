"""thidua_common.startup: outside development a service refuses to start with a secret anybody can
read, and says why in one structured log line per problem (issue 8)."""

import json

import pytest

from thidua_common.auth.api_keys import digest
from thidua_common.settings import DEV_JWT_SECRET, Settings
from thidua_common.startup import EXIT_CONFIG, problems, refuse_unsafe_start

STRONG = "k" * 48
ISSUER = "https://sso.daknong.gov.vn/realms/thidua"
KEYS = json.dumps([{"name": "x", "hash": digest("k"), "tenant": "daknong"}])
# issue 12: outside development every Kafka client authenticates with its own SCRAM user
KAFKA = {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "thidua-intake", "kafka_sasl_password": "pw"}


def test_the_default_environment_is_production():
    # a forgotten setting must not relax anything (THIDUA_ENVIRONMENT unset)
    assert Settings().environment == "production"


def test_the_development_secret_is_refused_in_production(capsys):
    with pytest.raises(SystemExit) as info:
        refuse_unsafe_start(Settings(), "intake", http_api=True)
    assert info.value.code == EXIT_CONFIG == 78


@pytest.mark.parametrize("secret", ["", "short", "x" * 31, "ă" * 15])  # 'ă' is 2 bytes: 30 bytes
def test_secrets_shorter_than_32_bytes_are_refused(secret):
    # issue 10: production without an OIDC issuer is refused for that too (THIDUA_OIDC_ISSUER)
    found = [p for p in problems(Settings(jwt_secret=secret, **KAFKA), http_api=True) if p.setting != "THIDUA_OIDC_ISSUER"]
    assert [p.setting for p in found] == ["THIDUA_JWT_SECRET"] and "32 bytes" in found[0].reason
    with pytest.raises(SystemExit):
        refuse_unsafe_start(Settings(jwt_secret=secret), "reporting", http_api=True)


def test_a_strong_secret_starts():
    # issue 10: production needs an OIDC issuer (and then verifies no HS256 token: the secret is not
    # checked); where HS256 tokens are accepted (development), a strong secret raises no problem
    refuse_unsafe_start(
        Settings(jwt_secret=STRONG, api_keys=KEYS, oidc_issuer=ISSUER, **KAFKA), "intake", http_api=True
    )
    for secret in (STRONG, "ă" * 16):  # 'ă' * 16: 32 bytes
        assert problems(Settings(environment="development", jwt_secret=secret, oidc_issuer=ISSUER), http_api=True) == []
    with pytest.raises(SystemExit):
        refuse_unsafe_start(Settings(jwt_secret=STRONG, api_keys=KEYS), "intake", http_api=True)


def test_development_starts_with_the_development_secret():
    refuse_unsafe_start(Settings(environment="development"), "intake", http_api=True)
    assert Settings(environment="development").jwt_secret == DEV_JWT_SECRET


def test_plain_text_api_keys_are_refused_even_in_development():
    settings = Settings(environment="development", api_keys="dev-system-key=daknong:system")
    with pytest.raises(SystemExit):
        refuse_unsafe_start(settings, "intake", http_api=True)


@pytest.mark.parametrize("service", ["scoring", "notify"])
def test_services_without_an_http_api_take_no_api_keys(service):
    with pytest.raises(SystemExit):
        refuse_unsafe_start(Settings(api_keys=KEYS), service, http_api=False)
    # and they need no JWT secret: they verify no tokens
    refuse_unsafe_start(Settings(**KAFKA), service, http_api=False)


def test_the_refusal_is_logged_as_one_structured_line_per_problem(capsys):
    from thidua_common.logging import configure_logging

    configure_logging("intake")
    with pytest.raises(SystemExit):
        refuse_unsafe_start(Settings(api_keys="x=y"), "intake", http_api=True)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    refusals = [line for line in lines if line["message"].startswith("refusing to start")]
    assert {line["setting"] for line in refusals} == {
        "THIDUA_JWT_SECRET", "THIDUA_API_KEYS", "THIDUA_OIDC_ISSUER", "THIDUA_KAFKA_SECURITY_PROTOCOL"
    }
    secret = next(line for line in refusals if line["setting"] == "THIDUA_JWT_SECRET")
    assert secret["level"] == "error" and secret["environment"] == "production" and secret["service"] == "intake"
    assert "public development secret" in secret["message"] and "32 random bytes" in secret["fix"]
    assert DEV_JWT_SECRET not in json.dumps(lines)  # the secret itself is never logged


# issue 12: kafka — plaintext Kafka only in development


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SSL"])
def test_kafka_without_sasl_is_refused_outside_development(protocol):
    settings = Settings(**{**KAFKA, "kafka_security_protocol": protocol})
    assert [p.setting for p in problems(settings, http_api=False)] == ["THIDUA_KAFKA_SECURITY_PROTOCOL"]
    with pytest.raises(SystemExit):
        refuse_unsafe_start(settings, "scoring", http_api=False)
    refuse_unsafe_start(Settings(environment="development", kafka_security_protocol=protocol), "scoring", http_api=False)


def test_sasl_without_a_password_is_refused():
    settings = Settings(**{**KAFKA, "kafka_sasl_password": ""})
    assert [p.setting for p in problems(settings, http_api=False)] == ["THIDUA_KAFKA_SASL_USERNAME"]
    with pytest.raises(SystemExit):
        refuse_unsafe_start(settings, "notify", http_api=False)
    refuse_unsafe_start(Settings(**KAFKA), "notify", http_api=False)
