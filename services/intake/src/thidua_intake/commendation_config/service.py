"""Store the commendation configuration (one document per tenant, with a revision) and the freeze
flags (one document per unit or person and kind)."""

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.errors import Conflict
from thidua_common.mongo import given

from ..uow import UnitOfWork
from .models import CommendationConfig, ConfigWrite, Flag, FlagWrite


async def get(db: AsyncDatabase, tenant: str, session: AsyncClientSession | None = None) -> CommendationConfig | None:
    doc = await db.commendation_config.find_one({"_id": tenant}, session=session)
    return _public(doc) if doc else None


async def require(db: AsyncDatabase, tenant: str, session: AsyncClientSession | None = None) -> CommendationConfig:
    config = await get(db, tenant, session)
    if config is None:
        raise Conflict("commendation.no_config")
    return config


async def put(uow: UnitOfWork, tenant: str, body: ConfigWrite, actor: str) -> CommendationConfig:
    """Replace the configuration, audited in the same transaction."""
    db = uow.db

    async def work(session: AsyncClientSession) -> CommendationConfig:
        current = await db.commendation_config.find_one({"_id": tenant}, session=session)
        revision = current["revision"] if current else 0
        if body.expected_revision is not None and body.expected_revision != revision:
            raise Conflict("commendation.revision_conflict", current=revision)
        doc: dict[str, Any] = {
            "_id": tenant,
            "tenant": tenant,
            "revision": revision + 1,
            **body.model_dump(mode="json", exclude={"expected_revision"}),
            # by date; the dates are unique (rules.holiday_errors refuses a repeated one)
            "holidays": [h.model_dump(mode="json") for h in sorted(body.holidays, key=lambda h: h.date)],
            "updated_at": datetime.now(UTC).isoformat(),
            "updated_by": actor,
        }
        if current is None:
            try:
                await db.commendation_config.insert_one(doc, session=session)
            except DuplicateKeyError:
                raise Conflict("commendation.revision_conflict", current=1) from None
        else:
            replaced = await db.commendation_config.replace_one(
                {"_id": tenant, "revision": revision}, doc, session=session
            )
            if replaced.matched_count != 1:
                raise Conflict("commendation.revision_conflict", current=revision)
        uow.record_change(
            tenant=tenant,
            action="vn.thidua.commendation_config.changed.v1",
            subject="commendation-config",
            actor=actor,
            data={k: v for k, v in doc.items() if k != "_id"},
        )
        return _public(doc)

    return await uow.run(work)


def flag_key(tenant: str, unit_id: str, person_id: str | None, kind: str) -> str:
    return f"{tenant}/{unit_id}/{person_id or '-'}/{kind}"


async def put_flag(uow: UnitOfWork, tenant: str, body: FlagWrite, actor: str) -> Flag:
    """Raise or clear a freeze flag, audited in the same transaction."""
    db = uow.db
    doc = {
        "_id": flag_key(tenant, body.unit_id, body.person_id, body.kind),
        "tenant": tenant,
        **body.model_dump(mode="json"),
        "updated_at": datetime.now(UTC).isoformat(),
        "updated_by": actor,
    }

    async def work(session: AsyncClientSession) -> Flag:
        await db.commendation_flags.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)
        uow.record_change(
            tenant=tenant,
            action="vn.thidua.commendation_flag.changed.v1",
            subject=doc["_id"],
            actor=actor,
            reason=str(doc.get("reason") or ""),
            data={k: v for k, v in doc.items() if k != "_id"},
        )
        return Flag.model_validate(doc)

    return await uow.run(work)


async def flags(
    db: AsyncDatabase,
    tenant: str,
    unit_id: str | None = None,
    active_only: bool = False,
    session: AsyncClientSession | None = None,
) -> list[dict]:
    query = given({"tenant": tenant, "unit_id": unit_id or None, "active": True if active_only else None})
    return await db.commendation_flags.find(query, session=session).sort("_id", 1).to_list(None)


def _public(doc: dict) -> CommendationConfig:
    return CommendationConfig.model_validate({k: v for k, v in doc.items() if k != "_id"})
