"""Issue 12: inbound kinds — what each CloudEvents type of an inbound topic does. One handler per
type (HANDLERS): it validates the payload with the HTTP request's own model and calls the service
function the HTTP view calls, with the system as actor, once per idempotency key (the system and
the event id). Every refusal is a DomainError, which the consumer dead-letters with its reason.

The shared development topic (no system) takes submissions only, as before: the other kinds
change what others rely on, so only a registered system, known by its topic, may publish them."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from thidua_common.auth import Principal, Role
from thidua_common.contracts import Envelope
from thidua_common.contracts.inbound import ReviewDecided, TargetChangeRequested, UnitRegisterChangeRequested
from thidua_common.contracts.registry import (
    REVIEW_DECIDED,
    SUBMISSION_SUBMITTED,
    TARGET_CHANGE_REQUESTED,
    UNIT_CHANGE_REQUESTED,
)
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.errors import FieldError, Invalid
from thidua_common.http.errors import from_pydantic
from thidua_common.logging import get_logger

from ..registrations import service as registrations
from ..registrations.models import TargetPatch
from ..reviews import service as reviews
from ..reviews.models import ReviewCreate
from ..submissions import service as submissions
from ..systems.rules import System
from ..units import service as units
from ..units.models import UnitMerge, UnitRename, UnitSplit, UnitWrite
from ..uow import UnitOfWork
from .idempotency import fingerprint, inbound_key, once

log = get_logger(__name__)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Inbound:
    """An inbound event inside its system's scope, and who publishes it."""

    envelope: Envelope
    system: System | None  # None: the shared development topic

    @property
    def actor(self) -> str:
        # a system's events are its own (its topic proves who wrote them); on the development
        # topic the event's source stands for the submitter, as before
        return self.system.actor if self.system else self.envelope.source

    @property
    def key(self) -> str:
        return inbound_key(self.actor, self.envelope.id)

    @property
    def digest(self) -> str:
        return fingerprint(self.envelope.tenant, self.envelope.type, self.envelope.data)


Handler = Callable[[Callable[[], UnitOfWork], Inbound], Awaitable[None]]


def validated(model: type[M], data: object, prefix: str = "data") -> M:
    """`data` as `model`, or the 422 the HTTP API gives, its fields named from the envelope (data.…)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [from_pydantic(e) for e in exc.errors()]
        for e in errors:
            e.field = prefix if e.field == "(body)" else f"{prefix}.{e.field}"
        raise Invalid("request.invalid", errors) from None


def _system_only(event: Inbound) -> System:
    if event.system is None:
        envelope = event.envelope
        raise Invalid("event.type", [FieldError("type", "event.type", {"type": envelope.type})], type=envelope.type)
    return event.system


async def submission(new_uow: Callable[[], UnitOfWork], event: Inbound) -> None:
    data = validated(SubmissionSubmitted, event.envelope.data)
    try:
        _, event_id, created = await submissions.accept(
            new_uow(),
            event.envelope.tenant,
            data,
            submitted_by=event.actor,
            channel="kafka",
            idempotency_key=event.key,
            correlation_id=event.envelope.correlationid,
        )
    except submissions.IdempotencyConflict:
        raise Invalid("request.idempotency_conflict") from None
    log.info("inbound submission accepted", event_id=event_id, duplicate=not created)


async def target(new_uow: Callable[[], UnitOfWork], event: Inbound) -> None:
    """PATCH …/registrations/{unit}/targets, by the system."""
    _system_only(event)
    data = validated(TargetChangeRequested, event.envelope.data)
    body = validated(TargetPatch, data.model_dump(exclude={"campaign_id", "unit_id"}))
    tenant = event.envelope.tenant

    async def apply(uow: UnitOfWork) -> None:
        await registrations.patch_target(uow, tenant, data.campaign_id, data.unit_id, body, event.actor)

    applied = await once(new_uow(), event.key, event.digest, apply)
    log.info("inbound target change", unit=data.unit_id, campaign=data.campaign_id, duplicate=not applied)


def reviewer(system: System, tenant: str) -> Principal:
    """The principal an outside review system acts as: the role granted to it, never more. Its own
    unit (if any) is named, so the rule that nobody judges their own unit applies to it too."""
    level, unit_id = system.review_as or ("", None)
    role = Role.board_officer if level == "board" else Role.cluster_head
    return Principal(subject=system.actor, tenant=tenant, roles=frozenset({role}), unit_id=unit_id, kind="system")


async def review(new_uow: Callable[[], UnitOfWork], event: Inbound) -> None:
    """POST /submissions/{id}/review, in the reviewer role granted to the system."""
    system = _system_only(event)
    data = validated(ReviewDecided, event.envelope.data)
    body = validated(ReviewCreate, data.model_dump(mode="json", include={"decision", "reason", "reasons"}))
    tenant = event.envelope.tenant
    uow = new_uow()
    # the scope was checked on data.unit_id: it must be the submission's own unit
    actual = (await reviews.get(uow.db, tenant, data.submission_id)).unit_id
    if actual != data.unit_id:
        params = {"submission": data.submission_id, "actual": actual, "id": data.unit_id}
        raise Invalid("request.invalid", [FieldError("data.unit_id", "inbound.review_unit", params)])

    async def apply(uow: UnitOfWork) -> None:
        cid = event.envelope.correlationid
        await reviews.review(uow, tenant, data.submission_id, body, reviewer(system, tenant), cid)

    applied = await once(uow, event.key, event.digest, apply)
    log.info("inbound review decision", submission=data.submission_id, duplicate=not applied)


UNIT_BODIES: dict[str, type[UnitWrite | UnitRename | UnitMerge | UnitSplit]] = {
    "create": UnitWrite,
    "rename": UnitRename,
    "merge": UnitMerge,
    "split": UnitSplit,
}


async def unit(new_uow: Callable[[], UnitOfWork], event: Inbound) -> None:
    """The unit register's PUT (create), rename, merge and split, by the system."""
    _system_only(event)
    data = validated(UnitRegisterChangeRequested, event.envelope.data)
    tenant, actor, action = event.envelope.tenant, event.actor, data.action
    raw = getattr(data, action).model_dump(mode="json", exclude_unset=True)
    body = validated(UNIT_BODIES[action], raw, f"data.{action}")  # the HTTP request's own model

    async def apply(uow: UnitOfWork) -> None:
        if isinstance(body, UnitWrite):
            await units.put(uow, tenant, data.unit_id, body, actor)
        elif isinstance(body, UnitRename):
            await units.rename(uow, tenant, data.unit_id, body, actor)
        elif isinstance(body, UnitMerge):
            await units.merge(uow, tenant, body, actor)
        else:
            await units.split(uow, tenant, data.unit_id, body, actor)

    applied = await once(new_uow(), event.key, event.digest, apply)
    log.info("inbound unit register change", action=action, unit=data.unit_id, duplicate=not applied)


HANDLERS: dict[str, Handler] = {
    SUBMISSION_SUBMITTED: submission,
    TARGET_CHANGE_REQUESTED: target,
    REVIEW_DECIDED: review,
    UNIT_CHANGE_REQUESTED: unit,
}


def handler_for(envelope: Envelope) -> Handler:
    try:
        return HANDLERS[envelope.type]
    except KeyError:
        raise Invalid(
            "event.type", [FieldError("type", "event.type", {"type": envelope.type})], type=envelope.type
        ) from None
