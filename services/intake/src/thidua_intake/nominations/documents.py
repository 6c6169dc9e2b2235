"""Dossier documents uploaded as files: stored like evidence (filestore: GridFS bucket `dossier`,
type sniffed, size limit, SHA-256 counted by intake) for one unit, then named by a nomination's
documents through their `document_id`. Filing resolves each id to what was stored (the client's
word on name, size or hash is never taken). A document is downloaded through its nomination, by
those who may read the nomination; anybody else gets 404, as if it did not exist."""

import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

from gridfs import AsyncGridFSBucket
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.auth import Principal, Role
from thidua_common.errors import FieldError, Invalid, NotFound

from .. import filestore
from ..access import not_own_unit
from ..filestore import Upload
from ..uow import UnitOfWork
from .models import DossierDocumentWrite, DossierStored

BUCKET = "dossier"
AUDIT_ACTION = "vn.thidua.dossier.uploaded.v1"
REFERENCE_FIELDS = ("name", "url", "sha256", "size")
# who reads every nomination (and so its documents); a unit's own people read their unit's
READERS = (Role.board_officer, Role.council_member, Role.chairperson, Role.auditor)


def bucket(db: AsyncDatabase) -> AsyncGridFSBucket:
    return filestore.bucket(db, BUCKET)


def unit_of_upload(principal: Principal, unit_id: str | None) -> str:
    """The unit a document is uploaded for: a unit leader's own (or 403 naming another); the
    board names the unit (422 without one)."""
    if principal.has_any(Role.board_officer) and not principal.unit_scoped:
        chosen = unit_id or principal.unit_id
        if not chosen:
            raise Invalid("dossier.unit_required", [FieldError("unit_id", "dossier.unit_required")])
        return chosen
    own = principal.unit_id
    if not own or (unit_id and unit_id != own):
        raise not_own_unit(principal, unit_id or "—", field="unit_id")
    return own


async def upload(
    uow: UnitOfWork, principal: Principal, unit_id: str | None, file: Upload, file_name: str, max_bytes: int
) -> DossierStored:
    db = uow.db
    tenant = principal.tenant
    unit = unit_of_upload(principal, unit_id)
    document_id = str(uuid.uuid4())
    metadata = {"tenant": tenant, "unit_id": unit, "uploaded_by": principal.subject}
    kept = await filestore.store(bucket(db), document_id, file, file_name, max_bytes, metadata, messages="dossier")
    stored = DossierStored(
        document_id=document_id,
        unit_id=unit,
        file_name=kept.file_name,
        size=kept.size,
        sha256=kept.sha256,
        content_type=kept.content_type,
        uploaded_by=principal.subject,
        uploaded_at=kept.uploaded_at,
    )

    async def work(session: AsyncClientSession) -> None:
        uow.record_change(
            tenant=tenant,
            action=AUDIT_ACTION,
            subject=f"{unit}/{document_id}",
            actor=principal.subject,
            data=stored.model_dump(mode="json"),
        )

    try:
        await uow.run(work)
    except BaseException:
        # a file without its audit record is not kept: the upload failed as a whole
        await bucket(db).delete(document_id)
        raise
    return stored


async def find(
    db: AsyncDatabase, tenant: str, unit_id: str, document_id: str, session: AsyncClientSession | None = None
) -> dict | None:
    query = {"_id": document_id, "metadata.tenant": tenant, "metadata.unit_id": unit_id}
    return await db[f"{BUCKET}.files"].find_one(query, session=session)


def download_path(nomination_id: str, document_id: str) -> str:
    return f"/api/v1/nominations/{nomination_id}/documents/{document_id}"


async def resolve(
    db: AsyncDatabase,
    tenant: str,
    unit_id: str,
    documents: list[DossierDocumentWrite],
    session: AsyncClientSession | None = None,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The dossier's documents as stored on the nomination (DossierDocument's shape) and the
    errors naming each bad entry: an uploaded file must exist for this tenant and the nominee's
    unit (another unit's file is as unknown as a wrong id); a reference needs all its fields.
    The url of an uploaded file is set once the nomination has its id (with_urls)."""
    out: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for index, document in enumerate(documents):
        if document.document_id:
            doc = await find(db, tenant, unit_id, document.document_id, session)
            if doc is None:
                params = {"id": document.document_id, "unit": unit_id}
                errors.append(FieldError(f"documents.{index}.document_id", "dossier.unknown", params))
                continue
            meta = doc["metadata"]
            out.append(
                {
                    "kind": document.kind,
                    "name": meta["file_name"],
                    "url": "",
                    "sha256": meta["sha256"],
                    "size": meta["size"],
                    "document_id": document.document_id,
                    "content_type": meta["content_type"],
                }
            )
            continue
        missing = [name for name in REFERENCE_FIELDS if getattr(document, name) is None]
        if missing:
            errors.extend(FieldError(f"documents.{index}.{name}", "dossier.source") for name in missing)
            continue
        out.append(document.model_dump(mode="json", include={"kind", *REFERENCE_FIELDS}))
    return out, errors


def with_urls(nomination_id: str, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**d, "url": download_path(nomination_id, d["document_id"])} if d.get("document_id") else d for d in documents
    ]


def may_read(principal: Principal, nomination: Mapping[str, Any]) -> bool:
    """The board, the council, the chairperson and the auditor read every nomination; a unit's own
    people read those of their unit (as nominee or as the filing unit)."""
    if principal.has_any(*READERS) and not principal.unit_scoped:
        return True
    units = {(nomination.get("nominee") or {}).get("unit_id"), nomination.get("nominating_unit_id")}
    return bool(principal.unit_id) and principal.unit_id in units


async def open_download(
    db: AsyncDatabase, principal: Principal, nomination: Mapping[str, Any] | None, nomination_id: str, document_id: str
) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
    """A document of the nomination (as listed on it) and its bytes; 404 alike for a nomination
    that does not exist, one the caller may not read, and a document it does not list."""
    if nomination is None or not may_read(principal, nomination):
        raise NotFound("nomination.unknown", id=nomination_id)
    listed = next((d for d in nomination.get("documents") or [] if d.get("document_id") == document_id), None)
    if listed is None:
        raise NotFound("dossier.document_unknown", nomination=nomination_id, id=document_id)
    unit = (nomination.get("nominee") or {}).get("unit_id", "")
    if await find(db, principal.tenant, unit, document_id) is None:
        raise NotFound("dossier.document_unknown", nomination=nomination_id, id=document_id)
    return listed, await filestore.chunks(bucket(db), document_id)
