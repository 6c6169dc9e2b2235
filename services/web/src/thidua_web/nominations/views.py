"""The nomination pages: a unit's nominations and each stage's queue (/nominations), filing a dossier
(/nominations/new), a nomination with its history and the action the caller may take now
(/nominations/{id}: pass, return, comment, vote, decide) and the award history with its exports
(/awards, /awards/export proxied from reporting). Intake decides who may do what; its refusals are
shown on the page in the caller's language."""

import asyncio
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import Caller, NotAllowed, Posted, SignedIn
from ..formats import LOCAL
from ..i18n import texts
from ..pages import render
from . import ballots, dossier, models

router = APIRouter()
router.include_router(dossier.router)  # issue 11: a nomination's documents, downloaded through the console

NOMINATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
EXPORT_FORMATS = ("csv", "json", "xlsx")  # issue 13: excel
# headers of reporting's export passed on to the browser
PASSED = ("content-type", "content-disposition")
DONE = {"filed", "pass", "return", "comment", "vote", "decide", "resubmit", "ballot", "close_vote"}  # issue 11: ballots


def _today() -> date:
    return datetime.now(LOCAL).date()


def _nomination_id(nid: str) -> str:
    if not NOMINATION_ID.fullmatch(nid):
        raise StarletteHTTPException(404)
    return nid


def _shown_refusal(exc: ApiFailed) -> bool:
    return exc.refused or exc.status == 403


async def _config(caller: Caller) -> dict[str, Any] | None:
    """The tenant's commendation configuration; None before the board configured one."""
    try:
        return await caller.intake.get("/api/v1/config/commendation", caller.token, caller.lang)
    except ApiFailed as exc:
        if exc.status == 404:
            return None
        raise


def _clean(value: str | None, allowed: tuple[str, ...] | None = None) -> str:
    if not value:
        return ""
    if allowed is not None:
        return value if value in allowed else ""
    return value if is_id(value) else ""


# -- the list and the queue -------------------------------------------------------------------
@router.get("/nominations", response_class=HTMLResponse, include_in_schema=False)
async def nominations(
    request: Request,
    caller: SignedIn,
    award_kind: str | None = None,
    status: str | None = None,
    done: str | None = None,
) -> Response:
    caller.require(*models.PAGE_ROLES)
    filters = {"award_kind": _clean(award_kind), "status": _clean(status, models.STATUSES)}
    unit_only = caller.has("unit_leader") and not caller.has(
        "board_officer", "council_member", "chairperson", "auditor"
    )
    params: dict[str, Any] = {**filters}
    if unit_only:
        params["unit"] = caller.unit or "-"
    config, items = await asyncio.gather(
        _config(caller), caller.intake.get("/api/v1/nominations", caller.token, caller.lang, **params)
    )
    all_rows = models.rows(items or [], config, caller.roles, caller.unit, _today())
    own = [r for r in all_rows if caller.unit and r.unit == caller.unit] if caller.has("unit_leader") else []
    return render(
        request,
        "nominations/list.html",
        queue=models.queue(all_rows),
        own=own,
        everything=[] if unit_only else all_rows,
        unit_only=unit_only,
        may_file=caller.has("unit_leader") and bool(caller.unit),
        award_kinds=models.award_kinds(config),
        statuses=models.STATUSES,
        filters=filters,
        configured=config is not None,
        done=done if done in DONE else None,
    )


# -- filing ------------------------------------------------------------------------------------
def _may_file(caller: Caller) -> str:
    caller.require("unit_leader")
    if not caller.unit:
        raise NotAllowed()
    return caller.unit


def _new_page(
    request: Request,
    config: dict[str, Any] | None,
    form: models.DossierForm,
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
) -> Response:
    award = models.award_of(config, form.award_kind)
    return render(
        request,
        "nominations/new.html",
        status=status,
        form=form,
        award_kinds=models.award_kinds(config),
        required=(award or {}).get("required_documents") or [],
        errors=errors or {},
        message=message,
        configured=config is not None,
    )


def _kinds_for(config: dict[str, Any] | None, award_kind: str) -> list[str]:
    award = models.award_of(config, award_kind) or (models.award_kinds(config) or [{}])[0]
    return [str(k) for k in award.get("required_documents") or []]


@router.get("/nominations/new", response_class=HTMLResponse, include_in_schema=False)
async def new(request: Request, caller: SignedIn, award_kind: str | None = None) -> Response:
    _may_file(caller)
    config = await _config(caller)
    kinds = models.award_kinds(config)
    chosen = _clean(award_kind) or (str(kinds[0].get("id")) if kinds else "")
    form = models.read_dossier({"award_kind": chosen}, [], _today().year)
    form.documents = dossier.read_rows({}, _kinds_for(config, chosen))  # issue 11: a file per required kind
    if award := models.award_of(config, chosen):
        form.nominee_kind = str(award.get("nominee_kind") or "individual")
    return _new_page(request, config, form)


@router.post("/nominations/new", include_in_schema=False)
async def file(request: Request, caller: Posted) -> Response:
    """issue 11 (dossier): the documents come as files; each is uploaded to intake first (its
    SHA-256 counted there), then the nomination names them by id. A refusal keeps what was typed
    and the files already uploaded."""
    unit = _may_file(caller)
    config = await _config(caller)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    kinds = _kinds_for(config, fields.get("award_kind", ""))
    form = models.read_dossier({k: v for k, v in fields.items() if not k.startswith("doc.")}, [], _today().year)
    words = texts(caller.lang)
    errors = {name: [words[key]] for name, key in models.dossier_errors(form).items()}  # no document rows yet
    form.documents = dossier.read_rows(fields, kinds)
    errors.update(await dossier.upload_rows(caller, posted, form.documents, words))
    errors = {**dossier.missing(form.documents, kinds, words), **errors}
    if errors:
        return _new_page(request, config, form, status=422, errors=errors, message=words["nom_refused"])
    body = {**models.dossier_body(form, unit), "documents": dossier.documents_body(form.documents)}
    try:
        made = await caller.intake.post("/api/v1/nominations", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not _shown_refusal(exc):
            raise
        status = exc.status if exc.status in (403, 409) else 422
        shown = dossier.errors_on_rows(models.field_errors(exc.errors), form.documents)
        return _new_page(request, config, form, status=status, errors=shown, message=exc.message)
    nid = str((made or {}).get("nomination_id") or "")
    target = f"/nominations/{nid}?done=filed" if NOMINATION_ID.fullmatch(nid) else "/nominations?done=filed"
    return RedirectResponse(target, status_code=303)


# -- a nomination --------------------------------------------------------------------------------
async def _context(caller: Caller, nid: str) -> dict[str, Any]:
    nomination, config = await asyncio.gather(
        caller.intake.get(f"/api/v1/nominations/{nid}", caller.token, caller.lang), _config(caller)
    )
    nominee = nomination.get("nominee") or {}
    caller.require_unit(str(nominee.get("unit_id") or ""))
    today = _today()
    award = models.award_of(config, nomination.get("award_kind"))
    stage = models.stage_of(award, nomination.get("stage"))
    threshold = float((award or {}).get("vote_threshold") or 0) or None
    own_unit = bool(caller.unit) and caller.unit in models.judged_units(nomination)
    tally = await _tally(caller, nid, nomination, award)  # issue 11: ballots
    return {
        **_ballot_context(caller, tally, own_unit),  # issue 11: ballots
        "n": nomination,
        "nominee": nominee,
        "award": award,
        "stage": stage,
        "stage_name": models.stage_name(config, nomination, nomination.get("stage")),
        "history": models.history(nomination, config),
        "refusal": models.last_refusal(nomination),
        "due": models.due(nomination, today, models.holidays(config)),
        "actions": models.actions(nomination, config, caller.roles, caller.unit, today),
        "own_unit": bool(caller.unit) and caller.unit in models.judged_units(nomination),
        "threshold": threshold,
        "window_open": models.window_open(nomination, award, today, models.holidays(config)),
        "may_resubmit": models.may_resubmit(nomination, caller.roles, caller.unit),
        "required": [str(k) for k in (award or {}).get("required_documents") or []],
    }


def _nomination_page(
    request: Request,
    context: dict[str, Any],
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    failed_action: str = "",
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    done: str | None = None,
    documents: list[dict[str, str]] | None = None,
) -> Response:
    return render(
        request,
        "nominations/detail.html",
        status=status,
        documents=documents
        if documents is not None
        else dossier.with_required(models.documents_of(context["n"]), context["required"]),
        dossier_documents=dossier.uploaded(context["n"].get("documents")),
        typed=typed or {},
        failed_action=failed_action,
        errors=errors or {},
        message=message,
        done=done,
        **context,
    )


def _refused_page(request: Request, context: dict[str, Any], exc: ApiFailed, **page: Any) -> Response:
    """intake's refusal on the nomination's page: its status (403/409, else 422), its message, and
    its field errors next to the fields, keeping what was typed (`page`)."""
    status = exc.status if exc.status in (403, 409) else 422
    errors = models.field_errors(exc.errors)
    return _nomination_page(request, context, status=status, errors=errors, message=exc.message, **page)


@router.get("/nominations/{nid}", response_class=HTMLResponse, include_in_schema=False)
async def nomination(request: Request, nid: str, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.PAGE_ROLES)
    context = await _context(caller, _nomination_id(nid))
    return _nomination_page(request, context, done=done if done in DONE else None)


@router.post("/nominations/{nid}/act", include_in_schema=False)
async def act(request: Request, nid: str, caller: Posted) -> Response:
    caller.require(*models.PAGE_ROLES)
    nid = _nomination_id(nid)
    context = await _context(caller, nid)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    action = fields.get("action", "")
    if action not in context["actions"]:
        raise NotAllowed()  # not this caller's to do now: the 403 page, nothing sent
    body, local = models.action_body(action, fields, context["n"].get("stage"))
    typed = {k: v for k, v in fields.items() if k != "csrf"}
    if local:
        words = texts(caller.lang)
        errors = {name: [words[key]] for name, key in local.items()}
        return _nomination_page(
            request, context, status=422, typed=typed, failed_action=action, errors=errors, message=words["nom_refused"]
        )
    try:
        await caller.intake.post(f"/api/v1/nominations/{nid}/actions", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not _shown_refusal(exc):
            raise
        return _refused_page(request, context, exc, typed=typed, failed_action=action)
    return RedirectResponse(f"/nominations/{nid}?{urlencode({'done': action})}", status_code=303)


@router.post("/nominations/{nid}/resubmit", include_in_schema=False)
async def resubmit(request: Request, nid: str, caller: Posted) -> Response:
    """A returned nomination back into its chain with the corrected dossier."""
    caller.require(*models.PAGE_ROLES)
    nid = _nomination_id(nid)
    context = await _context(caller, nid)
    if not context["may_resubmit"]:
        raise NotAllowed()
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    documents = models.read_documents(fields, context["required"])
    typed = {k: v for k, v in fields.items() if k != "csrf"}
    page: dict[str, Any] = {"typed": typed, "failed_action": "resubmit", "documents": documents}
    words = texts(caller.lang)
    uploads = await dossier.replace_files(caller, posted, documents, words)  # issue 11: a row's new file
    if (local := models.document_errors(documents)) or uploads:
        errors = {**{name: [words[key]] for name, key in local.items()}, **uploads}
        return _nomination_page(request, context, status=422, errors=errors, message=words["nom_refused"], **page)
    body = models.resubmit_body(
        documents, fields.get("achievement", "").strip(), fields.get("reason", "").strip(), fields.get("revision", "")
    )
    try:
        await caller.intake.post(f"/api/v1/nominations/{nid}/resubmit", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not _shown_refusal(exc):
            raise
        return _refused_page(request, context, exc, **page)
    return RedirectResponse(f"/nominations/{nid}?done=resubmit", status_code=303)


# -- issue 11: ballots — each council member's own ballot, the tally, closing the vote -----------
async def _tally(caller: Caller, nid: str, nomination: dict[str, Any], award: dict[str, Any] | None) -> Any:
    """intake's tally of the (current or last) vote stage, for those who may read it; None when
    the caller may not, the nomination never reached a vote, or intake has no tally to give."""
    if not ballots.shows_tally(nomination, award, caller.roles):
        return None
    try:
        return await caller.intake.get(f"/api/v1/nominations/{nid}/ballots", caller.token, caller.lang)
    except ApiFailed as exc:
        if exc.refused or exc.status in (403, 404, 409):
            return None
        raise


def _ballot_context(caller: Caller, tally: Any, own_unit: bool) -> dict[str, Any]:
    return {
        "tally": tally,
        "share_percent": ballots.share_percent(tally) if tally else None,
        "may_cast": ballots.may_cast(tally, caller.roles, own_unit),
        "may_close": ballots.may_close(tally, caller.roles, own_unit),
        "ballot_choices": ballots.CHOICES,
        "is_member": "council_member" in caller.roles,
    }


async def _ballot_post(request: Request, caller: Caller, nid: str, action: str) -> Response:
    """Cast (action `ballot`) or close the vote (`close_vote`): the console's own checks, then
    intake's; a refusal re-renders the page with the reasons next to the fields, keeping what was
    typed; success redirects (POST/redirect/GET)."""
    caller.require(*models.PAGE_ROLES)
    nid = _nomination_id(nid)
    context = await _context(caller, nid)
    if not context["may_cast" if action == "ballot" else "may_close"]:
        raise NotAllowed()  # not this caller's to do now: the 403 page, nothing sent
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    stage = context["n"].get("stage")
    body, local = ballots.read_ballot(fields, stage) if action == "ballot" else ballots.read_close(fields, stage)
    typed = {k: v for k, v in fields.items() if k != "csrf"}
    if local:
        words = texts(caller.lang)
        errors = {name: [words[key]] for name, key in local.items()}
        return _nomination_page(
            request, context, status=422, typed=typed, failed_action=action, errors=errors, message=words["nom_refused"]
        )
    try:
        if action == "ballot":
            await caller.intake.put(f"/api/v1/nominations/{nid}/ballot", caller.token, caller.lang, body)
        else:
            await caller.intake.post(f"/api/v1/nominations/{nid}/ballots/close", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not _shown_refusal(exc):
            raise
        return _refused_page(request, context, exc, typed=typed, failed_action=action)
    return RedirectResponse(f"/nominations/{nid}?{urlencode({'done': action})}", status_code=303)


@router.post("/nominations/{nid}/ballot", include_in_schema=False)
async def cast_ballot(request: Request, nid: str, caller: Posted) -> Response:
    return await _ballot_post(request, caller, nid, "ballot")


@router.post("/nominations/{nid}/close-vote", include_in_schema=False)
async def close_vote(request: Request, nid: str, caller: Posted) -> Response:
    return await _ballot_post(request, caller, nid, "close_vote")


# -- award history -------------------------------------------------------------------------------
def _award_filters(year: str | None, award_kind: str | None, unit_id: str | None, q: str | None) -> dict[str, str]:
    return {
        "year": year if year and year.isdigit() and 2000 <= int(year) <= 2100 else "",
        "award_kind": _clean(award_kind),
        "unit_id": _clean(unit_id),
        "q": (q or "").strip()[:200],
    }


@router.get("/awards", response_class=HTMLResponse, include_in_schema=False)
async def awards(
    request: Request,
    caller: SignedIn,
    year: str | None = None,
    award_kind: str | None = None,
    unit_id: str | None = None,
    recipient: str | None = None,
    q: str | None = None,
) -> Response:
    filters = _award_filters(year, award_kind, unit_id, q)
    chosen = _clean(recipient, ("collective", "individual"))
    config, found = await asyncio.gather(
        _config(caller), caller.reporting.get("/api/v1/awards", caller.token, caller.lang, **filters)
    )
    exports = {f: "/awards/export?" + urlencode({**{k: v for k, v in filters.items() if v}, "format": f})
               for f in EXPORT_FORMATS}  # fmt: skip
    return render(
        request,
        "nominations/awards.html",
        rows=models.award_rows(found or [], chosen or None),
        filters={**filters, "recipient": chosen},
        award_kinds=models.award_kinds(config),
        exports=exports,
    )


@router.get("/awards/export", include_in_schema=False)
async def export(
    caller: SignedIn,
    format: str = "csv",
    year: str | None = None,
    award_kind: str | None = None,
    unit_id: str | None = None,
    q: str | None = None,
) -> Response:
    if format not in EXPORT_FORMATS:
        raise StarletteHTTPException(404)
    params = {**_award_filters(year, award_kind, unit_id, q), "format": format}
    upstream = await caller.reporting.request("GET", "/api/v1/awards/export", caller.token, caller.lang, params=params)
    headers = {k: upstream.headers[k] for k in PASSED if k in upstream.headers}
    if not headers.get("content-disposition", "").startswith("attachment"):
        headers["content-disposition"] = "attachment"  # never shown in the console's origin
    headers["cache-control"] = "no-store"
    return Response(upstream.content, status_code=200, headers=headers)
