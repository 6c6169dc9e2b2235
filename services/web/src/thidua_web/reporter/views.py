"""A unit's reporter and leader: my campaigns, targets and aimed titles, results per period with
evidence files, a submission with its review, score and explanation, resubmitting only the
returned criteria, the one appeal, and the evidence download."""

import asyncio
import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import security
from ..api import ApiFailed
from ..deps import Caller, NotAllowed, Posted, SignedIn
from ..formats import LOCAL
from ..i18n import texts
from ..pages import render
from . import calls
from .deadlines import period_deadlines
from .models import (
    campaign_periods,
    criterion_names,
    field_errors,
    is_period,
    parse_number,
    period_label,
    period_rows,
    progress_of,
    reported_leaves,
    score_of,
    target_for,
    typed,
    valid_id,
)

router = APIRouter()

UNIT_ROLES = ("unit_reporter", "unit_leader")
MAX_FILES = 5  # evidence files sent with one form (the console's body limit allows for them)
UPLOAD_PATH = r"/my/campaigns/[^/]+/periods/[^/]+"
_IDEMPOTENCY = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def body_limit(evidence_max_bytes: int) -> tuple[str, int]:
    """The period form carries files: a file just over intake's limit still reaches intake, which
    refuses it in its own words (the console's default limit would answer with a bare 413)."""
    return UPLOAD_PATH, MAX_FILES * (evidence_max_bytes + 64 * 1024)


# -- small helpers --------------------------------------------------------------------------------------
def _my_unit(caller: Caller) -> str:
    """The pages under /my are a unit's: its reporter's and leader's."""
    if not caller.has(*UNIT_ROLES) or not caller.unit:
        raise NotAllowed()
    return caller.unit


def _checked_id(value: str) -> str:
    """Ids go into API paths: anything but an id is a page that does not exist."""
    if not valid_id(value):
        raise StarletteHTTPException(404)
    return value


def _participant(campaign: dict[str, Any], unit: str) -> dict[str, Any]:
    found = next((p for p in campaign.get("participants", []) if p.get("unit_id") == unit), None)
    if found is None:
        raise NotAllowed()  # a campaign the unit takes no part in
    return found


def _campaign_name(campaign: dict[str, Any], lang: str) -> str:
    return str((campaign.get("name_en") if lang == "en" else None) or campaign.get("name_vi") or "")


def _today() -> date:
    from datetime import datetime

    return datetime.now(LOCAL).date()


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _refusal_status(exc: ApiFailed) -> int:
    return exc.status if exc.status in (409, 413, 415, 422) else 422


# -- my campaigns ---------------------------------------------------------------------------------------
@router.get("/my/campaigns", response_class=HTMLResponse, include_in_schema=False)
async def my_campaigns(request: Request, caller: SignedIn) -> Response:
    unit = _my_unit(caller)
    campaigns = await caller.intake.get("/api/v1/campaigns", caller.token, caller.lang)
    mine = [c for c in campaigns if any(p.get("unit_id") == unit for p in c.get("participants", []))]
    rows = [{"campaign": c, "name": _campaign_name(c, caller.lang)} for c in mine]
    return render(request, "reporter/campaigns.html", rows=rows, unit=unit)


@router.get("/my/campaigns/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
async def my_campaign(request: Request, campaign_id: str, caller: SignedIn) -> Response:
    unit = _my_unit(caller)
    campaign_id = _checked_id(campaign_id)
    campaign, registration, latest, due = await asyncio.gather(
        calls.campaign(caller, campaign_id),
        calls.registration(caller, campaign_id, unit),
        calls.latest_submissions(caller, campaign_id, unit),
        calls.deadlines(caller, campaign_id, unit),  # issue 15: deadlines
    )
    participant = _participant(campaign, unit)
    leaves = reported_leaves(campaign.get("criteria", []), caller.lang)
    targets = [(leaf, *target_for(registration, leaf, None)) for leaf in leaves]
    return render(
        request, "reporter/campaign.html",
        campaign=campaign, campaign_name=_campaign_name(campaign, caller.lang), unit=unit, participant=participant,
        rows=period_rows(campaign, latest, _today(), caller.lang), registration=registration, targets=targets,
        deadlines=period_deadlines(due, unit),
    )  # fmt: skip


# -- targets and aimed titles ---------------------------------------------------------------------------
async def _targets_page(
    request: Request,
    caller: Caller,
    campaign_id: str,
    *,
    status: int = 200,
    typed_targets: dict[str, str] | None = None,
    typed_titles: str | None = None,
    typed_reason: str = "",
    change: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    saved: str = "",
) -> Response:
    unit = _my_unit(caller)
    campaign, registration = await asyncio.gather(
        calls.campaign(caller, campaign_id), calls.registration(caller, campaign_id, unit)
    )
    _participant(campaign, unit)
    leaves = reported_leaves(campaign.get("criteria", []), caller.lang)
    rows = []
    for leaf in leaves:
        value, source = target_for(registration, leaf, None)
        registered = value if source == "registered" else None
        shown = (typed_targets or {}).get(leaf.id, typed(registered, caller.lang))
        rows.append({"leaf": leaf, "registered": registered, "value": shown})
    titles = typed_titles if typed_titles is not None else "\n".join((registration or {}).get("titles", []))
    names = criterion_names(campaign.get("criteria", []), caller.lang)
    return render(
        request, "reporter/targets.html", status=status,
        campaign=campaign, campaign_name=_campaign_name(campaign, caller.lang), unit=unit, registration=registration,
        rows=rows, titles=titles, reason=typed_reason, change=change or {}, errors=errors or {}, message=message,
        names=names, periods=[(p, period_label(p, caller.lang)) for p in campaign_periods(campaign)], saved=saved,
        history=list(reversed((registration or {}).get("history", []))),
    )  # fmt: skip


@router.get("/my/campaigns/{campaign_id}/targets", response_class=HTMLResponse, include_in_schema=False)
async def targets_page(request: Request, campaign_id: str, caller: SignedIn, saved: str = "") -> Response:
    return await _targets_page(request, caller, _checked_id(campaign_id), saved=saved[:20])


@router.post("/my/campaigns/{campaign_id}/targets", response_class=HTMLResponse, include_in_schema=False)
async def register(request: Request, campaign_id: str, caller: Posted) -> Response:
    """PUT the unit's registration: a general target per criterion and the titles aimed for. The
    targets the unit gave for single periods (PATCH) are kept as they are."""
    unit = _my_unit(caller)
    campaign_id = _checked_id(campaign_id)
    form = await request.form()
    t = texts(caller.lang)
    campaign, registration = await asyncio.gather(
        calls.campaign(caller, campaign_id), calls.registration(caller, campaign_id, unit)
    )
    _participant(campaign, unit)
    leaves = reported_leaves(campaign.get("criteria", []), caller.lang)
    typed_targets = {leaf.id: _text(form, f"target.{leaf.id}") for leaf in leaves}
    titles_text = _text(form, "titles")
    reason = _text(form, "reason")
    errors: dict[str, str] = {}
    targets: list[dict[str, Any]] = []
    order: list[str] = []  # targets.<i> of the API's errors → the criterion
    for leaf in leaves:
        raw = typed_targets[leaf.id]
        if not raw:
            continue
        try:
            targets.append({"criterion_id": leaf.id, "period": None, "value": parse_number(raw, caller.lang)})
            order.append(leaf.id)
        except ValueError:
            errors[f"target.{leaf.id}"] = t["rep_not_a_number"]
    # a registered target may change but never disappear: those of single periods go back as they were
    known = {leaf.id for leaf in leaves}
    for kept in (registration or {}).get("targets", []):
        if kept.get("period") is not None or kept.get("criterion_id") not in known:
            targets.append(kept)
            order.append(str(kept.get("criterion_id")))
    titles = [line.strip() for line in titles_text.splitlines() if line.strip()]
    again: dict[str, Any] = {"typed_targets": typed_targets, "typed_titles": titles_text, "typed_reason": reason}
    if errors:
        return await _targets_page(request, caller, campaign_id, status=422, errors=errors,
                                   message=t["rep_fix_fields"], **again)  # fmt: skip
    body: dict[str, Any] = {"targets": targets, "titles": titles, "reason": reason}
    if registration:
        body["expected_revision"] = registration.get("revision")
    try:
        await caller.intake.put(
            f"/api/v1/campaigns/{campaign_id}/registrations/{unit}", caller.token, caller.lang, body
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return await _targets_page(
            request, caller, campaign_id, status=_refusal_status(exc),
            errors=_registration_errors(field_errors(exc.errors), order), message=exc.message, **again,
        )  # fmt: skip
    return _see_other(f"/my/campaigns/{campaign_id}/targets?saved=registered")


def _registration_errors(errors: dict[str, str], order: list[str]) -> dict[str, str]:
    """The API names `targets.<i>.value` and `titles.<i>`: shown at the criterion's input and at
    the titles."""
    out: dict[str, str] = {}
    for name, reason in errors.items():
        parts = name.split(".")
        if parts[0] == "targets" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(order):
            key = f"target.{order[int(parts[1])]}"
        elif parts[0] in ("titles", "reason"):
            key = parts[0]
        else:
            key = "form"
        out[key] = f"{out[key]} {reason}" if key in out else reason
    return out


@router.post("/my/campaigns/{campaign_id}/targets/change", response_class=HTMLResponse, include_in_schema=False)
async def change_target(request: Request, campaign_id: str, caller: Posted) -> Response:
    """PATCH one target with a reason (the history keeps both)."""
    unit = _my_unit(caller)
    campaign_id = _checked_id(campaign_id)
    form = await request.form()
    t = texts(caller.lang)
    change = {k: _text(form, k) for k in ("criterion_id", "period", "value", "reason")}
    errors: dict[str, str] = {}
    try:
        value = parse_number(change["value"], caller.lang)
    except ValueError:
        errors["change.value"] = t["rep_not_a_number"]
    if not change["reason"]:
        errors["change.reason"] = t["rep_reason_required"]
    if errors:
        return await _targets_page(request, caller, campaign_id, status=422, change=change, errors=errors,
                                   message=t["rep_fix_fields"])  # fmt: skip
    body = {"criterion_id": change["criterion_id"], "period": change["period"] or None, "value": value,
            "reason": change["reason"]}  # fmt: skip
    try:
        await caller.intake.patch(
            f"/api/v1/campaigns/{campaign_id}/registrations/{unit}/targets", caller.token, caller.lang, body
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        found = {f"change.{k}": v for k, v in field_errors(exc.errors).items()}
        return await _targets_page(request, caller, campaign_id, status=_refusal_status(exc), change=change,
                                   errors=found, message=exc.message)  # fmt: skip
    return _see_other(f"/my/campaigns/{campaign_id}/targets?saved=changed")


# -- results of a period --------------------------------------------------------------------------------
async def _period_page(
    request: Request,
    caller: Caller,
    campaign_id: str,
    period: str,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    note: str = "",
    evidence_ids: list[str] | None = None,
    uploaded: list[dict[str, Any]] | None = None,
    upload_errors: list[str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
) -> Response:
    unit = _my_unit(caller)
    campaign, registration, latest = await asyncio.gather(
        calls.campaign(caller, campaign_id),
        calls.registration(caller, campaign_id, unit),
        calls.latest_submissions(caller, campaign_id, unit, period),
    )
    _participant(campaign, unit)
    if period not in campaign_periods(campaign):
        raise StarletteHTTPException(404)
    leaves = reported_leaves(campaign.get("criteria", []), caller.lang)
    current = next((s for s in latest or [] if s.get("period") == period), None)
    ids = evidence_ids or []
    evidence = list(uploaded or [])
    missing = [i for i in ids if i not in {e.get("evidence_id") for e in evidence}]
    if missing:  # files uploaded by an earlier step of this form: described as intake stored them
        stored = await calls.evidence_list(caller, campaign_id, unit)
        evidence = [e for e in stored if e.get("evidence_id") in missing] + evidence
    rows = []
    for leaf in leaves:
        target, source = target_for(registration, leaf, period)
        rows.append({"leaf": leaf, "target": target, "source": source, "value": (values or {}).get(leaf.id, "")})
    return render(
        request, "reporter/period.html", status=status,
        campaign=campaign, campaign_name=_campaign_name(campaign, caller.lang), unit=unit, period=period,
        period_name=period_label(period, caller.lang), rows=rows, note=note, evidence=evidence,
        upload_errors=upload_errors or [], errors=errors or {}, message=message, latest=current,
        known=latest is not None, locked=bool(current and current.get("status") == "approved"),
        idempotency=security.random_token(), max_files=MAX_FILES,
    )  # fmt: skip


def _checked_period(period: str) -> str:
    if not is_period(period):
        raise StarletteHTTPException(404)
    return period


@router.get("/my/campaigns/{campaign_id}/periods/{period}", response_class=HTMLResponse, include_in_schema=False)
async def period_page(request: Request, campaign_id: str, period: str, caller: SignedIn) -> Response:
    return await _period_page(request, caller, _checked_id(campaign_id), _checked_period(period))


def _files(form: FormData) -> list[UploadFile]:
    return [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]


@router.post("/my/campaigns/{campaign_id}/periods/{period}", response_class=HTMLResponse, include_in_schema=False)
async def report(request: Request, campaign_id: str, period: str, caller: Posted) -> Response:
    """Upload the chosen files to intake (action=upload stops there and shows them), then send the
    results with the evidence ids (action=submit). What was typed is kept on every refusal."""
    unit = _my_unit(caller)
    campaign_id, period = _checked_id(campaign_id), _checked_period(period)
    form = await request.form()
    t = texts(caller.lang)
    campaign = await calls.campaign(caller, campaign_id)
    _participant(campaign, unit)
    leaves = reported_leaves(campaign.get("criteria", []), caller.lang)
    typed_values = {leaf.id: _text(form, f"value.{leaf.id}") for leaf in leaves}
    note = _text(form, "note")
    ids = [i for i in form.getlist("evidence") if isinstance(i, str) and valid_id(i)]
    errors: dict[str, str] = {}
    values: dict[str, float] = {}
    for leaf in leaves:
        if typed_values[leaf.id]:
            try:
                values[leaf.id] = parse_number(typed_values[leaf.id], caller.lang)
            except ValueError:
                errors[f"values.{leaf.id}"] = t["rep_not_a_number"]

    # the files first: each one on its own, so one refused file does not lose the others
    uploaded: list[dict[str, Any]] = []
    upload_errors: list[str] = []
    files = _files(form)
    if len(files) > MAX_FILES:
        upload_errors.append(t["rep_too_many_files"].format(n=MAX_FILES))
        files = []
    for file in files:
        name = file.filename or "evidence"
        try:
            stored = await calls.upload(caller, campaign_id, unit, name, await file.read(), file.content_type or "")
        except ApiFailed as exc:
            if not exc.refused:
                raise
            reasons = " ".join(str(e.get("reason") or "") for e in exc.errors if e.get("reason"))
            upload_errors.append(f"{name}: {exc.message} {reasons}".strip())
            continue
        uploaded.append(stored)
        ids.append(str(stored.get("evidence_id")))
    again: dict[str, Any] = {"values": typed_values, "note": note, "evidence_ids": ids, "uploaded": uploaded}
    if errors or upload_errors or form.get("action") == "upload":
        failed = errors or upload_errors
        return await _period_page(
            request, caller, campaign_id, period, status=422 if failed else 200, upload_errors=upload_errors,
            errors=errors, message=t["rep_fix_fields"] if errors else "", **again,
        )  # fmt: skip

    body = {
        "tenant": caller.claims.get("tenant"), "campaign_id": campaign_id, "unit_id": unit, "period": period,
        "values": values, "evidence": [{"evidence_id": i} for i in dict.fromkeys(ids)], "note": note,
    }  # fmt: skip
    key = _text(form, "idempotency")
    headers = {"Idempotency-Key": key} if _IDEMPOTENCY.fullmatch(key) else None
    try:
        accepted = await caller.intake.post("/api/v1/submissions", caller.token, caller.lang, body, headers=headers)
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return await _period_page(
            request, caller, campaign_id, period, status=_refusal_status(exc),
            errors=field_errors(exc.errors), message=exc.message, **again,
        )  # fmt: skip
    return _see_other(f"/submissions/{accepted['submission_id']}")


# -- a submission ---------------------------------------------------------------------------------------
async def _score(caller: Caller, sub: dict[str, Any]) -> tuple[Any, list[dict[str, Any]], bool]:
    """The score of this submission with its explanation, and progress against targets in its
    period; (None, [], False) when reporting cannot tell (the submission is shown all the same)."""
    base = f"/api/v1/campaigns/{sub['campaign_id']}/units/{sub['unit_id']}"
    answers: tuple[Any, Any] = await asyncio.gather(
        caller.reporting.get(f"{base}/history", caller.token, caller.lang, period=sub["period"]),
        caller.reporting.get(f"{base}/progress", caller.token, caller.lang),
        return_exceptions=True,
    )
    history, progress = answers
    ok = not isinstance(history, BaseException) and not isinstance(progress, BaseException)
    for answer in (history, progress):
        if isinstance(answer, BaseException) and not isinstance(answer, ApiFailed):
            raise answer
    cards = history if isinstance(history, list) else []
    score = score_of(cards, sub["submission_id"])
    rows = progress_of(progress if isinstance(progress, dict) else None, sub["period"])
    return score, rows, ok


async def _submission_page(
    request: Request,
    caller: Caller,
    submission_id: str,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    note: str = "",
    appeal_reason: str = "",
    errors: dict[str, str] | None = None,
    message: str = "",
    form: str = "",
) -> Response:
    sub = await caller.intake.get(f"/api/v1/submissions/{submission_id}", caller.token, caller.lang)
    caller.require_unit(str(sub.get("unit_id")))
    own = caller.has(*UNIT_ROLES) and caller.unit == sub.get("unit_id")
    campaign, (score, progress, score_known) = await asyncio.gather(
        calls.campaign(caller, sub["campaign_id"]), _score(caller, sub)
    )
    names = criterion_names(campaign.get("criteria", []), caller.lang)
    review = sub.get("review") or {}
    live = not review.get("superseded_by")
    state = review.get("status")
    may_resubmit = own and live and state == "returned" and bool(review.get("reasons"))
    may_appeal = own and live and state in ("returned", "rejected") and not review.get("appeal")
    returned = [
        {"id": cid, "name": names.get(cid, cid), "reason": reason, "value": sub.get("values", {}).get(cid),
         "typed": (values or {}).get(cid, "")}
        for cid, reason in (review.get("reasons") or {}).items()
    ]  # fmt: skip
    return render(
        request, "reporter/submission.html", status=status,
        sub=sub, review=review, campaign=campaign, campaign_name=_campaign_name(campaign, caller.lang), names=names,
        period_name=period_label(sub["period"], caller.lang), own=own, may_resubmit=may_resubmit,
        may_appeal=may_appeal, returned=returned, score=score, progress=progress, score_known=score_known,
        note=note, appeal_reason=appeal_reason, errors=errors or {}, message=message, form=form,
        idempotency=security.random_token(),
    )  # fmt: skip


def _checked_submission(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", value):  # never "..": it goes into a path
        raise StarletteHTTPException(404)
    return value


@router.get("/submissions/{submission_id}", response_class=HTMLResponse, include_in_schema=False)
async def submission_page(request: Request, submission_id: str, caller: SignedIn) -> Response:
    return await _submission_page(request, caller, _checked_submission(submission_id))


@router.post("/submissions/{submission_id}/resubmit", response_class=HTMLResponse, include_in_schema=False)
async def resubmit(request: Request, submission_id: str, caller: Posted) -> Response:
    """New values of the returned criteria only (any other field of the form is ignored)."""
    unit = _my_unit(caller)
    submission_id = _checked_submission(submission_id)
    form = await request.form()
    t = texts(caller.lang)
    sub = await caller.intake.get(f"/api/v1/submissions/{submission_id}", caller.token, caller.lang)
    if sub.get("unit_id") != unit:  # only the unit itself resubmits (intake says so too)
        raise NotAllowed()
    returned = list(((sub.get("review") or {}).get("reasons") or {}).keys())
    typed_values = {cid: _text(form, f"value.{cid}") for cid in returned}
    note = _text(form, "note")
    errors: dict[str, str] = {}
    values: dict[str, float] = {}
    for cid, raw in typed_values.items():
        try:
            values[cid] = parse_number(raw, caller.lang)
        except ValueError:
            errors[f"values.{cid}"] = t["rep_not_a_number"] if raw else t["rep_value_required"]
    again: dict[str, Any] = {"values": typed_values, "note": note, "form": "resubmit"}
    if errors:
        return await _submission_page(request, caller, submission_id, status=422, errors=errors,
                                      message=t["rep_fix_fields"], **again)  # fmt: skip
    key = _text(form, "idempotency")
    headers = {"Idempotency-Key": key} if _IDEMPOTENCY.fullmatch(key) else None
    try:
        accepted = await caller.intake.post(
            f"/api/v1/submissions/{submission_id}/resubmit", caller.token, caller.lang,
            {"values": values, "note": note}, headers=headers,
        )  # fmt: skip
    except ApiFailed as exc:
        if not exc.refused:
            raise
        return await _submission_page(request, caller, submission_id, status=_refusal_status(exc),
                                      errors=field_errors(exc.errors), message=exc.message, **again)  # fmt: skip
    return _see_other(f"/submissions/{accepted['submission_id']}")


@router.post("/submissions/{submission_id}/appeal", response_class=HTMLResponse, include_in_schema=False)
async def appeal(request: Request, submission_id: str, caller: Posted) -> Response:
    _my_unit(caller)
    submission_id = _checked_submission(submission_id)
    form = await request.form()
    reason = _text(form, "reason")
    try:
        await caller.intake.post(
            f"/api/v1/submissions/{submission_id}/appeal", caller.token, caller.lang, {"reason": reason}
        )
    except ApiFailed as exc:
        if not exc.refused:
            raise
        errors = {f"appeal.{k}": v for k, v in field_errors(exc.errors).items()}
        return await _submission_page(request, caller, submission_id, status=_refusal_status(exc),
                                      appeal_reason=reason, errors=errors, message=exc.message,
                                      form="appeal")  # fmt: skip
    return _see_other(f"/submissions/{submission_id}")


# -- evidence download ----------------------------------------------------------------------------------
@router.get("/evidence/{campaign_id}/{unit_id}/{evidence_id}", include_in_schema=False)
async def evidence(campaign_id: str, unit_id: str, evidence_id: str, caller: SignedIn) -> Response:
    campaign_id, unit_id, evidence_id = (_checked_id(v) for v in (campaign_id, unit_id, evidence_id))
    caller.require_unit(unit_id)
    return await calls.download(caller, campaign_id, unit_id, evidence_id)
