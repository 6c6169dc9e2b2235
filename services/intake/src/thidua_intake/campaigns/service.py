"""Create or replace a campaign definition, or move it along its lifecycle, and queue its event in
one transaction."""

import time
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registry import CAMPAIGN_DEFINED
from thidua_common.errors import Conflict, NotFound

from ..deadlines import periods as deadlines
from ..uow import UnitOfWork
from . import cache, lifecycle, revisions
from .models import CampaignPublic, CampaignWrite, StatusChange

SOURCE = "/thidua/intake/campaigns"


def campaign_key(tenant: str, campaign_id: str) -> str:
    return f"{tenant}/{campaign_id}"


def campaign_event(
    event_type: str, source: str, tenant: str, data: BaseModel, *subject: str, correlation_id: str | None = None
) -> Envelope:
    """An event about a campaign's unit (and period): `subject` is campaign id, unit id[, period],
    joined as the event's subject. Such events are keyed by `campaign_key`, like the campaign's."""
    return new_event(
        type=event_type,
        source=source,
        tenant=tenant,
        subject="/".join(subject),
        data=data,
        correlationid=correlation_id,
    )


async def get(db: AsyncDatabase, tenant: str, campaign_id: str) -> CampaignPublic | None:
    doc = await db.campaigns.find_one({"_id": campaign_key(tenant, campaign_id)})
    return _public(doc) if doc else None


async def definition(
    db: AsyncDatabase, tenant: str, campaign_id: str, session: AsyncClientSession | None = None
) -> CampaignDefined | None:
    """The campaign as carried on the campaigns topic (what the domain rules check against).

    Every submission asks for it, and validating a campaign of a few hundred units costs
    milliseconds; so the validated campaign is kept per revision (every change makes a new one).
    A change made through this process drops it at once (its unit of work calls `cache.forget`
    after the commit); a change made by another intake replica is noticed by a probe of the stored
    revision, made at most every REVISION_PROBE_SECONDS (each database command costs intake about
    half a millisecond of CPU).
    Callers must not modify what they get."""
    key = campaign_key(tenant, campaign_id)
    cached = cache.definitions.get(key)
    if cached is not None:
        revision, found, probed_at = cached
        if time.monotonic() - probed_at < cache.REVISION_PROBE_SECONDS:
            return found
        probe = await db.campaigns.find_one({"_id": key}, {"revision": 1}, session=session)
        if probe is None:
            cache.forget(key)
            return None
        if probe["revision"] == revision:
            cache.definitions[key] = (revision, found, time.monotonic())
            return found
    doc = await db.campaigns.find_one({"_id": key}, session=session)
    if doc is None:
        return None
    found = _definition(doc)
    if len(cache.definitions) >= cache.CACHED_CAMPAIGNS:
        cache.definitions.pop(next(iter(cache.definitions)))  # the oldest entry
    cache.definitions[key] = (doc["revision"], found, time.monotonic())
    return found


async def list_all(db: AsyncDatabase, tenant: str) -> list[CampaignPublic]:
    return [_public(d) async for d in db.campaigns.find({"tenant": tenant}).sort("start", 1)]


async def put(uow: UnitOfWork, tenant: str, campaign_id: str, body: CampaignWrite, actor: str) -> CampaignPublic:
    db, key = uow.db, campaign_key(tenant, campaign_id)

    async def work(session: AsyncClientSession) -> dict:
        current = await db.campaigns.find_one({"_id": key}, session=session)
        if current:
            lifecycle.check_editable(current["status"])
        if body.expected_revision is not None and current and current["revision"] != body.expected_revision:
            raise Conflict("campaign.revision_conflict", current=current["revision"])
        revision = current["revision"] + 1 if current else 1
        fields = body.model_dump(mode="json", exclude={"expected_revision", "reason"})
        # issue 15: deadlines — each period's due date, with the tenant's holidays as they are now
        fields["period_deadlines"] = await deadlines.period_deadlines(db, tenant, fields, session)
        criteria_changed = not current or current["criteria"] != fields["criteria"]
        criteria_version = (current["criteria_version"] + int(criteria_changed)) if current else 1
        doc: dict[str, Any] = {
            "_id": key,
            "tenant": tenant,
            "campaign_id": campaign_id,
            "revision": revision,
            "criteria_version": criteria_version,
            "status": current["status"] if current else "draft",
            "updated_by": actor,
            **fields,
            "change": {
                "kind": "updated" if current else "created",
                "by": actor,
                "reason": body.reason,
                "detail": {"criteria_changed": criteria_changed} if current else {},
            },
        }
        await db.campaigns.replace_one({"_id": key}, doc, upsert=True, session=session)
        await revisions.record(db, session, doc, current)
        _announce(uow, tenant, doc)
        return doc

    return _public(await uow.run(work))


async def set_status(uow: UnitOfWork, tenant: str, campaign_id: str, body: StatusChange, actor: str) -> CampaignPublic:
    """Move the campaign one step along its lifecycle; a new revision, announced like any other."""
    db, key = uow.db, campaign_key(tenant, campaign_id)

    async def work(session: AsyncClientSession) -> dict:
        current = await db.campaigns.find_one({"_id": key}, session=session)
        if current is None:
            raise NotFound("campaign.unknown", id=campaign_id)
        if body.expected_revision is not None and current["revision"] != body.expected_revision:
            raise Conflict("campaign.revision_conflict", current=current["revision"])
        lifecycle.check_transition(current["status"], body.status)
        doc = {
            **current,
            "revision": current["revision"] + 1,
            "status": body.status.value,
            "updated_by": actor,
            "change": {
                "kind": "status",
                "by": actor,
                "reason": body.reason,
                "detail": {"from": current["status"], "to": body.status.value},
            },
        }
        # conditional on the revision read: a concurrent change makes this one fail, never both apply
        replaced = await db.campaigns.replace_one({"_id": key, "revision": current["revision"]}, doc, session=session)
        if replaced.matched_count != 1:
            raise Conflict("campaign.revision_conflict", current=current["revision"])
        await revisions.record(db, session, doc, current)
        _announce(uow, tenant, doc)
        return doc

    return _public(await uow.run(work))


async def replace_participants(
    uow: UnitOfWork, session: AsyncClientSession, tenant: str, mapping: dict[str, list[dict]], change: dict
) -> list[tuple[str, int]]:
    """Units were merged, split or renamed: in the caller's transaction, replace them among the
    participants of every campaign of the tenant that is not closed (see units.rules for how),
    each with a new revision, `change` and its event. Returns (campaign_id, revision) of each."""
    from ..units.rules import replace_participants as replaced

    query = {"tenant": tenant, "status": {"$ne": "closed"}, "participants.unit_id": {"$in": list(mapping)}}
    touched = []
    for current in await uow.db.campaigns.find(query, session=session).sort("_id", 1).to_list(None):
        participants = replaced(current["participants"], mapping)
        if participants is None:
            continue
        doc = {
            **current,
            "revision": current["revision"] + 1,
            "participants": participants,
            "updated_by": change.get("by", ""),
            "change": change,
        }
        updated = await uow.db.campaigns.replace_one(
            {"_id": current["_id"], "revision": current["revision"]}, doc, session=session
        )
        if updated.matched_count != 1:
            raise Conflict("campaign.revision_conflict", current=current["revision"])
        await revisions.record(uow.db, session, doc, current)
        _announce(uow, tenant, doc)
        touched.append((doc["campaign_id"], doc["revision"]))
    return touched


def _announce(uow: UnitOfWork, tenant: str, doc: dict) -> None:
    """Queue the campaign's new revision as campaign.defined, in the caller's transaction; once
    committed, the cached campaign is dropped: a submission validated from then on sees it."""
    event = new_event(
        type=CAMPAIGN_DEFINED, source=SOURCE, tenant=tenant, subject=doc["campaign_id"], data=_definition(doc)
    )
    key = campaign_key(tenant, doc["campaign_id"])
    uow.emit(event, key)
    uow.drop_campaigns(key)


def _definition(doc: dict) -> CampaignDefined:
    return CampaignDefined.model_validate({k: v for k, v in doc.items() if k not in ("_id", "tenant", "updated_by")})


def _public(doc: dict) -> CampaignPublic:
    return CampaignPublic.model_validate({k: v for k, v in doc.items() if k not in ("_id", "updated_by")})
