"""Issue 15: deadlines — reminders and escalations in the inbox. One notification per event (its
`_id` tenant/event id, inserted once), addressed by the recipients' roles and units the event
carries: a unit's reporter and leader read `unit:<id>`, a cluster head acting for unit <id>
reads `cluster_head:<id>`, the board and the chair their role's tag."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.deadline import DeadlineNotice, DeadlineRecipient
from thidua_common.contracts.registry import DEADLINE_REMINDER

from . import addressing
from .render import DEADLINE_ESCALATED as DEADLINE_ESCALATED_KIND
from .render import DEADLINE_REMINDER as DEADLINE_REMINDER_KIND


def audience(recipients: list[DeadlineRecipient]) -> list[str]:
    tags: list[str] = []
    for r in recipients:
        if r.role in ("unit_reporter", "unit_leader") and r.unit_id:
            tags.append(addressing.unit_tag(r.unit_id))
        elif r.role == "cluster_head" and r.unit_id:
            tags.append(addressing.cluster_head_tag(r.unit_id))
        elif r.role == "chairperson":
            tags.append(addressing.CHAIR)
        else:  # the board, and any role the inbox cannot address otherwise
            tags.append(addressing.BOARD)
    return list(dict.fromkeys(tags))


def facts(notice: DeadlineNotice) -> dict[str, Any]:
    return {
        "subject": notice.subject.value,
        "due_on": notice.due_on.isoformat(),
        "as_of": notice.as_of.isoformat(),
        "working_days_late": notice.working_days_late,
        "step": notice.step,
        "step_role": notice.step_role,
        "final_step": notice.final_step,
        "role": notice.recipients[0].role,
    }


async def on_deadline(db: AsyncDatabase, envelope: Envelope, notice: DeadlineNotice) -> None:
    kind = DEADLINE_REMINDER_KIND if envelope.type == DEADLINE_REMINDER else DEADLINE_ESCALATED_KIND
    doc = {
        "_id": f"{envelope.tenant}/{envelope.id}",
        "event_id": envelope.id,
        "tenant": envelope.tenant,
        "kind": kind,
        "audience": audience(notice.recipients),
        "campaign_id": notice.campaign_id,
        "unit_id": notice.unit_id,
        "period": notice.period,
        "submission_id": None,
        "created_at": envelope.time,
        "facts": facts(notice),
        "read_by": [],
    }
    try:
        await db.notifications.insert_one(doc)
    except DuplicateKeyError:
        pass  # a redelivered event: told once, read marks kept
    # the ladder as reporting knows it, for the timeliness figures (..timeliness)
    await db.deadline_steps.update_one(
        {"_id": f"{envelope.tenant}/{envelope.id}"},
        {
            "$setOnInsert": {
                "tenant": envelope.tenant,
                "campaign_id": notice.campaign_id,
                "unit_id": notice.unit_id,
                "period": notice.period,
                "subject": notice.subject.value,
                "kind": kind,
                "step": notice.step,
                "step_role": notice.step_role,
                "due_on": notice.due_on.isoformat(),
                "as_of": notice.as_of.isoformat(),
            }
        },
        upsert=True,
    )
