"""Award history (search and export) and nomination timeliness. Everybody in the tenant may read
them: awards are public by nature (công khai)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from thidua_common.contracts.campaign import ID
from thidua_common.errors import Invalid
from thidua_common.http import CurrentPrincipal, Lang

from .. import tables
from ..formats import load_formats
from . import service

router = APIRouter(prefix="/api/v1", tags=["awards / khen thưởng"])

UnitId = Annotated[str | None, Query(pattern=ID, description="đơn vị được khen (or the awardee's unit)")]
Person = Annotated[str | None, Query(max_length=200, description="person id, or part of the name")]
AwardKind = Annotated[str | None, Query(pattern=ID)]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
Search = Annotated[str | None, Query(max_length=200, description="words in names, awards, decision numbers")]
LangParam = Annotated[Literal["vi", "en"] | None, Query(alias="lang", description="overrides Accept-Language")]


def _db(request: Request):
    return request.app.state.db


def _formats(request: Request) -> dict:
    if not hasattr(request.app.state, "report_formats"):
        request.app.state.report_formats = load_formats()
    return request.app.state.report_formats


@router.get("/awards")
async def list_awards(
    request: Request,
    principal: CurrentPrincipal,
    lang: Lang,
    unit_id: UnitId = None,
    person: Person = None,
    award_kind: AwardKind = None,
    year: Year = None,
    q: Search = None,
) -> list[dict]:
    rows = await service.awards(_db(request), principal.tenant, lang, unit_id, person, award_kind, year, q)
    return [{**r, "decision_date": r["decision_date"].isoformat()} for r in rows]


# the built-in formats (..formats); a format plugin a province adds answers with its own media type
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the award history as a file in the chosen format",
        "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {}}},
    }
}


@router.get("/awards/export", response_class=Response, responses=EXPORT_RESPONSES)
async def export_awards(
    request: Request,
    principal: CurrentPrincipal,
    lang: Lang,
    format: Annotated[str, Query(max_length=40, description="a report-format plugin: csv, json …")] = "csv",
    unit_id: UnitId = None,
    person: Person = None,
    award_kind: AwardKind = None,
    year: Year = None,
    q: Search = None,
    language: LangParam = None,
) -> Response:
    formats = _formats(request)
    plugin = formats.get(format)
    if plugin is None:
        raise Invalid("report.format_unknown", format=format, available=", ".join(sorted(formats)))
    lang = language or lang
    rows = await service.awards(_db(request), principal.tenant, lang, unit_id, person, award_kind, year, q)
    body = plugin.render(rows, service.COLUMNS, lang)
    filename = f"khen-thuong-{principal.tenant}{f'-{year}' if year else ''}.{plugin.file_extension}"
    return Response(
        body, media_type=plugin.media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/nominations/timeliness", response_model=list[dict])
async def nomination_timeliness(
    request: Request,
    principal: CurrentPrincipal,
    lang: Lang,
    year: Year = None,
    award_kind: AwardKind = None,
    format: Annotated[str | None, Query(max_length=40, description="the table as a file: xlsx, csv, json …")] = None,
) -> list[dict] | Response:
    """Per stage of the nomination chain: nominations that went through it, how many sit in it
    now, average and longest working days spent, and how many were overdue."""
    rows = await service.timeliness(_db(request), principal.tenant, year, award_kind)
    if format is None:
        return rows
    name = f"dung-han-{principal.tenant}{f'-{year}' if year else ''}"
    return tables.file_response(request, format, rows, tables.TIMELINESS, lang, name)
