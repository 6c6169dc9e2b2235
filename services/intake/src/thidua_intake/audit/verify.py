"""Walk every tenant's chain in the intake database (the CLI), or one tenant's within bounds (the API)."""

import time

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from .chain import Break, ChainWalk, verify


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


async def verify_tenant(
    db: AsyncDatabase, tenant: str, max_records: int, max_seconds: float, clock=time.monotonic
) -> tuple[Break | None, int, int, bool]:
    """One tenant's chain, streamed in seq order and bounded: (the first break or None, records
    checked, the head's seq, whether the whole chain was walked). A walk stopped by a bound says
    nothing about the records it did not reach."""
    head = await db.audit_head.find_one({"_id": tenant})
    head_seq = int(head["seq"]) if head else 0
    walk = ChainWalk(tenant)
    deadline = clock() + max_seconds
    async for doc in db.audit.find({"tenant": tenant}, {"_id": 0}).sort("seq", ASCENDING):
        if walk.checked >= max_records or clock() > deadline:
            return None, walk.checked, head_seq, False
        found = walk.step(doc)
        if found:
            return found, walk.checked, head_seq, True
    return walk.finish(head_seq), walk.checked, head_seq, True
