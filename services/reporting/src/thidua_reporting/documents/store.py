"""Generated documents in reporting's own GridFS bucket `documents`, versioned.

A document belongs to a *series* (e.g. "review:c1:2026-06-30:board"): regenerating it, or
uploading a DOCX edited in Word, adds version n+1; older versions stay downloadable. Each file's
metadata: tenant, kind, series, version, format (docx|pdf), campaign_id, unit_id (a unit's own
document; None for the board's), sha256, created_at, created_by, source (generated|uploaded) and
`pdf_of` (a PDF converted from a DOCX version, kept so it is converted once)."""

import hashlib
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from gridfs import AsyncGridFSBucket
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

BUCKET = "documents"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
MEDIA = {"docx": DOCX, "pdf": PDF}


def bucket(db: AsyncDatabase) -> AsyncGridFSBucket:
    return AsyncGridFSBucket(db, bucket_name=BUCKET)


async def setup(db: AsyncDatabase) -> None:
    files = db[f"{BUCKET}.files"]
    await files.create_index(
        [("metadata.tenant", ASCENDING), ("metadata.series", ASCENDING), ("metadata.version", DESCENDING)]
    )
    await files.create_index([("metadata.tenant", ASCENDING), ("metadata.campaign_id", ASCENDING)])
    await files.create_index([("metadata.pdf_of", ASCENDING)])


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    meta = doc["metadata"]
    return {
        "id": str(doc["_id"]),
        "filename": doc["filename"],
        "size": doc["length"],
        **{k: v for k, v in meta.items() if k not in ("pdf_of",)},
    }


async def _next_version(db: AsyncDatabase, tenant: str, series: str) -> int:
    # a counter, not max()+1: two regenerations at once still get distinct versions
    row = await db.document_versions.find_one_and_update(
        {"_id": f"{tenant}:{series}"}, {"$inc": {"version": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert row is not None  # upserted
    return int(row["version"])


async def save(
    db: AsyncDatabase,
    *,
    tenant: str,
    kind: str,
    series: str,
    filename: str,
    content: bytes,
    created_by: str,
    campaign_id: str | None = None,
    unit_id: str | None = None,
    source: str = "generated",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store a DOCX as the next version of `series`; the stored record (public form)."""
    version = await _next_version(db, tenant, series)
    metadata = {
        "tenant": tenant,
        "kind": kind,
        "series": series,
        "version": version,
        "format": "docx",
        "media_type": DOCX,
        "campaign_id": campaign_id,
        "unit_id": unit_id,
        "sha256": hashlib.sha256(content).hexdigest(),
        "created_at": datetime.now(UTC),
        "created_by": created_by,
        "source": source,
        **(extra or {}),
    }
    stem = filename.removesuffix(".docx")
    file_id = await bucket(db).upload_from_stream(f"{stem}-v{version}.docx", content, metadata=metadata)
    stored = await db[f"{BUCKET}.files"].find_one({"_id": file_id})
    assert stored is not None  # just written
    return _public(stored)


def _oid(document_id: str) -> ObjectId | None:
    try:
        return ObjectId(document_id)
    except (InvalidId, TypeError):
        return None


async def record(db: AsyncDatabase, tenant: str, document_id: str) -> dict[str, Any] | None:
    """A stored DOCX version of this tenant (public form), or None."""
    oid = _oid(document_id)
    if oid is None:
        return None
    doc = await db[f"{BUCKET}.files"].find_one({"_id": oid, "metadata.tenant": tenant, "metadata.format": "docx"})
    return _public(doc) if doc else None


async def content(db: AsyncDatabase, document_id: str) -> bytes:
    stream = await bucket(db).open_download_stream(ObjectId(document_id))
    return await stream.read()


async def cached_pdf(db: AsyncDatabase, document_id: str) -> bytes | None:
    doc = await db[f"{BUCKET}.files"].find_one({"metadata.pdf_of": document_id})
    return await content(db, str(doc["_id"])) if doc else None


async def keep_pdf(db: AsyncDatabase, source: dict[str, Any], pdf: bytes) -> None:
    metadata = {
        **{k: v for k, v in source.items() if k not in ("id", "filename", "size")},
        "format": "pdf",
        "media_type": PDF,
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "created_at": datetime.now(UTC),
        "pdf_of": source["id"],
    }
    await bucket(db).upload_from_stream(source["filename"].removesuffix(".docx") + ".pdf", pdf, metadata=metadata)


async def listing(db: AsyncDatabase, tenant: str, **where: Any) -> list[dict[str, Any]]:
    """DOCX versions of this tenant matching `where` (metadata fields), newest version first."""
    query = {"metadata.tenant": tenant, "metadata.format": "docx", **{f"metadata.{k}": v for k, v in where.items()}}
    cursor = db[f"{BUCKET}.files"].find(query).sort([("metadata.series", ASCENDING), ("metadata.version", DESCENDING)])
    return [_public(doc) async for doc in cursor]
