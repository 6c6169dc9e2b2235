"""Read the submission list from intake's `periods` collection: one document per unit and period,
holding its latest submission's listing fields (.rules), so that a page is one indexed query
sorted by submission time, with no read per item. Also: the indexes the list needs, and the
one-off backfill of the listing fields for periods written before they existed."""

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.mongo import given

from ...campaigns import service as campaigns
from ...submissions.rules import period_key
from ...uow import UnitOfWork
from . import rules
from .models import ListedSubmission, SubmissionPage

LISTING_MIGRATION = "period-listing"
_FIELDS = (
    "campaign_id unit_id period latest submitted_at submitted_by channel status level reasons appeal "
    "resubmission_of next waiting_since order"
).split()


async def setup(db: AsyncDatabase) -> None:
    """The indexes of the list: a tenant's periods, a unit's, a campaign's, a queue's and a
    status's, each in the list's order (the order key: submission time, then the period's id)."""
    for prefix in ((), ("unit_id",), ("campaign_id",), ("next",), ("status",)):
        keys = [("tenant", ASCENDING), *((name, ASCENDING) for name in prefix), ("order", ASCENDING)]
        await db.periods.create_index(keys)


async def _definitions(db: AsyncDatabase, tenant: str, ids: set[str]) -> dict[str, CampaignDefined]:
    found = await asyncio.gather(*(campaigns.definition(db, tenant, cid) for cid in sorted(ids)))
    return {cid: d for cid, d in zip(sorted(ids), found, strict=True) if d is not None}


async def _tenant_campaign_ids(db: AsyncDatabase, tenant: str) -> set[str]:
    return {d["campaign_id"] async for d in db.campaigns.find({"tenant": tenant}, {"campaign_id": 1})}


async def _holidays(db: AsyncDatabase, tenant: str) -> set[date]:
    """The tenant's public holidays from its commendation configuration (none without one)."""
    doc = await db.commendation_config.find_one({"_id": tenant}, {"holidays": 1}) or {}
    # each a {date, name} (or, as written before holidays had names, the date alone)
    days = (h.get("date") if isinstance(h, dict) else h for h in doc.get("holidays") or [])
    return {date.fromisoformat(str(d)[:10]) for d in days if d}


async def listing(
    db: AsyncDatabase,
    principal: Principal,
    *,
    campaign_id: str | None = None,
    unit_id: str | None = None,
    period: str | None = None,
    status: str | None = None,
    queue: bool = False,
    limit: int = rules.DEFAULT_LIMIT,
    after: str | None = None,
    due_working_days: int = rules.DEFAULT_DUE_WORKING_DAYS,
    today: date | None = None,
) -> SubmissionPage:
    """The latest submission of each unit and period the caller may see (or, with `queue`, may
    decide now), newest first (a queue: oldest first), `limit` at a time after the cursor."""
    tenant = principal.tenant
    cursor = rules.decode_cursor(after, queue) if after else None
    led: list[dict[str, Any]] = []
    if principal.has_any(Role.cluster_head):
        # the units it leads: what it sees, and (even for a head who also reads the whole tenant) its queue
        ids = {campaign_id} if campaign_id else await _tenant_campaign_ids(db, tenant)
        led = rules.led_clauses((await _definitions(db, tenant, ids)).values(), principal.unit_id)
    rules.check_unit(principal, unit_id, led)
    clauses = rules.queue(principal, led) if queue else rules.scope(principal, led)
    filters = given({"campaign_id": campaign_id, "unit_id": unit_id, "period": period, "status": status})
    query = rules.find_filter(tenant, filters, clauses, cursor, queue)
    if query is None:
        return SubmissionPage(items=[], next=None)
    direction = ASCENDING if rules.order(queue) > 0 else DESCENDING
    found = db.periods.find(query, dict.fromkeys(_FIELDS, 1)).sort("order", direction)
    docs = await found.limit(limit + 1).to_list(None)
    page = docs[:limit]
    definitions = await _definitions(db, tenant, {d["campaign_id"] for d in page})
    holidays = await _holidays(db, tenant) if page else set()
    today = today or rules.local_date(datetime.now(UTC))
    items = [_item(d, definitions.get(d["campaign_id"]), due_working_days, holidays, today) for d in page]
    more = len(docs) > limit
    return SubmissionPage(items=items, next=rules.encode_cursor(page[-1], queue) if more else None)


def _item(
    doc: dict[str, Any], campaign: CampaignDefined | None, working_days: int, holidays: set[date], today: date
) -> ListedSubmission:
    submitted_at = rules.as_datetime(doc["submitted_at"])
    awaiting = rules.awaiting(doc.get("next"), campaign, doc["unit_id"], doc["period"])
    if campaign is not None and campaign.review_due_working_days is not None:
        working_days = campaign.review_due_working_days  # issue 15: the campaign's own service time
    due = rules.review_due(doc.get("waiting_since") or submitted_at, working_days, holidays)
    return ListedSubmission(
        submission_id=doc["latest"],
        campaign_id=doc["campaign_id"],
        unit_id=doc["unit_id"],
        period=doc["period"],
        submitted_at=submitted_at,
        submitted_by=doc.get("submitted_by") or "",
        channel=doc.get("channel") or "",
        status=doc["status"],
        level=doc.get("level"),
        awaiting=awaiting,
        reasons=doc.get("reasons") or {},
        appeal=doc.get("appeal"),
        resubmission_of=doc.get("resubmission_of"),
        due_date=due,
        overdue=rules.is_overdue(due, today, awaiting),
        age_days=rules.age_days(submitted_at, today),
    )


# -- the listing fields of periods written before they existed --------------------------------------
async def backfill(uow: UnitOfWork) -> int:
    """Once per database (at intake's start): write the listing fields of every period whose
    document lacks them (submitted before this version; the oldest have no period document at
    all). Each period in a transaction that reads its latest submission and review state and
    writes the period document, so a submission accepted meanwhile by another worker conflicts
    with it. Returns how many periods it wrote."""
    db = uow.db
    if await db.migrations.find_one({"_id": LISTING_MIGRATION}):
        return 0
    places: set[tuple[str, str, str, str]] = set()
    projection = {"tenant": 1, "campaign_id": 1, "unit_id": 1, "period": 1}
    async for s in db.submissions.find({}, projection):
        places.add((s["tenant"], s["campaign_id"], s["unit_id"], s["period"]))
    written = 0
    for place in sorted(places):
        key = period_key(*place)
        held = await db.periods.find_one({"_id": key}, {"order": 1})
        if held is not None and "order" in held:
            continue  # written by a submission of this version

        async def work(session: AsyncClientSession, place=place, key=key) -> int:
            return await _write_listing(db, place, key, session)

        written += await uow.run(work)
    await db.migrations.update_one(
        {"_id": LISTING_MIGRATION}, {"$set": {"at": datetime.now(UTC), "written": written}}, upsert=True
    )
    return written


async def _write_listing(db: AsyncDatabase, place: tuple[str, str, str, str], key: str, session) -> int:
    tenant, campaign_id, unit_id, period = place
    sub = await db.submissions.find_one(
        {"tenant": tenant, "campaign_id": campaign_id, "unit_id": unit_id, "period": period},
        sort=[("submitted_at", DESCENDING), ("_id", DESCENDING)],  # the latest, as ..service._latest_id
        session=session,
    )
    if sub is None:
        return 0
    state = await db.reviews.find_one({"_id": sub["_id"]}, session=session) or {}
    submitted_at = rules.as_datetime(sub["submitted_at"])
    fields = {
        **rules.fresh_view(
            submitted_at, sub.get("submitted_by", ""), sub.get("channel", ""), key, state.get("resubmission_of")
        ),
        **rules.review_view(state, submitted_at),
    }
    place_fields = {"tenant": tenant, "campaign_id": campaign_id, "unit_id": unit_id, "period": period}
    await db.periods.update_one(
        {"_id": key}, {"$set": {**place_fields, "latest": sub["_id"], **fields}}, upsert=True, session=session
    )
    return 1
