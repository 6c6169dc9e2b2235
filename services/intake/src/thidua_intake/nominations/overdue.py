"""Timeliness: a background task finds nominations past the due date of their current stage
(counted in working days, with the tenant's holidays) and queues nomination.overdue once per
nomination, stage and day; it also passes disclosure stages whose window has closed."""

import asyncio
from datetime import UTC, date, datetime

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.background import cancel_and_wait
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.nomination import NominationOverdue
from thidua_common.contracts.registry import NOMINATION_OVERDUE
from thidua_common.errors import DomainError
from thidua_common.logging import get_logger

from ..commendation_config import service as config_service
from ..commendation_config.models import CommendationConfig, StageKind
from ..uow import UnitOfWork
from . import rules, service
from .models import ActionKind, ActionWrite, OverdueResult

log = get_logger(__name__)
SYSTEM = rules.Actor(subject="system", roles=frozenset({"board_officer", "system"}))
CLOSED_WINDOW = "Hết thời hạn công khai"


async def check(uow: UnitOfWork, today: date | None = None, tenant: str | None = None) -> OverdueResult:
    """One pass over the open nominations (of one tenant or of all) as of `today`, each change in
    a transaction of its own."""
    db = uow.db
    today = today or service.today_in_vietnam()
    emitted = passed = 0
    configs: dict[str, CommendationConfig | None] = {}
    query = {"status": "in_progress"} if tenant is None else {"status": "in_progress", "tenant": tenant}
    async for doc in db.nominations.find(query):
        t = doc["tenant"]
        if t not in configs:
            configs[t] = await config_service.get(db, t)
        config = configs[t]
        if config is None or not _due_for_action(doc, config, today):
            continue  # most nominations are on time: no transaction for them
        if await db.nomination_overdue.find_one({"_id": _marker(doc, today)}, projection={"_id": 1}):
            continue  # already told today
        try:
            outcome = await _one(uow, config, doc["nomination_id"], today)
        except DomainError as exc:  # moved on, or the configuration changed under it: next pass
            log.info("overdue check skipped a nomination", nomination=doc["nomination_id"], code=exc.key)
            continue
        emitted += outcome == "overdue"
        passed += outcome == "passed"
    return OverdueResult(as_of=today, emitted=emitted, passed=passed)


def _marker(doc: dict, today: date) -> str:
    """Once per nomination, stage (each entry into it) and day."""
    record = rules.current_record(doc) or {}
    return f"{doc['tenant']}/{doc['nomination_id']}/{doc.get('stage')}/{record.get('entered_at')}/{today.isoformat()}"


def _closed_window(doc: dict, stage, award, today: date, holidays: set[date]) -> bool:
    closes = doc.get("window_closes_on")
    return bool(
        stage.kind == StageKind.disclosure
        and closes
        and today > date.fromisoformat(closes)
        and not rules.window_open(award, doc, today, holidays)
    )


def _due_for_action(doc: dict, config: CommendationConfig, today: date) -> bool:
    award = config.award(doc["award_kind"])
    stage = award.stage(doc.get("stage")) if award else None
    if award is None or stage is None:
        return False
    holidays = config.holiday_dates
    return _closed_window(doc, stage, award, today, holidays) or rules.overdue_days(doc, today, holidays) >= 1


async def _one(uow: UnitOfWork, config: CommendationConfig, nomination_id: str, today: date) -> str | None:
    db, tenant = uow.db, config.tenant
    holidays = config.holiday_dates

    async def work(session: AsyncClientSession) -> str | None:
        doc = await db.nominations.find_one({"_id": service.nomination_key(tenant, nomination_id)}, session=session)
        if doc is None or doc["status"] != "in_progress":
            return None
        award = config.award(doc["award_kind"])
        stage = award.stage(doc["stage"]) if award else None
        if award is None or stage is None:
            return None
        if _closed_window(doc, stage, award, today, holidays):
            # the day after the window closed, the disclosure stage passes by itself (the board
            # may pass it as soon as the window has closed)
            now = datetime.now(UTC)
            flags = await config_service.flags(db, tenant, doc["nominee"]["unit_id"], True, session)
            if rules.frozen(award, doc["nominee"], flags):
                return None
            body = ActionWrite(action=ActionKind.pass_, reason=CLOSED_WINDOW)
            outcome = rules.act(doc, award, body, SYSTEM, now, holidays, flags)
            await service._save(uow, session, tenant, doc, outcome, config, now)
            return "passed"
        days = rules.overdue_days(doc, today, holidays)
        if days < 1:
            return None
        record = rules.current_record(doc)
        assert record is not None  # overdue_days is 0 without a current stage
        marker = _marker(doc, today)
        if await db.nomination_overdue.find_one({"_id": marker}, session=session):
            return None  # already told today
        # a concurrent check inserting the same marker makes this insert fail: nothing is sent twice
        await db.nomination_overdue.insert_one(
            {
                "_id": marker,
                "tenant": tenant,
                "nomination_id": nomination_id,
                "stage": stage.id,
                "day": today.isoformat(),
                "overdue_working_days": days,
                "at": datetime.now(UTC).isoformat(),
            },
            session=session,
        )
        data = NominationOverdue(
            nomination_id=nomination_id,
            award_name_vi=doc["award_name_vi"],
            nominee=doc["nominee"],
            stage=stage.id,
            stage_name_vi=stage.name_vi,
            due_on=date.fromisoformat(record["due_on"]),
            overdue_working_days=days,
            escalate_to=[r.value for r in config.escalate_to],
        )
        service.emit_event(uow, tenant, NOMINATION_OVERDUE, nomination_id, data, deterministic_id(marker, "overdue"))
        return "overdue"

    try:
        return await uow.run(work)
    except DuplicateKeyError:
        return None


class OverdueTask:
    """Runs `check` every `interval` seconds until stopped."""

    def __init__(self, client: AsyncMongoClient, db: AsyncDatabase, relay, interval: float):
        self.client, self.db, self.relay, self.interval = client, db, relay, interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="nominations-overdue")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                # its unit of work wakes the relay after each change it commits
                result = await check(UnitOfWork(self.client, self.db, self.relay))
                if result.emitted or result.passed:
                    log.info("overdue check", emitted=result.emitted, passed=result.passed)
            except asyncio.CancelledError:
                raise
            except Exception:  # a failed pass is retried at the next interval
                log.exception("overdue check failed")
