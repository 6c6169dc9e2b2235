"""Projecting award.decision.issued: one document per decision (replaced by the same event
redelivered, so the projection is idempotent), read by the papers and certificates."""

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.award_papers import AwardDecisionIssued


def decision_key(tenant: str, decision_id: str) -> str:
    return f"{tenant}/{decision_id}"


async def setup(db: AsyncDatabase) -> None:
    await db.award_decisions.create_index([("tenant", 1), ("year", 1)])


async def on_decision_issued(db: AsyncDatabase, envelope: Envelope, issued: AwardDecisionIssued) -> None:
    doc = {
        "_id": decision_key(envelope.tenant, issued.decision_id),
        "tenant": envelope.tenant,
        "event_id": envelope.id,
        **issued.model_dump(mode="json"),
    }
    await db.award_decisions.replace_one({"_id": doc["_id"]}, doc, upsert=True)
