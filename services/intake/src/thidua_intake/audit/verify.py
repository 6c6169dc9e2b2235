"""Walk every tenant's chain in the intake database."""

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from .chain import Break, verify


async def verify_db(db: AsyncDatabase, tenant: str | None = None) -> tuple[list[Break], dict[str, int]]:
    """Returns (the first break of each broken chain, records checked per tenant)."""
    heads = {h["_id"]: h["seq"] async for h in db.audit_head.find({} if tenant is None else {"_id": tenant})}
    tenants = set(heads) | set(await db.audit.distinct("tenant", {} if tenant is None else {"tenant": tenant}))
    breaks, counts = [], {}
    for name in sorted(tenants):
        docs = [d async for d in db.audit.find({"tenant": name}).sort("seq", ASCENDING)]
        counts[name] = len(docs)
        found = verify(docs, name, heads.get(name, 0))
        if found:
            breaks.append(found)
    return breaks, counts
