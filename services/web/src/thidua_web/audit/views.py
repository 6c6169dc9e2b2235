"""The auditor's pages: the audit trail with filters by subject, actor and days (/audit), one
record with its hash and the link to its predecessor (/audit/{seq}), and whether the chain holds
(/audit/verify, loaded into the trail's page by htmx, a page of its own without it). Everything
comes from intake's GET /api/v1/audit and /api/v1/audit/verify as the signed-in user."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api import ApiFailed
from ..deps import SignedIn
from ..pages import render
from . import models

router = APIRouter()


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
async def trail(
    request: Request,
    caller: SignedIn,
    subject: str | None = None,
    actor: str | None = None,
    from_seq: str | None = None,
) -> Response:
    caller.require(*models.READERS)
    params = request.query_params  # the days are `from` and `to` (Python keywords as arguments)
    filters = models.read_filters(subject, actor, params.get("from"), params.get("to"))
    first = models.start_seq(from_seq)
    rows: list[models.Record] = []
    next_url = None
    status = 200
    if filters.errors:
        status = 422
    else:
        found = await caller.intake.get(
            "/api/v1/audit", caller.token, caller.lang,
            **filters.api_params(), from_seq=first, limit=models.PAGE_SIZE + 1,
        )  # fmt: skip
        found = [r for r in found or [] if isinstance(r, dict)]
        if len(found) > models.PAGE_SIZE:
            next_url = "/audit?" + urlencode({**filters.query(), "from_seq": found[models.PAGE_SIZE]["seq"]})
        rows = models.records(found[: models.PAGE_SIZE])
    return render(
        request,
        "audit/index.html",
        status=status,
        rows=rows,
        filters=filters,
        next_url=next_url,
        first_url=("/audit?" + urlencode(filters.query())) if first > 1 else None,
    )


async def _verified(caller: Any) -> dict[str, Any]:
    return await caller.intake.get("/api/v1/audit/verify", caller.token, caller.lang) or {}


@router.get("/audit/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify(request: Request, caller: SignedIn) -> Response:
    """The chain's verification: a fragment for htmx (the trail's page loads it), else a page."""
    caller.require(*models.READERS)
    result = await _verified(caller)
    fragment = bool(request.headers.get("hx-request"))
    return render(request, "audit/verify.html" if not fragment else "audit/_verify.html", result=result)


@router.get("/audit/{seq}", response_class=HTMLResponse, include_in_schema=False)
async def record(request: Request, seq: str, caller: SignedIn) -> Response:
    caller.require(*models.READERS)
    number = models.start_seq(seq)
    if str(number) != seq:
        raise StarletteHTTPException(404)
    asked = max(1, number - 1)
    found = await caller.intake.get("/api/v1/audit", caller.token, caller.lang, from_seq=asked, limit=2)
    by_seq = {r.get("seq"): r for r in found or [] if isinstance(r, dict)}
    this = by_seq.get(number)
    if this is None:
        raise StarletteHTTPException(404)
    previous = by_seq.get(number - 1)
    try:
        after = await caller.intake.get("/api/v1/audit", caller.token, caller.lang, from_seq=number + 1, limit=1)
    except ApiFailed as exc:
        if not exc.refused:
            raise
        after = []
    following = next((r for r in after or [] if isinstance(r, dict) and r.get("seq") == number + 1), None)
    return render(
        request,
        "audit/record.html",
        record=this,
        previous=previous,
        following=following,
        holds=models.link_holds(this, previous),
        genesis=models.GENESIS,
    )
