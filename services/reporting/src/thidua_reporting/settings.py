"""reporting's own settings (issue 10: the console's inbox, live updates and the public board),
beside the shared ones (thidua_common.settings)."""

import json
from datetime import date
from functools import lru_cache
from typing import Any

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

    # issue 13: reports — review reports on schedule and the documents' letterhead
    review_check_seconds: float = Field(300.0, gt=0, description="how often the review schedule is checked")
    review_reminder_days: int = Field(7, ge=0, le=90, description="units are reminded this many days before a review")
    review_grace_days: int = Field(
        10, ge=0, le=90, description="a period's report counts as on time until its last day plus this many days"
    )
    review_catch_up_days: int = Field(
        30, ge=0, le=366, description="drafts are generated automatically up to this many days after a review date"
    )
    review_clock_override: bool = Field(
        False, description="development/test only: POST /api/v1/reviews/check may name another 'today' (as_of)"
    )
    review_today: date | None = Field(None, description="development/test only: the scheduler's 'today'")
    documents_agency: str = Field(
        '{"parent": "UBND tỉnh Đắk Nông", "name": "Hội đồng Thi đua - Khen thưởng", "abbreviation": "HĐTĐKT", '
        '"place": "Đắk Nông"}',
        description="JSON: the issuing agency of the board's documents (parent, name, abbreviation, place)",
    )
    documents_agencies: str = Field("{}", description="JSON: tenant → agency, overriding documents_agency")

    def agency(self, tenant: str) -> dict[str, Any]:
        own = json.loads(self.documents_agencies or "{}").get(tenant)
        return own or json.loads(self.documents_agency)

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
