"""Register a unit for a campaign or change one of its targets, and queue the registration event
in the same transaction. Events go on the campaigns topic, keyed by campaign, so consumers see a
registration after the campaign revision it was made under."""

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts.campaign import CampaignDefined, Change
from thidua_common.contracts.registration import RegistrationChanged, Target, TargetChange
from thidua_common.contracts.registry import REGISTRATION_CHANGED
from thidua_common.errors import Conflict, FieldError, Invalid, NotFound, found

from ..campaigns import lifecycle
from ..campaigns import service as campaigns
from ..uow import UnitOfWork, store_revision
from . import rules
from .models import MIN_REASON, RegistrationPublic, RegistrationWrite, TargetPatch

SOURCE = "/thidua/intake/registrations"


def registration_key(tenant: str, campaign_id: str, unit_id: str) -> str:
    return f"{tenant}/{campaign_id}/{unit_id}"


async def get(db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str) -> RegistrationPublic | None:
    doc = await db.registrations.find_one({"_id": registration_key(tenant, campaign_id, unit_id)})
    return _public(doc) if doc else None


async def list_for(db: AsyncDatabase, tenant: str, campaign_id: str) -> list[RegistrationPublic]:
    cursor = db.registrations.find({"tenant": tenant, "campaign_id": campaign_id}).sort("unit_id", 1)
    return [_public(d) async for d in cursor]


async def put(
    uow: UnitOfWork,
    tenant: str,
    campaign_id: str,
    unit_id: str,
    body: RegistrationWrite,
    actor: str,
) -> tuple[RegistrationPublic, bool]:
    """Register, or replace the registration. Returns (registration, changed): an identical
    repeat changes nothing and emits nothing."""
    db, key = uow.db, registration_key(tenant, campaign_id, unit_id)
    titles = list(dict.fromkeys(body.titles))

    async def work(session: AsyncClientSession) -> tuple[dict, bool]:
        campaign = await _open_campaign(db, tenant, campaign_id, session)
        errors = _participant_errors(campaign, unit_id) + rules.check_targets(campaign, body.targets)
        current = await db.registrations.find_one({"_id": key}, session=session)
        _check_revision(current, body.expected_revision)
        changed: list[tuple[Target, float | None]] = []
        if current:
            changed, removed = rules.diff_targets(_targets(current), body.targets)
            errors += rules.removed_errors(removed)
            if changed and len(body.reason.strip()) < MIN_REASON:
                errors.append(FieldError("reason", "registration.reason_required", {"min": MIN_REASON}))
        if errors:
            raise Invalid("request.invalid", errors)
        if current and not changed and current["titles"] == titles:
            return current, False
        now = datetime.now(UTC)
        history = [TargetChange.model_validate(h) for h in current["history"]] if current else []
        history += [_history(t, old, body.reason.strip(), actor, now) for t, old in changed]
        if current:
            detail: dict[str, Any] = {"targets": [_detail(t, old) for t, old in changed]}
            if current["titles"] != titles:
                detail["titles"] = {"old": current["titles"], "new": titles}
            change = Change(kind="updated", by=actor, reason=body.reason, detail=detail)
        else:
            change = Change(
                kind="registered",
                by=actor,
                reason=body.reason,
                detail={"targets": len(body.targets), "titles": titles},
            )
        doc = _doc(tenant, campaign_id, unit_id, current, body.targets, titles, history, change, actor, now)
        await _save(uow, session, tenant, current, doc)
        return doc, True

    try:
        saved, changed = await uow.run(work)
    except DuplicateKeyError:
        # another first registration of the same unit committed in between
        raise Conflict("registration.revision_conflict", current=1) from None
    return _public(saved), changed


async def patch_target(
    uow: UnitOfWork,
    tenant: str,
    campaign_id: str,
    unit_id: str,
    body: TargetPatch,
    actor: str,
) -> tuple[RegistrationPublic, bool]:
    """Change (or add) one target of a registration, keeping the old value and the reason in the
    history. Returns (registration, changed): the same value again changes nothing."""
    db, key = uow.db, registration_key(tenant, campaign_id, unit_id)
    target = Target(criterion_id=body.criterion_id, period=body.period, value=body.value)

    async def work(session: AsyncClientSession) -> tuple[dict, bool]:
        campaign = await _open_campaign(db, tenant, campaign_id, session)
        errors = _participant_errors(campaign, unit_id) + rules.check_target(campaign, target)
        if errors:
            raise Invalid("request.invalid", errors)
        current = await db.registrations.find_one({"_id": key}, session=session)
        if current is None:
            raise NotFound("registration.unknown", unit=unit_id, campaign=campaign_id)
        _check_revision(current, body.expected_revision)
        targets = _targets(current)
        old = next((t.value for t in targets if rules.key_of(t) == rules.key_of(target)), None)
        if old == target.value:
            return current, False
        if old is None:
            targets.append(target)
        else:
            targets = [target if rules.key_of(t) == rules.key_of(target) else t for t in targets]
        now = datetime.now(UTC)
        history = [TargetChange.model_validate(h) for h in current["history"]]
        history.append(_history(target, old, body.reason, actor, now))
        change = Change(kind="target", by=actor, reason=body.reason, detail=_detail(target, old))
        doc = _doc(tenant, campaign_id, unit_id, current, targets, current["titles"], history, change, actor, now)
        await _save(uow, session, tenant, current, doc)
        return doc, True

    saved, changed = await uow.run(work)
    return _public(saved), changed


async def _open_campaign(
    db: AsyncDatabase, tenant: str, campaign_id: str, session: AsyncClientSession
) -> CampaignDefined:
    campaign = found(await campaigns.definition(db, tenant, campaign_id, session), "campaign.unknown", id=campaign_id)
    lifecycle.check_open_for_registrations(campaign.status)
    return campaign


def _participant_errors(campaign: CampaignDefined, unit_id: str) -> list[FieldError]:
    if unit_id in {p.unit_id for p in campaign.participants}:
        return []
    return [FieldError("unit_id", "unit.unknown", {"id": unit_id})]


def _check_revision(current: dict | None, expected: int | None) -> None:
    if expected is not None and (current["revision"] if current else 0) != expected:
        raise Conflict("registration.revision_conflict", current=current["revision"] if current else 0)


def _targets(doc: dict) -> list[Target]:
    return [Target.model_validate(t) for t in doc["targets"]]


def _history(target: Target, old: float | None, reason: str, actor: str, at: datetime) -> TargetChange:
    return TargetChange(
        criterion_id=target.criterion_id,
        period=target.period,
        old=old,
        new=target.value,
        reason=reason,
        by=actor,
        at=at,
    )


def _detail(target: Target, old: float | None) -> dict[str, Any]:
    return {"criterion_id": target.criterion_id, "period": target.period, "old": old, "new": target.value}


def _doc(
    tenant: str,
    campaign_id: str,
    unit_id: str,
    current: dict | None,
    targets: list[Target],
    titles: list[str],
    history: list[TargetChange],
    change: Change,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    payload = RegistrationChanged(
        campaign_id=campaign_id,
        unit_id=unit_id,
        revision=current["revision"] + 1 if current else 1,
        targets=targets,
        titles=titles,
        history=history,
        change=change,
    )
    return {
        "_id": registration_key(tenant, campaign_id, unit_id),
        "tenant": tenant,
        **payload.model_dump(mode="json"),
        "created_at": current["created_at"] if current else now.isoformat(),
        "updated_at": now.isoformat(),
        "updated_by": actor,
    }


async def _save(
    uow: UnitOfWork, session: AsyncClientSession, tenant: str, current: dict | None, doc: dict[str, Any]
) -> None:
    db = uow.db
    read = None if current is None else current["revision"]
    await store_revision(db.registrations, doc, read, session, "registration.revision_conflict")
    payload = RegistrationChanged.model_validate({k: doc[k] for k in RegistrationChanged.model_fields})
    event = campaigns.campaign_event(REGISTRATION_CHANGED, SOURCE, tenant, payload, doc["campaign_id"], doc["unit_id"])
    uow.emit(event, campaigns.campaign_key(tenant, doc["campaign_id"]))


def _public(doc: dict) -> RegistrationPublic:
    return RegistrationPublic.model_validate({k: v for k, v in doc.items() if k != "_id"})
