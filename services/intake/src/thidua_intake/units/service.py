"""The unit registry: every change writes the units and queues their unit.changed events, and
for merges, splits and renames updates the campaigns they take part in, all in one transaction."""

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import UNIT_CHANGED
from thidua_common.contracts.unit import UnitChanged
from thidua_common.errors import Conflict, NotFound
from thidua_common.mongo import given

from ..campaigns import service as campaigns
from ..uow import UnitOfWork, store_revision
from . import rules
from .models import (
    CampaignTouched,
    UnitChangeResult,
    UnitLineage,
    UnitMerge,
    UnitPublic,
    UnitRename,
    UnitSplit,
    UnitWrite,
)

SOURCE = "/thidua/intake/units"
LINEAGE_LIMIT = 2000


def unit_key(tenant: str, unit_id: str) -> str:
    return f"{tenant}/{unit_id}"


# -- reading ----------------------------------------------------------------------------------
async def get(db: AsyncDatabase, tenant: str, unit_id: str) -> UnitPublic | None:
    doc = await db.units.find_one({"_id": unit_key(tenant, unit_id)})
    return _public(doc) if doc else None


async def list_units(
    db: AsyncDatabase, tenant: str, unit_type: str | None = None, parent: str | None = None, status: str | None = None
) -> list[UnitPublic]:
    query = given(
        {"tenant": tenant, "unit_type": unit_type or None, "parent_id": parent or None, "status": status or None}
    )
    return [_public(d) async for d in db.units.find(query).sort("unit_id", 1)]


async def lineage(db: AsyncDatabase, tenant: str, unit_id: str) -> UnitLineage | None:
    start = await db.units.find_one({"_id": unit_key(tenant, unit_id)})
    if start is None:
        return None
    units = {unit_id: start}
    frontier = _neighbours(start)
    while frontier and len(units) < LINEAGE_LIMIT:
        loaded = await _load(db, None, tenant, frontier)
        units.update(loaded)
        frontier = {n for doc in loaded.values() for n in _neighbours(doc)} - set(units)
    walked = rules.lineage(units, unit_id)
    return UnitLineage.model_validate({"unit": _public(start), **walked})


def _neighbours(doc: dict) -> set[str]:
    return set(doc.get("predecessors") or []) | set(doc.get("successors") or [])


# -- changing ---------------------------------------------------------------------------------
async def put(
    uow: UnitOfWork,
    tenant: str,
    unit_id: str,
    body: UnitWrite,
    actor: str,
) -> UnitPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        current = await _one(db, session, tenant, unit_id)
        parent = await _one(db, session, tenant, body.parent_id) if body.parent_id else None
        parent_of = await _chain(db, session, tenant, body.parent_id) if parent else {}
        doc = rules.plan_put(unit_id, current, body, parent, parent_of, actor)
        if doc is None:
            assert current is not None  # only an existing unit can be left unchanged
            return current
        return await _write(uow, session, tenant, doc)

    return _public(await uow.run(work))


async def rename(
    uow: UnitOfWork,
    tenant: str,
    unit_id: str,
    body: UnitRename,
    actor: str,
) -> UnitChangeResult:
    db = uow.db

    async def work(session: AsyncClientSession) -> UnitChangeResult:
        current = await _existing(db, session, tenant, unit_id)
        doc = await _write(uow, session, tenant, rules.plan_rename(current, body, actor))
        change = rules.change("units_renamed", actor, body.reason, **doc["change"]["detail"], unit_id=unit_id)
        mapping = {unit_id: [{"unit_id": unit_id, "name_vi": doc["name_vi"]}]}
        touched = await campaigns.replace_participants(uow, session, tenant, mapping, change)
        return _result(doc, [doc], touched)

    return await uow.run(work)


async def merge(uow: UnitOfWork, tenant: str, body: UnitMerge, actor: str) -> UnitChangeResult:
    db = uow.db

    async def work(session: AsyncClientSession) -> UnitChangeResult:
        sources = await _load(db, session, tenant, body.sources)
        into_id = body.into.unit_id
        into_current = sources.get(into_id) or await _one(db, session, tenant, into_id)
        parent_id = rules.merge_parent(body, sources)
        parent = await _one(db, session, tenant, parent_id) if parent_id else None
        parent_of = await _chain(db, session, tenant, parent_id) if parent else {}
        children = await db.units.find(
            {"tenant": tenant, "parent_id": {"$in": list(sources)}}, session=session
        ).to_list(None)
        successor, written, mapping = rules.plan_merge(body, sources, into_current, parent, parent_of, children, actor)
        stored = [await _write(uow, session, tenant, doc) for doc in written]
        change = rules.change("units_merged", actor, body.reason, **successor["change"]["detail"])
        change["detail"].pop("previous_valid_from", None)
        touched = await campaigns.replace_participants(uow, session, tenant, mapping, change)
        return _result(next(d for d in stored if d["unit_id"] == successor["unit_id"]), stored, touched)

    return await uow.run(work)


async def split(
    uow: UnitOfWork,
    tenant: str,
    unit_id: str,
    body: UnitSplit,
    actor: str,
) -> UnitChangeResult:
    db = uow.db

    async def work(session: AsyncClientSession) -> UnitChangeResult:
        source = await _existing(db, session, tenant, unit_id)
        existing = await _load(db, session, tenant, [t.unit_id for t in body.into])
        parent_ids = {p for t in body.into if (p := rules.split_parent(source, t))}
        parents = await _load(db, session, tenant, parent_ids)
        ended, written, mapping = rules.plan_split(source, body, existing, parents, actor)
        stored = [await _write(uow, session, tenant, doc) for doc in written]
        change = rules.change("units_split", actor, body.reason, **ended["change"]["detail"])
        touched = await campaigns.replace_participants(uow, session, tenant, mapping, change)
        return _result(stored[0], stored, touched)

    return await uow.run(work)


# -- storage ----------------------------------------------------------------------------------
async def _one(db: AsyncDatabase, session: AsyncClientSession | None, tenant: str, unit_id: str) -> dict | None:
    return await db.units.find_one({"_id": unit_key(tenant, unit_id)}, session=session)


async def _existing(db: AsyncDatabase, session: AsyncClientSession, tenant: str, unit_id: str) -> dict:
    doc = await _one(db, session, tenant, unit_id)
    if doc is None:
        raise NotFound("unit.not_found", id=unit_id)
    return doc


async def _load(db: AsyncDatabase, session: AsyncClientSession | None, tenant: str, ids) -> dict[str, dict]:
    keys = [unit_key(tenant, i) for i in ids]
    if not keys:
        return {}
    return {d["unit_id"]: d async for d in db.units.find({"_id": {"$in": keys}}, session=session)}


async def _chain(
    db: AsyncDatabase, session: AsyncClientSession, tenant: str, start: str | None
) -> dict[str, str | None]:
    """unit → parent along the chain from `start` up to its root (or a loop)."""
    parent_of: dict[str, str | None] = {}
    current: str | None = start
    for _ in range(rules.MAX_DEPTH):
        if current is None or current in parent_of:
            break
        doc = await _one(db, session, tenant, current)
        if doc is None:
            break
        parent_of[current] = doc.get("parent_id")
        current = doc.get("parent_id")
    return parent_of


async def _write(uow: UnitOfWork, session: AsyncClientSession, tenant: str, doc: dict) -> dict:
    """Store a unit revision (conditional on the revision it was planned from), queue its event
    and return what was stored. (A campaign whose participants change is dropped from the cache
    by campaigns.replace_participants.)"""
    db = uow.db
    payload = {k: v for k, v in doc.items() if k not in ("_id", "tenant")}
    event_data = UnitChanged.model_validate(payload)
    key = unit_key(tenant, doc["unit_id"])
    stored = {"_id": key, "tenant": tenant, **event_data.model_dump(mode="json")}
    read = None if doc["revision"] == 1 else doc["revision"] - 1
    try:
        await store_revision(db.units, stored, read, session, "unit.revision_conflict")
    except DuplicateKeyError:  # only an insert meets one: a first revision of an id already taken
        raise Conflict("unit.exists", id=doc["unit_id"]) from None
    event = new_event(type=UNIT_CHANGED, source=SOURCE, tenant=tenant, subject=doc["unit_id"], data=event_data)
    uow.emit(event, key)
    return stored


def _public(doc: dict) -> UnitPublic:
    return UnitPublic.model_validate({k: v for k, v in doc.items() if k != "_id"})


def _result(unit: dict, written: list[dict], touched: list[tuple[str, int]]) -> UnitChangeResult:
    return UnitChangeResult(
        unit=_public(unit),
        units=[_public(d) for d in written],
        campaigns=[CampaignTouched(campaign_id=c, revision=r) for c, r in touched],
    )
