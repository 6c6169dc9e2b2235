"""Reading decisions and calibrations from reporting's own collections, rendering the papers."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts.award_papers import AwardDecisionIssued, Awardee
from thidua_common.errors import NotFound

from ..documents import store
from . import calibration as cal
from . import certificates, docx_papers, pdf
from .projection import decision_key

KINDS = {"to-trinh": docx_papers.submission_docx, "quyet-dinh": docx_papers.decision_docx}


async def decisions(db: AsyncDatabase, tenant: str, year: int | None = None) -> list[dict]:
    query: dict = {"tenant": tenant}
    if year:
        query["year"] = year
    docs = await db.award_decisions.find(query).sort([("decision_number.date", -1), ("decision_id", -1)]).to_list(500)
    return [_public(d) for d in docs]


def _public(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("_id", "event_id")}


async def decision(db: AsyncDatabase, tenant: str, decision_id: str) -> AwardDecisionIssued:
    doc = await db.award_decisions.find_one({"_id": decision_key(tenant, decision_id)})
    if doc is None:
        raise NotFound("award_papers.unknown_decision", id=decision_id)
    return AwardDecisionIssued.model_validate({k: v for k, v in doc.items() if k in AwardDecisionIssued.model_fields})


def series_of(decision_id: str, kind: str) -> str:
    return f"award-papers/{decision_id}/{kind}"


async def paper(db: AsyncDatabase, tenant: str, decision_id: str, kind: str, fmt: str, actor: str) -> bytes:
    """The paper's latest version in the documents toolkit's store (versioned, GridFS): rendered
    and stored as version 1 on the first request (a decision never changes; a clerk's edited DOCX
    uploaded as a new version is what is served after); its PDF converted once and kept."""
    d = await decision(db, tenant, decision_id)  # 404 before anything is stored
    series = series_of(decision_id, kind)
    latest = (await store.listing(db, tenant, series=series))[:1]
    if latest:
        record = latest[0]
    else:
        record = await store.save(
            db,
            tenant=tenant,
            kind=f"award_papers.{kind}",
            series=series,
            filename=f"{kind}-{decision_id}.docx",
            content=KINDS[kind](d),
            created_by=actor,
            campaign_id=d.campaign_id,
            extra={"decision_id": decision_id},
        )
    docx = await store.content(db, record["id"])
    if fmt == "docx":
        return docx
    kept = await store.cached_pdf(db, record["id"])
    if kept is not None:
        return kept
    converted = await pdf.to_pdf(docx)
    await store.keep_pdf(db, record, converted)
    return converted


def awardees_of(d: AwardDecisionIssued, nomination_id: str | None) -> list[Awardee]:
    if nomination_id is None:
        return list(d.awardees)
    chosen = [a for a in d.awardees if a.nomination_id == nomination_id]
    if not chosen:
        raise NotFound("award_papers.unknown_awardee", decision=d.decision_id, id=nomination_id)
    return chosen


async def calibration(db: AsyncDatabase, tenant: str, blank: str) -> cal.Calibration:
    doc = await db.certificate_calibrations.find_one({"_id": f"{tenant}/{blank}"})
    if doc is None:
        return cal.default(blank)
    return cal.complete(cal.CalibrationWrite.model_validate(doc["calibration"]), blank)


async def save_calibration(
    db: AsyncDatabase, tenant: str, blank: str, body: cal.CalibrationWrite, actor: str
) -> cal.Calibration:
    cal.check(body)
    await db.certificate_calibrations.replace_one(
        {"_id": f"{tenant}/{blank}"},
        {
            "tenant": tenant,
            "blank": blank,
            "calibration": body.model_dump(mode="json"),
            "updated_by": actor,
            "updated_at": datetime.now(UTC).isoformat(),
        },
        upsert=True,
    )
    return cal.complete(body, blank)


async def certificates_pdf(
    db: AsyncDatabase, tenant: str, decision_id: str, nomination_id: str | None, blank: str
) -> tuple[AwardDecisionIssued, list[Awardee], bytes]:
    d = await decision(db, tenant, decision_id)
    chosen = awardees_of(d, nomination_id)
    return d, chosen, certificates.certificates_pdf(d, chosen, await calibration(db, tenant, blank))
