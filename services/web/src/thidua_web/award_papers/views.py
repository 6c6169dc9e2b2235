"""issue 13: award papers — /award-decisions (the batch: choose, issue, list), a decision's page
with its downloads (proxied from reporting), /certificate-calibration/{blank} with the test page."""

import asyncio
import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api import ApiFailed
from ..deps import Caller, Posted, SignedIn
from ..i18n import texts
from ..pages import render
from . import models

router = APIRouter()

BOARD = ("board_officer", "chairperson", "council_member", "auditor")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KINDS = {"to-trinh", "quyet-dinh"}
FORMATS = {"docx", "pdf"}


def _id(value: str) -> str:
    if not ID.fullmatch(value):
        raise StarletteHTTPException(404)
    return value


async def _file(caller: Caller, path: str, **params: Any) -> Response:
    """A file reporting renders, passed to the browser as an attachment (never shown inline)."""
    upstream = await caller.reporting.request("GET", path, caller.token, caller.lang, params=params)
    headers = {"cache-control": "no-store"}
    headers["content-disposition"] = upstream.headers.get("content-disposition", "attachment")
    if not headers["content-disposition"].startswith("attachment"):
        headers["content-disposition"] = "attachment"
    return Response(upstream.content, media_type=upstream.headers.get("content-type"), headers=headers)


# -- the batch ---------------------------------------------------------------------------------
async def _batch_context(caller: Caller) -> dict[str, Any]:
    nominations, config, issued = await asyncio.gather(
        caller.intake.get("/api/v1/nominations", caller.token, caller.lang, status="in_progress"),
        caller.intake.get("/api/v1/config/commendation", caller.token, caller.lang),
        caller.intake.get("/api/v1/award-decisions", caller.token, caller.lang),
    )
    return {"waiting": models.at_decision(nominations or [], config), "issued": issued or []}


def _batch_page(request: Request, caller: Caller, context: dict[str, Any], status: int = 200, **extra: Any):
    return render(
        request,
        "award_papers/batch.html",
        status=status,
        may_issue=caller.has("board_officer"),
        may_approve=caller.has("chairperson"),
        request_id=extra.pop("request_id", None) or f"lo-{uuid.uuid4().hex[:16]}",
        chosen=extra.pop("chosen", []),
        typed=extra.pop("typed", {}),
        errors=extra.pop("errors", []),
        message=extra.pop("message", ""),
        **context,
        **extra,
    )


@router.get("/award-decisions", include_in_schema=False)
async def batch_page(request: Request, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*BOARD)
    return _batch_page(request, caller, await _batch_context(caller), done=done)


@router.post("/award-decisions", include_in_schema=False)
async def issue(request: Request, caller: Posted) -> Response:
    caller.require("board_officer")
    posted = await request.form()
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    chosen = [str(v) for v in posted.getlist("nomination_id")]
    words = texts(caller.lang)
    if not chosen:
        context = await _batch_context(caller)
        return _batch_page(
            request, caller, context, 422, typed=form, request_id=form.get("request_id"), message=words["ap_choose_one"]
        )
    try:
        made = await caller.intake.post(
            "/api/v1/award-decisions", caller.token, caller.lang, models.batch_body(form, chosen)
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        context = await _batch_context(caller)
        return _batch_page(
            request,
            caller,
            context,
            exc.status if exc.status in (403, 409) else 422,
            chosen=chosen,
            typed=form,
            request_id=form.get("request_id"),
            errors=exc.errors,
            message=f"{words['ap_refused']} {exc.message}",
        )
    decision_id = _id(str((made or {}).get("decision_id") or ""))
    return RedirectResponse(f"/award-decisions/{decision_id}?done=issued", status_code=303)


@router.post("/award-decisions/approve/{nid}", include_in_schema=False)
async def approve(request: Request, nid: str, caller: Posted) -> Response:
    """The chair approves a nomination waiting at the decision stage; the board officer's next
    batch decides it (intake checks the stage, the role and the conflict of interest)."""
    caller.require("chairperson")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    body = {"action": "approve", "stage": form.get("stage") or None}
    try:
        await caller.intake.post(f"/api/v1/nominations/{_id(nid)}/actions", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not exc.refused:
            raise
        context = await _batch_context(caller)
        return _batch_page(
            request,
            caller,
            context,
            exc.status if exc.status in (403, 409) else 422,
            errors=exc.errors,
            message=exc.message,
        )
    return RedirectResponse("/award-decisions?done=approved", status_code=303)


@router.get("/award-decisions/{decision_id}", include_in_schema=False)
async def decision_page(request: Request, decision_id: str, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*BOARD)
    d = await caller.intake.get(f"/api/v1/award-decisions/{_id(decision_id)}", caller.token, caller.lang)
    return render(request, "award_papers/decision.html", d=d, links=models.paper_links(decision_id), done=done)


@router.get("/award-decisions/{decision_id}/files/{kind}.{fmt}", include_in_schema=False)
async def paper(decision_id: str, kind: str, fmt: str, caller: SignedIn) -> Response:
    caller.require(*BOARD)
    if kind not in KINDS or fmt not in FORMATS:
        raise StarletteHTTPException(404)
    return await _file(caller, f"/api/v1/award-papers/decisions/{_id(decision_id)}/{kind}", format=fmt)


@router.get("/award-decisions/{decision_id}/certificates.pdf", include_in_schema=False)
async def certificates(
    decision_id: str, caller: SignedIn, nomination_id: str | None = None, blank: str = "bang-khen"
) -> Response:
    """A batch (board) or one awardee's certificate; reporting decides who may have which."""
    if blank not in models.BLANKS or (nomination_id is not None and not ID.fullmatch(nomination_id)):
        raise StarletteHTTPException(404)
    path = f"/api/v1/award-papers/decisions/{_id(decision_id)}/certificates/pdf"
    return await _file(caller, path, nomination_id=nomination_id, blank=blank)


# -- calibration -------------------------------------------------------------------------------
def _blank(blank: str) -> str:
    if blank not in models.BLANKS:
        raise StarletteHTTPException(404)
    return blank


def _calibration_page(request: Request, caller: Caller, blank: str, cal: dict, status: int = 200, **extra: Any):
    return render(
        request,
        "award_papers/calibration.html",
        status=status,
        blank=blank,
        blanks=models.BLANKS,
        fields=models.FIELDS,
        cal=cal,
        may_edit=caller.has("board_officer"),
        errors=extra.pop("errors", {}),
        message=extra.pop("message", ""),
        **extra,
    )


@router.get("/certificate-calibration/{blank}", include_in_schema=False)
async def calibration_page(request: Request, blank: str, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*BOARD)
    cal = await caller.reporting.get(f"/api/v1/award-papers/calibration/{_blank(blank)}", caller.token, caller.lang)
    return _calibration_page(request, caller, blank, cal, done=done)


@router.post("/certificate-calibration/{blank}", include_in_schema=False)
async def save_calibration(request: Request, blank: str, caller: Posted) -> Response:
    caller.require("board_officer")
    _blank(blank)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    body, bad = models.calibration_body(form)
    words = texts(caller.lang)
    if bad:
        typed = {
            **body,
            "fields": {
                f: {**b, **{k: form.get(f"{f}.{k}") for k in models.BOX_KEYS}} for f, b in body["fields"].items()
            },
        }
        errors = {name.split(".")[0]: words["ap_not_number"] for name in bad}
        return _calibration_page(request, caller, blank, typed, 422, errors=errors, message=words["ap_not_number"])
    try:
        await caller.reporting.put(f"/api/v1/award-papers/calibration/{blank}", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return _calibration_page(
            request, caller, blank, body, 422, errors=models.api_errors(exc.errors), message=exc.message
        )
    return RedirectResponse(f"/certificate-calibration/{blank}?done=saved", status_code=303)


@router.get("/certificate-calibration/{blank}/test-page.pdf", include_in_schema=False)
async def test_page(blank: str, caller: SignedIn) -> Response:
    caller.require(*BOARD)
    return await _file(caller, f"/api/v1/award-papers/calibration/{_blank(blank)}/test-page")
