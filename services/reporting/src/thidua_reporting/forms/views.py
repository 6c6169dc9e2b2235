"""GET /api/v1/forms/{form}?year=&format=xlsx|pdf: a statutory form of Circular 02/2023/TT-BNV
for the caller's tenant (the reporting unit). The board's roles only: the forms are the board's
filing to the Ministry of Home Affairs."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from thidua_common.auth import Role
from thidua_common.errors import NotFound
from thidua_common.http import require_roles
from thidua_common.http.errors import ApiError

from . import pdf, service
from .layout import FORMS

router = APIRouter(prefix="/api/v1", tags=["forms / biểu mẫu thống kê"])

BOARD = require_roles(Role.board_officer, Role.council_member, Role.chairperson, Role.auditor)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESPONSES: dict[int | str, dict] = {
    200: {
        "description": "the form as XLSX (official layout) or PDF",
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}, "application/pdf": {}},
    }
}


@router.get("/forms", dependencies=[BOARD])
async def list_forms() -> list[dict]:
    return [{"form": f.slug, "code": f.code, "title": f.title} for f in FORMS.values()]


@router.get("/forms/{form}", response_class=Response, responses=RESPONSES)
async def get_form(
    request: Request,
    form: Annotated[str, Path(max_length=20, description="0601, 0602 or 0603")],
    year: Annotated[int, Query(ge=2000, le=2100, description="năm báo cáo")],
    principal=BOARD,
    format: Annotated[Literal["xlsx", "pdf"], Query(description="xlsx (default) or pdf")] = "xlsx",
    unit_name: Annotated[
        str | None,
        # printed in the workbook: no control characters (XLSX cannot hold them)
        Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$", description="đơn vị báo cáo as printed"),
    ] = None,
) -> Response:
    slug = form.split(".")[0]
    if slug not in FORMS:
        raise NotFound("forms.unknown", form=form, available=", ".join(FORMS))
    table = await service.table(request.app.state.db, principal.tenant, slug, year)
    body = service.workbook(table, (unit_name or "").strip() or principal.tenant)
    media, ext = XLSX, "xlsx"
    if format == "pdf":
        try:
            body = await pdf.to_pdf(body)
        except pdf.ConversionFailed as exc:
            raise ApiError(503, "forms.pdf_unavailable") from exc
        media, ext = "application/pdf", "pdf"
    filename = f"bieu-{slug}-{principal.tenant}-{year}.{ext}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
