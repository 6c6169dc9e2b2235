"""Reading reporting's own read models (campaigns, awards) for a form, and rendering it."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from . import compute, xlsx
from .compute import Table


async def table(db: AsyncDatabase, tenant: str, slug: str, year: int) -> Table:
    campaigns: list[dict] = []
    awards: list[dict] = []
    if slug == "0601":
        campaigns = await db.campaigns.find(
            {"tenant": tenant},
            {"status": 1, "start": 1, "end": 1, "kind": 1, "scope": 1, "launch_level": 1},
        ).to_list(None)
    else:
        # decision dates are ISO strings: the year is a string range (the awards read model's year
        # is the nomination's year, which a decision in January may not share)
        awards = await db.awards.find(
            {"tenant": tenant, "decision.date": {"$gte": f"{year:04d}-01-01", "$lte": f"{year:04d}-12-31"}},
            {"decision": 1, "nominee.kind": 1, "level": 1, "form": 1, "recipient_type": 1, "basis": 1},
        ).to_list(None)
    return compute.compute(slug, year, campaigns, awards)


def workbook(t: Table, reporting_unit: str) -> bytes:
    return xlsx.render(t, reporting_unit, datetime.now(UTC).date())
