"""Issue 12: which outside system wrote an inbound record, and whether it may. The record's topic
names the system (thidua.inbound.<system>.v1), and the broker's ACLs let only that system's
principal write there, so the name cannot be forged by what the record itself says (a header or
the CloudEvents `source` could be). What lies outside the system's scope is dead-lettered with
reason `scope` and audited with the system as actor, in its own tenant's chain."""

import json
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.errors import FieldError, Invalid
from thidua_common.kafka.acls import system_of_topic
from thidua_common.logging import get_logger

from ..audit import store as audit_store
from ..systems.rules import System, event_scope_errors
from ..systems.store import Directory

log = get_logger(__name__)

SCOPE_REFUSED = "vn.thidua.inbound.scope_refused.v1"  # the audit record's action (not a Kafka event)


class OutOfScope(Invalid):
    """An event its system may not publish: reason code `scope`."""

    def __init__(self, errors: list[FieldError], system: System | None, envelope: Envelope | None):
        super().__init__("scope", errors)
        self.system, self.envelope = system, envelope


def system_headers(topic: str, prefix: str, system: System | None) -> list[tuple[str, bytes]]:
    """dlq_system and dlq_contact on a dead letter of a system's topic (the dead-letter notifier
    tells that contact); nothing for the shared development topic."""
    name = system.name if system else system_of_topic(prefix, topic)
    if name is None:
        return []
    return [("dlq_system", name.encode()), ("dlq_contact", (system.contact if system else "").encode())]


class ScopeGuard:
    def __init__(self, client: AsyncMongoClient, db: AsyncDatabase, systems: Directory, prefix: str):
        self.client, self.db, self.systems, self.prefix = client, db, systems, prefix

    async def system_of(self, record: ConsumerRecord) -> System | None:
        """The system of the record (None on the shared development topic); OutOfScope when its
        topic belongs to no registered system (removed, or never added): nothing there is accepted."""
        name = system_of_topic(self.prefix, record.topic)
        if name is None:
            return None
        system = await self.systems.get(name)
        if system is None:
            raise OutOfScope([FieldError("topic", "scope.system", {"system": name})], None, None)
        return system

    @staticmethod
    def check(system: System | None, envelope: Envelope) -> None:
        """OutOfScope when the event's tenant, unit or kind is not the system's to publish."""
        if system is None:
            return
        data = envelope.data if isinstance(envelope.data, dict) else {}
        # issue 12: inbound kinds — every unit the event names (a merge's sources too)
        errors = event_scope_errors(system, envelope.tenant, envelope.type, data)
        if errors:
            raise OutOfScope(errors, system, envelope)

    async def audit(self, refused: OutOfScope) -> None:
        """One audit record per refused event, actor = the system, in its home tenant's chain."""
        system, envelope = refused.system, refused.envelope
        if system is None or envelope is None:
            log.warning("inbound record of an unknown system refused", errors=[e.key for e in refused.errors])
            return
        record = Envelope(
            id=deterministic_id("scope", system.name, envelope.source, envelope.id),
            source=system.actor,
            type=SCOPE_REFUSED,
            time=datetime.now(UTC),
            subject=f"system/{system.name}",
            tenant=system.home_tenant,
            correlationid=envelope.correlationid,
            data={
                "by": system.actor,
                "reason": "scope",
                "event": {"id": envelope.id, "type": envelope.type, "source": envelope.source},
                "tenant": envelope.tenant,
                "unit_id": (envelope.data or {}).get("unit_id"),
                "errors": [{"field": e.field, "code": e.key} for e in refused.errors],
            },
        )

        async def append(session) -> None:
            await audit_store.append(self.db, [record], session)

        async with self.client.start_session() as session:
            await session.with_transaction(append)
        log.warning(
            "inbound event outside its system's scope", system=system.name, errors=json.dumps(record.data["errors"])
        )
