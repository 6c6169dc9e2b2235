"""Issue 15: deadlines — the deadline check. For every running campaign of a tenant and every
period whose due date is near or past, each participating unit's report climbs the report ladder
and each submission waiting for its reviewer climbs the review ladder: a step fires once (its
marker in `deadline_ladders`, written in the transaction that queues its event), a report in (or a
review decided) stops the ladder, a missed check fires only the highest rung reached.

The due dates are the campaign's `period_deadlines` (computed when the campaign last changed, from
its `report_due_working_days` or the tenant's default and the tenant's holidays): one fact, kept
with the campaign and carried on campaign.defined."""

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.background import cancel_and_wait
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.deadline import DeadlineNotice, DeadlineSubject
from thidua_common.contracts.envelope import deterministic_id, new_event
from thidua_common.contracts.registry import DEADLINE_ESCALATED, DEADLINE_REMINDER
from thidua_common.deadlines import (
    STALE_AFTER_WORKING_DAYS,
    Step,
    is_late,
    passed_over,
    position,
    review_due_date,
    steps_due,
    working_days_late,
)
from thidua_common.i18n.format import VN_TZ
from thidua_common.logging import get_logger
from thidua_common.settings import Settings

from ..campaigns import service as campaigns
from ..reviews.queue.rules import as_datetime
from ..uow import UnitOfWork
from . import rules
from .models import CampaignDeadlines, DeadlineCheckResult, DeadlineSettings, PeriodStatus
from .periods import tenant_settings

log = get_logger(__name__)
SOURCE = "/thidua/intake/deadlines"
ACTIVE = ("launched", "running", "reviewing")


def today_in_vietnam() -> date:
    return datetime.now(UTC).astimezone(VN_TZ).date()


def local_day(value: datetime | str | None) -> date | None:
    return None if value is None else as_datetime(value).astimezone(VN_TZ).date()


def review_days(campaign: CampaignDefined, settings: DeadlineSettings, app: Settings) -> int:
    if campaign.review_due_working_days is not None:
        return campaign.review_due_working_days
    if settings.review_due_working_days is not None:
        return settings.review_due_working_days
    return app.review_due_working_days


def ladder_key(tenant: str, campaign_id: str, unit_id: str, period: str, subject: str, since: str = "") -> str:
    """One ladder per report of a unit and period, and per wait for a reviewer (its start)."""
    return f"{tenant}/{campaign_id}/{unit_id}/{period}/{subject}" + (f"/{since}" if since else "")


async def first_submitted_on(db: AsyncDatabase, tenant: str, doc: dict | None) -> date | None:
    """The day the unit first reported for the period (a resubmission after a return does not make
    a report on time late, nor a late one on time)."""
    if not doc or not doc.get("submitted_at"):
        return None
    if not doc.get("resubmission_of"):
        return local_day(doc["submitted_at"])
    first = await db.submissions.find_one(
        {"tenant": tenant, "campaign_id": doc["campaign_id"], "unit_id": doc["unit_id"], "period": doc["period"]},
        sort=[("submitted_at", 1)],
    )
    return local_day((first or doc)["submitted_at"])


# -- the check ---------------------------------------------------------------------------------------
async def check(
    uow: UnitOfWork, app: Settings, today: date | None = None, tenant: str | None = None, campaign_id: str | None = None
) -> DeadlineCheckResult:
    today = today or today_in_vietnam()
    result = DeadlineCheckResult(as_of=today)
    query: dict[str, Any] = {"status": {"$in": list(ACTIVE)}}
    if tenant is not None:
        query["tenant"] = tenant
    if campaign_id is not None:
        query["campaign_id"] = campaign_id
    for doc in await uow.db.campaigns.find(query, {"tenant": 1, "campaign_id": 1}).to_list(None):
        campaign = await campaigns.definition(uow.db, doc["tenant"], doc["campaign_id"])
        if campaign is not None:
            await _campaign(uow, app, doc["tenant"], campaign, today, result)
    return result


async def _campaign(
    uow: UnitOfWork, app: Settings, tenant: str, campaign: CampaignDefined, today: date, result: DeadlineCheckResult
) -> None:
    db = uow.db
    settings, holidays = await tenant_settings(db, tenant)
    report_ladder = [s.rule() for s in settings.report_ladder]
    review_ladder = [s.rule() for s in settings.review_ladder]
    first_step, last_step = report_ladder[0].after_working_days, report_ladder[-1].after_working_days
    periods = {
        (d["unit_id"], d["period"]): d
        async for d in db.periods.find({"tenant": tenant, "campaign_id": campaign.campaign_id})
    }
    fired = {
        d["_id"]: set(d.get("fired", [])) | set(d.get("passed_over", []))
        async for d in db.deadline_ladders.find({"tenant": tenant, "campaign_id": campaign.campaign_id})
    }
    # reports
    for pd in campaign.period_deadlines:
        at = position(pd.due_on, today, holidays)
        if at < first_step or at > last_step + STALE_AFTER_WORKING_DAYS:
            continue  # not yet the time of the first step, or long past the last (steps_due's rule)
        for participant in campaign.participants:
            unit = participant.unit_id
            key = ladder_key(tenant, campaign.campaign_id, unit, pd.period, "report")
            if len(fired.get(key, ())) >= len(report_ladder):
                continue  # the whole ladder climbed
            done = await first_submitted_on(db, tenant, periods.get((unit, pd.period)))
            due_now = steps_due(report_ladder, pd.due_on, today, fired.get(key, set()), done, holidays)
            for index in due_now:
                await _fire(
                    uow, app, settings, tenant, campaign, key, DeadlineSubject.report, unit, pd.period, pd.due_on,
                    today, report_ladder, index, fired.get(key, set()), holidays, result,
                )  # fmt: skip
    # reviews: each wait for a reviewer (a submission, a reopening, an appeal) is a ladder of its own
    days = review_days(campaign, settings, app)
    for (unit, period), doc in periods.items():
        since = doc.get("waiting_since")
        if doc.get("next") != "review" or since is None:
            continue
        due = review_due_date(local_day(since) or today, days, holidays)
        key = ladder_key(tenant, campaign.campaign_id, unit, period, "review", as_datetime(since).isoformat())
        if len(fired.get(key, ())) >= len(review_ladder):
            continue
        for index in steps_due(review_ladder, due, today, fired.get(key, set()), None, holidays):
            await _fire(
                uow, app, settings, tenant, campaign, key, DeadlineSubject.review, unit, period, due,
                today, review_ladder, index, fired.get(key, set()), holidays, result,
            )  # fmt: skip


async def _fire(
    uow: UnitOfWork,
    app: Settings,
    settings: DeadlineSettings,
    tenant: str,
    campaign: CampaignDefined,
    key: str,
    subject: DeadlineSubject,
    unit: str,
    period: str,
    due: date,
    today: date,
    ladder: list[Step],
    index: int,
    fired: set[int],
    holidays: set[date],
    result: DeadlineCheckResult,
) -> None:
    skipped = passed_over(ladder, index, fired)
    data: DeadlineNotice = rules.notice(
        subject, campaign, unit, period, due, today, position(due, today, holidays), ladder, index,
        settings.contacts, app.escalation_email,
    )  # fmt: skip
    event_type = DEADLINE_REMINDER if ladder[index].kind == "reminder" else DEADLINE_ESCALATED

    async def work(session: AsyncClientSession) -> bool:
        # conditional on the step not fired yet: a concurrent check fires it once
        updated = await uow.db.deadline_ladders.update_one(
            {"_id": key, "fired": {"$ne": index}},
            {
                "$set": {
                    "tenant": tenant,
                    "campaign_id": campaign.campaign_id,
                    "unit_id": unit,
                    "period": period,
                    "subject": subject.value,
                    "due_on": due.isoformat(),
                },
                "$addToSet": {"fired": index, "passed_over": {"$each": skipped}},
                "$push": {"history": {"step": index, "as_of": today.isoformat(), "at": datetime.now(UTC)}},
            },
            upsert=True,
            session=session,
        )
        if updated.modified_count == 0 and updated.upserted_id is None:
            return False
        event = new_event(
            type=event_type,
            source=SOURCE,
            tenant=tenant,
            subject=f"{campaign.campaign_id}/{unit}/{period}",
            data=data,
            id=deterministic_id(key, str(index)),
        )
        uow.emit(event, campaigns.campaign_key(tenant, campaign.campaign_id))
        return True

    try:
        fired_now = await uow.run(work)
    except DuplicateKeyError as exc:  # the step fired meanwhile (a concurrent check)
        log.info("deadline step not fired; next check retries", ladder=key, step=index, error=type(exc).__name__)
        return
    if fired_now:
        fired.add(index)
        fired.update(skipped)
        if event_type == DEADLINE_REMINDER:
            result.reminders += 1
        else:
            result.escalations += 1
        result.passed_over += len(skipped)


# -- reading -----------------------------------------------------------------------------------------
async def campaign_deadlines(
    db: AsyncDatabase, app: Settings, tenant: str, campaign: CampaignDefined, today: date, unit: str | None = None
) -> CampaignDeadlines:
    """The campaign's periods with their due dates and, per unit, where each report stands."""
    settings, holidays = await tenant_settings(db, tenant)
    periods = {
        (d["unit_id"], d["period"]): d
        async for d in db.periods.find({"tenant": tenant, "campaign_id": campaign.campaign_id})
    }
    ladders = {
        d["_id"]: sorted(d.get("fired", []))
        async for d in db.deadline_ladders.find({"tenant": tenant, "campaign_id": campaign.campaign_id})
    }
    units = []
    for pd in campaign.period_deadlines:
        if pd.ends_on >= today:
            continue  # not yet due for anyone
        for p in campaign.participants:
            if unit is not None and p.unit_id != unit:
                continue
            done = await first_submitted_on(db, tenant, periods.get((p.unit_id, pd.period)))
            late = is_late(pd.due_on, done or today)
            units.append(
                PeriodStatus(
                    unit_id=p.unit_id,
                    unit_name_vi=p.name_vi,
                    period=pd.period,
                    due_on=pd.due_on,
                    submitted_on=done,
                    late=late,
                    working_days_late=working_days_late(pd.due_on, done or today, holidays),
                    steps_fired=ladders.get(
                        ladder_key(tenant, campaign.campaign_id, p.unit_id, pd.period, "report"), []
                    ),
                )
            )
    report_days = campaign.report_due_working_days
    return CampaignDeadlines(
        campaign_id=campaign.campaign_id,
        as_of=today,
        report_due_working_days=settings.report_due_working_days if report_days is None else report_days,
        review_due_working_days=review_days(campaign, settings, app),
        periods=[pd.model_dump(mode="json") for pd in campaign.period_deadlines],
        units=units,
    )


class DeadlineTask:
    """Runs `check` every `interval` seconds until stopped (next to the nominations' overdue task)."""

    def __init__(self, client: AsyncMongoClient, db: AsyncDatabase, relay, app: Settings, interval: float):
        self.client, self.db, self.relay, self.app, self.interval = client, db, relay, app, interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="deadlines-check")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                result = await check(UnitOfWork(self.client, self.db, self.relay), self.app)
                if result.reminders or result.escalations:
                    log.info("deadline check", reminders=result.reminders, escalations=result.escalations)
            except asyncio.CancelledError:
                raise
            except Exception:  # a failed pass is retried at the next interval
                log.exception("deadline check failed")
