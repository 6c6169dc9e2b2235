from collections import defaultdict
from datetime import UTC, date, datetime

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts.campaign import Criterion, MissingReports, leaves_of
from thidua_common.errors import NotFound
from thidua_common.i18n import format_datetime, format_number, format_period, t

from .basis import due_periods, unit_basis
from .lineage import inherited_periods, merge_sources
from .models import (
    CampaignSummary,
    CriterionLine,
    CriterionProgress,
    LeaderboardBasis,
    LeaderboardPublic,
    PeriodCard,
    ProgressPoint,
    ProgressPublic,
    ScorecardPublic,
    StandingPublic,
)
from .ranking import Standing, rank

TIE_RULE = {
    "vi": "Bằng điểm thì đồng hạng; hạng kế tiếp bỏ qua số đơn vị đồng hạng (1, 2, 2, 4). "
    "Đơn vị chưa báo cáo được tính 0 điểm và được đánh dấu.",
    "en": "Equal totals share a rank and the next rank skips (1, 2, 2, 4). Units that did not report count 0 "
    "and are flagged.",
}


def _name(doc: dict, lang: str) -> str:
    return (doc.get("name_en") if lang == "en" else None) or doc["name_vi"]


async def _campaign(db: AsyncDatabase, tenant: str, campaign_id: str) -> dict:
    doc = await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"})
    if doc is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    return doc


async def _units(db: AsyncDatabase, tenant: str) -> dict[str, dict]:
    return {d["unit_id"]: d async for d in db.units.find({"tenant": tenant})}


async def campaigns(db: AsyncDatabase, tenant: str, lang: str, unit_id: str | None = None) -> list[CampaignSummary]:
    """The tenant's campaigns; for a caller acting for a unit, whether that unit takes part in each
    (so a client lists "my campaigns" without fetching every participant list or leaderboard)."""
    return [
        CampaignSummary(
            campaign_id=doc["campaign_id"],
            name=_name(doc, lang),
            status=doc.get("status", "running"),
            start=doc["start"],
            end=doc["end"],
            reporting_frequency=doc["reporting_frequency"],
            participants=len(doc["participants"]),
            clusters=[{"id": c["id"], "name": _name(c, lang)} for c in doc["clusters"]],
            participating=None if unit_id is None else any(p["unit_id"] == unit_id for p in doc["participants"]),
        )
        async for doc in db.campaigns.find({"tenant": tenant}).sort("start", 1)
    ]


async def _period_totals(
    db, tenant, campaign_id, status, period, unit_ids
) -> tuple[dict[str, dict[str, float]], float | None]:
    """unit → period → total, and the maximum per period as scoring stated it in the newest
    criteria version's scores (None when nothing is scored yet)."""
    query: dict = {
        "tenant": tenant,
        "campaign_id": campaign_id,
        "status": status,
        "unit_id": {"$in": list(unit_ids)},
        "withdrawn": {"$ne": True},
    }
    if period:
        query["period"] = period
    out: dict[str, dict[str, float]] = defaultdict(dict)
    newest: tuple[int, float] | None = None
    projection = {"unit_id": 1, "period": 1, "total": 1, "max_total": 1, "criteria_version": 1}
    async for doc in db.period_scores.find(query, projection):
        out[doc["unit_id"]][doc["period"]] = doc["total"]
        stated = (doc.get("criteria_version", 0), doc.get("max_total", 0.0))
        newest = stated if newest is None or stated > newest else newest
    return out, (newest[1] if newest else None)


async def leaderboard(
    db: AsyncDatabase,
    tenant: str,
    campaign_id: str,
    period: str | None,
    cluster_id: str | None,
    status: str,
    lang: str,
    today: date | None = None,
) -> LeaderboardPublic:
    campaign = await _campaign(db, tenant, campaign_id)
    clusters = {c["id"]: _name(c, lang) for c in campaign["clusters"]}
    if cluster_id and cluster_id not in clusters:
        raise NotFound("cluster.unknown", id=cluster_id)
    units = await _units(db, tenant)
    participants = campaign["participants"]
    sources = {p["unit_id"]: merge_sources(p["unit_id"], units) for p in participants}
    wanted = {p["unit_id"] for p in participants} | {s for v in sources.values() for s in v}
    totals, stated_max = await _period_totals(db, tenant, campaign_id, status, period, wanted)
    # scoring states each score's maximum (it knows which criteria deduct): one fact, one place;
    # before any score, only the campaign's explicit cap is known
    max_per_period = stated_max if stated_max is not None else (campaign.get("max_total") or 0.0)
    missing = MissingReports(campaign.get("missing_reports", MissingReports.zero))
    today = today or datetime.now(UTC).date()
    scores: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
    for p in participants:
        own = totals.get(p["unit_id"], {})
        scores[p["unit_id"]] = own, inherited_periods(own, {s: totals.get(s, {}) for s in sources[p["unit_id"]]})
    if period:
        due = [period]  # one period's board: every unit was due to report it
    else:
        reported = {q for own, inherited in scores.values() for q in (*own, *inherited)}
        due = due_periods(
            date.fromisoformat(str(campaign["start"])),
            date.fromisoformat(str(campaign["end"])),
            campaign["reporting_frequency"],
            reported,
            today,
        )
    rows = []
    for p in participants:
        own, inherited = scores[p["unit_id"]]
        basis = unit_basis({**inherited, **own}, due, missing)
        rows.append(
            Standing(
                unit_id=p["unit_id"],
                name=p["name_vi"],
                cluster_id=p.get("cluster_id"),
                total=basis.total,
                max_total=0,
                periods_reported=len(basis.counted & own.keys()),
                inherited_periods=len(basis.counted - own.keys()),
                score=basis.score,
            )
        )
    ranked = rank(rows)
    if cluster_id:
        ranked = [r for r in ranked if r.cluster_id == cluster_id]
    return LeaderboardPublic(
        campaign_id=campaign_id,
        campaign_name=_name(campaign, lang),
        status=status,
        period=period,
        period_label=format_period(period, lang) if period else None,
        cluster_id=cluster_id,
        generated_at=format_datetime(datetime.now(UTC), lang),
        tie_rule=TIE_RULE[lang],
        basis=LeaderboardBasis(
            periods=due,
            period_labels=[format_period(q, lang) for q in due],
            missing_reports=missing.value,
            as_of=today.isoformat(),
            description=_basis_text(due, missing, bool(period), lang),
        ),
        standings=[
            StandingPublic(
                rank=s.cluster_rank if cluster_id else s.rank,
                cluster_rank=s.cluster_rank,
                unit_id=s.unit_id,
                unit_name=s.name,
                cluster_id=s.cluster_id,
                cluster_name=clusters.get(s.cluster_id) if s.cluster_id else None,
                total=s.total,
                total_display=format_number(s.total, 2, lang),
                max_total=round(max_per_period * max(len(due), 1), 4),
                periods_reported=s.periods_reported,
                inherited_periods=s.inherited_periods,
                reported=s.periods_reported + s.inherited_periods > 0,
                score=s.score,
                score_display=format_number(s.score, 2, lang),
                periods_due=len(due),
            )
            for s in ranked
        ],
    )


def _basis_text(due: list[str], missing: MissingReports, one_period: bool, lang: str) -> str:
    if one_period:
        return t("leaderboard.basis.period", lang, period=format_period(due[0], lang))
    if not due:
        return t("leaderboard.basis.none", lang)
    return t(
        f"leaderboard.basis.{missing.value}",
        lang,
        count=len(due),
        first=format_period(due[0], lang),
        last=format_period(due[-1], lang),
    )


def _lines(doc: dict, names: dict[str, str], lang: str) -> list[CriterionLine]:
    return [
        CriterionLine(
            criterion_id=c["criterion_id"],
            criterion_name=names.get(c["criterion_id"], c["criterion_id"]),
            parent_id=c.get("parent_id"),
            kind=c.get("kind", "leaf"),
            scorer=c.get("scorer"),
            value=c.get("value"),
            target=c.get("target"),
            target_source=c.get("target_source"),
            points=c["points"],
            max_points=c["max_points"],
            formula=c["formula"],
            inputs=c.get("inputs", {}),
            explanation=c["explanation_en"] if lang == "en" else c["explanation_vi"],
            deduction=c.get("deduction", False),
        )
        for c in doc["criteria"]
    ]


def _card(doc: dict, names: dict[str, str], lang: str) -> PeriodCard:
    cause = doc.get("cause") or {"kind": "submission", "detail_vi": "", "detail_en": ""}
    submitted = doc.get("submitted_at")
    return PeriodCard(
        period=doc["period"],
        period_label=format_period(doc["period"], lang),
        status=doc["status"],
        withdrawn=doc.get("withdrawn", False),
        total=doc["total"],
        total_display=format_number(doc["total"], 2, lang),
        max_total=doc["max_total"],
        revision=doc.get("revision", 1),
        criteria_version=doc["criteria_version"],
        submission_id=doc.get("submission_id"),
        submitted_at=format_datetime(datetime.fromisoformat(submitted), lang) if submitted else None,
        computed_at=format_datetime(datetime.fromisoformat(doc["computed_at"]), lang),
        cause=cause["detail_en"] if lang == "en" else cause["detail_vi"],
        cause_kind=cause["kind"],
        criteria=_lines(doc, names, lang),
    )


def _criteria_names(campaign: dict, lang: str) -> dict[str, str]:
    out = {}

    def walk(nodes):
        for n in nodes:
            out[n["id"]] = _name(n, lang)
            walk(n.get("children", []))

    walk(campaign["criteria"])
    return out


async def _participant(db, tenant, campaign, unit_id) -> dict:
    unit = next((p for p in campaign["participants"] if p["unit_id"] == unit_id), None)
    if unit is None:
        # a unit merged away keeps its history: look it up among the units we know
        known = await db.units.find_one({"_id": f"{tenant}/{unit_id}"})
        has_scores = await db.period_scores.find_one(
            {"tenant": tenant, "campaign_id": campaign["campaign_id"], "unit_id": unit_id}
        )
        if not (known or has_scores):
            raise NotFound("unit.unknown", id=unit_id)
        unit = {"unit_id": unit_id, "name_vi": (known or {}).get("name_vi", unit_id)}
    return unit


async def scorecard(
    db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str, status: str, lang: str
) -> ScorecardPublic:
    campaign = await _campaign(db, tenant, campaign_id)
    unit = await _participant(db, tenant, campaign, unit_id)
    names = _criteria_names(campaign, lang)
    query = {
        "tenant": tenant,
        "campaign_id": campaign_id,
        "unit_id": unit_id,
        "status": status,
        "withdrawn": {"$ne": True},
    }
    cards = [_card(doc, names, lang) async for doc in db.period_scores.find(query).sort("period", 1)]
    sources = merge_sources(unit_id, await _units(db, tenant))
    total = round(sum(c.total for c in cards), 4)
    return ScorecardPublic(
        campaign_id=campaign_id,
        campaign_name=_name(campaign, lang),
        unit_id=unit_id,
        unit_name=unit["name_vi"],
        status=status,
        total=total,
        total_display=format_number(total, 2, lang),
        periods=cards,
        inherited_from=sources,
    )


async def history(
    db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str, period: str | None, lang: str
) -> list[PeriodCard]:
    """Every score a unit was given, oldest first: earlier explanations stay readable."""
    campaign = await _campaign(db, tenant, campaign_id)
    await _participant(db, tenant, campaign, unit_id)
    names = _criteria_names(campaign, lang)
    query: dict = {"tenant": tenant, "campaign_id": campaign_id, "unit_id": unit_id}
    if period:
        query["period"] = period
    docs = [d async for d in db.score_history.find(query)]
    docs.sort(key=lambda d: (d["period"], d["status"], d.get("revision", 1)))
    return [_card(d, names, lang) for d in docs]


async def progress(db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str, lang: str) -> ProgressPublic:
    """Value against target, per leaf criterion and period (provisional scores)."""
    campaign = await _campaign(db, tenant, campaign_id)
    unit = await _participant(db, tenant, campaign, unit_id)
    leaves = leaves_of([Criterion.model_validate(c) for c in campaign["criteria"]])
    series: dict[str, list[ProgressPoint]] = {leaf.id: [] for leaf in leaves}
    query = {
        "tenant": tenant,
        "campaign_id": campaign_id,
        "unit_id": unit_id,
        "status": "provisional",
        "withdrawn": {"$ne": True},
    }
    async for doc in db.period_scores.find(query).sort("period", 1):
        for line in doc["criteria"]:
            if line["criterion_id"] not in series:
                continue
            value, target = line.get("value"), line.get("target")
            pct = round(100 * value / target, 2) if value is not None and target else None
            series[line["criterion_id"]].append(
                ProgressPoint(
                    period=doc["period"],
                    period_label=format_period(doc["period"], lang),
                    value=value,
                    target=target,
                    achieved_pct=pct,
                    points=line["points"],
                    max_points=line["max_points"],
                )
            )
    return ProgressPublic(
        campaign_id=campaign_id,
        unit_id=unit_id,
        unit_name=unit["name_vi"],
        criteria=[
            CriterionProgress(
                criterion_id=leaf.id,
                criterion_name=(leaf.name_en if lang == "en" and leaf.name_en else leaf.name_vi),
                unit_of_measure=leaf.unit_of_measure,
                direction=leaf.direction.value,
                series=series[leaf.id],
            )
            for leaf in leaves
        ],
    )
