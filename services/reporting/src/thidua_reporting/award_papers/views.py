"""issue 13: award papers — the tờ trình and quyết định (DOCX, PDF) of each award decision, its
certificates (PDF, a batch or one awardee) and the certificate calibration with its test page.
The board's roles read everything; a unit's own roles download their awardees' certificates."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import ID
from thidua_common.errors import Forbidden
from thidua_common.http import CurrentPrincipal, Lang, require_roles
from thidua_common.i18n import t

from . import calibration as cal
from . import certificates, pdf, service

router = APIRouter(prefix="/api/v1/award-papers", tags=["award papers / văn bản khen thưởng"])

BOARD = (Role.board_officer, Role.chairperson, Role.council_member, Role.auditor)
Board = require_roles(*BOARD)
BoardOfficer = require_roles(Role.board_officer)
DecisionId = Annotated[str, Path(pattern=ID, description="mã quyết định")]
Blank = Annotated[Literal["bang-khen", "giay-khen"], Query(description="the blank (phôi)")]
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _db(request: Request):
    return request.app.state.db


def _file(body: bytes, fmt: str, name: str) -> Response:
    return Response(
        body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    )


def _unavailable(lang: str) -> JSONResponse:
    """LibreOffice failed or timed out: 503, told in the reader's language (never its output)."""
    return JSONResponse({"message": t("award_papers.pdf_failed", lang), "errors": []}, status_code=503)


@router.get("/decisions")
async def list_decisions(
    request: Request, principal: Principal = Board, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> list[dict]:
    return await service.decisions(_db(request), principal.tenant, year)


@router.get("/decisions/{decision_id}")
async def get_decision(request: Request, decision_id: DecisionId, principal: Principal = Board) -> dict:
    return (await service.decision(_db(request), principal.tenant, decision_id)).model_dump(mode="json")


@router.get("/decisions/{decision_id}/{kind}", response_class=Response)
async def download_paper(
    request: Request,
    decision_id: DecisionId,
    kind: Annotated[Literal["to-trinh", "quyet-dinh"], Path(description="tờ trình or quyết định")],
    lang: Lang,
    principal: Principal = Board,
    format: Annotated[Literal["docx", "pdf"], Query()] = "docx",
) -> Response:
    try:
        body = await service.paper(_db(request), principal.tenant, decision_id, kind, format, principal.subject)
    except pdf.ConversionFailed:
        return _unavailable(lang)
    return _file(body, format, f"{kind}-{decision_id}")


@router.get("/decisions/{decision_id}/certificates/pdf", response_class=Response)
async def download_certificates(
    request: Request,
    decision_id: DecisionId,
    principal: CurrentPrincipal,
    nomination_id: Annotated[str | None, Query(pattern=ID, description="one awardee (default: all)")] = None,
    blank: Blank = "bang-khen",
) -> Response:
    d, chosen, body = await service.certificates_pdf(_db(request), principal.tenant, decision_id, nomination_id, blank)
    if not principal.has_any(*BOARD):
        # a unit's roles: only certificates of their own unit's awardees
        if nomination_id is None or principal.unit_id != chosen[0].unit_id:
            raise Forbidden("auth.unit", own=principal.unit_id or "—", other=chosen[0].unit_id)
    suffix = f"-{nomination_id}" if nomination_id else ""
    return _file(body, "pdf", f"chung-nhan-{d.decision_id}{suffix}")


@router.get("/calibration/{blank}")
async def get_calibration(
    request: Request, blank: Annotated[Literal["bang-khen", "giay-khen"], Path()], principal: Principal = Board
) -> cal.Calibration:
    return await service.calibration(_db(request), principal.tenant, blank)


@router.put("/calibration/{blank}")
async def put_calibration(
    request: Request,
    blank: Annotated[Literal["bang-khen", "giay-khen"], Path()],
    body: cal.CalibrationWrite,
    principal: Principal = BoardOfficer,
) -> cal.Calibration:
    """Where each field prints on the blank (mm from its top-left corner), the font size."""
    return await service.save_calibration(_db(request), principal.tenant, blank, body, principal.subject)


@router.get("/calibration/{blank}/test-page", response_class=Response)
async def test_page(
    request: Request, blank: Annotated[Literal["bang-khen", "giay-khen"], Path()], principal: Principal = Board
) -> Response:
    """A millimetre grid with each field's box: print it on plain paper, lay it over a blank."""
    c = await service.calibration(_db(request), principal.tenant, blank)
    return _file(certificates.test_page_pdf(c), "pdf", f"in-thu-{blank}")
