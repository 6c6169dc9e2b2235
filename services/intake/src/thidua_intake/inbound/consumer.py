import json
from collections.abc import Callable
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from pydantic import ValidationError
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.registry import SUBMISSION_SUBMITTED
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.errors import DomainError, FieldError, Invalid
from thidua_common.http.errors import from_pydantic
from thidua_common.kafka import EventProducer, headers_dict
from thidua_common.kafka.client import CORRELATION_HEADER
from thidua_common.logging import correlation_scope, get_logger

from ..outbox.relay import OutboxRelay
from ..systems.rules import System
from ..systems.store import Directory as SystemDirectory
from ..uow import UnitOfWork
from . import kinds
from .scope import OutOfScope, ScopeGuard, system_headers

log = get_logger(__name__)


class Rejected(Invalid):
    """An inbound event that is not a readable CloudEvent (the edge's own refusal)."""


def parse_envelope(value: bytes) -> Envelope:
    try:
        return Envelope.model_validate(json.loads(value))
    except json.JSONDecodeError as exc:
        raise Rejected("request.bad_json", position=exc.pos + 1) from None
    except ValidationError as exc:
        raise Rejected("request.invalid", [from_pydantic(e) for e in exc.errors()]) from None


def parse(value: bytes) -> tuple[Envelope, SubmissionSubmitted]:
    envelope = parse_envelope(value)
    if envelope.type != SUBMISSION_SUBMITTED:
        raise Rejected("event.type", [FieldError("type", "event.type", {"type": envelope.type})], type=envelope.type)
    try:
        return envelope, SubmissionSubmitted.model_validate(envelope.data)
    except ValidationError as exc:
        errors = [from_pydantic(e) for e in exc.errors()]
        for e in errors:
            e.field = f"data.{e.field}"
        raise Rejected("request.invalid", errors) from None


class InboundHandler:
    """Accept each inbound event through the same service as HTTP, or dead-letter it."""

    def __init__(
        self,
        client: AsyncMongoClient,
        db: AsyncDatabase,
        producer: EventProducer,
        relay: OutboxRelay,
        counted: Callable[[str, str], None] | None = None,
        *,
        systems: SystemDirectory | None = None,
        topic_prefix: str | None = None,
    ):
        self.producer = producer
        # issue 12: dead letters — told (dead-letter topic, reason code) of each one, for /metrics
        self.counted = counted
        # issue 12: the outside system a record comes from, known by its topic (None: the shared
        # development topic, which names no system)
        prefix = str(topic_prefix or getattr(getattr(producer, "settings", None), "topic_prefix", "thidua"))
        self.scope = ScopeGuard(client, db, systems or SystemDirectory(db), prefix)
        # one unit of work per event: it wakes the relay once the submission is committed
        self.unit_of_work: Callable[[], UnitOfWork] = lambda: UnitOfWork(client, db, relay)

    async def handle(self, record: ConsumerRecord) -> None:
        headers = headers_dict(record.headers)
        with correlation_scope(headers.get(CORRELATION_HEADER), topic=record.topic, offset=record.offset):
            system: System | None = None
            try:
                system = await self.scope.system_of(record)
                envelope = parse_envelope(record.value)
                self.scope.check(system, envelope)  # before the payload is read
                # issue 12: inbound kinds — the event's type picks what it does (.kinds.HANDLERS)
                await kinds.handler_for(envelope)(self.unit_of_work, kinds.Inbound(envelope, system))
            except OutOfScope as refused:
                await self.scope.audit(refused)
                await self.dead_letter(record, refused, refused.system)
            except DomainError as rejected:  # the service's refusals and the edge's own alike
                await self.dead_letter(record, rejected, system)

    async def dead_letter(self, record: ConsumerRecord, rejected: DomainError, system: System | None = None) -> None:
        # the dead-letter reason is this edge's rendering of a domain error, as the HTTP app's
        # answer is the other's: the same key, message and fields in both languages
        reason = {
            "code": rejected.key,
            "message": rejected.message("vi"),
            "message_en": rejected.message("en"),
            "errors": [e.render("vi") for e in rejected.errors],
        }
        headers = list(record.headers or []) + [
            ("dlq_reason", json.dumps(reason, ensure_ascii=False).encode()),
            ("dlq_source_topic", record.topic.encode()),
            ("dlq_source_partition", str(record.partition).encode()),
            ("dlq_source_offset", str(record.offset).encode()),
            ("dlq_failed_at", datetime.now(UTC).isoformat().encode()),
            # issue 12: whose record it was, and whom the dead-letter notifier tells
            *system_headers(record.topic, self.scope.prefix, system),
        ]
        await self.producer.send_raw("inbound_dlq", record.value, record.key, headers)
        if self.counted:
            self.counted(self.producer.topic("inbound_dlq"), rejected.key)
        log.warning("inbound event dead-lettered", reason=reason)
