from collections import defaultdict
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.http import ApiError
from thidua_common.i18n import format_datetime, format_number, format_period

from .models import CampaignSummary, CriterionLine, LeaderboardPublic, PeriodCard, ScorecardPublic, StandingPublic
from .ranking import Standing, rank


def _name(doc: dict, lang: str) -> str:
    return (doc.get("name_en") if lang == "en" else None) or doc["name_vi"]


async def _campaign(db: AsyncDatabase, tenant: str, campaign_id: str) -> dict:
    doc = await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"})
    if doc is None:
        raise ApiError(404, "campaign.unknown", id=campaign_id)
    return doc


async def campaigns(db: AsyncDatabase, tenant: str, lang: str) -> list[CampaignSummary]:
    out = []
    async for doc in db.campaigns.find({"tenant": tenant}).sort("start", 1):
        out.append(
            CampaignSummary(
                campaign_id=doc["campaign_id"],
                name=_name(doc, lang),
                start=doc["start"],
                end=doc["end"],
                reporting_frequency=doc["reporting_frequency"],
                participants=len(doc["participants"]),
                clusters=[{"id": c["id"], "name": _name(c, lang)} for c in doc["clusters"]],
            )
        )
    return out


async def leaderboard(
    db: AsyncDatabase, tenant: str, campaign_id: str, period: str | None, cluster_id: str | None, lang: str
) -> LeaderboardPublic:
    campaign = await _campaign(db, tenant, campaign_id)
    clusters = {c["id"]: _name(c, lang) for c in campaign["clusters"]}
    if cluster_id and cluster_id not in clusters:
        raise ApiError(404, "cluster.unknown", id=cluster_id)
    query: dict = {"tenant": tenant, "campaign_id": campaign_id}
    if period:
        query["period"] = period
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    max_per_period = sum(c["max_points"] for c in campaign["criteria"])
    async for doc in db.period_scores.find(query, {"unit_id": 1, "total": 1}):
        totals[doc["unit_id"]] += doc["total"]
        counts[doc["unit_id"]] += 1
    participants = [p for p in campaign["participants"] if not cluster_id or p.get("cluster_id") == cluster_id]
    periods = max(counts.values(), default=1) if not period else 1
    rows = [
        Standing(
            unit_id=p["unit_id"],
            name=p["name_vi"],
            cluster_id=p.get("cluster_id"),
            total=round(totals.get(p["unit_id"], 0.0), 4),
            max_total=round(max_per_period * max(periods, 1), 4),
            periods_reported=counts.get(p["unit_id"], 0),
        )
        for p in participants
    ]
    return LeaderboardPublic(
        campaign_id=campaign_id,
        campaign_name=_name(campaign, lang),
        period=period,
        period_label=format_period(period, lang) if period else None,
        cluster_id=cluster_id,
        generated_at=format_datetime(datetime.now(UTC), lang),
        standings=[
            StandingPublic(
                rank=s.rank,
                unit_id=s.unit_id,
                unit_name=s.name,
                cluster_id=s.cluster_id,
                cluster_name=clusters.get(s.cluster_id) if s.cluster_id else None,
                total=s.total,
                total_display=format_number(s.total, 2, lang),
                max_total=s.max_total,
                periods_reported=s.periods_reported,
                reported=s.periods_reported > 0,
            )
            for s in rank(rows)
        ],
    )


async def scorecard(db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str, lang: str) -> ScorecardPublic:
    campaign = await _campaign(db, tenant, campaign_id)
    unit = next((p for p in campaign["participants"] if p["unit_id"] == unit_id), None)
    if unit is None:
        raise ApiError(404, "unit.unknown", id=unit_id)
    names = {c["id"]: _name(c, lang) for c in campaign["criteria"]}
    cards = []
    async for doc in db.period_scores.find({"tenant": tenant, "campaign_id": campaign_id, "unit_id": unit_id}).sort(
        "period", 1
    ):
        cards.append(
            PeriodCard(
                period=doc["period"],
                period_label=format_period(doc["period"], lang),
                total=doc["total"],
                total_display=format_number(doc["total"], 2, lang),
                max_total=doc["max_total"],
                status=doc["status"],
                criteria_version=doc["criteria_version"],
                submission_id=doc["submission_id"],
                submitted_at=format_datetime(datetime.fromisoformat(doc["submitted_at"]), lang),
                criteria=[
                    CriterionLine(
                        criterion_id=c["criterion_id"],
                        criterion_name=names.get(c["criterion_id"], c["criterion_id"]),
                        value=c["value"],
                        target=c["target"],
                        points=c["points"],
                        max_points=c["max_points"],
                        formula=c["formula"],
                        explanation=c["explanation_en"] if lang == "en" else c["explanation_vi"],
                    )
                    for c in doc["criteria"]
                ],
            )
        )
    total = round(sum(c.total for c in cards), 4)
    return ScorecardPublic(
        campaign_id=campaign_id,
        campaign_name=_name(campaign, lang),
        unit_id=unit_id,
        unit_name=unit["name_vi"],
        total=total,
        total_display=format_number(total, 2, lang),
        periods=cards,
    )
