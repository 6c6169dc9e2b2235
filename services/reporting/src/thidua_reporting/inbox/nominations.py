"""issue 11: nomnotice — a nomination returned by a stage, failed at the council's vote, or decided
becomes a notification for the nominee's unit and the nominating unit, with the reasons as facts.

Only the revision whose change brought the status about is told (contracts.nomination.notice_status):
a later revision that keeps the status (a merge renaming the unit …) tells nothing again. One
document per event, as every inbox notification (projection._insert's rule): a redelivered event
adds nothing and keeps the read marks."""

from datetime import UTC
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.nomination import NominationChanged, NominationStatus, closing_record, notice_status

from . import addressing
from .render import NOMINATION_DECIDED, NOMINATION_FAILED, NOMINATION_RETURNED

KIND = {
    NominationStatus.returned: NOMINATION_RETURNED,
    NominationStatus.failed: NOMINATION_FAILED,
    NominationStatus.decided: NOMINATION_DECIDED,
}


def facts(nomination: NominationChanged) -> dict[str, Any]:
    """What the notification says, stored (rendered at read time in the reader's language)."""
    record = closing_record(nomination)
    out: dict[str, Any] = {
        "award_kind": nomination.award_kind,
        "award_name_vi": nomination.award_name_vi,
        "year": nomination.year,
        "nominee_kind": nomination.nominee.kind.value,
        "person_name": nomination.nominee.person_name,
        "position": nomination.nominee.position,
        "stage": record.stage if record else nomination.change.detail.get("stage"),
        "reason": (record.reason if record else None) or nomination.change.reason,
    }
    if nomination.status == NominationStatus.failed and nomination.vote:
        out["vote"] = nomination.vote.model_dump(mode="json")
    if nomination.status == NominationStatus.decided and nomination.decision:
        out["decision"] = nomination.decision.model_dump(mode="json")
    return out


def document(envelope: Envelope, nomination: NominationChanged) -> dict[str, Any] | None:
    """The inbox document for this event, or None when the revision is not one the units are told of."""
    status = notice_status(nomination)
    if status is None:
        return None
    record = closing_record(nomination)
    at = (record.left_at if record and record.left_at else None) or envelope.time
    return {
        "_id": f"{envelope.tenant}/{envelope.id}",
        "event_id": envelope.id,
        "tenant": envelope.tenant,
        "kind": KIND[status],
        "audience": addressing.nomination_audience(nomination.nominee.unit_id, nomination.nominating_unit_id),
        "campaign_id": nomination.campaign_id,
        "unit_id": nomination.nominee.unit_id,
        "period": None,
        "submission_id": None,
        "nomination_id": nomination.nomination_id,
        "created_at": at if at.tzinfo else at.replace(tzinfo=UTC),
        "facts": facts(nomination),
        "read_by": [],
    }


async def on_nomination(db: AsyncDatabase, envelope: Envelope, nomination: NominationChanged) -> None:
    doc = document(envelope, nomination)
    if doc is None:
        return
    try:
        await db.notifications.insert_one(doc)
    except DuplicateKeyError:
        pass  # a redelivered event: told once, read marks kept
