from datetime import UTC, datetime

from bson import ObjectId

from thidua_common.contracts import Envelope
from thidua_common.contracts.registry import EVENT_TYPES
from thidua_common.kafka import encode_event

from ..audit import store as audit


def record(event: Envelope, key: str) -> dict:
    """The outbox record of `event`: every state change of intake queues one through its unit
    of work (..uow.UnitOfWork.emit), written in the change's transaction. The relay publishes it
    and appends its audit record (.relay)."""
    value, headers = encode_event(event)
    return {
        "_id": ObjectId(),  # increasing: the relay publishes in insertion order
        "event_id": event.id,
        "topic": EVENT_TYPES[event.type].topic,
        "key": key,
        "value": value,
        "headers": [[k, v] for k, v in headers],
        "created_at": datetime.now(UTC),
        "published": False,
        "audited": False,
    }


def change_record(
    *,
    tenant: str,
    action: str,
    subject: str,
    actor: str,
    reason: str = "",
    data: dict | None = None,
) -> dict:
    """The outbox record of a state change that publishes no event (configuration, flags,
    imported awards): audit only, the relay chains it like any other
    (..uow.UnitOfWork.record_change)."""
    event = audit.change_event(tenant=tenant, action=action, subject=subject, actor=actor, reason=reason, data=data)
    value, _ = encode_event(event)
    return {
        "_id": ObjectId(),
        "event_id": event.id,
        "topic": None,
        "key": None,
        "value": value,
        "headers": [],
        "created_at": datetime.now(UTC),
        "published": False,
        "audited": False,
    }
