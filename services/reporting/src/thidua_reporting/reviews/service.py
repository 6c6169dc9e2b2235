"""Review reports on schedule (I/O side): the check that reminds units and generates drafts when a
review date is reached, regeneration on demand, the board's narrative, uploaded DOCX versions.

State per review (collection `review_reports`, _id tenant/campaign/date): when units were reminded,
when drafts were first generated, the board's narrative sections with their version (optimistic
concurrency: PUT with expected_version), and the report's number in the board's register. Each
step is claimed with a lease before it runs, so two replicas (or a crash and a restart) neither
skip nor repeat it; event ids are derived from the step, so a redelivery is dropped downstream."""

import asyncio
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from docx import Document
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.period import period_of
from thidua_common.contracts.registry import REVIEW_DRAFTS_READY, REVIEW_REMINDER
from thidua_common.contracts.review_report import ReviewDraftsReady, ReviewKind, ReviewReminder
from thidua_common.errors import Conflict, FieldError, Invalid, NotFound, TooLarge
from thidua_common.logging import get_logger

from ..documents import store
from ..inbox.addressing import BOARD, CHAIR, unit_tag
from ..settings import ReportingSettings
from . import render
from .assemble import assemble, for_unit
from .schedule import Review, drafts_due, reminder_due, reviews_of

log = get_logger(__name__)

SOURCE = "/thidua/reporting"
LEASE = timedelta(minutes=10)
KIND = "review_report"
REMINDER, READY = "review.reminder", "review.drafts_ready"  # inbox kinds (..inbox.render)
MAX_UPLOAD = 20 * 1024 * 1024
RENDER_BATCH = 25  # units' drafts rendered per worker-thread call


class Publisher(Protocol):
    async def publish(self, topic_key: str, event: Envelope, key: str) -> None: ...


def review_id(tenant: str, campaign_id: str, day: date) -> str:
    return f"{tenant}/{campaign_id}/{day.isoformat()}"


def series_of(campaign_id: str, day: date, unit_id: str | None = None) -> str:
    return f"review:{campaign_id}:{day.isoformat()}:{f'unit:{unit_id}' if unit_id else 'board'}"


async def setup(db: AsyncDatabase) -> None:
    await db.review_reports.create_index([("tenant", 1), ("campaign_id", 1)])


async def _campaign(db: AsyncDatabase, tenant: str, campaign_id: str) -> dict[str, Any]:
    doc = await db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"})
    if doc is None:
        raise NotFound("campaign.unknown", id=campaign_id)
    return doc


def _review(campaign: dict[str, Any], day: date) -> Review:
    found = next((r for r in reviews_of(campaign) if r.review_date == day), None)
    if found is None:
        raise NotFound("review.unknown", campaign=campaign["campaign_id"], date=day.isoformat())
    return found


async def _state(db: AsyncDatabase, tenant: str, campaign: dict[str, Any], review: Review) -> dict[str, Any]:
    key = review_id(tenant, campaign["campaign_id"], review.review_date)
    base = {
        "tenant": tenant,
        "campaign_id": campaign["campaign_id"],
        "review_date": review.review_date.isoformat(),
        "kind": review.kind,
        "narrative": {},
        "narrative_version": 0,
    }
    try:
        await db.review_reports.update_one({"_id": key}, {"$setOnInsert": base}, upsert=True)
    except DuplicateKeyError:
        pass  # created at the same moment by another replica
    return await db.review_reports.find_one({"_id": key}) or {"_id": key, **base}


async def _claim(db: AsyncDatabase, key: str, step: str, now: datetime) -> bool:
    """Take the step (reminded / generated) for LEASE, unless it is done or another holds it."""
    result = await db.review_reports.update_one(
        {"_id": key, f"{step}_at": None, "$or": [{f"{step}_lease": None}, {f"{step}_lease": {"$lt": now}}]},
        {"$set": {f"{step}_lease": now + LEASE}},
    )
    return result.modified_count == 1


async def check(
    db: AsyncDatabase, publisher: Publisher, own: ReportingSettings, today: date, tenant: str | None = None
) -> dict[str, Any]:
    """What is due as of `today`: reminders before review dates, drafts on them (each once)."""
    query: dict[str, Any] = {"status": {"$ne": "draft"}}
    if tenant:
        query["tenant"] = tenant
    summary: dict[str, Any] = {"as_of": today.isoformat(), "reminded": [], "generated": []}
    campaigns = [c async for c in db.campaigns.find(query)]
    for campaign in campaigns:
        if not campaign.get("interim_reviews") and not campaign.get("final_review"):
            continue
        for review in reviews_of(campaign):
            at_reminder = reminder_due(review, today, own.review_reminder_days)
            at_drafts = drafts_due(review, today, own.review_catch_up_days)
            if not (at_reminder or at_drafts):
                continue
            state = await _state(db, campaign["tenant"], campaign, review)
            now = datetime.now(UTC)
            if at_reminder and not state.get("reminded_at") and await _claim(db, state["_id"], "reminded", now):
                count = await remind(db, publisher, campaign, review, today)
                await db.review_reports.update_one(
                    {"_id": state["_id"]}, {"$set": {"reminded_at": now, "reminded": count}}
                )
                summary["reminded"].append(
                    {
                        "campaign_id": campaign["campaign_id"],
                        "review_date": review.review_date.isoformat(),
                        "units": count,
                    }
                )
            if at_drafts and not state.get("generated_at") and await _claim(db, state["_id"], "generated", now):
                done = await generate(db, publisher, own, campaign["tenant"], campaign, review, "system", today)
                summary["generated"].append(done)
    return summary


async def remind(db: AsyncDatabase, publisher: Publisher, campaign: dict[str, Any], review: Review, today: date) -> int:
    tenant = campaign["tenant"]
    days = (review.review_date - today).days
    period = review.periods[-1] if review.periods else period_of(review.review_date, "year")
    events = []
    for p in campaign["participants"]:
        data = ReviewReminder(
            campaign_id=campaign["campaign_id"],
            campaign_name_vi=campaign["name_vi"],
            review_kind=ReviewKind(review.kind),
            review_date=review.review_date,
            days_before=max(days, 0),
            unit_id=p["unit_id"],
            unit_name_vi=p["name_vi"],
        )
        event_id = deterministic_id(
            tenant, campaign["campaign_id"], review.review_date.isoformat(), "reminder", p["unit_id"]
        )
        events.append(
            new_event(
                type=REVIEW_REMINDER,
                source=SOURCE,
                tenant=tenant,
                data=data,
                id=event_id,
                subject=campaign["campaign_id"],
            )
        )
        await _tell(
            db,
            tenant,
            event_id,
            REMINDER,
            [unit_tag(p["unit_id"])],
            campaign["campaign_id"],
            p["unit_id"],
            period,
            review_kind=review.kind,
            review_date=review.review_date.isoformat(),
            days=max(days, 0),
        )
    for event in events:
        await publisher.publish("reports", event, f"{tenant}/{campaign['campaign_id']}")
    return len(events)


async def _tell(
    db: AsyncDatabase,
    tenant: str,
    event_id: str,
    kind: str,
    audience: list[str],
    campaign_id: str,
    unit_id: str | None,
    period: str,
    **facts: Any,
) -> None:
    """An inbox notification (..inbox), once per event id."""
    try:
        await db.notifications.insert_one(
            {
                "_id": f"{tenant}/{event_id}",
                "event_id": event_id,
                "tenant": tenant,
                "kind": kind,
                "audience": audience,
                "campaign_id": campaign_id,
                "unit_id": unit_id,
                "period": period,
                "submission_id": None,
                "created_at": datetime.now(UTC),
                "facts": facts,
                "read_by": [],
            }
        )
    except DuplicateKeyError:
        pass


async def _number(db: AsyncDatabase, tenant: str, state: dict[str, Any], abbreviation: str, year: int) -> str:
    """The report's number in the board's register of reports (BC), kept across versions."""
    if state.get("number"):
        return str(state["number"])
    row = await db.document_numbers.find_one_and_update(
        {"_id": f"{tenant}:{year}:BC"}, {"$inc": {"last": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert row is not None  # upserted
    number = f"{row['last']}/BC-{abbreviation}"
    await db.review_reports.update_one({"_id": state["_id"], "number": None}, {"$set": {"number": number}})
    fresh = await db.review_reports.find_one({"_id": state["_id"]}, {"number": 1})
    return str((fresh or {}).get("number") or number)


def agency_of(own: ReportingSettings, tenant: str) -> render.Agency:
    a = own.agency(tenant)
    return render.Agency(a["parent"], a["name"], a["abbreviation"], a["place"])


async def generate(
    db: AsyncDatabase,
    publisher: Publisher,
    own: ReportingSettings,
    tenant: str,
    campaign: dict[str, Any],
    review: Review,
    by: str,
    today: date,
    regenerated: bool = False,
) -> dict[str, Any]:
    """Draft the board's report and every participating unit's as new versions, then tell the board."""
    cid = campaign["campaign_id"]
    state = await _state(db, tenant, campaign, review)
    scores = [d async for d in db.period_scores.find({"tenant": tenant, "campaign_id": cid})]
    awards = [d async for d in db.awards.find({"tenant": tenant, "campaign_id": cid})]
    figures = assemble(campaign, review, scores, awards, own.review_grace_days)
    agency = agency_of(own, tenant)
    number = await _number(db, tenant, state, agency.abbreviation, review.review_date.year)
    start, end = date.fromisoformat(str(campaign["start"])), date.fromisoformat(str(campaign["end"]))
    narrative = state.get("narrative") or {}
    board_docx = await asyncio.to_thread(
        render.board_report, figures, agency, number, narrative, campaign["launched_by"], start, end, review.review_date
    )
    stem = f"bao-cao-{'so-ket' if review.kind == 'interim' else 'tong-ket'}-{cid}-{review.review_date.isoformat()}"
    extra = {"review_date": review.review_date.isoformat(), "review_kind": review.kind, "number": number}
    board = await store.save(
        db,
        tenant=tenant,
        kind=KIND,
        series=series_of(cid, review.review_date),
        filename=stem,
        content=board_docx,
        created_by=by,
        campaign_id=cid,
        extra=extra,
    )
    units = [p["unit_id"] for p in campaign["participants"]]
    for first in range(0, len(units), RENDER_BATCH):
        batch = units[first : first + RENDER_BATCH]
        rendered = await asyncio.to_thread(_render_units, figures, agency, batch)
        for unit_id, content in zip(batch, rendered, strict=True):
            await store.save(
                db,
                tenant=tenant,
                kind=KIND,
                series=series_of(cid, review.review_date, unit_id),
                filename=f"{stem}-{unit_id}",
                content=content,
                created_by=by,
                campaign_id=cid,
                unit_id=unit_id,
                extra=extra,
            )
    now = datetime.now(UTC)
    data = ReviewDraftsReady(
        campaign_id=cid,
        campaign_name_vi=campaign["name_vi"],
        review_kind=ReviewKind(review.kind),
        review_date=review.review_date,
        board_document_id=board["id"],
        version=board["version"],
        unit_documents=len(units),
        generated_at=now,
        regenerated=regenerated,
    )
    event_id = deterministic_id(tenant, cid, review.review_date.isoformat(), "ready", str(board["version"]))
    period = review.periods[-1] if review.periods else period_of(review.review_date, "year")
    await _tell(
        db,
        tenant,
        event_id,
        READY,
        [BOARD, CHAIR],
        cid,
        None,
        period,
        review_kind=review.kind,
        review_date=review.review_date.isoformat(),
        version=board["version"],
        document_id=board["id"],
    )
    event = new_event(type=REVIEW_DRAFTS_READY, source=SOURCE, tenant=tenant, data=data, id=event_id, subject=cid)
    await publisher.publish("reports", event, f"{tenant}/{cid}")
    await db.review_reports.update_one(
        {"_id": state["_id"]},
        {
            "$set": {
                "generated_at": state.get("generated_at") or now,
                "last_generated_at": now,
                "board_document_id": board["id"],
                "version": board["version"],
            }
        },
    )
    log.info(
        "review drafts generated",
        campaign_id=cid,
        review_date=review.review_date.isoformat(),
        version=board["version"],
        units=len(units),
    )
    return {
        "campaign_id": cid,
        "review_date": review.review_date.isoformat(),
        "version": board["version"],
        "board_document_id": board["id"],
        "units": len(units),
    }


def _render_units(figures: Any, agency: render.Agency, units: list[str]) -> list[bytes]:
    return [render.unit_report(for_unit(figures, unit), agency) for unit in units]


async def regenerate(
    db: AsyncDatabase,
    publisher: Publisher,
    own: ReportingSettings,
    tenant: str,
    campaign_id: str,
    day: date,
    by: str,
    today: date,
) -> dict[str, Any]:
    campaign = await _campaign(db, tenant, campaign_id)
    review = _review(campaign, day)
    return await generate(db, publisher, own, tenant, campaign, review, by, today, regenerated=True)


# -- reading ---------------------------------------------------------------------------------------
def _state_public(review: Review, state: dict[str, Any] | None) -> dict[str, Any]:
    state = state or {}
    return {
        "review_date": review.review_date.isoformat(),
        "kind": review.kind,
        "periods": list(review.periods),
        "previous_periods": list(review.previous),
        "reminded_at": _iso(state.get("reminded_at")),
        "generated_at": _iso(state.get("generated_at")),
        "number": state.get("number"),
        "narrative": {k: (state.get("narrative") or {}).get(k, "") for k in render.NARRATIVE},
        "narrative_version": state.get("narrative_version", 0),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _version_public(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "version": record["version"],
        "unit_id": record.get("unit_id"),
        "filename": record["filename"],
        "size": record["size"],
        "sha256": record["sha256"],
        "source": record.get("source", "generated"),
        "created_at": _iso(record["created_at"]),
        "created_by": record.get("created_by"),
    }


async def reviews(
    db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str | None, board: bool
) -> list[dict[str, Any]]:
    """The campaign's reviews with their documents: the board's versions for the board, a unit's
    own versions for that unit (and for the board when it names the unit)."""
    campaign = await _campaign(db, tenant, campaign_id)
    states = {s["review_date"]: s async for s in db.review_reports.find({"tenant": tenant, "campaign_id": campaign_id})}
    out = []
    for review in reviews_of(campaign):
        item = _state_public(review, states.get(review.review_date.isoformat()))
        if not board:
            item.pop("narrative")  # the board's text in progress is the board's
        where = {"series": series_of(campaign_id, review.review_date, unit_id)}
        item["documents"] = (
            [_version_public(r) for r in await store.listing(db, tenant, **where)] if (board or unit_id) else []
        )
        out.append(item)
    return out


async def review(
    db: AsyncDatabase, tenant: str, campaign_id: str, day: date, unit_id: str | None, board: bool
) -> dict[str, Any]:
    found = [r for r in await reviews(db, tenant, campaign_id, unit_id, board) if r["review_date"] == day.isoformat()]
    if not found:
        raise NotFound("review.unknown", campaign=campaign_id, date=day.isoformat())
    return found[0]


async def save_narrative(
    db: AsyncDatabase,
    tenant: str,
    campaign_id: str,
    day: date,
    expected_version: int,
    sections: dict[str, str],
    by: str,
) -> dict[str, Any]:
    campaign = await _campaign(db, tenant, campaign_id)
    rv = _review(campaign, day)
    state = await _state(db, tenant, campaign, rv)
    changes = {f"narrative.{k}": v.strip() for k, v in sections.items() if v is not None}
    result = await db.review_reports.update_one(
        {"_id": state["_id"], "narrative_version": expected_version},
        {"$set": {**changes, "narrative_by": by, "narrative_at": datetime.now(UTC)}, "$inc": {"narrative_version": 1}},
    )
    if result.matched_count == 0:
        current = (await db.review_reports.find_one({"_id": state["_id"]}, {"narrative_version": 1}) or {}).get(
            "narrative_version", 0
        )
        raise Conflict("review.narrative_stale", expected=expected_version, current=current)
    return _state_public(rv, await db.review_reports.find_one({"_id": state["_id"]}))


def check_docx(content: bytes) -> None:
    """An upload must be a Word document python-docx (and so LibreOffice and Word) can open."""
    if len(content) > MAX_UPLOAD:
        raise TooLarge("review.upload_too_large", limit=MAX_UPLOAD // (1024 * 1024))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValueError("no word/document.xml")
        Document(io.BytesIO(content))
    except Exception:  # any parse failure: the file is not a usable DOCX
        raise Invalid("request.invalid", [FieldError("file", "review.upload_not_docx")]) from None


async def upload(
    db: AsyncDatabase, tenant: str, campaign_id: str, day: date, unit_id: str | None, content: bytes, by: str
) -> dict[str, Any]:
    """A DOCX edited in Word, kept as the next version of the board's (or a unit's) draft."""
    campaign = await _campaign(db, tenant, campaign_id)
    rv = _review(campaign, day)
    if unit_id is not None and unit_id not in {p["unit_id"] for p in campaign["participants"]}:
        raise Invalid("request.invalid", [FieldError("unit_id", "review.unit_not_participant", {"unit": unit_id})])
    check_docx(content)
    state = await _state(db, tenant, campaign, rv)
    stem = f"bao-cao-{'so-ket' if rv.kind == 'interim' else 'tong-ket'}-{campaign_id}-{day.isoformat()}"
    record = await store.save(
        db,
        tenant=tenant,
        kind=KIND,
        series=series_of(campaign_id, day, unit_id),
        filename=f"{stem}-{unit_id}" if unit_id else stem,
        content=content,
        created_by=by,
        campaign_id=campaign_id,
        unit_id=unit_id,
        source="uploaded",
        extra={"review_date": day.isoformat(), "review_kind": rv.kind, "number": state.get("number")},
    )
    return _version_public(record)
