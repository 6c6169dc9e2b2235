"""«Tải Excel» of the console's tables, and the import pages.

Exports: the tables the console assembles itself (units register, review queue, nominations) are
written here with the platform's one XLSX writer; the tables reporting serves (leaderboard,
scorecard, progress) are reporting's own `?format=xlsx`, passed through. Imports: the file goes
to intake (which proposes the mapping, checks every row with the API's own checks and writes each
row once); these pages show the proposal, let the user change it, and show the dry-run report."""

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id
from thidua_common.spreadsheets import XLSX_MEDIA_TYPE, write_xlsx

from ..api import ApiFailed
from ..deps import Caller, Posted, SignedIn
from ..i18n import texts
from ..nominations import models as nomination_models
from ..nominations.views import _config, _today  # the list page's own helpers: the same rows
from ..pages import render
from ..reviewer import models as review_models
from ..units import models as unit_models
from . import tables

router = APIRouter()

UPLOAD_PATH = r"/imports"
MAX_FILE_BYTES = 5 * 1024 * 1024  # intake's limit (imports/views.py): a bigger file is refused there
MAX_QUEUE_PAGES = 50  # the export of the review queue reads at most this many of intake's pages
PASSED = ("content-type", "content-disposition")
# a confirmed import writes each row in its own transaction: 2 000 rows take about 40 s on a busy
# machine, far over the console's usual timeout for a call to intake
IMPORT_TIMEOUT = 900.0
KINDS = ("units", "participants", "targets", "results", "awards")
UNIT_KINDS = ("targets", "results")


def body_limit() -> tuple[str, int]:
    """The upload form carries a workbook: room for intake's limit and the multipart framing."""
    return UPLOAD_PATH, MAX_FILE_BYTES + 64 * 1024


def _xlsx(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type=XLSX_MEDIA_TYPE,
        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"},
    )


# -- tables the console assembles ------------------------------------------------------------------
@router.get("/units.xlsx", include_in_schema=False)
async def units_xlsx(caller: SignedIn, q: str = "") -> Response:
    caller.require(*unit_models.READERS)
    found = await caller.intake.get("/api/v1/units", caller.token, caller.lang)
    rows = unit_models.tree([u for u in found or [] if isinstance(u, dict)], q.strip()[: unit_models.MAX_QUERY])
    t = texts(caller.lang)
    columns, values = tables.units_table(rows, t, caller.lang)
    return _xlsx(write_xlsx(columns, values, sheet=t["unt_title"]), "don-vi.xlsx")


@router.get("/review.xlsx", include_in_schema=False)
async def queue_xlsx(caller: SignedIn, campaign_id: str | None = None, overdue: str | None = None) -> Response:
    """The whole queue the page pages through (every page, up to MAX_QUEUE_PAGES)."""
    caller.require(*review_models.PAGE_ROLES)
    campaign_id = campaign_id if is_id(campaign_id) else None
    only_overdue = overdue in ("1", "true", "on")
    items: list[dict[str, Any]] = []
    cursor = None
    campaigns = await caller.intake.get("/api/v1/campaigns", caller.token, caller.lang)
    for _ in range(MAX_QUEUE_PAGES):
        page = await caller.intake.get(
            "/api/v1/submissions", caller.token, caller.lang, queue="true", campaign_id=campaign_id, limit=100,
            after=cursor,
        )  # fmt: skip
        found = [i for i in page.get("items") or [] if isinstance(i, dict)]
        items += [i for i in found if i.get("overdue")] if only_overdue else found
        cursor = page.get("next")
        if not cursor:
            break
    by_id = {str(c.get("campaign_id")): c for c in campaigns or [] if isinstance(c, dict)}
    rows = review_models.queue_rows(items, by_id, caller.lang, caller.unit)
    t = texts(caller.lang)
    columns, values = tables.queue_table(rows, t, caller.lang)
    return _xlsx(write_xlsx(columns, values, sheet=t["rev_queue_title"]), "hang-doi-tham-dinh.xlsx")


@router.get("/nominations.xlsx", include_in_schema=False)
async def nominations_xlsx(caller: SignedIn, award_kind: str | None = None, status: str | None = None) -> Response:
    """The nominations the page lists (a unit's leader: its own unit's)."""
    caller.require(*nomination_models.PAGE_ROLES)
    params: dict[str, Any] = {
        "award_kind": award_kind if is_id(award_kind) else "",
        "status": status if status in nomination_models.STATUSES else "",
    }
    unit_only = caller.has("unit_leader") and not caller.has(
        "board_officer", "council_member", "chairperson", "auditor"
    )
    if unit_only:
        params["unit"] = caller.unit or "-"
    config, items = await asyncio.gather(
        _config(caller), caller.intake.get("/api/v1/nominations", caller.token, caller.lang, **params)
    )
    rows = nomination_models.rows(items or [], config, caller.roles, caller.unit, _today())
    t = texts(caller.lang)
    columns, values = tables.nominations_table(rows, t)
    return _xlsx(write_xlsx(columns, values, sheet=t["nom_nav"]), "de-nghi-khen-thuong.xlsx")


# -- tables reporting serves: its own xlsx, passed through --------------------------------------------
async def _from_reporting(caller: Caller, path: str, params: dict[str, Any]) -> Response:
    upstream = await caller.reporting.request(
        "GET", path, caller.token, caller.lang, params={**params, "format": "xlsx"}
    )
    headers = {k: upstream.headers[k] for k in PASSED if k in upstream.headers}
    if not headers.get("content-disposition", "").startswith("attachment"):
        headers["content-disposition"] = "attachment"  # never shown in the console's origin
    headers["cache-control"] = "no-store"
    return Response(upstream.content, status_code=200, headers=headers)


def _ids(*values: str) -> None:
    if not all(is_id(v) for v in values):
        raise StarletteHTTPException(404)


@router.get("/campaigns/{campaign_id}/leaderboard.xlsx", include_in_schema=False)
async def leaderboard_xlsx(
    campaign_id: str, caller: SignedIn, cluster: str | None = None, period: str | None = None, status: str | None = None
) -> Response:
    _ids(campaign_id)
    params = {
        "cluster": cluster if is_id(cluster) else None,
        "period": (period or "")[:10] or None,
        "status": status if status in ("provisional", "verified") else "provisional",
    }
    return await _from_reporting(caller, f"/api/v1/campaigns/{campaign_id}/leaderboard", params)


@router.get("/campaigns/{campaign_id}/units/{unit_id}/{table}.xlsx", include_in_schema=False)
async def unit_table_xlsx(
    campaign_id: str, unit_id: str, table: str, caller: SignedIn, status: str | None = None
) -> Response:
    _ids(campaign_id, unit_id)
    caller.require_unit(unit_id)  # unit roles: their own unit only (the 403 page), as the unit's page
    if table not in ("scorecard", "progress"):
        raise StarletteHTTPException(404)
    params = {"status": status if status in ("provisional", "verified") else None} if table == "scorecard" else {}
    return await _from_reporting(caller, f"/api/v1/campaigns/{campaign_id}/units/{unit_id}/{table}", params)


@router.get("/board/timeliness.xlsx", include_in_schema=False)
async def timeliness_xlsx(caller: SignedIn, year: str | None = None) -> Response:
    """The nomination pipeline's stages (the board page's table), as reporting writes them."""
    chosen = year if year and year.isdigit() and len(year) == 4 else None
    return await _from_reporting(caller, "/api/v1/nominations/timeliness", {"year": chosen})


# -- imports -------------------------------------------------------------------------------------
def _kinds(caller: Caller) -> list[str]:
    if caller.has("board_officer"):
        return list(KINDS)
    if caller.has("unit_reporter", "unit_leader") and caller.unit:
        return list(UNIT_KINDS)
    return []


def _may_import(caller: Caller) -> list[str]:
    kinds = _kinds(caller)
    if not kinds:
        caller.require("board_officer")  # the 403 page
    return kinds


async def _upload_page(
    request: Request, caller: Caller, form: dict[str, str], status: int = 200,
    errors: dict[str, list[str]] | None = None, message: str = "",
) -> Response:  # fmt: skip
    campaigns = await caller.intake.get("/api/v1/campaigns", caller.token, caller.lang)
    choices = [
        {"id": str(c.get("campaign_id")), "name": str(c.get("name_en") if caller.lang == "en" and c.get("name_en")
                                                    else c.get("name_vi") or c.get("campaign_id"))}
        for c in campaigns or [] if isinstance(c, dict)
    ]  # fmt: skip
    return render(
        request, "excel/upload.html", status=status, form=form, errors=errors or {}, message=message,
        kinds=_may_import(caller), campaigns=choices,
    )  # fmt: skip


@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
async def upload_form(request: Request, caller: SignedIn) -> Response:
    _may_import(caller)
    return await _upload_page(request, caller, {"kind": _kinds(caller)[0], "campaign_id": "", "period": ""})


def _field_errors(errors: list[dict[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(str(e.get("field") or ""), []).append(str(e.get("reason") or ""))
    return out


@router.post("/imports", response_class=HTMLResponse, include_in_schema=False)
async def upload(request: Request, caller: Posted) -> Response:
    kinds = _may_import(caller)
    form = await request.form()
    fields = {k: str(form.get(k) or "").strip()[:100] for k in ("kind", "campaign_id", "period")}
    file = form.get("file")
    if fields["kind"] not in kinds:
        fields["kind"] = kinds[0]
    if not isinstance(file, UploadFile) or not file.filename:
        t = texts(caller.lang)
        return await _upload_page(request, caller, fields, 422, {"file": [t["xl_file_missing"]]})
    content = await file.read(MAX_FILE_BYTES + 1)
    data = {"kind": fields["kind"]}
    if fields["campaign_id"]:
        data["campaign_id"] = fields["campaign_id"]
    if fields["period"]:
        data["period"] = fields["period"]
    try:
        answer = await caller.intake.request(
            "POST", "/api/v1/imports", caller.token, caller.lang,
            files={"file": (file.filename, content, file.content_type or "application/octet-stream")}, data=data,
        )  # fmt: skip
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return await _upload_page(request, caller, fields, exc.status or 422, _field_errors(exc.errors), exc.message)
    import_id = str(answer.json().get("import_id"))
    return RedirectResponse(f"/imports/{import_id}", status_code=303)


def _mapping_from(form: Any, found: dict[str, Any]) -> dict[str, str | None]:
    headers = set(found.get("headers") or [])
    mapping: dict[str, str | None] = {}
    for f in found.get("fields") or []:
        value = str(form.get(f"map.{f['key']}") or "")
        mapping[f["key"]] = value if value in headers else None
    return mapping


async def _import_page(
    request: Request, caller: Caller, import_id: str, mapping: dict[str, str | None] | None = None,
    report: dict[str, Any] | None = None, status: int = 200, failed: ApiFailed | None = None,
) -> Response:  # fmt: skip
    found = await caller.intake.get(f"/api/v1/imports/{import_id}", caller.token, caller.lang)
    return render(
        request, "excel/import.html", status=status, found=found, mapping=mapping or found.get("mapping") or {},
        report=report, result=found.get("result"), message=failed.message if failed else "",
        errors=_field_errors(failed.errors) if failed else {},
    )  # fmt: skip


@router.get("/imports/{import_id}", response_class=HTMLResponse, include_in_schema=False)
async def import_page(request: Request, import_id: str, caller: SignedIn) -> Response:
    _may_import(caller)
    _ids(import_id)
    return await _import_page(request, caller, import_id)


@router.post("/imports/{import_id}", response_class=HTMLResponse, include_in_schema=False)
async def run_import(request: Request, import_id: str, caller: Posted) -> Response:
    """action=dry-run: the page again, with the report (nothing written); action=confirm: the
    import, then the page with its counts (POST/redirect/GET)."""
    _may_import(caller)
    _ids(import_id)
    form = await request.form()
    found = await caller.intake.get(f"/api/v1/imports/{import_id}", caller.token, caller.lang)
    mapping = _mapping_from(form, found)
    action = "confirm" if form.get("action") == "confirm" else "dry-run"
    try:
        answer = await caller.intake.post(
            f"/api/v1/imports/{import_id}/{action}", caller.token, caller.lang, {"mapping": mapping},
            timeout=IMPORT_TIMEOUT,
        )  # fmt: skip
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return await _import_page(request, caller, import_id, mapping, status=exc.status or 422, failed=exc)
    if action == "confirm":
        return RedirectResponse(f"/imports/{import_id}?" + urlencode({"done": "1"}), status_code=303)
    return await _import_page(request, caller, import_id, mapping, report=answer)
