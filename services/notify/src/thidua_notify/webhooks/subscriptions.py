"""Per-tenant webhook subscriptions in notify's database (collection webhook_subscriptions):
{_id, tenant, url, kinds (event types; "*" for every type notify handles), secret, active}.
Written by the admin CLI (python -m thidua_notify.webhooks.admin) or a config file it loads."""

import hashlib

from pymongo.asynchronous.database import AsyncDatabase


def subscription_id(tenant: str, url: str) -> str:
    return f"{tenant}/{hashlib.sha256(url.encode()).hexdigest()[:16]}"


async def save(db: AsyncDatabase, tenant: str, url: str, kinds: list[str], secret: str, active: bool = True) -> str:
    if not secret or len(secret) < 16:
        raise ValueError("secret: at least 16 characters / khóa bí mật: ít nhất 16 ký tự")
    if not kinds:
        raise ValueError("kinds: at least one event type / kinds: ít nhất một loại sự kiện")
    sub_id = subscription_id(tenant, url)
    await db.webhook_subscriptions.update_one(
        {"_id": sub_id},
        {"$set": {"tenant": tenant, "url": url, "kinds": sorted(set(kinds)), "secret": secret, "active": active}},
        upsert=True,
    )
    return sub_id


async def matching(db: AsyncDatabase, tenant: str, event_type: str) -> list[dict]:
    found = await db.webhook_subscriptions.find({"tenant": tenant, "active": True}).to_list(None)
    return [s for s in found if event_type in s["kinds"] or "*" in s["kinds"]]
