"""Settings read from environment variables (prefix THIDUA_). One class for every service so that
a deployment configures Kafka, MongoDB and auth in one place."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THIDUA_", extra="ignore")

    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = Field("thidua", description="prefix of every topic name (one per environment)")
    mongo_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    mongo_db_prefix: str = "thidua"

    jwt_secret: str = "dev-secret-change-me-please-32bytes!"
    jwt_algorithm: str = Field("HS256", description="the one algorithm tokens may use; never taken from the token")
    jwt_issuer: str = "thidua"
    jwt_audience: str = "thidua-api"
    # "key=tenant:role[,role]" pairs separated by ';' for systems calling the HTTP API.
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
    overdue_check_seconds: float = Field(300.0, gt=0, description="how often intake looks for overdue nominations")
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
    log_level: str = "INFO"
    default_language: str = "vi"

    def db_name(self, service: str) -> str:
        return f"{self.mongo_db_prefix}_{service}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
