"""The campaign editor (board officers): /editor lists the campaigns, /editor/new and /editor/{cid}
show a definition as one server-rendered form. The whole draft lives in the form's inputs, named
by the paths intake names in its errors; the tree's and lists' buttons post the form and get it
back changed (no JavaScript needed); only «Lưu» PUTs the definition to intake with the revision
edited (`expected_revision`; 0 for a new campaign: create, never overwrite). Lifecycle steps post
to /editor/{cid}/status with a reason. Intake decides: its refusals are shown next to the inputs."""

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import MAX_FORM_FIELDS, Caller, Posted, SignedIn
from ..i18n import texts
from ..pages import render
from . import models

router = APIRouter()

DONE = {"saved": "ed_saved", "status": "ed_status_changed"}
FORM_PATH = r"/editor/[^/]+"
# the form of a campaign of 2 000 participants and a few hundred criteria is about 1 MiB
MAX_FORM_BYTES = 4 * 1024 * 1024


def body_limit() -> tuple[str, int]:
    """The editor's form carries the whole definition: larger than the console's default limit."""
    return FORM_PATH, MAX_FORM_BYTES


def _campaign_id(cid: str) -> str:
    if not is_id(cid):
        raise StarletteHTTPException(404)
    return cid


async def _scorers(caller: Caller) -> dict[str, dict[str, Any]]:
    """{name: {"description", "schema"}} of the scorers intake has installed."""
    found = await caller.intake.get("/api/v1/scorers", caller.token, caller.lang)
    return {
        str(s["name"]): {"description": str(s.get("description") or ""), "schema": s.get("params_schema") or {}}
        for s in found or []
        if isinstance(s, dict) and s.get("name")
    }


async def _change_log(caller: Caller, cid: str) -> list[dict[str, Any]] | None:
    """The campaign's revisions from the audit trail (None: it could not be read)."""
    try:
        records = await caller.intake.get("/api/v1/audit", caller.token, caller.lang, subject=cid, limit=1000)
    except ApiFailed:
        return None
    return models.change_log(r for r in records or [] if isinstance(r, dict))


def _page(
    request: Request,
    caller: Caller,
    draft: dict[str, Any],
    scorers: dict[str, dict[str, Any]],
    saved: dict[str, Any] | None,
    *,
    status: int = 200,
    errors: list[dict[str, Any]] | None = None,
    message: str = "",
    log: list[dict[str, Any]] | None = None,
    found: list[dict[str, Any]] | None = None,
    query: str = "",
    done: str | None = None,
    status_reason: str = "",
    status_error: str = "",
) -> Response:
    schemas = {name: s["schema"] for name, s in scorers.items()}
    placed, loose = models.place_errors(errors or [], models.input_names(draft, schemas))
    body, _ = models.to_body(draft, schemas)
    saved_body = dict(saved) if saved else {}
    return render(
        request,
        "editor/edit.html",
        status=status,
        draft=draft,
        scorers=scorers,
        fields={name: models.param_fields(schema) for name, schema in schemas.items()},
        errors=placed,
        loose=loose,
        message=message,
        refused=bool(errors or message),
        saved=saved,
        actions=models.next_actions(str(saved.get("status"))) if saved else [],
        log=log,
        changes=models.changes(saved_body, body) if saved else [],
        found=found,
        query=query,
        done_key=DONE.get(done or ""),
        status_reason=status_reason,
        status_error=status_error,
        shown_number=models.shown_number,
        change_label=lambda path: models.change_label(path, texts(caller.lang)),
    )


@router.get("/editor", response_class=HTMLResponse, include_in_schema=False)
async def campaigns(request: Request, caller: SignedIn) -> Response:
    caller.require(*models.PAGE_ROLES)
    found = await caller.intake.get("/api/v1/campaigns", caller.token, caller.lang)
    rows = [c for c in found or [] if isinstance(c, dict)]
    return render(request, "editor/list.html", campaigns=rows)


@router.get("/editor/new", response_class=HTMLResponse, include_in_schema=False)
async def new(request: Request, caller: SignedIn) -> Response:
    caller.require(*models.PAGE_ROLES)
    return _page(request, caller, models.empty_draft(), await _scorers(caller), None)


@router.get("/editor/{cid}", response_class=HTMLResponse, include_in_schema=False)
async def edit(request: Request, cid: str, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.PAGE_ROLES)
    cid = _campaign_id(cid)
    campaign, scorers, log = await asyncio.gather(
        caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang),
        _scorers(caller),
        _change_log(caller, cid),
    )
    schemas = {name: s["schema"] for name, s in scorers.items()}
    draft = models.draft_from_campaign(campaign, schemas, caller.lang)
    return _page(request, caller, draft, scorers, campaign, log=log, done=done)


async def _register(caller: Caller) -> list[dict[str, Any]]:
    units = await caller.intake.get("/api/v1/units", caller.token, caller.lang)
    return [u for u in units or [] if isinstance(u, dict)]


async def _post(request: Request, caller: Caller, cid: str | None) -> Response:
    """A post of the editor's form: a change of the draft (the page again) or «Lưu»."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    action = str(form.get("action") or "")
    saved, log = None, None
    if cid is None:
        scorers = await _scorers(caller)
    else:  # the saved revision: the draft's changes against it, its status and history
        scorers, saved, log = await asyncio.gather(
            _scorers(caller),
            caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang),
            _change_log(caller, cid),
        )
    schemas = {name: s["schema"] for name, s in scorers.items()}
    draft = models.draft_from_form(fields, schemas)
    if cid is not None:
        draft["campaign_id"] = cid
    query = str(form.get("unit_q") or "")[:100]
    if action in ("search", "add_units"):
        units = await _register(caller)
        if action == "add_units":
            chosen = {str(v) for v in form.getlist("add_unit")}
            cluster = str(form.get("add_cluster_id") or "")
            draft = models.apply(draft, "add_units", [u for u in units if u.get("unit_id") in chosen], cluster)
        present = [p["unit_id"] for p in draft["participants"]]
        found = models.search_units(units, query, present)
        return _page(request, caller, draft, scorers, saved, log=log, found=found, query=query)
    if action != "save":
        return _page(request, caller, models.apply(draft, action), scorers, saved, log=log, query=query)
    return await _save(request, caller, draft, scorers, saved, log)


async def _save(
    request: Request,
    caller: Caller,
    draft: dict[str, Any],
    scorers: dict[str, dict[str, Any]],
    saved: dict | None,
    log: list[dict[str, Any]] | None,
) -> Response:
    t = texts(caller.lang)
    schemas = {name: s["schema"] for name, s in scorers.items()}
    body, own = models.to_body(draft, schemas)
    errors = [{"field": name, "reason": t[key]} for name, key in own.items()]
    cid = draft["campaign_id"]
    if saved is None and not is_id(cid):
        errors.insert(0, {"field": "campaign_id", "reason": t["ed_err_id"]})
    if errors:
        return _page(
            request, caller, draft, scorers, saved, status=422, errors=errors, message=t["ed_refused"], log=log
        )
    try:
        await caller.intake.put(f"/api/v1/campaigns/{cid}", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not exc.refused:
            raise
        message, errors = exc.message, exc.errors
        if exc.status == 409:
            message, errors = await _conflict(caller, cid, body["expected_revision"], exc)
        elif exc.status == 422:
            message = f"{t['ed_refused']} {exc.message}".strip()
        return _page(
            request, caller, draft, scorers, saved, status=exc.status or 422, errors=errors, message=message, log=log
        )
    return RedirectResponse(f"/editor/{cid}?done=saved", status_code=303)


async def _conflict(caller: Caller, cid: str, expected: int, exc: ApiFailed) -> tuple[str, list[dict[str, Any]]]:
    """Why intake said 409: a new campaign's id is taken, someone saved another revision since
    this draft was opened, or something else intake names (e.g. a closed campaign)."""
    t = texts(caller.lang)
    if expected == 0:
        return t["ed_exists"], [{"field": "campaign_id", "reason": t["ed_exists"]}]
    try:
        current = await caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang)
    except ApiFailed:
        return exc.message, exc.errors
    if current.get("revision") != expected:
        return t["ed_stale"].format(current=current.get("revision")), []
    return exc.message, exc.errors


@router.post("/editor/new", response_class=HTMLResponse, include_in_schema=False)
async def post_new(request: Request, caller: Posted) -> Response:
    caller.require(*models.PAGE_ROLES)
    return await _post(request, caller, None)


@router.post("/editor/{cid}", response_class=HTMLResponse, include_in_schema=False)
async def post_edit(request: Request, cid: str, caller: Posted) -> Response:
    caller.require(*models.PAGE_ROLES)
    return await _post(request, caller, _campaign_id(cid))


@router.post("/editor/{cid}/status", response_class=HTMLResponse, include_in_schema=False)
async def change_status(request: Request, cid: str, caller: Posted) -> Response:
    """One lifecycle step with its reason (required here: the history says why)."""
    caller.require(*models.PAGE_ROLES)
    cid = _campaign_id(cid)
    t = texts(caller.lang)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    wanted, reason = str(form.get("status") or ""), str(form.get("status_reason") or "").strip()[:2000]
    revision = str(form.get("expected_revision") or "")
    problem = t["ed_err_reason"] if not reason else ""
    if not problem:
        try:
            await caller.intake.post(
                f"/api/v1/campaigns/{cid}/status",
                caller.token,
                caller.lang,
                {
                    "status": wanted,
                    "reason": reason,
                    "expected_revision": int(revision) if revision.isdigit() else None,
                },
            )
            return RedirectResponse(f"/editor/{cid}?done=status", status_code=303)
        except ApiFailed as exc:
            if not exc.refused:
                raise
            problem = " ".join([exc.message] + [str(e.get("reason") or "") for e in exc.errors]).strip()
            status = exc.status or 422
    else:
        status = 422
    campaign, scorers, log = await asyncio.gather(
        caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang),
        _scorers(caller),
        _change_log(caller, cid),
    )
    schemas = {name: s["schema"] for name, s in scorers.items()}
    draft = models.draft_from_campaign(campaign, schemas, caller.lang)
    return _page(
        request, caller, draft, scorers, campaign, status=status, log=log, status_reason=reason, status_error=problem
    )


# issue 11 (revisions): /editor/{cid}/revisions, its own module, served by this router
from . import revision_views  # noqa: E402  (after the editor's routes: only the order of the file)

router.include_router(revision_views.router)
