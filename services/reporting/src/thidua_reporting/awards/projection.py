"""Projecting the nominations topic: award decisions into `awards` (one document per event id, so
a redelivered event changes nothing), nominations into `nominations` (replaced only by a newer
revision), overdue alerts into `nomination_overdue` (one per nomination and stage)."""

import unicodedata

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.nomination import AwardDecided, NominationChanged, NominationOverdue


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), so "Dak Nong" finds "Đắk Nông"."""
    text = unicodedata.normalize("NFD", (text or "").replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


async def setup(db: AsyncDatabase) -> None:
    await db.awards.create_index([("tenant", 1), ("year", 1)])
    await db.awards.create_index([("tenant", 1), ("nominee.unit_id", 1)])
    await db.nominations.create_index([("tenant", 1), ("year", 1)])


async def on_award(db: AsyncDatabase, envelope: Envelope, award: AwardDecided) -> None:
    data = award.model_dump(mode="json")
    searchable = " ".join(
        filter(
            None,
            [
                award.award_name_vi,
                award.award_kind,
                award.nominee.person_name,
                award.nominee.position,
                award.nominee.unit_id,
                award.decision.number,
                award.decision.signer,
                award.nomination_id,
            ],
        )
    )
    try:
        await db.awards.insert_one(
            {"_id": envelope.id, "tenant": envelope.tenant, "event_id": envelope.id, **data, "search": fold(searchable)}
        )
    except DuplicateKeyError:
        pass  # the same event again


async def on_nomination(db: AsyncDatabase, envelope: Envelope, nomination: NominationChanged) -> None:
    doc = {"tenant": envelope.tenant, **nomination.model_dump(mode="json")}
    try:
        await db.nominations.replace_one(
            {"_id": f"{envelope.tenant}/{nomination.nomination_id}", "revision": {"$lt": nomination.revision}},
            doc,
            upsert=True,
        )
    except DuplicateKeyError:
        pass  # we hold this revision or a newer one


async def on_overdue(db: AsyncDatabase, envelope: Envelope, alert: NominationOverdue) -> None:
    key = f"{envelope.tenant}/{alert.nomination_id}/{alert.stage}"
    # the latest count of overdue working days for the stage (alerts repeat while it stays overdue)
    await db.nomination_overdue.update_one(
        {"_id": key},
        {
            "$set": {
                "tenant": envelope.tenant,
                "nomination_id": alert.nomination_id,
                "stage": alert.stage,
                "due_on": alert.due_on.isoformat(),
            },
            "$max": {"overdue_working_days": alert.overdue_working_days},
        },
        upsert=True,
    )
