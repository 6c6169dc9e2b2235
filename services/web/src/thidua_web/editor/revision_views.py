"""Issue 11 (revisions): /editor/{cid}/revisions lists a campaign's saved revisions (intake's
GET /api/v1/campaigns/{cid}/revisions) and compares any two of them: a GET form (reading changes
nothing, so no CSRF token) whose bad choices are refused next to the field, 422, nothing shown
half-compared. The comparison is the editor's own (.revisions.between over models.changes)."""

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import Caller, SignedIn
from ..i18n import texts
from ..pages import render
from . import models, revisions

router = APIRouter()

PAGE_SIZE = 50


async def _definition(caller: Caller, cid: str, number: int) -> dict[str, Any]:
    found = await caller.intake.get(f"/api/v1/campaigns/{cid}/revisions/{number}", caller.token, caller.lang)
    definition = found.get("definition") if isinstance(found, dict) else None
    return definition if isinstance(definition, dict) else {}


@router.get("/editor/{cid}/revisions", response_class=HTMLResponse, include_in_schema=False)
async def revisions_page(
    request: Request, cid: str, caller: SignedIn, a: str | None = None, b: str | None = None, after: str | None = None
) -> Response:
    caller.require(*models.PAGE_ROLES)
    if not is_id(cid):
        raise StarletteHTTPException(404)
    t = texts(caller.lang)
    params: dict[str, Any] = {"limit": PAGE_SIZE}
    if after and after.isdigit() and len(after) <= 9:
        params["after"] = int(after)
    campaign, listed = await asyncio.gather(
        caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang),
        caller.intake.get(f"/api/v1/campaigns/{cid}/revisions", caller.token, caller.lang, **params),
    )
    current = int(listed.get("current") or campaign.get("revision") or 1)
    first = int(listed.get("history_from") or current)
    known = range(first, current + 1)
    older, problem_a = revisions.chosen(a, known, "rvs_err_unknown")
    newer, problem_b = revisions.chosen(b, known, "rvs_err_unknown")
    errors: dict[str, str] = {}
    asked = a is not None or b is not None
    if asked:
        if problem_a or older is None:
            errors["a"] = t[problem_a or "rvs_err_choose"].format(first=first, last=current)
        if problem_b or newer is None:
            errors["b"] = t[problem_b or "rvs_err_choose"].format(first=first, last=current)
        if not errors and older == newer:
            errors["b"] = t["rvs_err_same"]
    lines: list[revisions.Line] | None = None
    if asked and not errors and older is not None and newer is not None:
        older, newer = min(older, newer), max(older, newer)
        try:
            before, after_def = await asyncio.gather(_definition(caller, cid, older), _definition(caller, cid, newer))
        except ApiFailed as exc:
            if exc.status != 404:
                raise
            errors["a"] = exc.message or t["rvs_err_unknown"].format(first=first, last=current)
        else:
            lines = revisions.between(before, after_def, t, caller.lang)
    return render(
        request,
        "editor/revisions.html",
        status=422 if errors else 200,
        campaign=campaign,
        rows=revisions.rows(listed),
        history_from=first,
        current=current,
        next_after=listed.get("next"),
        numbers=list(reversed(known)),
        chosen_a=a if a is not None else str(max(first, current - 1)),
        chosen_b=b if b is not None else str(current),
        older=older,
        newer=newer,
        errors=errors,
        lines=lines,
    )
