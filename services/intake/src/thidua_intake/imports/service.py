"""Imports: upload a file (kept in intake's `imports` collection with its SHA-256), propose a
mapping, dry-run it (writes nothing), confirm it (writes each valid row once, audited).

Exactly once: each row written claims the key (tenant, kind, scope, file SHA-256, row number) in
`import_rows` inside the same transaction as the row's own change (a unit of work that inserts the
claim first, then runs the API's service), so a row is either written with its claim or not at
all; a second import of the same workbook finds every claim and writes nothing new. The checks
are the API's own: the request models, then the checks the services make (campaign open, unit a
participant, criterion known, value in range…), and a service that still refuses a row when it
is written (say, a unit registered meanwhile) turns into that row's error."""

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID, CampaignDefined, Participant
from thidua_common.contracts.registration import Target
from thidua_common.errors import DomainError, FieldError, Forbidden, Invalid, NotFound
from thidua_common.spreadsheets import SheetUnreadable, read_table

from ..campaigns import lifecycle
from ..campaigns import service as campaigns
from ..campaigns.models import CampaignWrite
from ..nominations import service as nominations
from ..nominations.models import AwardImport, AwardsImport
from ..registrations import rules as registration_rules
from ..registrations import service as registrations
from ..registrations.models import RegistrationWrite, TargetPatch
from ..submissions import rules as submission_rules
from ..submissions import service as submissions
from ..submissions.models import SubmissionCreate
from ..units import service as units
from ..units.models import UnitWrite
from ..units.rules import not_found as unit_not_found
from ..uow import UnitOfWork
from . import rows as row_rules
from .mapping import CAMPAIGN_KINDS, KINDS, UNIT_KINDS, ImportField, fields_for, propose
from .rows import RowError

T = TypeVar("T")

MAX_ROWS = 10_000
MAX_ERRORS = 5_000  # listed in an answer; the counts are always whole
IMPORTER = (Role.board_officer, Role.unit_reporter, Role.unit_leader)
ID_RE = re.compile(ID)


def import_key(tenant: str, import_id: str) -> str:
    return f"{tenant}:{import_id}"


# -- who may import what ------------------------------------------------------------------------
def _board(principal: Principal) -> bool:
    return principal.has_any(Role.board_officer) and not principal.unit_scoped


def check_may_import(principal: Principal, kind: str) -> None:
    """The board imports every kind; a unit's reporter or leader its own targets and results."""
    if _board(principal):
        return
    if kind in UNIT_KINDS and principal.has_any(Role.unit_reporter, Role.unit_leader) and principal.unit_id:
        return
    raise Forbidden("import.kind_forbidden", kind=kind)


# -- upload -----------------------------------------------------------------------------------
async def _campaign(db: AsyncDatabase, tenant: str, campaign_id: str | None) -> CampaignDefined:
    if not campaign_id:
        raise Invalid("request.invalid", [FieldError("campaign_id", "import.campaign_required")])
    campaign = await campaigns.definition(db, tenant, campaign_id)
    if campaign is None:
        raise Invalid("request.invalid", [FieldError("campaign_id", "campaign.unknown", {"id": campaign_id})])
    return campaign


def _criteria(campaign: CampaignDefined | None) -> list[tuple[str, str]]:
    """(id, name) of each criterion that takes a reported value (a leaf)."""
    if campaign is None:
        return []
    out: list[tuple[str, str]] = []

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            children = getattr(node, "children", None) or []
            if children:
                walk(children)
            else:
                out.append((node.id, getattr(node, "name_vi", None) or getattr(node, "name", node.id)))

    walk(list(getattr(campaign, "criteria", []) or []))
    return out


async def upload(
    db: AsyncDatabase,
    principal: Principal,
    kind: str,
    filename: str,
    data: bytes,
    campaign_id: str | None = None,
    period: str | None = None,
) -> dict:
    if kind not in KINDS:
        raise Invalid("request.invalid", [FieldError("kind", "import.kind_unknown", {"available": ", ".join(KINDS)})])
    check_may_import(principal, kind)
    campaign = await _campaign(db, principal.tenant, campaign_id) if kind in CAMPAIGN_KINDS else None
    try:
        headers, body = read_table(data, filename)
    except SheetUnreadable as exc:
        raise Invalid("request.invalid", [FieldError("file", exc.key)]) from None
    if len(body) > MAX_ROWS:
        raise Invalid("request.invalid", [FieldError("file", "import.too_many_rows", {"max": MAX_ROWS})])
    fields = fields_for(kind, _criteria(campaign))
    import_id = secrets.token_hex(8)
    doc = {
        "_id": import_key(principal.tenant, import_id),
        "tenant": principal.tenant,
        "import_id": import_id,
        "kind": kind,
        "campaign_id": campaign.campaign_id if campaign else None,
        "period": period,
        "filename": filename[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
        "headers": headers,
        "rows": len(body),
        "proposed": propose(headers, fields),
        "created_by": principal.subject,
        "unit_id": None if _board(principal) else principal.unit_id,
        "created_at": datetime.now(UTC),
        "result": None,
    }
    await db.imports.insert_one(doc)
    return public(doc, fields)


async def _stored(db: AsyncDatabase, principal: Principal, import_id: str) -> dict:
    doc = await db.imports.find_one({"_id": import_key(principal.tenant, import_id)})
    # a unit sees its own uploads only (another unit's is as good as absent)
    if doc is None or (not _board(principal) and doc.get("unit_id") != principal.unit_id):
        raise NotFound("import.unknown", id=import_id)
    return doc


async def get(db: AsyncDatabase, principal: Principal, import_id: str) -> dict:
    doc = await _stored(db, principal, import_id)
    return public(doc, await _fields(db, doc))


async def _fields(db: AsyncDatabase, doc: dict) -> tuple[ImportField, ...]:
    campaign = await campaigns.definition(db, doc["tenant"], doc["campaign_id"]) if doc["campaign_id"] else None
    return fields_for(doc["kind"], _criteria(campaign))


def public(doc: dict, fields: tuple[ImportField, ...]) -> dict:
    return {
        "import_id": doc["import_id"],
        "kind": doc["kind"],
        "campaign_id": doc["campaign_id"],
        "period": doc["period"],
        "filename": doc["filename"],
        "sha256": doc["sha256"],
        "headers": doc["headers"],
        "rows": doc["rows"],
        "fields": [{"key": f.key, "vi": f.vi, "en": f.en, "required": f.required} for f in fields],
        "mapping": doc["proposed"],
        "created_by": doc["created_by"],
        "created_at": doc["created_at"].isoformat() if isinstance(doc["created_at"], datetime) else doc["created_at"],
        "result": doc.get("result"),
    }


# -- the mapping the user confirmed ---------------------------------------------------------------
def check_mapping(mapping: dict[str, str | None], fields: tuple[ImportField, ...], headers: list[str]) -> None:
    known = {f.key: f for f in fields}
    errors = []
    for key, header in mapping.items():
        if key not in known:
            errors.append(FieldError(f"mapping.{key}", "import.field_unknown", {"field": key}))
        elif header is not None and header not in headers:
            errors.append(FieldError(f"mapping.{key}", "import.column_unknown", {"column": header}))
    for f in fields:
        if f.required and not mapping.get(f.key):
            errors.append(FieldError(f"mapping.{f.key}", "import.mapping_required", {"field": f.vi}))
    if any(f.key.startswith("values.") for f in fields) and not any(
        k.startswith("values.") and v for k, v in mapping.items()
    ):
        errors.append(FieldError("mapping", "import.mapping_no_values"))
    if errors:
        raise Invalid("request.invalid", errors)


# -- planning: every row through the API's checks, nothing written --------------------------------
@dataclass
class Planned:
    row: int
    unit_id: str | None
    body: Any


async def plan(
    db: AsyncDatabase, principal: Principal, doc: dict, mapping: dict[str, str | None]
) -> tuple[list[Planned], list[RowError]]:
    kind, tenant = doc["kind"], doc["tenant"]
    fields = await _fields(db, doc)
    check_mapping(mapping, fields, doc["headers"])
    headers, body = read_table(doc["data"], doc["filename"])
    campaign = await _campaign(db, tenant, doc["campaign_id"]) if kind in CAMPAIGN_KINDS else None
    if campaign is not None:
        # the whole import is refused, as the API refuses each request, when the campaign is closed
        if kind == "results":
            lifecycle.check_open_for_submissions(campaign.status)
        elif kind == "participants":
            lifecycle.check_editable(campaign.status)
        else:
            lifecycle.check_open_for_registrations(campaign.status)
    defaults: dict[str, Any] = {"tenant": tenant, "campaign_id": doc["campaign_id"], "period": doc["period"]}
    if kind == "participants":  # name, type and e-mail default to the register's
        defaults["units"] = {d["unit_id"]: d async for d in db.units.find({"tenant": tenant})}
    own_unit = None if _board(principal) else principal.unit_id
    known_units = await _unit_ids(db, tenant) if kind in ("units", "awards") else set()
    file_units = (
        {row_rules.text(c.get("unit_id")) for c in _all_cells(headers, body, mapping)} if kind == "units" else set()
    )
    planned: list[Planned] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, values in body:
        cells = row_rules.cells(headers, values, mapping)
        unit_id = row_rules.text(cells.get("unit_id"))
        found: list[FieldError] = []
        if kind != "awards":  # an award's unit is checked by its model (nominee.unit_id)
            if unit_id is None:
                found.append(FieldError("unit_id", "import.value_required"))
            elif not ID_RE.match(unit_id):
                found.append(FieldError("unit_id", "field.pattern", {"pattern": ID}))
        if own_unit is not None and unit_id is not None and unit_id != own_unit:
            found.append(FieldError("unit_id", "import.other_unit", {"own": own_unit, "other": unit_id}))
        request = row_rules.body_of(kind, cells, defaults)
        model, model_errors = row_rules.validate(_MODELS[kind], request)
        found += model_errors
        if model is not None and not found:
            found += _service_checks(kind, model, unit_id, campaign, known_units | file_units)
        dedupe = _dedupe_key(kind, unit_id, model)
        if dedupe is not None and not found:
            if dedupe in seen:
                found.append(FieldError("unit_id", "import.duplicate_row", {"row": seen[dedupe]}))
            else:
                seen[dedupe] = number
        if found:
            errors += row_rules.row_errors(number, found, mapping)
        else:
            planned.append(Planned(number, unit_id, model))
    return planned, errors


def _all_cells(headers: list[str], body: list[tuple[int, list[Any]]], mapping: dict) -> list[dict]:
    return [row_rules.cells(headers, values, mapping) for _, values in body]


async def _unit_ids(db: AsyncDatabase, tenant: str) -> set[str]:
    return {d["unit_id"] async for d in db.units.find({"tenant": tenant}, {"unit_id": 1})}


_MODELS: dict[str, type[BaseModel]] = {
    "units": UnitWrite,
    "participants": Participant,
    "targets": Target,
    "results": SubmissionCreate,
    "awards": AwardImport,
}


def _service_checks(
    kind: str, model: Any, unit_id: str | None, campaign: CampaignDefined | None, units_known: set
) -> list[FieldError]:
    """The checks the API's services make before they write, on a row that passed the model."""
    if kind == "units":
        if model.parent_id and model.parent_id not in units_known:
            return [unit_not_found("parent_id", model.parent_id)]
        return []
    if kind == "awards":
        if model.nominee.unit_id not in units_known:
            return [unit_not_found("unit_id", model.nominee.unit_id)]
        return []
    assert campaign is not None
    if kind == "participants":
        if model.cluster_id and model.cluster_id not in {c.id for c in campaign.clusters}:
            return [FieldError("cluster_id", "campaign.unknown_cluster", {"id": model.cluster_id})]
        return []
    if kind == "targets":
        errors = []
        if unit_id not in {p.unit_id for p in campaign.participants}:
            errors.append(FieldError("unit_id", "unit.unknown", {"id": unit_id}))
        return errors + registration_rules.check_target(campaign, model)
    return submission_rules.check(campaign, model)  # results


def _dedupe_key(kind: str, unit_id: str | None, model: Any) -> str | None:
    """Two rows of one file that would write the same thing: the second is an error."""
    if model is None:
        return None
    if kind in ("units", "participants"):
        return unit_id
    if kind == "targets":
        return f"{unit_id}|{model.criterion_id}|{model.period}"
    if kind == "results":
        return f"{unit_id}|{model.period}"
    return None


def _answer(rows: int, planned: int, errors: list[RowError], lang: str, **counts: int) -> dict:
    bad_rows = len({e.row for e in errors})
    return {
        "rows": rows,
        "valid": planned,
        "invalid": bad_rows,
        **counts,
        "errors": [e.render(lang) for e in errors[:MAX_ERRORS]],
    }


async def dry_run(db: AsyncDatabase, principal: Principal, import_id: str, mapping: dict, lang: str) -> dict:
    """What the import would do: the valid rows counted, each bad row named with its column and
    reason. Nothing is written."""
    doc = await _stored(db, principal, import_id)
    planned, errors = await plan(db, principal, doc, mapping)
    return _answer(doc["rows"], len(planned), errors, lang)


# -- confirming: each valid row written once -----------------------------------------------------
class ClaimedRow:
    """The caller's unit of work, whose transaction first claims the row's key: the row's change
    and its claim commit together or not at all (and a claimed row is never written twice)."""

    def __init__(self, uow: UnitOfWork, claim: dict):
        self._uow, self._claim = uow, claim

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    async def run(self, work: Callable[[Any], Awaitable[T]], conflict: DomainError | None = None) -> T:
        async def claimed(session: Any) -> T:
            await self._uow.db.import_rows.insert_one(dict(self._claim), session=session)
            return await work(session)

        return await self._uow.run(claimed, conflict)


def row_key(doc: dict, row: int) -> str:
    scope = doc["campaign_id"] or "-"
    return f"{doc['tenant']}:{doc['kind']}:{scope}:{doc['sha256']}:{row}"


async def confirm(uow: UnitOfWork, principal: Principal, import_id: str, mapping: dict, lang: str) -> dict:
    db = uow.db
    doc = await _stored(db, principal, import_id)
    planned, errors = await plan(db, principal, doc, mapping)
    valid = len(planned)
    keys = {p.row: row_key(doc, p.row) for p in planned}
    done = {d["_id"] async for d in db.import_rows.find({"_id": {"$in": list(keys.values())}}, {"_id": 1})}
    written = already = 0
    now = datetime.now(UTC)
    if doc["kind"] == "participants":
        written, already, refused = await _participants(uow, principal, doc, planned, keys, done, now)
        errors += row_rules.row_errors(0, refused, mapping) if refused else []
        planned = []  # written together above
    for p in planned:
        key = keys[p.row]
        if key in done:
            already += 1
            continue
        claim = {"_id": key, "tenant": doc["tenant"], "import_id": doc["import_id"], "row": p.row, "at": now}
        try:
            await _write(ClaimedRow(uow, claim), principal, doc, p)  # type: ignore[arg-type]
        except DomainError as exc:
            if await db.import_rows.find_one({"_id": key}):  # claimed by a concurrent import of the same file
                already += 1
                continue
            found = exc.errors or [FieldError("unit_id", exc.key, exc.params)]
            errors += row_rules.row_errors(p.row, found, mapping)
            continue
        written += 1
    errors.sort(key=lambda e: e.row)
    counts = {"written": written, "already": already}
    result = {"rows": doc["rows"], "valid": valid, "invalid": len({e.row for e in errors}), **counts}

    async def audit(session: Any) -> None:
        uow.record_change(
            tenant=doc["tenant"],
            action="vn.thidua.import.completed.v1",
            subject=f"import:{doc['import_id']}",
            actor=principal.subject,
            data={
                "kind": doc["kind"],
                "campaign_id": doc["campaign_id"],
                "filename": doc["filename"],
                "sha256": doc["sha256"],
                **result,
            },
        )
        await db.imports.update_one(
            {"_id": doc["_id"]}, {"$set": {"result": result, "mapping": mapping}}, session=session
        )

    await uow.run(audit)
    return _answer(doc["rows"], valid - len({e.row for e in errors if e.row in keys}), errors, lang, **counts)


class ClaimedRows(ClaimedRow):
    """ClaimedRow for many rows written by one change (a campaign's participants: one revision)."""

    def __init__(self, uow: UnitOfWork, claims: list[dict]):
        super().__init__(uow, {})
        self._claims = claims

    async def run(self, work: Callable[[Any], Awaitable[T]], conflict: DomainError | None = None) -> T:
        async def claimed(session: Any) -> T:
            await self._uow.db.import_rows.insert_many([dict(c) for c in self._claims], session=session)
            return await work(session)

        return await self._uow.run(claimed, conflict)


async def _participants(
    uow: UnitOfWork, principal: Principal, doc: dict, planned: list[Planned], keys: dict, done: set, now: datetime
) -> tuple[int, int, list[FieldError]]:
    """The campaign's participants with the file's rows added (a unit already taking part gets the
    row's data), as one new revision of the campaign through its own service; every row's claim
    in the same transaction. Returns (written, already, errors of the whole change)."""
    fresh = [p for p in planned if keys[p.row] not in done]
    already = len(planned) - len(fresh)
    if not fresh:
        return 0, already, []
    current = await campaigns.get(uow.db, doc["tenant"], doc["campaign_id"])
    if current is None:
        return 0, already, [FieldError("campaign_id", "campaign.unknown", {"id": doc["campaign_id"]})]
    fields = current.model_dump(mode="json")
    by_unit = {p["unit_id"]: p for p in fields["participants"]}
    for p in fresh:
        by_unit[p.body.unit_id] = p.body.model_dump(mode="json")
    body = {k: v for k, v in fields.items() if k in CampaignWrite.model_fields}
    body.update(participants=list(by_unit.values()), reason=_reason(doc), expected_revision=current.revision)
    claims = [
        {"_id": keys[p.row], "tenant": doc["tenant"], "import_id": doc["import_id"], "row": p.row, "at": now}
        for p in fresh
    ]
    write, invalid = row_rules.validate(CampaignWrite, body)
    if write is None:
        return 0, already, invalid
    try:
        rows_uow = ClaimedRows(uow, claims)
        await campaigns.put(rows_uow, doc["tenant"], doc["campaign_id"], write, principal.subject)  # type: ignore[arg-type]
    except DomainError as exc:
        return 0, already, exc.errors or [FieldError("campaign_id", exc.key, exc.params)]
    return len(fresh), already, []


def _reason(doc: dict) -> str:
    return f"Nhập từ tệp {doc['filename']}"[:2000]


async def _write(uow: UnitOfWork, principal: Principal, doc: dict, p: Planned) -> None:
    """The row through the API's own service, as the route would call it."""
    kind, tenant, actor = doc["kind"], doc["tenant"], principal.subject
    if kind == "units":
        await units.put(uow, tenant, p.unit_id or "", p.body, actor)
    elif kind == "awards":
        await nominations.import_awards(uow, tenant, AwardsImport(awards=[p.body]), actor)
    elif kind == "targets":
        campaign_id, unit_id = doc["campaign_id"], p.unit_id or ""
        if await registrations.get(uow.db, tenant, campaign_id, unit_id) is None:
            await registrations.put(uow, tenant, campaign_id, unit_id, RegistrationWrite(targets=[p.body]), actor)
        else:
            patch = TargetPatch(
                criterion_id=p.body.criterion_id, period=p.body.period, value=p.body.value, reason=_reason(doc)
            )
            await registrations.patch_target(uow, tenant, campaign_id, unit_id, patch, actor)
    else:
        await submissions.accept(
            uow,
            tenant,
            p.body,
            submitted_by=actor,
            channel="import",
            idempotency_key=f"import:{row_key(doc, p.row)}",
        )
