"""Store, find and read evidence files. Files go into the GridFS bucket `evidence` of intake's
database; their metadata (tenant, campaign, unit, uploader, type, size, SHA-256, file name,
upload time) sits on the GridFS files document. An upload is written to GridFS as it streams,
its size and SHA-256 counted on the way; a file refused half-way (too large, a wrong SHA-256) is
aborted, its chunks deleted. The audit record of an upload goes through the unit of work."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

from gridfs import AsyncGridFSBucket
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.auth import Principal, Role
from thidua_common.contracts.submission import EvidenceLink
from thidua_common.errors import DomainError, FieldError, Invalid, NotFound, found

from .. import filestore
from ..access import not_own_unit
from ..campaigns import service as campaigns
from ..filestore import Upload
from ..ratings.rules import check_rater
from ..uow import UnitOfWork
from .models import EvidencePublic, EvidenceStored

BUCKET = "evidence"
AUDIT_ACTION = "vn.thidua.evidence.uploaded.v1"


def bucket(db: AsyncDatabase) -> AsyncGridFSBucket:
    return filestore.bucket(db, BUCKET)


def check_may_upload(principal: Principal, unit_id: str) -> None:
    """The board uploads for any unit; a unit's reporter or leader only for its own."""
    if principal.has_any(Role.board_officer) and not principal.unit_scoped:
        return
    if principal.unit_id != unit_id:
        raise not_own_unit(principal, unit_id)


async def upload(
    uow: UnitOfWork,
    principal: Principal,
    campaign_id: str,
    unit_id: str,
    file: Upload,
    file_name: str,
    max_bytes: int,
    expected_sha256: str | None = None,
) -> EvidenceStored:
    db = uow.db
    tenant = principal.tenant
    check_may_upload(principal, unit_id)
    found(await campaigns.definition(db, tenant, campaign_id), "campaign.unknown", id=campaign_id)
    evidence_id = str(uuid.uuid4())
    metadata = {"tenant": tenant, "campaign_id": campaign_id, "unit_id": unit_id, "uploaded_by": principal.subject}
    kept = await filestore.store(
        bucket(db), evidence_id, file, file_name, max_bytes, metadata, expected_sha256=expected_sha256
    )
    stored = EvidenceStored(
        evidence_id=evidence_id, sha256=kept.sha256, size=kept.size, content_type=kept.content_type, file_name=file_name
    )

    async def work(session: AsyncClientSession) -> None:
        uow.record_change(
            tenant=tenant,
            action=AUDIT_ACTION,
            subject=f"{campaign_id}/{unit_id}/{evidence_id}",
            actor=principal.subject,
            data=stored.model_dump(),
        )

    try:
        await uow.run(work)
    except BaseException:
        # a file without its audit record is not kept: the upload failed as a whole
        await bucket(db).delete(evidence_id)
        raise
    return stored


def _public(doc: dict[str, Any]) -> EvidencePublic:
    meta = doc["metadata"]
    return EvidencePublic(
        evidence_id=doc["_id"],
        sha256=meta["sha256"],
        size=meta["size"],
        content_type=meta["content_type"],
        file_name=meta["file_name"],
        uploaded_by=meta["uploaded_by"],
        uploaded_at=meta["uploaded_at"],
    )


async def check_may_read(db: AsyncDatabase, principal: Principal, campaign_id: str, unit_id: str) -> None:
    """The unit itself, the board, an auditor, and the head (or deputy) of the unit's cluster."""
    if principal.has_any(Role.board_officer, Role.auditor) and not principal.unit_scoped:
        return
    if principal.unit_id == unit_id:
        return
    if principal.has_any(Role.cluster_head):
        campaign = found(
            await campaigns.definition(db, principal.tenant, campaign_id), "campaign.unknown", id=campaign_id
        )
        # a head (or deputy) of the unit's cluster in any year of the campaign: evidence is not
        # tied to one period, and reviewers read it while reviewing any of the unit's periods
        refusal: DomainError | None = None
        for year in range(campaign.start.year, campaign.end.year + 1):
            try:
                return check_rater(campaign, unit_id, str(year), principal.unit_id)
            except DomainError as exc:
                refusal = exc
        raise refusal or not_own_unit(principal, unit_id)
    raise not_own_unit(principal, unit_id)


def _query(tenant: str, campaign_id: str, unit_id: str) -> dict[str, Any]:
    return {"metadata.tenant": tenant, "metadata.campaign_id": campaign_id, "metadata.unit_id": unit_id}


async def list_for(db: AsyncDatabase, principal: Principal, campaign_id: str, unit_id: str) -> list[EvidencePublic]:
    await check_may_read(db, principal, campaign_id, unit_id)
    cursor = db[f"{BUCKET}.files"].find(_query(principal.tenant, campaign_id, unit_id)).sort("uploadDate", 1)
    return [_public(doc) async for doc in cursor]


async def find(db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str, evidence_id: str) -> dict | None:
    return await db[f"{BUCKET}.files"].find_one({"_id": evidence_id, **_query(tenant, campaign_id, unit_id)})


async def open_download(
    db: AsyncDatabase, principal: Principal, campaign_id: str, unit_id: str, evidence_id: str
) -> tuple[EvidencePublic, AsyncIterator[bytes]]:
    """The evidence's description and its bytes, chunk by chunk (404 when not of this tenant/unit)."""
    await check_may_read(db, principal, campaign_id, unit_id)
    doc = await find(db, principal.tenant, campaign_id, unit_id, evidence_id)
    if doc is None:
        raise NotFound("evidence.unknown", id=evidence_id, unit=unit_id)
    return _public(doc), await filestore.chunks(bucket(db), evidence_id)


async def resolve(
    db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str, evidence: list[EvidenceLink]
) -> list[EvidenceLink]:
    """A submission's evidence with each uploaded file named by `evidence_id` checked (it exists
    for this tenant, campaign and unit) and its SHA-256, size and file name copied from what was
    stored: the event carries the fact, not what the client claimed. 422 naming every bad entry."""
    errors, resolved = [], []
    for index, link in enumerate(evidence):
        if link.evidence_id is None:
            # a link's size and file name would be the client's word: only stored files have them
            resolved.append(link.model_copy(update={"size": None, "file_name": None}))
            continue
        doc = await find(db, tenant, campaign_id, unit_id, link.evidence_id)
        if doc is None:
            errors.append(
                FieldError(
                    f"evidence.{index}.evidence_id", "evidence.unknown", {"id": link.evidence_id, "unit": unit_id}
                )
            )
            continue
        meta = doc["metadata"]
        resolved.append(
            link.model_copy(update={"sha256": meta["sha256"], "size": meta["size"], "file_name": meta["file_name"]})
        )
    if errors:
        raise Invalid("request.invalid", errors)
    return resolved
