"""GET /api/v1/documents/{id}: a stored document version, as DOCX (default) or PDF (converted by
LibreOffice on first request, then kept). Same auth as reporting's other routes (access.py)."""

from typing import Annotated, Literal

import structlog
from fastapi import APIRouter, Path, Query, Request, Response

from thidua_common.errors import NotFound
from thidua_common.http import ApiError, CurrentPrincipal

from . import access, store
from .pdf import ConversionFailed, to_pdf

log = structlog.get_logger()

router = APIRouter(prefix="/api/v1/documents", tags=["documents / văn bản"])

DocumentId = Annotated[str, Path(pattern=r"^[0-9a-f]{24}$", description="a stored document version")]
Format = Annotated[Literal["docx", "pdf"], Query(description="docx (editable in Word) or pdf")]


@router.get("/{document_id}", response_class=Response)
async def download(request: Request, document_id: DocumentId, principal: CurrentPrincipal, format: Format = "docx"):
    db = request.app.state.db
    record = await store.record(db, principal.tenant, document_id)
    if record is None or not access.may_read(principal, record):
        # another unit's document is as absent as a missing one (no existence oracle)
        raise NotFound("documents.not_found", id=document_id)
    body = await store.content(db, document_id) if format == "docx" else await pdf_of(db, record)
    filename = record["filename"].removesuffix(".docx") + f".{format}"
    return Response(
        body,
        media_type=store.MEDIA[format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Document-Version": str(record["version"]),
            "X-Content-SHA256": record["sha256"] if format == "docx" else "",
        },
    )


async def pdf_of(db, record: dict) -> bytes:
    cached = await store.cached_pdf(db, record["id"])
    if cached is not None:
        return cached
    try:
        pdf = await to_pdf(await store.content(db, record["id"]))
    except ConversionFailed as exc:
        # LibreOffice missing or stuck is the server's trouble, not the request's (its reason is logged)
        log.warning("documents.pdf_failed", document_id=record["id"], reason=str(exc))
        raise ApiError(503, "documents.pdf_failed") from exc
    await store.keep_pdf(db, record, pdf)
    return pdf
