"""Issue 11: «Xem thử điểm» — how a sample submission would score under a campaign's definition.

GET /editor/{cid}/preview shows the saved definition's criteria with an input per leaf (a sample
value and, optionally, the unit's own target); POST scores the sample through scoring's public
POST /api/v1/preview (only scoring has the scorers installed; the console computes nothing) and
shows the result as a table under the form. The editor's «Xem thử điểm bản nháp» button posts the
unsaved draft to /editor/{cid}/preview/draft: the page then scores that draft, carried in a hidden
input. A plain POST form: works without JavaScript. Board officers and the chairperson."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import MAX_FORM_FIELDS, Caller, NotAllowed, Posted, SignedIn
from ..i18n import texts
from ..pages import render
from . import models
from . import preview as pv

router = APIRouter()

ROLES = ("board_officer", "chairperson")  # as scoring's preview route
PATH = "/api/v1/preview"
NEW = "new"  # the editor's unsaved new campaign


def body_limit() -> tuple[str, int]:
    """The draft's post carries the editor's whole form: the editor's own larger limit."""
    return r"/editor/[^/]+/preview(/draft)?", 4 * 1024 * 1024


def _cid(cid: str) -> str:
    if cid != NEW and not is_id(cid):
        raise StarletteHTTPException(404)
    return cid


async def _saved(caller: Caller, cid: str) -> dict[str, Any]:
    if cid == NEW:  # nothing saved yet: only a draft can be previewed
        raise StarletteHTTPException(404)
    campaign = await caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang)
    return campaign if isinstance(campaign, dict) else {}


def _page(
    request: Request,
    caller: Caller,
    cid: str,
    title: str,
    definition: dict[str, Any],
    draft: str,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    loose: list[str] | None = None,
    message: str = "",
    answer: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "editor/preview.html",
        status=status,
        cid=cid,
        title=title,
        rows=pv.rows(definition["criteria"], caller.lang),
        max_total=definition.get("max_total"),
        draft=draft,
        typed=typed or {},
        errors=errors or {},
        loose=loose or [],
        message=message,
        answer=answer,
        results=pv.result_rows(answer) if answer else [],
        shown_number=models.shown_number,
    )


def _allowed(caller: Caller) -> None:
    if not caller.has(*ROLES):
        raise NotAllowed()


@router.get("/editor/{cid}/preview", response_class=HTMLResponse, include_in_schema=False)
async def preview_page(request: Request, cid: str, caller: SignedIn) -> Response:
    _allowed(caller)
    campaign = await _saved(caller, _cid(cid))
    return _page(request, caller, cid, str(campaign.get("name_vi") or cid), pv.definition_of(campaign), "")


@router.post("/editor/{cid}/preview/draft", response_class=HTMLResponse, include_in_schema=False)
async def preview_draft(request: Request, cid: str, caller: Posted) -> Response:
    """The editor's form, as it stands: its criteria tree and cap become the definition previewed."""
    _allowed(caller)
    cid = _cid(cid)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    scorers = await caller.intake.get("/api/v1/scorers", caller.token, caller.lang)
    schemas = {
        str(s["name"]): s.get("params_schema") or {} for s in scorers or [] if isinstance(s, dict) and s.get("name")
    }
    body, _ = models.to_body(models.draft_from_form(fields, schemas), schemas)
    definition = pv.definition_of(body)
    title = str(body.get("name_vi") or cid)
    return _page(request, caller, cid, title, definition, json.dumps({**definition, "name_vi": title}))


@router.post("/editor/{cid}/preview", response_class=HTMLResponse, include_in_schema=False)
async def preview_score(request: Request, cid: str, caller: Posted) -> Response:
    _allowed(caller)
    cid = _cid(cid)
    t = texts(caller.lang)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    draft = str(form.get("draft") or "")
    definition = pv.definition_from_text(draft) if draft else None
    if definition is not None:
        title = str(json.loads(draft).get("name_vi") or cid)
    else:
        draft = ""
        campaign = await _saved(caller, cid)
        definition, title = pv.definition_of(campaign), str(campaign.get("name_vi") or cid)
    leaves = [row.id for row in pv.rows(definition["criteria"], caller.lang) if row.leaf]
    values, targets, typed, own = pv.read_sample(fields, leaves)
    if own:  # nothing is sent while an input is not a number
        errors = {name: [t[key]] for name, key in own.items()}
        return _page(
            request, caller, cid, title, definition, draft, errors=errors, message=t["ed_pv_refused"], status=422,
            typed=typed,
        )  # fmt: skip
    if caller.scoring is None:
        raise ApiFailed(None)
    body = {**definition, "values": values, "targets": targets}
    if body.get("max_total") is None:
        body.pop("max_total")
    try:
        answer = await caller.scoring.post(PATH, caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not exc.refused:
            raise
        inputs = {f"{kind}.{leaf}" for leaf in leaves for kind in ("value", "target")}
        placed, loose = pv.place(exc.errors, inputs)
        message = f"{t['ed_pv_refused']} {exc.message}".strip()
        return _page(
            request, caller, cid, title, definition, draft, errors=placed, loose=loose, message=message,
            status=exc.status or 422, typed=typed,
        )  # fmt: skip
    return _page(
        request, caller, cid, title, definition, draft, answer=answer if isinstance(answer, dict) else {}, typed=typed
    )
