import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, UploadFile
from fastapi.responses import StreamingResponse

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.http import CurrentPrincipal, require_roles
from thidua_common.http.errors import ErrorBody

from ..deps import Db, SettingsDep, Uow
from . import service
from .models import EvidencePublic, EvidenceStored
from .rules import ACCEPTED

CampaignId = Annotated[str, Path(pattern=ID, description="mã phong trào")]
UnitId = Annotated[str, Path(pattern=ID, description="mã đơn vị")]
EvidenceId = Annotated[str, Path(pattern=ID, description="mã minh chứng")]
SHA256 = r"^[0-9a-fA-F]{64}$"

# intake's BodyLimit takes this path's own limit (evidence_max_bytes and room for the multipart framing)
UPLOAD_PATH = r"/api/v1/campaigns/[^/]+/units/[^/]+/evidence"
FRAMING_BYTES = 64 * 1024

router = APIRouter(prefix="/api/v1/campaigns/{campaign_id}/units/{unit_id}/evidence", tags=["evidence / minh chứng"])

Uploader = require_roles(Role.unit_reporter, Role.unit_leader, Role.board_officer)


def clean_file_name(name: str | None, default: str = "evidence") -> str:
    """The file's own name: no folders, no control characters, at most 255 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or default


UNSUPPORTED: dict[int | str, dict[str, Any]] = {
    415: {"model": ErrorBody, "description": "file type not accepted / loại tệp không được nhận"}
}


@router.post("", status_code=201, responses=UNSUPPORTED)
async def upload_evidence(
    campaign_id: CampaignId,
    unit_id: UnitId,
    file: UploadFile,
    uow: Uow,
    settings: SettingsDep,
    sha256: Annotated[str | None, Form(pattern=SHA256, description="SHA-256 the client computed (checked)")] = None,
    principal: Principal = Uploader,
) -> EvidenceStored:
    """Upload one evidence file (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS; type told by its content)
    for a unit: the unit's own reporter or leader, or the board. Stored with its SHA-256."""
    return await service.upload(
        uow,
        principal,
        campaign_id,
        unit_id,
        file,
        clean_file_name(file.filename),
        settings.evidence_max_bytes,
        sha256,
    )


@router.get("")
async def list_evidence(
    campaign_id: CampaignId, unit_id: UnitId, principal: CurrentPrincipal, db: Db
) -> list[EvidencePublic]:
    return await service.list_for(db, principal, campaign_id, unit_id)


def attachment(file_name: str) -> str:
    fallback = file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


@router.get(
    "/{evidence_id}",
    response_class=StreamingResponse,
    responses={200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED}}},
)
async def download_evidence(
    campaign_id: CampaignId, unit_id: UnitId, evidence_id: EvidenceId, principal: CurrentPrincipal, db: Db
) -> StreamingResponse:
    """The file as uploaded, byte for byte (its SHA-256 in the X-Content-SHA256 header), as an
    attachment of its sniffed type; `X-Content-Type-Options: nosniff` comes with every answer
    (thidua_common.http.app.SecurityHeaders), so a browser never reads it as another type."""
    evidence, chunks = await service.open_download(db, principal, campaign_id, unit_id, evidence_id)
    return StreamingResponse(
        chunks,
        media_type=evidence.content_type,
        headers={
            "Content-Disposition": attachment(evidence.file_name),
            "Content-Length": str(evidence.size),
            "X-Content-SHA256": evidence.sha256,
        },
    )
