"""The due dates of a campaign's periods, computed when the campaign is written (campaigns.service),
from its `report_due_working_days` or the tenant's default and the tenant's holidays."""

from datetime import date
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from ..commendation_config import service as config_service
from . import rules
from .models import DeadlineSettings


async def tenant_settings(
    db: AsyncDatabase, tenant: str, session: AsyncClientSession | None = None
) -> tuple[DeadlineSettings, set[date]]:
    """The tenant's deadline settings and holidays (defaults when it has no configuration)."""
    config = await config_service.get(db, tenant, session)
    if config is None:
        return DeadlineSettings(), set()
    return config.deadlines, config.holiday_dates


async def period_deadlines(
    db: AsyncDatabase, tenant: str, fields: dict[str, Any], session: AsyncClientSession | None = None
) -> list[dict]:
    """The period deadlines of a campaign being written (its fields as stored)."""
    settings, holidays = await tenant_settings(db, tenant, session)
    days = fields.get("report_due_working_days")
    days = settings.report_due_working_days if days is None else days
    return rules.period_deadlines(
        date.fromisoformat(str(fields["start"])),
        date.fromisoformat(str(fields["end"])),
        str(fields["reporting_frequency"]),
        days,
        holidays,
    )
