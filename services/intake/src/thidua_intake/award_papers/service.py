"""Issue a decision for a batch of nominations in one MongoDB transaction: the two numbers from
the tenant's registers, every nomination decided (its nomination.changed and award.decided
events, one award per awardee as before) and the award.decision.issued event for reporting's
papers. A refused batch raises before anything commits, so it takes no number (no gaps); a retry
with the same request_id answers the decision already issued."""

from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import new_event
from thidua_common.contracts.award_papers import AwardDecisionIssued, PaperNumber
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.nomination import Decision
from thidua_common.contracts.registry import AWARD_DECISION_ISSUED
from thidua_common.errors import Conflict, FieldError, Invalid

from ..commendation_config import service as config_service
from ..nominations import rules as nomination_rules
from ..nominations import service as nominations
from ..nominations.models import ActionKind, ActionWrite
from ..uow import UnitOfWork
from . import rules
from .models import DecisionBatchPublic, DecisionBatchWrite, PapersSettings, PapersSettingsWrite

SOURCE = "/thidua/intake/award-decisions"


def batch_key(tenant: str, request_id: str) -> str:
    return f"{tenant}/{request_id}"


# -- settings ---------------------------------------------------------------------------------
async def get_settings(db: AsyncDatabase, tenant: str, session: AsyncClientSession | None = None):
    doc = await db.award_paper_settings.find_one({"_id": tenant}, session=session)
    return _settings(doc) if doc else None


def _settings(doc: dict) -> PapersSettings:
    return PapersSettings.model_validate({k: v for k, v in doc.items() if k != "_id"})


async def put_settings(uow: UnitOfWork, tenant: str, body: PapersSettingsWrite, actor: str) -> PapersSettings:
    db = uow.db
    doc = {
        "_id": tenant,
        "tenant": tenant,
        **body.model_dump(mode="json"),
        "updated_at": datetime.now(UTC).isoformat(),
        "updated_by": actor,
    }

    async def work(session: AsyncClientSession) -> PapersSettings:
        await db.award_paper_settings.replace_one({"_id": tenant}, doc, upsert=True, session=session)
        uow.record_change(
            tenant=tenant,
            action="vn.thidua.award_papers.settings.v1",
            subject="award-paper-settings",
            actor=actor,
            data=body.model_dump(mode="json"),
        )
        return _settings(doc)

    return await uow.run(work)


# -- reading ----------------------------------------------------------------------------------
async def get(db: AsyncDatabase, tenant: str, decision_id: str) -> DecisionBatchPublic | None:
    doc = await db.award_decisions.find_one({"tenant": tenant, "decision_id": decision_id})
    return public(doc) if doc else None


async def list_batches(db: AsyncDatabase, tenant: str, year: int | None = None) -> list[DecisionBatchPublic]:
    query: dict[str, Any] = {"tenant": tenant}
    if year:
        query["year"] = year
    return [public(d) async for d in db.award_decisions.find(query).sort("issued_at", -1)]


def public(doc: dict) -> DecisionBatchPublic:
    return DecisionBatchPublic.model_validate({k: v for k, v in doc.items() if k != "_id"})


# -- issuing ----------------------------------------------------------------------------------
async def next_number(
    db: AsyncDatabase, session: AsyncClientSession, tenant: str, agency_code: str, year: int, paper_type: str
) -> int:
    """The next number of the register, in the transaction: two concurrent batches both write the
    register's document, so one conflicts and is retried from the start (uow) and reads the
    other's number; an aborted batch leaves the register as it was."""
    key = rules.register_key(tenant, agency_code, year, paper_type)
    await db.paper_registers.update_one(
        {"_id": key},
        {
            "$inc": {"last": 1},
            "$setOnInsert": {"tenant": tenant, "agency": agency_code, "year": year, "type": paper_type},
        },
        upsert=True,
        session=session,
    )
    doc = await db.paper_registers.find_one({"_id": key}, session=session)
    assert doc is not None
    return int(doc["last"])


async def issue(
    uow: UnitOfWork, tenant: str, body: DecisionBatchWrite, actor: str, today: date | None = None
) -> DecisionBatchPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        existing = await db.award_decisions.find_one({"_id": batch_key(tenant, body.request_id)}, session=session)
        if existing is not None:
            if existing["nomination_ids"] != body.nomination_ids:
                raise Conflict("award_papers.request_reused", id=body.request_id)
            return existing  # a retry: the decision already issued, no new number
        settings = await get_settings(db, tenant, session)
        if settings is None:
            raise Conflict("award_papers.no_settings")
        config = await config_service.require(db, tenant, session)
        docs = {
            nid: await db.nominations.find_one({"_id": nominations.nomination_key(tenant, nid)}, session=session)
            for nid in body.nomination_ids
        }
        errors = rules.check_batch(body.nomination_ids, docs, config)
        if errors:
            raise Invalid("request.invalid", errors)
        chosen = [docs[nid] for nid in body.nomination_ids]
        signer = rules.signer_of(chosen, config, settings.default_signer)  # type: ignore[arg-type]
        if signer is None:
            raise Invalid("request.invalid", [FieldError("nomination_ids", "award_papers.signer")])
        now = datetime.now(UTC)
        day = body.date or today or nominations.today_in_vietnam()
        issuing, board = settings.issuing_agency, settings.board_agency
        decision_seq = await next_number(db, session, tenant, issuing.code, day.year, rules.DECISION)
        submission_seq = await next_number(db, session, tenant, board.code, day.year, rules.SUBMISSION)
        decision_number = PaperNumber(
            sequence=decision_seq, number=rules.paper_number(decision_seq, rules.DECISION, issuing.code), date=day
        )
        submission_number = PaperNumber(
            sequence=submission_seq, number=rules.paper_number(submission_seq, rules.SUBMISSION, board.code), date=day
        )
        decision = Decision(number=decision_number.number, date=day, signer=signer.name)
        unit_ids = list({d["nominee"]["unit_id"] for d in chosen})  # type: ignore[index]
        units = await db.units.find({"tenant": tenant, "unit_id": {"$in": unit_ids}}, session=session).to_list(None)
        unit_names = {u["unit_id"]: u["name_vi"] for u in units}
        awardees = [rules.awardee_of(d, unit_names, settings.cash_amounts) for d in chosen]  # type: ignore[arg-type]
        for current in chosen:
            assert current is not None
            award = config.award(current["award_kind"])
            assert award is not None
            stage = award.stage(current["stage"])
            assert stage is not None
            # the batch is the decision: it acts in the decision stage with that stage's role
            decider = nomination_rules.Actor(subject=actor, roles=frozenset({stage.role.value}), unit_id=None)
            action = ActionWrite(action=ActionKind.decide, stage=stage.id, decision=decision)
            outcome = nomination_rules.act(current, award, action, decider, now, config.holiday_dates)
            await nominations._save(uow, session, tenant, current, outcome, config, now)
        decision_id = f"qd-{day.year}-{issuing.code.lower()}-{decision_seq}"
        payload = AwardDecisionIssued(
            decision_id=decision_id,
            year=day.year,
            decision=decision,
            decision_number=decision_number,
            submission_number=submission_number,
            issuing_agency=issuing,
            board_agency=board,
            place_vi=settings.place_vi,
            signer=signer,
            board_signer=settings.board_signer,
            subject_vi=body.subject_vi or rules.subject_of([a.award_name_vi for a in awardees]),
            campaign_id=next((d["campaign_id"] for d in chosen if d and d.get("campaign_id")), None),
            awardees=awardees,
            issued_by=actor,
        )
        doc = {
            "_id": batch_key(tenant, body.request_id),
            "tenant": tenant,
            "request_id": body.request_id,
            "nomination_ids": body.nomination_ids,
            "issued_at": now.isoformat(),
            "date": day.isoformat(),
            **payload.model_dump(mode="json"),
        }
        await db.award_decisions.insert_one(doc, session=session)
        event = new_event(
            type=AWARD_DECISION_ISSUED,
            source=SOURCE,
            tenant=tenant,
            subject=decision_id,
            data=payload,
            id=deterministic_id(batch_key(tenant, body.request_id), "issued"),
        )
        uow.emit(event, f"{tenant}/{decision_id}")
        return doc

    return public(await uow.run(work))
