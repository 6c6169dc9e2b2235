"""The reviewer's pages: the review queue (/review), a submission to decide (/review/{sid}: approve,
return per criterion, reject; an appeal to the caller's level; reopen an approved one) and the
reviewer ratings of a campaign (/review/campaigns/{cid}/ratings). Every figure comes from intake's
API as the signed-in reviewer; intake decides who may do what (nobody judges their own unit) and
its refusals are shown on the page."""

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
from ..deps import Caller, Posted, SignedIn
from ..formats import LOCAL
from ..i18n import texts
from ..pages import render
from . import models
from .models import DecisionForm

router = APIRouter()

PAGE_SIZE = 25
# with "overdue only", API pages read at most to fill one page of the console (the API has no
# overdue filter: overdue items may sit anywhere in the oldest-first queue)
MAX_SCAN = 8
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def _submission_id(sid: str) -> str:
    if not SUBMISSION_ID.fullmatch(sid):
        raise StarletteHTTPException(404)
    return sid


def _campaign_id(cid: str) -> str:
    if not is_id(cid):
        raise StarletteHTTPException(404)
    return cid


def _shown_refusal(exc: ApiFailed) -> bool:
    """A refusal the page shows next to the form: invalid (422), conflicting (409) or forbidden
    (403: e.g. one's own unit, a unit of another cluster), with the API's own words."""
    return exc.refused or exc.status == 403


def _today() -> date:
    return datetime.now(LOCAL).date()


# -- the queue -------------------------------------------------------------------------------------
async def _queue_page(
    caller: Caller, campaign_id: str | None, overdue: bool, after: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The items of one page of the queue and the cursor of the next."""
    found: list[dict[str, Any]] = []
    cursor = after
    for _ in range(MAX_SCAN if overdue else 1):
        page = await caller.intake.get(
            "/api/v1/submissions",
            caller.token,
            caller.lang,
            queue="true",
            campaign_id=campaign_id,
            limit=PAGE_SIZE,
            after=cursor,
        )
        items = [i for i in page.get("items") or [] if isinstance(i, dict)]
        found += [i for i in items if i.get("overdue")] if overdue else items
        cursor = page.get("next")
        if not cursor or len(found) >= PAGE_SIZE:
            break
    return found, cursor


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
async def queue(
    request: Request,
    caller: SignedIn,
    campaign_id: str | None = None,
    overdue: str | None = None,
    after: str | None = None,
    done: str | None = None,
) -> Response:
    caller.require(*models.PAGE_ROLES)
    campaign_id = campaign_id if is_id(campaign_id) else None
    only_overdue = overdue in ("1", "true", "on")
    campaigns, (items, next_cursor) = await asyncio.gather(
        caller.intake.get("/api/v1/campaigns", caller.token, caller.lang),
        _queue_page(caller, campaign_id, only_overdue, after[:500] if after else None),
    )
    by_id = {str(c.get("campaign_id")): c for c in campaigns or [] if isinstance(c, dict)}
    filters = {"campaign_id": campaign_id or "", "overdue": "1" if only_overdue else ""}
    next_url = None
    if next_cursor:
        next_url = "/review?" + urlencode({**{k: v for k, v in filters.items() if v}, "after": next_cursor})
    rating_campaigns = []
    if caller.has(*models.RATERS):
        rating_campaigns = [
            {"id": cid, "name": models.name_in(c, caller.lang)}
            for cid, c in by_id.items()
            if models.rated_leaves(c, caller.lang)
        ]
    done_key = models.done_text_key(done)
    return render(
        request,
        "reviewer/queue.html",
        rows=models.queue_rows(items, by_id, caller.lang, caller.unit),
        campaigns=[{"id": cid, "name": models.name_in(c, caller.lang)} for cid, c in by_id.items()],
        filters=filters,
        next_url=next_url,
        first_page=bool(after),
        rating_campaigns=rating_campaigns,
        done_key=done_key,
    )


# -- a submission ----------------------------------------------------------------------------------
async def _submission_context(request: Request, caller: Caller, sid: str) -> dict[str, Any]:
    """The submission, its campaign's definition and the unit's registration, as the page shows them."""
    sub = await caller.intake.get(f"/api/v1/submissions/{sid}", caller.token, caller.lang)
    cid, unit = str(sub.get("campaign_id")), str(sub.get("unit_id"))

    async def registration() -> dict[str, Any] | None:
        try:
            return await caller.intake.get(f"/api/v1/campaigns/{cid}/registrations/{unit}", caller.token, caller.lang)
        except ApiFailed as exc:
            if exc.status in (403, 404):  # not registered (or not to be seen): the default targets
                return None
            raise

    async def previous() -> dict[str, Any] | None:
        """The returned submission a resubmission follows (one call more, only for a resubmission)."""
        before = str((sub.get("review") or {}).get("resubmission_of") or "")
        if not SUBMISSION_ID.fullmatch(before):
            return None
        return await caller.intake.get(f"/api/v1/submissions/{before}", caller.token, caller.lang)

    campaign, reg, before = await asyncio.gather(
        caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang), registration(), previous()
    )
    rows = models.criterion_rows(campaign, reg, sub, caller.lang, before)
    names = {r.id: r.name for r in rows}
    review = sub.get("review") or {}
    downloads = True  # the console streams uploaded files from intake (/evidence/…, reporter/views.py)
    return {
        "sub": sub,
        "review": review,
        "appeal": review.get("appeal") or None,
        "campaign_name": models.name_in(campaign, caller.lang),
        "unit_name": models.unit_names(campaign).get(unit, unit),
        "rows": rows,
        "resubmission": before is not None,
        "evidence": models.evidence_rows(sub, downloads),
        "history": models.history_rows(review.get("history") or [], names),
        "actions": models.actions(sub, caller.roles, caller.unit),
        "own_unit": bool(caller.unit) and unit == caller.unit,
    }


def _submission_page(
    request: Request,
    context: dict[str, Any],
    *,
    status: int = 200,
    form: DecisionForm | None = None,
    failed: ApiFailed | None = None,
    reopen_reason: str = "",
) -> Response:
    errors = models.field_errors(failed.errors) if failed else {}
    return render(
        request,
        "reviewer/submission.html",
        status=status,
        form=form or DecisionForm(),
        errors=errors,
        message=failed.message if failed else "",
        refused=failed is not None,
        reopen_reason=reopen_reason,
        **context,
    )


@router.get("/review/{sid}", response_class=HTMLResponse, include_in_schema=False)
async def submission(request: Request, sid: str, caller: SignedIn) -> Response:
    caller.require(*models.PAGE_ROLES)
    context = await _submission_context(request, caller, _submission_id(sid))
    return _submission_page(request, context)


async def _decide(request: Request, caller: Caller, sid: str, action: str) -> Response:
    """Post the decision the form holds (`action`: review, appeal or reopen) to intake; back to
    the queue on success, the page again with intake's refusal otherwise."""
    caller.require(*models.PAGE_ROLES)
    sid = _submission_id(sid)
    context = await _submission_context(request, caller, sid)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    returned = [v for v in posted.getlist("returned") if isinstance(v, str)]
    form = models.read_decision_form(fields, returned, [r.id for r in context["rows"]])
    base = f"/api/v1/submissions/{sid}"
    try:
        if action == "review":
            answer = await caller.intake.post(f"{base}/review", caller.token, caller.lang, models.review_body(form))
            done = str((answer or {}).get("status") or "")
        elif action == "appeal":
            await caller.intake.post(f"{base}/appeal/decision", caller.token, caller.lang, models.appeal_body(form))
            done = form.outcome
        else:
            await caller.intake.post(f"{base}/reopen", caller.token, caller.lang, {"reason": form.reason})
            done = "reopened"
    except ApiFailed as exc:
        if not _shown_refusal(exc):
            raise
        status = exc.status if exc.status in (403, 409) else 422
        return _submission_page(
            request,
            context,
            status=status,
            form=form,
            failed=exc,
            reopen_reason=form.reason if action == "reopen" else "",
        )
    target = "/review"
    if models.done_text_key(done):
        target += "?" + urlencode({"done": done})
    return RedirectResponse(target, status_code=303)


@router.post("/review/{sid}/review", include_in_schema=False)
async def review(request: Request, sid: str, caller: Posted) -> Response:
    return await _decide(request, caller, sid, "review")


@router.post("/review/{sid}/appeal", include_in_schema=False)
async def appeal_decision(request: Request, sid: str, caller: Posted) -> Response:
    return await _decide(request, caller, sid, "appeal")


@router.post("/review/{sid}/reopen", include_in_schema=False)
async def reopen(request: Request, sid: str, caller: Posted) -> Response:
    return await _decide(request, caller, sid, "reopen")


# -- ratings ---------------------------------------------------------------------------------------
async def _ratings_context(caller: Caller, cid: str, asked_period: str | None) -> dict[str, Any]:
    campaign = await caller.intake.get(f"/api/v1/campaigns/{cid}", caller.token, caller.lang)
    periods = models.campaign_periods(campaign)
    period = models.chosen_period(periods, asked_period, _today(), str(campaign.get("reporting_frequency") or ""))
    leaves = models.rated_leaves(campaign, caller.lang)
    units = models.ratable_units(campaign, period, caller.roles, caller.unit) if period else []
    given: list[dict[str, Any]] = []
    if period and leaves:
        given = await caller.intake.get(f"/api/v1/campaigns/{cid}/ratings", caller.token, caller.lang, period=period)
    shown = {u["unit_id"] for u in units}
    names = {u["unit_id"]: u["name"] for u in units}
    leaf_names = {leaf["id"]: leaf["name"] for leaf in leaves}
    history = [
        {
            "unit": names.get(str(r.get("unit_id")), str(r.get("unit_id"))),
            "at": r.get("at"),
            "by": r.get("by"),
            "comment": r.get("comment") or "",
            "ratings": [(leaf_names.get(k, k), v) for k, v in (r.get("ratings") or {}).items()],
        }
        for r in given or []
        if isinstance(r, dict) and r.get("unit_id") in shown
    ]
    return {
        "campaign_id": cid,
        "campaign_name": models.name_in(campaign, caller.lang),
        "periods": periods,
        "period": period,
        "leaves": leaves,
        "units": units,
        "latest": models.latest_ratings([r for r in given or [] if isinstance(r, dict)]),
        "history": history,
    }


def _ratings_page(
    request: Request,
    context: dict[str, Any],
    *,
    status: int = 200,
    unit: str = "",
    typed: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    done_key: str | None = None,
) -> Response:
    return render(
        request,
        "reviewer/ratings.html",
        status=status,
        failed_unit=unit,
        typed=typed or {},
        errors=errors or {},
        message=message,
        done_key=done_key,
        **context,
    )


@router.get("/review/campaigns/{cid}/ratings", response_class=HTMLResponse, include_in_schema=False)
async def ratings(
    request: Request, cid: str, caller: SignedIn, period: str | None = None, done: str | None = None
) -> Response:
    caller.require(*models.RATERS)
    context = await _ratings_context(caller, _campaign_id(cid), period)
    return _ratings_page(request, context, done_key=models.done_text_key(done))


@router.post("/review/campaigns/{cid}/ratings", include_in_schema=False)
async def rate(request: Request, cid: str, caller: Posted) -> Response:
    caller.require(*models.RATERS)
    cid = _campaign_id(cid)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    context = await _ratings_context(caller, cid, fields.get("period"))
    unit, period = fields.get("unit_id", ""), fields.get("period", "")
    values, local = models.read_ratings(fields, [leaf["id"] for leaf in context["leaves"]])
    typed = {k: v for k, v in fields.items() if k.startswith("rating.") or k == "comment"}
    if local or not values:
        words = texts(caller.lang)
        found = local or {"ratings": "rev_rating_required"}
        errors = {name: [words[key]] for name, key in found.items()}
        return _ratings_page(request, context, status=422, unit=unit, typed=typed, errors=errors)
    body = {"unit_id": unit, "period": period, "ratings": values, "comment": fields.get("comment", "")}
    try:
        await caller.intake.post(f"/api/v1/campaigns/{cid}/ratings", caller.token, caller.lang, body)
    except ApiFailed as exc:
        if not _shown_refusal(exc):
            raise
        status = exc.status if exc.status in (403, 409) else 422
        return _ratings_page(
            request, context, status=status, unit=unit, typed=typed, errors=models.field_errors(exc.errors),
            message=exc.message,
        )  # fmt: skip
    query = urlencode({"period": period, "done": "rated"})
    return RedirectResponse(f"/review/campaigns/{cid}/ratings?{query}", status_code=303)
