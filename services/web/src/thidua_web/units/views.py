"""The board's unit register: the tree of units with a search (/units), a new unit (/units/new),
a merge (/units/merge) and a unit's page (/units/{id}: its data, names over time, lineage, rename
and split). Everything comes from intake's unit registry as the signed-in user; intake decides
and its refusals are shown next to the fields, what was typed kept."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import Caller, Posted, SignedIn
from ..i18n import texts
from ..pages import render
from . import models

router = APIRouter()

DONE = {"created": "unt_done_created", "renamed": "unt_done_renamed", "split": "unt_done_split",
        "merged": "unt_done_merged"}  # fmt: skip


def _unit_id(uid: str) -> str:
    if not is_id(uid):
        raise StarletteHTTPException(404)
    return uid


def _status(exc: ApiFailed) -> int:
    return 409 if exc.status == 409 else 422


async def _units(caller: Caller, **params: Any) -> list[dict[str, Any]]:
    found = await caller.intake.get("/api/v1/units", caller.token, caller.lang, **params)
    return [u for u in found or [] if isinstance(u, dict)]


def _choices(units: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """Active units as options (id and name), in Vietnamese alphabetical order of the tree."""
    return [
        {"id": str(r.unit["unit_id"]), "name": models.name_of(r.unit, lang)}
        for r in models.tree(units)
        if r.unit.get("status") == "active"
    ]


# -- the tree ------------------------------------------------------------------------------------
@router.get("/units", response_class=HTMLResponse, include_in_schema=False)
async def register(request: Request, caller: SignedIn, q: str = "", done: str | None = None) -> Response:
    caller.require(*models.READERS)
    query = q.strip()[: models.MAX_QUERY]
    units = await _units(caller)
    rows = models.tree(units, query)
    return render(
        request,
        "units/index.html",
        rows=rows,
        query=query,
        total=len(units),
        found=sum(1 for r in rows if r.matched) if query else len(rows),
        writer=caller.has(*models.WRITERS),
        done_key=DONE.get(done or ""),
    )


# -- a new unit ----------------------------------------------------------------------------------
async def _new_page(
    request: Request, caller: Caller, form: dict[str, str], status: int = 200,
    errors: dict[str, list[str]] | None = None, message: str = "",
) -> Response:  # fmt: skip
    return render(
        request,
        "units/new.html",
        status=status,
        form=form,
        errors=errors or {},
        message=message,
        types=models.UNIT_TYPES,
        parents=_choices(await _units(caller), caller.lang),
    )


@router.get("/units/new", response_class=HTMLResponse, include_in_schema=False)
async def new_unit(request: Request, caller: SignedIn, parent: str = "") -> Response:
    caller.require(*models.WRITERS)
    form = models.create_form({"parent_id": parent if is_id(parent) else ""})
    return await _new_page(request, caller, form)


@router.post("/units/new", include_in_schema=False)
async def create_unit(request: Request, caller: Posted) -> Response:
    caller.require(*models.WRITERS)
    posted = await request.form()
    form = models.create_form({k: v for k, v in posted.items() if isinstance(v, str)})
    words = texts(caller.lang)
    uid = form["unit_id"]
    if not is_id(uid):
        key = "unt_id_required" if not uid else "unt_id_invalid"
        return await _new_page(request, caller, form, 422, {"unit_id": [words[key]]}, words["unt_refused"])
    try:  # PUT also corrects an existing unit: the create form must not overwrite one
        await caller.intake.get(f"/api/v1/units/{uid}", caller.token, caller.lang)
        taken = True
    except ApiFailed as exc:
        if exc.status != 404:
            raise
        taken = False
    if taken:
        errors = {"unit_id": [words["unt_id_taken"].format(id=uid)]}
        return await _new_page(request, caller, form, 409, errors, words["unt_refused"])
    try:
        await caller.intake.put(f"/api/v1/units/{uid}", caller.token, caller.lang, models.create_body(form))
    except ApiFailed as exc:
        if not exc.refused:
            raise
        errors = models.field_errors(exc.errors)
        return await _new_page(request, caller, form, _status(exc), errors, exc.message)
    return RedirectResponse(f"/units/{uid}?done=created", status_code=303)


# -- a merge -------------------------------------------------------------------------------------
async def _merge_page(
    request: Request, caller: Caller, form: models.MergeForm, status: int = 200,
    errors: dict[str, list[str]] | None = None, message: str = "",
) -> Response:  # fmt: skip
    return render(
        request,
        "units/merge.html",
        status=status,
        form=form,
        errors=errors or {},
        message=message,
        types=models.UNIT_TYPES,
        units=_choices(await _units(caller), caller.lang),
    )


@router.get("/units/merge", response_class=HTMLResponse, include_in_schema=False)
async def merge_form(request: Request, caller: SignedIn) -> Response:
    caller.require(*models.WRITERS)
    chosen = models.safe_ids(request.query_params.getlist("source"))
    return await _merge_page(request, caller, models.MergeForm(sources=chosen))


@router.post("/units/merge", include_in_schema=False)
async def merge(request: Request, caller: Posted) -> Response:
    caller.require(*models.WRITERS)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    form = models.merge_form(fields, [v for v in posted.getlist("sources") if isinstance(v, str)])
    try:
        answer = await caller.intake.post("/api/v1/units/merge", caller.token, caller.lang, models.merge_body(form))
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return await _merge_page(request, caller, form, _status(exc), models.field_errors(exc.errors), exc.message)
    successor = str(((answer or {}).get("unit") or {}).get("unit_id") or form.into["unit_id"])
    return RedirectResponse(f"/units/{_unit_id(successor)}?done=merged", status_code=303)


# -- a unit --------------------------------------------------------------------------------------
async def _unit_context(caller: Caller, uid: str) -> dict[str, Any]:
    lineage = await caller.intake.get(f"/api/v1/units/{uid}/lineage", caller.token, caller.lang)
    unit = lineage.get("unit") or {}
    parent_id = unit.get("parent_id")
    parent = None
    if is_id(parent_id):
        try:
            parent = await caller.intake.get(f"/api/v1/units/{parent_id}", caller.token, caller.lang)
        except ApiFailed as exc:
            if exc.status not in (403, 404):
                raise
    return {
        "unit": unit,
        "unit_name": models.name_of(unit, caller.lang),
        "parent": parent,
        "parent_id": parent_id,
        "predecessors": [e for e in lineage.get("predecessors") or [] if isinstance(e, dict)],
        "successors": [e for e in lineage.get("successors") or [] if isinstance(e, dict)],
        "writer": caller.has(*models.WRITERS) and unit.get("status") == "active",
    }


def _unit_page(
    request: Request,
    context: dict[str, Any],
    *,
    status: int = 200,
    failed: str = "",
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    rename: dict[str, str] | None = None,
    split: models.SplitForm | None = None,
    done_key: str | None = None,
) -> Response:
    return render(
        request,
        "units/unit.html",
        status=status,
        failed=failed,
        errors=errors or {},
        message=message,
        rename=rename or models.rename_form({}),
        split=split or models.SplitForm(),
        split_fields=models.SPLIT_FIELDS,
        done_key=done_key,
        **context,
    )


@router.get("/units/{uid}", response_class=HTMLResponse, include_in_schema=False)
async def unit_page(request: Request, uid: str, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.READERS)
    context = await _unit_context(caller, _unit_id(uid))
    return _unit_page(request, context, done_key=DONE.get(done or ""))


@router.post("/units/{uid}/rename", include_in_schema=False)
async def rename(request: Request, uid: str, caller: Posted) -> Response:
    caller.require(*models.WRITERS)
    uid = _unit_id(uid)
    posted = await request.form()
    form = models.rename_form({k: v for k, v in posted.items() if isinstance(v, str)})
    try:
        await caller.intake.post(f"/api/v1/units/{uid}/rename", caller.token, caller.lang, models.rename_body(form))
    except ApiFailed as exc:
        if not exc.refused:
            raise
        context = await _unit_context(caller, uid)
        return _unit_page(
            request, context, status=_status(exc), failed="rename", errors=models.field_errors(exc.errors),
            message=exc.message, rename=form,
        )  # fmt: skip
    return RedirectResponse(f"/units/{uid}?done=renamed", status_code=303)


@router.post("/units/{uid}/split", include_in_schema=False)
async def split(request: Request, uid: str, caller: Posted) -> Response:
    caller.require(*models.WRITERS)
    uid = _unit_id(uid)
    posted = await request.form()
    form = models.compact_split(models.split_form({k: v for k, v in posted.items() if isinstance(v, str)}))
    try:
        await caller.intake.post(f"/api/v1/units/{uid}/split", caller.token, caller.lang, models.split_body(form))
    except ApiFailed as exc:
        if not exc.refused:
            raise
        context = await _unit_context(caller, uid)
        return _unit_page(
            request, context, status=_status(exc), failed="split", errors=models.field_errors(exc.errors),
            message=exc.message, split=form,
        )  # fmt: skip
    return RedirectResponse(f"/units/{uid}?done=split", status_code=303)
