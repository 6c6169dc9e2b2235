"""File nominations, move them along their chain, record awards and queue the events, one MongoDB
transaction per change: the nomination, its nomination.changed event and (on a decision) the
awards with their award.decided events are written together or not at all."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import new_event
from thidua_common.contracts.campaign import Change
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.nomination import AwardDecided, NominationChanged
from thidua_common.contracts.registry import AWARD_DECIDED, NOMINATION_CHANGED
from thidua_common.contracts.statistics import AwardForm, RecipientType
from thidua_common.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from thidua_common.i18n import Localized
from thidua_common.mongo import given

from ..campaigns import service as campaigns
from ..commendation_config import service as config_service
from ..commendation_config.models import AwardKind, CommendationConfig
from ..uow import UnitOfWork, store_revision
from . import documents as dossier
from . import rules
from .models import ActionWrite, Award, AwardsImport, NominationPublic, NominationWrite, ResubmitWrite
from .rules import Actor, Outcome

SOURCE = "/thidua/intake/nominations"


def nomination_key(tenant: str, nomination_id: str) -> str:
    return f"{tenant}/{nomination_id}"


def emit_event(
    uow: UnitOfWork, tenant: str, event_type: str, nomination_id: str, data: BaseModel, event_id: str
) -> None:
    """Queue an event about a nomination, keyed by it. `event_id` derives from the event's cause
    (deterministic_id), so that a repeated change repeats the same event."""
    event = new_event(type=event_type, source=SOURCE, tenant=tenant, subject=nomination_id, data=data, id=event_id)
    uow.emit(event, nomination_key(tenant, nomination_id))


def award_key(tenant: str, award_kind: str, year: int, nominee: dict) -> str:
    return f"{tenant}/{award_kind}/{year}/{rules.nominee_key(nominee)}"


# -- reading ----------------------------------------------------------------------------------
async def get(db: AsyncDatabase, tenant: str, nomination_id: str) -> NominationPublic | None:
    doc = await db.nominations.find_one({"_id": nomination_key(tenant, nomination_id)})
    return public(doc) if doc else None


async def list_nominations(
    db: AsyncDatabase,
    tenant: str,
    status: str | None = None,
    stage: str | None = None,
    award_kind: str | None = None,
    unit: str | None = None,
    year: int | None = None,
) -> list[NominationPublic]:
    query = given(
        {
            "tenant": tenant,
            "status": status,
            "stage": stage,
            "award_kind": award_kind,
            "nominee.unit_id": unit,
            "year": year,
        }
    )
    return [public(d) async for d in db.nominations.find(query).sort("created_at", 1)]


async def list_awards(
    db: AsyncDatabase, tenant: str, unit: str | None = None, year: int | None = None, award_kind: str | None = None
) -> list[Award]:
    query = given({"tenant": tenant, "nominee.unit_id": unit, "year": year, "award_kind": award_kind})
    docs = await db.awards.find(query).sort([("year", 1), ("award_kind", 1), ("_id", 1)]).to_list(None)
    return [Award.model_validate(d) for d in docs]


# -- changing ---------------------------------------------------------------------------------
async def create(uow: UnitOfWork, tenant: str, body: NominationWrite, actor: Actor) -> NominationPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        config = await config_service.require(db, tenant, session)
        award = config.award(body.award_kind)
        if award is None:
            raise Invalid(
                "request.invalid", [FieldError("award_kind", "nomination.unknown_award", {"id": body.award_kind})]
            )
        documents, errors = await dossier.resolve(db, tenant, body.nominee.unit_id, body.documents, session)
        if not errors:
            errors = rules.check_filing(award, body.nominee, documents)
        if body.campaign_id and await campaigns.definition(db, tenant, body.campaign_id, session) is None:
            errors.append(FieldError("campaign_id", "campaign.unknown", {"id": body.campaign_id}))
        if errors:
            missing = [e for e in errors if e.key in ("nomination.missing_document", "dossier.missing_file")]
            if missing and len(missing) == len(errors):
                raise Invalid("nomination.missing_document", errors, kind=missing[0].params["kind"])
            raise Invalid("request.invalid", errors)
        nominee = body.nominee.model_dump(mode="json")
        # two nominations in the same unit and year both write this document, so one of two
        # concurrent ones conflicts and is retried, seeing the other: quotas and "no double
        # award" cannot be broken by filing at the same moment
        await db.nomination_locks.update_one(
            {"_id": f"{tenant}/{nominee['unit_id']}/{body.year}"}, {"$inc": {"filed": 1}}, upsert=True, session=session
        )
        await check_rules(db, session, tenant, config, award, nominee, body.year)
        now = datetime.now(UTC)
        nomination_id = f"dn-{body.year}-{uuid.uuid4().hex[:10]}"
        documents = dossier.with_urls(nomination_id, documents)
        doc: dict[str, Any] = {
            "_id": nomination_key(tenant, nomination_id),
            "tenant": tenant,
            "nomination_id": nomination_id,
            "revision": 0,
            "award_kind": award.id,
            "award_name_vi": award.name_vi,
            "nominee": nominee,
            "nominated_by": actor.subject,
            "nominating_unit_id": actor.unit_id,
            "year": body.year,
            "campaign_id": body.campaign_id,
            "basis": body.basis,
            "achievement": body.achievement,
            "documents": documents,
            "comments": [],
            "vote": None,
            "decision": None,
            "created_at": now.isoformat(),
        }
        rules.start(doc, award, now, config.holiday_dates)
        change = Change(kind="created", by=actor.subject, detail={"stage": doc["stage"]})
        return await _save(uow, session, tenant, None, Outcome(doc, change), config, now)

    return public(await uow.run(work))


async def check_rules(
    db, session, tenant: str, config: CommendationConfig, award, nominee: dict, year: int, exclude: str | None = None
) -> None:
    scope: dict[str, Any] = {"tenant": tenant, "$or": [{"nominee.unit_id": nominee["unit_id"]}]}
    if nominee.get("person_id"):
        scope["$or"].append({"nominee.person_id": nominee["person_id"]})
    awards = await db.awards.find(scope, session=session).to_list(None)
    nominations = await db.nominations.find({**scope, "status": {"$in": list(rules.OPEN)}}, session=session).to_list(
        None
    )
    flags = await config_service.flags(db, tenant, nominee["unit_id"], True, session)
    names = {a.id: a.name_vi for a in config.award_kinds}
    names.update({a["award_kind"]: a["award_name_vi"] for a in awards if a["award_kind"] not in names})
    errors = rules.check_rules(award, nominee, year, awards, nominations, flags, names, exclude)
    if errors:
        first = errors[0]
        raise Invalid(
            "nomination.rules",
            errors,
            rules=Localized(lambda lang: " ".join(e.reason(lang) for e in errors)),
            first=Localized(first.reason),
        )


async def act(
    uow: UnitOfWork, tenant: str, nomination_id: str, body: ActionWrite, actor: Actor, now: datetime | None = None
) -> NominationPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        current = await _existing(db, session, tenant, nomination_id)
        _check_revision(current, body.expected_revision)
        config = await config_service.require(db, tenant, session)
        award = _award_of(config, current)
        flags = await config_service.flags(db, tenant, current["nominee"]["unit_id"], True, session)
        moment = now or datetime.now(UTC)
        outcome = rules.act(current, award, body, actor, moment, config.holiday_dates, flags)
        return await _save(uow, session, tenant, current, outcome, config, moment)

    return public(await uow.run(work))


async def resubmit(
    uow: UnitOfWork, tenant: str, nomination_id: str, body: ResubmitWrite, actor: Actor
) -> NominationPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        current = await _existing(db, session, tenant, nomination_id)
        _check_revision(current, body.expected_revision)
        if not (actor.has("board_officer") or actor.unit_id == current["nominee"]["unit_id"]):
            own = actor.unit_id or "—"
            raise Forbidden("auth.own_unit", own=own, other=current["nominee"]["unit_id"])
        config = await config_service.require(db, tenant, session)
        award = _award_of(config, current)
        now = datetime.now(UTC)
        documents, errors = await dossier.resolve(db, tenant, current["nominee"]["unit_id"], body.documents, session)
        if errors:
            raise Invalid("request.invalid", errors)
        documents = dossier.with_urls(nomination_id, documents)
        outcome = rules.resubmit(
            current, award, documents, body.achievement, body.reason, actor, now, config.holiday_dates
        )
        return await _save(uow, session, tenant, current, outcome, config, now)

    return public(await uow.run(work))


async def import_awards(uow: UnitOfWork, tenant: str, body: AwardsImport, actor: str) -> int:
    """Record awards decided outside the system, audited in the same transaction."""
    db = uow.db
    config = await config_service.get(db, tenant)
    names = {a.id: a.name_vi for a in config.award_kinds} if config else {}
    docs = []
    for item in body.awards:
        nominee = item.nominee.model_dump(mode="json")
        docs.append(
            {
                "_id": award_key(tenant, item.award_kind, item.year, nominee),
                "tenant": tenant,
                "award_kind": item.award_kind,
                "award_name_vi": item.award_name_vi or names.get(item.award_kind, item.award_kind),
                "year": item.year,
                "nominee": nominee,
                "nomination_id": None,
                "decision": item.decision.model_dump(mode="json") if item.decision else None,
                "source": "imported",
            }
        )

    async def work(session: AsyncClientSession) -> int:
        for doc in docs:
            await db.awards.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)
        uow.record_change(
            tenant=tenant,
            action="vn.thidua.awards.imported.v1",
            subject="awards-import",
            actor=actor,
            data={"awards": [d["_id"] for d in docs]},
        )
        return len(docs)

    return await uow.run(work)


# -- storage ----------------------------------------------------------------------------------
async def _existing(db: AsyncDatabase, session: AsyncClientSession, tenant: str, nomination_id: str) -> dict:
    doc = await db.nominations.find_one({"_id": nomination_key(tenant, nomination_id)}, session=session)
    if doc is None:
        raise NotFound("nomination.unknown", id=nomination_id)
    return doc


def _check_revision(current: dict, expected: int | None) -> None:
    if expected is not None and current["revision"] != expected:
        raise Conflict("nomination.revision_conflict", current=current["revision"])


def _award_of(config: CommendationConfig, doc: dict):
    award = config.award(doc["award_kind"])
    if award is None:
        raise Conflict("nomination.award_unconfigured", id=doc["award_kind"])
    return award


async def _save(
    uow: UnitOfWork,
    session: AsyncClientSession,
    tenant: str,
    current: dict | None,
    outcome: Outcome,
    config: CommendationConfig,
    now: datetime,
) -> dict:
    db = uow.db
    doc = outcome.doc
    doc["revision"] = (current["revision"] if current else 0) + 1
    doc["updated_at"] = now.isoformat()
    payload = NominationChanged.model_validate(
        {
            **{k: doc.get(k) for k in NominationChanged.model_fields if k != "change"},
            "change": outcome.change.model_dump(mode="json"),
        }
    )
    stored = {
        "_id": doc["_id"],
        "tenant": tenant,
        **payload.model_dump(mode="json"),
        "due_on": (rules.current_record(doc) or {}).get("due_on") if doc["status"] == "in_progress" else None,
        "window_closes_on": doc.get("window_closes_on"),
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
    }
    read = None if current is None else current["revision"]
    await store_revision(db.nominations, stored, read, session, "nomination.revision_conflict")
    event_id = deterministic_id(nomination_key(tenant, payload.nomination_id), "changed", str(payload.revision))
    emit_event(uow, tenant, NOMINATION_CHANGED, payload.nomination_id, payload, event_id)
    if outcome.decided:
        await _record_awards(uow, session, tenant, payload, config)
    return stored


async def _record_awards(
    uow: UnitOfWork, session: AsyncClientSession, tenant: str, n: NominationChanged, config: CommendationConfig
) -> None:
    """One award per awardee (a nomination names one), written with its award.decided event."""
    db = uow.db
    kind = next((a for a in config.award_kinds if a.id == n.award_kind), None)
    statistics = statistics_of(kind)
    for nominee in [n.nominee]:
        data = AwardDecided(
            nomination_id=n.nomination_id,
            award_kind=n.award_kind,
            award_name_vi=n.award_name_vi,
            nominee=nominee,
            year=n.year,
            campaign_id=n.campaign_id,
            basis=n.basis,
            decision=n.decision,
            **statistics,
        )
        nominee_doc = nominee.model_dump(mode="json")
        doc = {
            "_id": award_key(tenant, n.award_kind, n.year, nominee_doc),
            "tenant": tenant,
            "award_kind": n.award_kind,
            "award_name_vi": n.award_name_vi,
            "year": n.year,
            "nominee": nominee_doc,
            "nomination_id": n.nomination_id,
            "decision": data.decision.model_dump(mode="json"),
            "source": "decided",
        }
        await db.awards.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)
        event_id = deterministic_id(nomination_key(tenant, n.nomination_id), "award", rules.nominee_key(nominee_doc))
        emit_event(uow, tenant, AWARD_DECIDED, n.nomination_id, data, event_id)


def public(doc: dict) -> NominationPublic:
    return NominationPublic.model_validate({k: v for k, v in doc.items() if k != "_id"})


def today_in_vietnam() -> date:
    return rules.local_date(datetime.now(UTC))


def statistics_of(kind: AwardKind | None) -> dict:
    """Issue 13: the award kind's classification for the statutory forms, carried on award.decided
    (the recipient type defaults to the nominee kind: a collective or an individual)."""
    if kind is None or kind.level is None:
        return {}
    recipient = kind.recipient_type or RecipientType(kind.nominee_kind.value)
    return {"level": kind.level, "form": kind.form or AwardForm.other, "recipient_type": recipient}
