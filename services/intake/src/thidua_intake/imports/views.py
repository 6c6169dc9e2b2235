"""POST /api/v1/imports (upload), GET …/{id}, POST …/{id}/dry-run, POST …/{id}/confirm."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from thidua_common.auth import Principal
from thidua_common.contracts.campaign import ID
from thidua_common.contracts.submission import PERIOD
from thidua_common.errors import FieldError, Invalid
from thidua_common.http import Lang, require_roles

from ..deps import Db, Uow
from ..evidence.views import clean_file_name
from . import service

# intake's BodyLimit gives this path its own limit (IMPORT_MAX_BYTES and the multipart framing)
UPLOAD_PATH = r"/api/v1/imports"
IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a 10 000-row workbook is well under 2 MB
FRAMING_BYTES = 64 * 1024

ImportId = Annotated[str, Path(pattern=ID, description="mã lần nhập")]

router = APIRouter(prefix="/api/v1/imports", tags=["imports / nhập từ Excel"])

Importer = require_roles(*service.IMPORTER)


class MappingBody(BaseModel):
    """The column mapping the user confirmed: field key → the header of the column (None: none)."""

    model_config = ConfigDict(extra="forbid")

    mapping: dict[str, str | None] = Field(max_length=600)


@router.post("", status_code=201)
async def upload_import(
    db: Db,
    file: UploadFile,
    kind: Annotated[str, Form(max_length=20, description="units, targets, results, awards")],
    campaign_id: Annotated[str | None, Form(pattern=ID, description="for targets and results")] = None,
    period: Annotated[str | None, Form(pattern=PERIOD, description="results: the period of rows without one")] = None,
    principal: Principal = Importer,
) -> dict[str, Any]:
    """Upload an XLSX or CSV file: answers its headers, the fields of `kind` and the mapping
    proposed from the header names (confirm or change it, then dry-run, then confirm)."""
    data = await file.read(IMPORT_MAX_BYTES + 1)
    name = clean_file_name(file.filename, "import")
    if len(data) > IMPORT_MAX_BYTES:
        raise Invalid(
            "request.invalid", [FieldError("file", "import.too_large", {"size": len(data), "limit": IMPORT_MAX_BYTES})]
        )
    return await service.upload(db, principal, kind, name, data, campaign_id, period)


@router.get("/{import_id}")
async def get_import(import_id: ImportId, db: Db, principal: Principal = Importer) -> dict[str, Any]:
    return await service.get(db, principal, import_id)


@router.post("/{import_id}/dry-run")
async def dry_run(
    import_id: ImportId, body: MappingBody, db: Db, lang: Lang, principal: Principal = Importer
) -> dict[str, Any]:
    """Every row through the API's checks with this mapping: counts and each bad row's number,
    column and reason. Writes nothing."""
    return await service.dry_run(db, principal, import_id, body.mapping, lang)


@router.post("/{import_id}/confirm")
async def confirm(
    import_id: ImportId, body: MappingBody, uow: Uow, lang: Lang, principal: Principal = Importer
) -> dict[str, Any]:
    """Write the valid rows (each once: a row already imported from the same file is counted in
    `already`, not written again), with one audit record of the import's counts."""
    return await service.confirm(uow, principal, import_id, body.mapping, lang)
