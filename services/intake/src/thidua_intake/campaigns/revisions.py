"""Every saved revision of a campaign's definition, kept in `campaign_revisions` (issue 11).

A revision is written by `record`, inside the unit of work that writes the campaign itself: it
exists exactly when that change committed, and its id (tenant/campaign#revision) makes a second
write of the same revision a duplicate key instead of a second record.

Campaigns saved before the history was kept have none: their current revision counts as the only
known one. Reading synthesises it from the campaign (`history_from` says where the history starts);
the first change after that stores it (without its time, which was never kept) before the new one,
so what a reader was told stays true."""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.errors import NotFound

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# what a revision record keeps of the campaign document: the definition as GET /campaigns/{id} answers it
HIDDEN = ("_id", "updated_by")


def revision_id(tenant: str, campaign_id: str, revision: int) -> str:
    return f"{tenant}/{campaign_id}#{revision}"


async def setup(db: AsyncDatabase) -> None:
    """The index of the history's one query: a campaign's revisions, newest first."""
    await db.campaign_revisions.create_index(
        [("tenant", ASCENDING), ("campaign_id", ASCENDING), ("revision", DESCENDING)]
    )


def _record(doc: dict[str, Any], saved_at: str | None) -> dict[str, Any]:
    change = doc.get("change") or {}
    tenant, campaign_id, revision = doc["tenant"], doc["campaign_id"], doc["revision"]
    return {
        "_id": revision_id(tenant, campaign_id, revision),
        "tenant": tenant,
        "campaign_id": campaign_id,
        "revision": revision,
        "saved_at": saved_at,
        "saved_by": str(change.get("by") or doc.get("updated_by") or ""),
        "definition": {k: v for k, v in doc.items() if k not in HIDDEN},
    }


async def record(
    db: AsyncDatabase,
    session: AsyncClientSession | None,
    doc: dict[str, Any],
    previous: dict[str, Any] | None,
    now: datetime | None = None,
) -> None:
    """Keep `doc`, the campaign just written in `session`'s transaction; `previous` is the campaign
    it replaced (None: created). A previous revision saved before the history was kept is stored
    first, without a time: it was the campaign's only known revision until now."""
    if previous is not None:
        earlier = revision_id(previous["tenant"], previous["campaign_id"], previous["revision"])
        if await db.campaign_revisions.find_one({"_id": earlier}, {"_id": 1}, session=session) is None:
            await db.campaign_revisions.insert_one(_record(previous, None), session=session)
    saved_at = (now or datetime.now(UTC)).isoformat()
    await db.campaign_revisions.insert_one(_record(doc, saved_at), session=session)


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    definition = record["definition"]
    change = definition.get("change") or {}
    return {
        "revision": record["revision"],
        "saved_at": record.get("saved_at"),
        "saved_by": record.get("saved_by") or "",
        "kind": str(change.get("kind") or ""),
        "reason": str(change.get("reason") or ""),
        "detail": change.get("detail") or {},
        "status": definition.get("status"),
    }


def _key(tenant: str, campaign_id: str) -> dict[str, str]:
    return {"tenant": tenant, "campaign_id": campaign_id}


async def _campaign(db: AsyncDatabase, tenant: str, campaign_id: str) -> dict[str, Any]:
    doc = await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"})
    if doc is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    return doc


async def _edge(db: AsyncDatabase, tenant: str, campaign_id: str, order: int) -> int | None:
    """The lowest (order 1) or highest (order -1) revision stored for the campaign."""
    found = (
        await db.campaign_revisions.find(_key(tenant, campaign_id), {"revision": 1})
        .sort("revision", order)
        .limit(1)
        .to_list(1)
    )
    return found[0]["revision"] if found else None


async def _known(db: AsyncDatabase, tenant: str, campaign_id: str) -> tuple[dict[str, Any], int, int | None]:
    """(the campaign, the first revision of its history, the revision synthesised from the campaign:
    its current one when the history does not hold it yet, else None)."""
    campaign = await _campaign(db, tenant, campaign_id)
    first, last = await _edge(db, tenant, campaign_id, 1), await _edge(db, tenant, campaign_id, -1)
    current = campaign["revision"]
    synthesised = current if last is None or last < current else None
    return campaign, (first if first is not None else current), synthesised


async def page(
    db: AsyncDatabase, tenant: str, campaign_id: str, limit: int = DEFAULT_LIMIT, after: int | None = None
) -> dict[str, Any]:
    """A page of the campaign's revisions, newest first, each without its definition; `after` is
    the `next` of the previous page (the revisions older than it)."""
    campaign, history_from, synthesised = await _known(db, tenant, campaign_id)
    items: list[dict[str, Any]] = []
    if synthesised is not None and (after is None or synthesised < after):
        items.append(_summary(_record(campaign, None)))
    query: dict[str, Any] = _key(tenant, campaign_id)
    if after is not None:
        query["revision"] = {"$lt": after}
    stored = await db.campaign_revisions.find(query).sort("revision", -1).limit(limit + 1).to_list(limit + 1)
    items += [_summary(r) for r in stored]
    more = len(items) > limit
    items = items[:limit]
    return {
        "campaign_id": campaign_id,
        "current": campaign["revision"],
        "history_from": history_from,
        "items": items,
        "next": items[-1]["revision"] if more and items else None,
    }


async def one(db: AsyncDatabase, tenant: str, campaign_id: str, revision: int) -> dict[str, Any]:
    """The campaign's definition as saved at `revision`; NotFound when the history does not hold it."""
    stored = await db.campaign_revisions.find_one({"_id": revision_id(tenant, campaign_id, revision)})
    if stored is None:
        campaign, history_from, synthesised = await _known(db, tenant, campaign_id)
        if revision != synthesised:
            raise NotFound(
                "campaign.revision_unknown",
                id=campaign_id,
                revision=revision,
                first=history_from,
                last=campaign["revision"],
            )
        stored = _record(campaign, None)
    else:
        history_from = await _edge(db, tenant, campaign_id, 1) or revision
    return {**_summary(stored), "history_from": history_from, "definition": stored["definition"]}
