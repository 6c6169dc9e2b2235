"""reporting's own settings (issue 10: the console's inbox, live updates and the public board),
beside the shared ones (thidua_common.settings)."""

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReportingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THIDUA_", extra="ignore")

    public_board_tenants: str = Field(
        "", description="comma-separated tenants whose verified leaderboards /public/{tenant} shows without sign-in"
    )
    streams_per_tenant: int = Field(
        200, ge=1, description="open live-update streams (server-sent events) one tenant may hold per process"
    )
    stream_poll_seconds: float = Field(1.0, gt=0, le=30, description="how often a process reads campaign versions")
    stream_ping_seconds: float = Field(15.0, gt=0, le=300, description="a comment line keeps idle streams open")

    @field_validator("public_board_tenants")
    @classmethod
    def _strip(cls, value: str) -> str:
        return ",".join(t.strip() for t in value.split(",") if t.strip())

    @property
    def public_tenants(self) -> frozenset[str]:
        return frozenset(t for t in self.public_board_tenants.split(",") if t)


@lru_cache
def get_reporting_settings() -> ReportingSettings:
    return ReportingSettings()
