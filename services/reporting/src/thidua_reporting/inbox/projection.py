"""Projecting submission steps and verified scores into `notifications`: one document per event
(`_id` tenant/event id), inserted once, so a redelivered event adds nothing and keeps the read
marks. The document holds the facts and the audience tags (.addressing), never rendered text
(.render renders at query time, in the reader's language)."""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.review import AppealDecided, SubmissionAppealed, SubmissionReopened, SubmissionReviewed
from thidua_common.contracts.score import ScoreComputed, ScoreStatus
from thidua_common.contracts.submission import SubmissionReceived

from . import addressing
from .render import APPEAL_DECIDED, APPEALED, RECEIVED, REOPENED, REVIEWED, VERIFIED


async def setup(db: AsyncDatabase) -> None:
    # the caller's notifications, newest first (audience is an array: a multikey index)
    await db.notifications.create_index([("tenant", 1), ("audience", 1), ("created_at", -1), ("_id", -1)])
    # those waiting for their campaign to be addressed (see `readdress`)
    await db.notifications.create_index([("tenant", 1), ("campaign_id", 1), ("deferred", 1)])


async def _campaign(db: AsyncDatabase, tenant: str, campaign_id: str) -> dict[str, Any] | None:
    return await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"}, {"participants": 1, "clusters": 1})


async def _insert(
    db: AsyncDatabase,
    envelope: Envelope,
    kind: str,
    step: Any,
    audience: list[str] | None,
    at: datetime,
    **facts: Any,
) -> None:
    """`audience` None: who it is for depends on the campaign, which has not reached reporting yet
    (another topic, no order between them): stored as deferred and addressed when it arrives."""
    doc = {
        "_id": f"{envelope.tenant}/{envelope.id}",
        "event_id": envelope.id,
        "tenant": envelope.tenant,
        "kind": kind,
        "audience": audience or [],
        **({"deferred": True} if audience is None else {}),
        "campaign_id": step.campaign_id,
        "unit_id": step.unit_id,
        "period": step.period,
        "submission_id": step.submission_id,
        "created_at": at,
        "facts": facts,
        "read_by": [],  # subjects who read it: read marks are each person's own
    }
    try:
        await db.notifications.insert_one(doc)
    except DuplicateKeyError:
        pass  # a redelivered event: told once, read marks kept
    if audience is None:
        # the campaign may have arrived since it was looked up: written first, checked after, so
        # either this or the campaign's own readdress sees the other
        await readdress(db, envelope.tenant, step.campaign_id)


def _audience(doc: dict[str, Any], campaign: dict[str, Any]) -> list[str]:
    if doc["kind"] == APPEALED:
        return addressing.appeal_audience(doc["facts"]["to_level"], campaign, doc["unit_id"], doc["period"])
    return addressing.new_submission_audience(campaign, doc["unit_id"], doc["period"])


async def readdress(db: AsyncDatabase, tenant: str, campaign_id: str) -> int:
    """Address the notifications that waited for their campaign, now that reporting holds it (the
    projector calls this for every campaign event). Returns how many were addressed."""
    campaign = await _campaign(db, tenant, campaign_id)
    if campaign is None:
        return 0
    done = 0
    async for doc in db.notifications.find({"tenant": tenant, "campaign_id": campaign_id, "deferred": True}):
        await db.notifications.update_one(
            {"_id": doc["_id"], "deferred": True},
            {"$set": {"audience": _audience(doc, campaign)}, "$unset": {"deferred": ""}},
        )
        done += 1
    return done


async def on_received(db: AsyncDatabase, envelope: Envelope, sub: SubmissionReceived) -> None:
    campaign = await _campaign(db, envelope.tenant, sub.campaign_id)
    audience = addressing.new_submission_audience(campaign, sub.unit_id, sub.period) if campaign else None
    await _insert(db, envelope, RECEIVED, sub, audience, sub.submitted_at)


async def on_reviewed(db: AsyncDatabase, envelope: Envelope, review: SubmissionReviewed) -> None:
    await _insert(
        db,
        envelope,
        REVIEWED,
        review,
        [addressing.unit_tag(review.unit_id)],
        review.at,
        decision=review.decision.value,
        level=review.level.value,
        reason=review.reason,
        reasons=review.reasons,
    )


async def on_appealed(db: AsyncDatabase, envelope: Envelope, appeal: SubmissionAppealed) -> None:
    campaign = await _campaign(db, envelope.tenant, appeal.campaign_id)
    audience: list[str] | None = addressing.appeal_audience(
        appeal.to_level.value, campaign, appeal.unit_id, appeal.period
    )
    if campaign is None and appeal.to_level.value not in ("board", "chair"):
        audience = None  # a cluster's leads: known once the campaign is
    await _insert(
        db,
        envelope,
        APPEALED,
        appeal,
        audience,
        appeal.at,
        against=appeal.against.value,
        from_level=appeal.from_level.value,
        to_level=appeal.to_level.value,
        reason=appeal.reason,
    )


async def on_appeal_decided(db: AsyncDatabase, envelope: Envelope, decided: AppealDecided) -> None:
    await _insert(
        db,
        envelope,
        APPEAL_DECIDED,
        decided,
        [addressing.unit_tag(decided.unit_id)],
        decided.at,
        outcome=decided.outcome.value,
        decision=decided.decision.value,
        level=decided.level.value,
        reason=decided.reason,
    )


async def on_reopened(db: AsyncDatabase, envelope: Envelope, reopened: SubmissionReopened) -> None:
    await _insert(
        db,
        envelope,
        REOPENED,
        reopened,
        [addressing.unit_tag(reopened.unit_id)],
        reopened.at,
        level=reopened.level.value,
        approved_level=reopened.approved_level.value,
        reason=reopened.reason,
    )


async def on_score(db: AsyncDatabase, envelope: Envelope, score: ScoreComputed) -> None:
    """A unit's verified score changed (approved, recomputed, or withdrawn). Provisional scores are
    not told here: they follow every report, and notify mails them."""
    if score.status != ScoreStatus.verified:
        return
    await _insert(
        db,
        envelope,
        VERIFIED,
        score,
        [addressing.unit_tag(score.unit_id)],
        score.computed_at,
        total=score.total,
        max_total=score.max_total,
        withdrawn=score.withdrawn,
    )
