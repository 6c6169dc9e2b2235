"""The dossier's files: upload (POST /api/v1/nominations/documents, multipart) and download through
the nomination that lists them (GET /api/v1/nominations/{id}/documents/{document_id})."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, UploadFile
from fastapi.responses import StreamingResponse

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.http import CurrentPrincipal, require_roles

from ..deps import Db, SettingsDep, Uow
from ..evidence.rules import ACCEPTED
from ..evidence.views import UNSUPPORTED, attachment, clean_file_name
from . import documents, service
from .models import DossierStored

NominationId = Annotated[str, Path(pattern=ID, description="mã hồ sơ đề nghị")]
DocumentId = Annotated[str, Path(pattern=ID, description="mã tài liệu hồ sơ")]

# intake's BodyLimit takes this path's own limit (evidence_max_bytes and room for the multipart framing)
UPLOAD_PATH = r"/api/v1/nominations/documents"

router = APIRouter(prefix="/api/v1/nominations", tags=["nominations / đề nghị khen thưởng"])

Uploader = require_roles(Role.unit_leader, Role.board_officer)


@router.post("/documents", status_code=201, responses=UNSUPPORTED)
async def upload_document(
    file: UploadFile,
    uow: Uow,
    settings: SettingsDep,
    unit_id: Annotated[str | None, Form(pattern=ID, description="the unit (the board names it)")] = None,
    principal: Principal = Uploader,
) -> DossierStored:
    """Upload one dossier document (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS; type told by its
    content, size limited like evidence) for the caller's unit (the board names the unit). Its
    SHA-256 is counted by intake; file the nomination naming the answer's `document_id`."""
    name = clean_file_name(file.filename, default="document")
    return await documents.upload(uow, principal, unit_id, file, name, settings.evidence_max_bytes)


@router.get(
    "/{nomination_id}/documents/{document_id}",
    response_class=StreamingResponse,
    responses={200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED}}},
)
async def download_document(
    nomination_id: NominationId, document_id: DocumentId, principal: CurrentPrincipal, db: Db
) -> StreamingResponse:
    """The file as uploaded, byte for byte (its SHA-256 in X-Content-SHA256), for those who may
    read the nomination: its unit's people, the board, the council, the chairperson, the auditor.
    404 for anybody else, as for a nomination that does not exist."""
    nomination = await service.get(db, principal.tenant, nomination_id)
    shown = nomination.model_dump(mode="json") if nomination else None
    listed, chunks = await documents.open_download(db, principal, shown, nomination_id, document_id)
    return StreamingResponse(
        chunks,
        media_type=str(listed.get("content_type") or "application/octet-stream"),
        headers={
            "Content-Disposition": attachment(str(listed["name"])),
            "Content-Length": str(listed["size"]),
            "X-Content-SHA256": str(listed["sha256"]),
        },
    )
