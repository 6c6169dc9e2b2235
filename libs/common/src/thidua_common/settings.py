"""Settings read from environment variables (prefix THIDUA_). One class for every service so that
a deployment configures Kafka, MongoDB and auth in one place."""

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The signing key everybody can read in this repository: only for a developer's machine.
DEV_JWT_SECRET = "dev-secret-change-me-please-32bytes!"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THIDUA_", extra="ignore")

    # Production unless told otherwise: an operator who forgets this setting gets a service that
    # refuses the public development secret (thidua_common.startup) instead of one that quietly
    # accepts tokens anybody can mint. The local stack, the tests and the demo set development.
    environment: Literal["development", "production"] = Field(
        "production", description="development relaxes the start-up checks of secrets (never in production)"
    )

    kafka_bootstrap: str = "127.0.0.1:9092"
    # PLAINTEXT for the local stack; SASL_PLAINTEXT or SASL_SSL with SCRAM in production and compose
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = ""
    # issue 12: kafka — TLS on the listener (SSL or SASL_SSL): the CA that signed the broker's
    # certificate (empty: the system's trusted CAs), checked with the host name (docs/operations.md)
    kafka_ssl_cafile: str = Field("", description="PEM file of the CA of the broker's TLS certificate")
    topic_prefix: str = Field("thidua", description="prefix of every topic name (one per environment)")
    mongo_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db_prefix: str = "thidua"

    jwt_secret: str = DEV_JWT_SECRET
    jwt_algorithm: str = Field("HS256", description="the one algorithm tokens may use; never taken from the token")
    jwt_issuer: str = "thidua"
    jwt_audience: str = "thidua-api"
    jwt_max_lifetime_seconds: int = Field(
        12 * 3600, ge=60, description="longest accepted token lifetime (exp - iat); longer tokens are refused"
    )
    # issue 10: tokens of an OpenID Connect provider (auth/oidc.py; docs/operations.md). Production
    # requires an issuer (thidua_common.startup) and accepts only its tokens; development accepts
    # both these and the HS256 tokens above, told apart by their `iss`.
    oidc_issuer: str = Field("", description="the provider's issuer URL, exactly as in its tokens' iss")
    oidc_jwks_url: str = Field("", description="the provider's JWKS URL; empty: from the issuer's discovery document")
    oidc_audience: str = Field("thidua-api", description="the aud the provider puts in tokens for this API")
    oidc_tenant: str = Field("", description="the tenant of every token of this issuer (then no tenant claim is read)")
    oidc_tenant_claim: str = Field("tenant", description="dotted path of the tenant claim")
    oidc_unit_claim: str = Field("unit", description="dotted path of the unit claim")
    oidc_roles_claim: str = Field("roles", description="dotted path of the roles claim, e.g. realm_access.roles")
    oidc_jwks_cache_seconds: float = Field(3600.0, gt=0, description="how long fetched keys are used before a refetch")
    oidc_jwks_refetch_seconds: float = Field(
        30.0, ge=0, description="an unknown kid refetches the keys at most once per this many seconds"
    )
    oidc_http_timeout_seconds: float = Field(5.0, gt=0, description="timeout of a discovery or JWKS request")
    oidc_leeway_seconds: int = Field(30, ge=0, le=300, description="clock skew tolerated on exp, iat and nbf")
    max_auth_header_bytes: int = Field(
        8192, ge=256, description="Authorization and X-API-Key headers above this are refused before parsing"
    )
    # a JSON list of {name, hash: "sha256:…", tenant, roles, unit?, expires?} (auth/api_keys.py);
    # only intake and reporting take keys: scoring and notify have no HTTP API
    api_keys: str = ""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = Field(False, description="upgrade the SMTP connection with STARTTLS")
    mail_from: str = "Thi Đua <no-reply@thidua.local>"
    escalation_email: str = Field(
        "ban-tdkt@thidua.local", description="where overdue nominations are escalated (the commendation board)"
    )
    notify_max_attempts: int = Field(6, ge=1, description="delivery attempts before the dead-letter topic")
    notify_backoff_seconds: float = Field(2.0, gt=0, description="first retry delay; doubles each attempt")
    # issue 12: dead letters — notify mails the board (escalation_email) and an inbound dead letter's
    # system contact at most one digest of new dead letters per this many seconds
    notify_deadletter_window_seconds: float = Field(
        300.0, gt=0, description="new dead letters are mailed in one digest per recipient per this window"
    )
    overdue_check_seconds: float = Field(300.0, gt=0, description="how often intake looks for overdue nominations")
    # issue 10: the review queue (intake's GET /api/v1/submissions)
    review_due_working_days: int = Field(
        10, ge=0, le=365, description="a review is due this many working days after the submission"
    )
    nomination_clock_override: bool = Field(
        False, description="let the board run the overdue check as of another day (tests and demos only)"
    )

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # more than one: each process keeps its own campaign cache, so a campaign changed through one
    # is seen by the others after at most 250 ms (see thidua_intake.campaigns.service.definition);
    # measured on 2 cores, two workers answered slower than one (bench/README.md)
    http_workers: int = Field(1, ge=1, le=64, description="HTTP worker processes of intake (uvicorn --workers)")
    max_body_bytes: int = 256 * 1024
    # issue 10: evidence files (intake's evidence upload has this limit instead of max_body_bytes)
    evidence_max_bytes: int = Field(10 * 1024 * 1024, ge=1, description="largest evidence file intake stores")
    # issue 15: deadlines — notify's digest of reminders and escalations: one mail per recipient and
    # local day at `notify_deadline_digest_at`, or (when the window is set: tests, demos) a rolling
    # window; never during quiet hours (local time, "21:00-07:00"; empty: none), delayed not dropped
    notify_deadline_digest_at: str = Field("07:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    notify_deadline_digest_seconds: float = Field(0.0, ge=0, description="0: the daily digest; else a rolling window")
    notify_quiet_hours: str = Field("21:00-07:00", pattern=r"^(([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)?$")
    log_level: str = "INFO"
    default_language: str = "vi"

    def db_name(self, service: str) -> str:
        return f"{self.mongo_db_prefix}_{service}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
