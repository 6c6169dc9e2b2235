"""Reading the caller's inbox and marking it read. Everything is scoped by tenant and by the
caller's audience tags (.addressing.caller_tags): nobody reads, or marks, another's notifications.
Read marks are each person's own (`read_by` holds subjects): one reporter reading a return does
not hide it from the unit's leader."""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.errors import FieldError, Invalid

from .render import Names, render

MAX_READ_IDS = 500


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def encode_cursor(doc: dict[str, Any]) -> str:
    raw = json.dumps([_aware(doc["created_at"]).isoformat(), doc["_id"]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, key = json.loads(raw)
        if not isinstance(key, str) or not isinstance(created, str):
            raise ValueError(cursor)
        return _aware(datetime.fromisoformat(created)), key
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise Invalid("request.invalid", [FieldError("after", "inbox.cursor_invalid")]) from None


def _mine(tenant: str, tags: list[str]) -> dict[str, Any]:
    return {"tenant": tenant, "audience": {"$in": tags}}


async def unread_count(db: AsyncDatabase, tenant: str, tags: list[str], subject: str) -> int:
    if not tags:
        return 0
    return await db.notifications.count_documents({**_mine(tenant, tags), "read_by": {"$ne": subject}})


async def inbox(
    db: AsyncDatabase,
    tenant: str,
    tags: list[str],
    subject: str,
    *,
    unread_only: bool,
    limit: int,
    after: str | None,
    lang: str,
) -> dict[str, Any]:
    """The caller's notifications, newest first, `limit` at a time; `next` continues after the last."""
    query: dict[str, Any] = _mine(tenant, tags)
    if unread_only:
        query["read_by"] = {"$ne": subject}
    if after:
        created, key = decode_cursor(after)
        query["$or"] = [{"created_at": {"$lt": created}}, {"created_at": created, "_id": {"$lt": key}}]
    docs = []
    if tags:
        cursor = db.notifications.find(query).sort([("created_at", -1), ("_id", -1)]).limit(limit + 1)
        docs = await cursor.to_list()
    more = len(docs) > limit
    docs = docs[:limit]
    names = await _names(db, tenant, docs, lang)
    return {
        "items": [_item(doc, names, subject, lang) for doc in docs],
        "unread": await unread_count(db, tenant, tags, subject),
        "next": encode_cursor(docs[-1]) if more else None,
    }


async def mark_read(
    db: AsyncDatabase, tenant: str, tags: list[str], subject: str, ids: list[str] | None, everything: bool
) -> int:
    """Mark the caller's own notifications read (ids that are not the caller's are left alone, and
    not told apart from unknown ones); returns what is still unread."""
    if tags:
        query: dict[str, Any] = {**_mine(tenant, tags), "read_by": {"$ne": subject}}
        if not everything:
            query["_id"] = {"$in": [f"{tenant}/{i}" for i in ids or []]}
        await db.notifications.update_many(query, {"$addToSet": {"read_by": subject}})
    return await unread_count(db, tenant, tags, subject)


def _item(doc: dict[str, Any], names: dict[str, Names], subject: str, lang: str) -> dict[str, Any]:
    created = _aware(doc["created_at"])
    title, body = render({**doc, "created_at": created}, names[doc["_id"]], lang)
    return {
        "id": doc["event_id"],
        "kind": doc["kind"],
        "title": title,
        "body": body,
        "campaign_id": doc["campaign_id"],
        "unit_id": doc["unit_id"],
        "period": doc["period"],
        "submission_id": doc.get("submission_id"),
        "nomination_id": doc.get("nomination_id"),  # issue 11: nomnotice — links to the nomination
        "created_at": created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "read": subject in doc.get("read_by", []),
    }


def _name(doc: dict[str, Any], lang: str) -> str:
    return (doc.get("name_en") if lang == "en" else None) or doc.get("name_vi") or ""


def _criteria_names(nodes: list[dict[str, Any]], lang: str, out: dict[str, str]) -> dict[str, str]:
    for node in nodes:
        out[node["id"]] = _name(node, lang) or node["id"]
        _criteria_names(node.get("children", []), lang, out)
    return out


async def _names(db: AsyncDatabase, tenant: str, docs: list[dict[str, Any]], lang: str) -> dict[str, Names]:
    """Names of the campaigns, units and criteria the page mentions, as the read model has them now."""
    keys = sorted({f"{tenant}/{d['campaign_id']}" for d in docs if d.get("campaign_id")})
    campaigns = {c["campaign_id"]: c async for c in db.campaigns.find({"_id": {"$in": keys}})} if keys else {}
    units = {p["unit_id"]: p["name_vi"] for c in campaigns.values() for p in c.get("participants", [])}
    # issue 13: reports — a board notification (drafts ready) names no unit
    missing = sorted({d["unit_id"] for d in docs if d.get("unit_id")} - units.keys())
    if missing:  # a unit that left its campaign (merged away) keeps its name in the unit registry
        async for u in db.units.find({"_id": {"$in": [f"{tenant}/{m}" for m in missing]}}):
            units[u["unit_id"]] = u.get("name_vi") or u["unit_id"]
    missing = sorted({d["unit_id"] for d in docs if d.get("unit_id")} - units.keys())
    if missing:  # issue 11: nomnotice — a nomination names no campaign: any campaign listing the unit
        query = {"tenant": tenant, "participants.unit_id": {"$in": missing}}
        async for c in db.campaigns.find(query, {"participants": 1}):
            for p in c.get("participants", []):
                if p["unit_id"] in missing:
                    units.setdefault(p["unit_id"], p.get("name_vi") or p["unit_id"])
    criteria = {cid: _criteria_names(c.get("criteria", []), lang, {}) for cid, c in campaigns.items()}
    out = {}
    for d in docs:
        campaign = campaigns.get(d["campaign_id"])
        out[d["_id"]] = Names(
            campaign=(_name(campaign, lang) if campaign else "") or d["campaign_id"] or "",
            unit=units.get(d["unit_id"], d["unit_id"]) or "",
            criteria=criteria.get(d["campaign_id"], {}),
        )
    return out
