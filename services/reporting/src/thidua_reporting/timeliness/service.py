"""Reads the figures' inputs from reporting's own projections: the campaign (its period deadlines),
the period scores (when each unit reported), the inbox's submission notifications (arrival and
first decision of each submission) and the deadline steps intake's ladder fired."""

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.errors import NotFound
from thidua_common.i18n.format import VN_TZ

from ..inbox.render import RECEIVED, REVIEWED
from . import figures


async def campaign_timeliness(db: AsyncDatabase, tenant: str, campaign_id: str) -> dict[str, Any]:
    campaign = await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"})
    if campaign is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    submitted = {
        (d["unit_id"], d["period"]): d.get("submitted_at")
        async for d in db.period_scores.find(
            {"tenant": tenant, "campaign_id": campaign_id}, {"unit_id": 1, "period": 1, "submitted_at": 1}
        )
        if d.get("submitted_at")
    }
    units, clusters = figures.reports(campaign, submitted, today)
    arrivals: dict[str, Any] = {}
    decisions: dict[str, Any] = {}
    query = {"tenant": tenant, "campaign_id": campaign_id, "kind": {"$in": [RECEIVED, REVIEWED]}}
    async for n in db.notifications.find(query, {"kind": 1, "submission_id": 1, "created_at": 1}).sort("created_at", 1):
        target = arrivals if n["kind"] == RECEIVED else decisions
        target.setdefault(n["submission_id"], n["created_at"])
    steps = await db.deadline_steps.find({"tenant": tenant, "campaign_id": campaign_id}).to_list(None)
    escalated_reviews = {
        (s["unit_id"], s["period"]) for s in steps if s["subject"] == "review" and s["kind"] == "deadline.escalated"
    }
    by_submission = {
        n["submission_id"]: (n["unit_id"], n["period"])
        async for n in db.notifications.find(
            {"tenant": tenant, "campaign_id": campaign_id, "kind": RECEIVED},
            {"submission_id": 1, "unit_id": 1, "period": 1},
        )
    }
    escalated = {sid for sid, key in by_submission.items() if key in escalated_reviews}
    return {
        "campaign_id": campaign_id,
        "as_of": today.isoformat(),
        "periods": [
            {"period": pd["period"], "due_on": str(pd["due_on"])} for pd in campaign.get("period_deadlines", [])
        ],
        "units": units,
        "clusters": clusters,
        "reviews": figures.reviews(arrivals, decisions, today, campaign.get("review_due_working_days"), escalated),
        "escalations": figures.escalations(steps),
    }
