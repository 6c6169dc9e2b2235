"""«Báo cáo sơ kết/tổng kết» of a campaign (/campaigns/{cid}/reviews): the reviews and their drafts
by version with DOCX and PDF downloads; for the board also the narrative sections (saved with the
version read: a concurrent edit is refused, the text typed kept), regeneration and the upload of a
version edited in Word. A unit's roles see their own unit's drafts. Everything through reporting's
API as the signed-in user; downloads are streamed from reporting as attachments."""

import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import Caller, Posted, SignedIn
from ..pages import render
from . import models

router = APIRouter()

DOCUMENT_ID = re.compile(r"^[0-9a-f]{24}$")
PASSED = ("content-type", "content-disposition", "content-length")
MAX_UPLOAD = 20 * 1024 * 1024


def _campaign_id(value: str) -> str:
    if not is_id(value):
        raise StarletteHTTPException(404)
    return value


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise StarletteHTTPException(404) from None


def _is_board(caller: Caller) -> bool:
    return caller.has(*models.BOARD_ROLES)


async def _page(request: Request, caller: Caller, campaign_id: str, status: int = 200, **extra: object) -> HTMLResponse:
    board = _is_board(caller)
    if not board and not caller.unit:
        caller.require(*models.BOARD_ROLES)  # neither board nor unit: the 403 page
    params = {} if board else {"unit_id": caller.unit}
    answer = await caller.reporting.get(f"/api/v1/campaigns/{campaign_id}/reviews", caller.token, caller.lang, **params)
    return render(
        request,
        "reports/index.html",
        status,
        campaign_id=campaign_id,
        reviews=models.reviews(answer),
        board=board,
        writer=caller.has(*models.WRITERS),
        sections=models.SECTIONS,
        **extra,
    )


@router.get("/campaigns/{campaign_id}/reviews", response_class=HTMLResponse, include_in_schema=False)
async def reviews(
    request: Request, campaign_id: str, caller: SignedIn, done: str | None = None, version: int | None = None
) -> HTMLResponse:
    notice = None
    if done in ("saved", "regenerated", "uploaded"):
        notice = {"kind": done, "version": version}
    return await _page(request, caller, _campaign_id(campaign_id), notice=notice)


def _see_other(campaign_id: str, day: date, done: str, version: int | None = None) -> RedirectResponse:
    query = f"?done={done}" + (f"&version={version}" if version else "")
    return RedirectResponse(f"/campaigns/{campaign_id}/reviews{query}#review-{day.isoformat()}", status_code=303)


def _refusal(exc: ApiFailed) -> int:
    return exc.status if exc.status in (409, 413, 415, 422) else 422


@router.post("/campaigns/{campaign_id}/reviews/{review_date}/narrative", include_in_schema=False)
async def save_narrative(request: Request, campaign_id: str, review_date: str, caller: Posted) -> Response:
    campaign_id, day = _campaign_id(campaign_id), _day(review_date)
    caller.require(*models.WRITERS)
    form = await request.form()
    typed = {k: str(form.get(k) or "") for k in models.SECTIONS}
    try:
        expected = int(str(form.get("expected_version") or "0"))
    except ValueError:
        expected = -1  # reporting names the field
    body = {"expected_version": expected, **typed}
    try:
        await caller.reporting.put(
            f"/api/v1/campaigns/{campaign_id}/reviews/{day.isoformat()}/narrative", caller.token, caller.lang, body
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        failed = {"date": day, "message": exc.message, "errors": exc.errors, "typed": typed}
        return await _page(request, caller, campaign_id, _refusal(exc), failed=failed)
    return _see_other(campaign_id, day, "saved")


@router.post("/campaigns/{campaign_id}/reviews/{review_date}/regenerate", include_in_schema=False)
async def regenerate(request: Request, campaign_id: str, review_date: str, caller: Posted) -> Response:
    campaign_id, day = _campaign_id(campaign_id), _day(review_date)
    caller.require(*models.WRITERS)
    try:
        done = await caller.reporting.post(
            f"/api/v1/campaigns/{campaign_id}/reviews/{day.isoformat()}/regenerate", caller.token, caller.lang
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        failed = {"date": day, "message": exc.message, "errors": exc.errors, "typed": None}
        return await _page(request, caller, campaign_id, _refusal(exc), failed=failed)
    return _see_other(campaign_id, day, "regenerated", int((done or {}).get("version") or 0) or None)


@router.post("/campaigns/{campaign_id}/reviews/{review_date}/upload", include_in_schema=False)
async def upload(request: Request, campaign_id: str, review_date: str, caller: Posted) -> Response:
    campaign_id, day = _campaign_id(campaign_id), _day(review_date)
    caller.require(*models.WRITERS)
    form = await request.form()
    file = form.get("file")
    content = await file.read(MAX_UPLOAD + 1) if isinstance(file, StarletteUploadFile) else b""
    name = (file.filename if isinstance(file, StarletteUploadFile) else None) or "bao-cao.docx"
    try:
        answer = await caller.reporting.request(
            "POST",
            f"/api/v1/campaigns/{campaign_id}/reviews/{day.isoformat()}/documents",
            caller.token,
            caller.lang,
            files={"file": (name, content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")},
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        failed = {"date": day, "message": exc.message, "errors": exc.errors, "typed": None}
        return await _page(request, caller, campaign_id, _refusal(exc), failed=failed)
    return _see_other(campaign_id, day, "uploaded", int(answer.json().get("version") or 0) or None)


@router.get("/documents/{document_id}", include_in_schema=False)
async def download(document_id: str, caller: SignedIn, format: str = "docx") -> Response:
    """A document reporting keeps, streamed as an attachment (reporting decides who may read it)."""
    if not DOCUMENT_ID.match(document_id) or format not in ("docx", "pdf"):
        raise StarletteHTTPException(404)
    api = caller.reporting
    request = api.http.build_request(
        "GET",
        f"{api.base_url}/api/v1/documents/{document_id}",
        params={"format": format},
        headers={"Authorization": f"Bearer {caller.token}", "Accept-Language": caller.lang},
        timeout=180,  # a first PDF is converted by LibreOffice
    )
    try:
        upstream = await api.http.send(request, stream=True)
    except Exception as exc:  # httpx.HTTPError: reporting not reachable
        raise ApiFailed(None) from exc
    if upstream.status_code != 200:
        await upstream.aread()
        await upstream.aclose()
        try:
            body = upstream.json()
        except ValueError:
            body = None
        raise ApiFailed(upstream.status_code, body)
    headers = {k: upstream.headers[k] for k in PASSED if k in upstream.headers}
    if "content-encoding" in upstream.headers:
        headers.pop("content-length", None)
    if not headers.get("content-disposition", "").startswith("attachment"):
        headers["content-disposition"] = "attachment"
    headers["cache-control"] = "no-store"
    return StreamingResponse(
        upstream.aiter_bytes(), status_code=200, headers=headers, background=BackgroundTask(upstream.aclose)
    )
