"""The commendation configuration's pages: an overview (/commendation), the holidays calendar
(/commendation/holidays), the award kinds and their chains (/commendation/awards, …/{kind}), the
rules (/commendation/rules) and the freeze flags (/commendation/flags). The board, the chairperson,
the council and the auditor read it; only a board officer changes it.

intake's PUT takes the whole configuration: each form reads the current one, changes its part and
PUTs the whole with `expected_revision` = the revision its page was read at, so an officer saving
over a colleague's change gets intake's 409 (shown, with what they typed kept) instead of silently
overwriting it."""

import asyncio
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

router = APIRouter()

CONFIG = "/api/v1/config/commendation"
FLAGS = "/api/v1/config/commendation/flags"
NEW = "_new"  # not an id (ids start with a letter or digit): the path of a new award kind
DONE = ("saved", "holiday_added", "holiday_removed", "flag_saved")


def _today() -> date:
    return datetime.now(LOCAL).date()


async def _config(caller: Caller) -> dict[str, Any] | None:
    """The tenant's configuration; None while the board has set none."""
    try:
        found = await caller.intake.get(CONFIG, caller.token, caller.lang)
    except ApiFailed as exc:
        if exc.status == 404:
            return None
        raise
    return found if isinstance(found, dict) else None


async def _flags(caller: Caller) -> list[dict[str, Any]] | None:
    """The flags (intake shows them to board officers only: None for the others)."""
    if not caller.has(*models.EDITORS):
        return None
    found = await caller.intake.get(FLAGS, caller.token, caller.lang)
    return [f for f in found or [] if isinstance(f, dict)]


def _revision(config: dict[str, Any] | None) -> int:
    return int(config.get("revision") or 0) if config else 0


def _done(done: str | None) -> str | None:
    return f"cmd_done_{done}" if done in DONE else None


def _words(caller: Caller, local: dict[str, str]) -> dict[str, list[str]]:
    words = texts(caller.lang)
    return {name: [words[key]] for name, key in local.items()}


async def _put(caller: Caller, body: dict[str, Any]) -> None:
    await caller.intake.put(CONFIG, caller.token, caller.lang, body)


def _refusal_status(exc: ApiFailed) -> int:
    if not exc.refused:
        raise exc
    return 409 if exc.status == 409 else 422


def _common(caller: Caller, config: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "config": config,
        "revision": _revision(config),
        "editor": caller.has(*models.EDITORS),
        "award_names": models.award_names(config),
        "stage_kinds": models.STAGE_KINDS,
        "nominee_kinds": models.NOMINEE_KINDS,
        "acting_roles": models.ACTING_ROLES,
        "flag_kinds": models.FLAG_KINDS,
    }


# -- the overview ----------------------------------------------------------------------------------
@router.get("/commendation", response_class=HTMLResponse, include_in_schema=False)
async def overview(request: Request, caller: SignedIn) -> Response:
    caller.require(*models.READERS)
    config, flags = await asyncio.gather(_config(caller), _flags(caller))
    return _council_page(request, caller, config, flags, status=200, typed={}, errors={}, message="")


# -- holidays --------------------------------------------------------------------------------------
def _year(text: str | None, today: date) -> int:
    return int(text) if text and text.isdigit() and 1900 <= int(text) <= 2200 else today.year


def _holidays_page(
    request: Request,
    caller: Caller,
    config: dict[str, Any] | None,
    year: int,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    done: str | None = None,
) -> Response:
    holidays = models.holiday_list(config)
    return render(
        request,
        "commendation/holidays.html",
        status=status,
        year=year,
        years=models.years_of(holidays, _today()),
        days=models.holidays_of_year(holidays, year),
        name_max=models.HOLIDAY_NAME_MAX,
        typed=typed or {},
        errors=errors or {},
        message=message,
        done_key=_done(done),
        **_common(caller, config),
    )


@router.get("/commendation/holidays", response_class=HTMLResponse, include_in_schema=False)
async def holidays(request: Request, caller: SignedIn, year: str | None = None, done: str | None = None) -> Response:
    caller.require(*models.READERS)
    config = await _config(caller)
    return _holidays_page(request, caller, config, _year(year, _today()), done=done)


async def _change_holidays(request: Request, caller: Caller, remove: bool) -> Response:
    caller.require(*models.EDITORS)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    config = await _config(caller)
    typed = {"day": fields.get("day", ""), "name": fields.get("name", ""), "reason": fields.get("reason", "")}
    day = models.parse_day(fields.get("day", ""))
    year = day.year if day else _year(fields.get("year"), _today())
    if config is None:
        errors = _words(caller, {"day": "cmd_err_no_config"})
        return _holidays_page(request, caller, config, year, status=409, typed=typed, errors=errors)
    name, name_refused = models.holiday_name(fields.get("name", "")) if not remove else ("", None)
    local = ({"day": "cmd_err_day"} if day is None else {}) | ({"name": name_refused} if name_refused else {})
    if day is None or name_refused:
        errors = _words(caller, local)
        return _holidays_page(request, caller, config, year, status=422, typed=typed, errors=errors)
    current = models.holiday_list(config)
    changed = (
        models.without_holiday(current, day.isoformat())
        if remove
        else models.with_holiday(current, models.Holiday(day.isoformat(), name))
    )
    reason = fields.get("reason", "")
    body = models.write_body(config, models.revision_of(fields.get("revision")), reason, holidays=changed)
    try:
        await _put(caller, body)
    except ApiFailed as exc:
        status = _refusal_status(exc)
        found = models.errors_under(exc.errors, "holidays")
        # intake names a holiday by its place in the list: that is the one just typed; its name's
        # error goes next to the name, any other (its date) next to the date
        placed: dict[str, list[str]] = {}
        for key, said in found.items():
            field = key if key == models.GENERAL else "name" if key.endswith(".name") else "day"
            placed.setdefault(field, []).extend(said)
        return _holidays_page(
            request, caller, config, year, status=status, typed=typed, errors=placed, message=exc.message
        )
    done = "holiday_removed" if remove else "holiday_added"
    return RedirectResponse(f"/commendation/holidays?{urlencode({'year': year, 'done': done})}", status_code=303)


@router.post("/commendation/holidays", include_in_schema=False)
async def add_holiday(request: Request, caller: Posted) -> Response:
    return await _change_holidays(request, caller, remove=False)


@router.post("/commendation/holidays/remove", include_in_schema=False)
async def remove_holiday(request: Request, caller: Posted) -> Response:
    return await _change_holidays(request, caller, remove=True)


# -- award kinds -----------------------------------------------------------------------------------
@router.get("/commendation/awards", response_class=HTMLResponse, include_in_schema=False)
async def awards(request: Request, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.READERS)
    config = await _config(caller)
    return render(
        request, "commendation/awards.html", done_key=_done(done), chain_days=models.chain_days,
        **_common(caller, config),
    )  # fmt: skip


def _award(config: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    found = next((a for a in (config or {}).get("award_kinds") or [] if a.get("id") == kind), None)
    if found is None:
        raise StarletteHTTPException(404)
    return found


def _award_page(
    request: Request,
    caller: Caller,
    config: dict[str, Any] | None,
    form: models.AwardForm,
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    done: str | None = None,
) -> Response:
    return render(
        request,
        "commendation/award.html",
        status=status,
        form=form,
        new=not form.original,
        errors=errors or {},
        message=message,
        done_key=_done(done),
        **_common(caller, config),
    )


@router.get("/commendation/awards/{kind}", response_class=HTMLResponse, include_in_schema=False)
async def award(request: Request, kind: str, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.READERS)
    config = await _config(caller)
    if kind == NEW:
        caller.require(*models.EDITORS)
        return _award_page(request, caller, config, models.new_award_form(_revision(config) if config else None))
    if not is_id(kind):
        raise StarletteHTTPException(404)
    form = models.award_form(_award(config, kind), _revision(config), caller.lang)
    return _award_page(request, caller, config, form, done=done)


@router.post("/commendation/awards/{kind}", include_in_schema=False)
async def save_award(request: Request, kind: str, caller: Posted) -> Response:
    """Save the award kind; or (a button of the chain: add, up, down, remove a stage) show the form
    again with the chain changed, nothing saved."""
    caller.require(*models.EDITORS)
    if kind != NEW and not is_id(kind):
        raise StarletteHTTPException(404)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    roles = [v for v in posted.getlist("comment_roles") if isinstance(v, str)]
    form = models.read_award_form(fields, roles)
    form.original = "" if kind == NEW else kind
    config = await _config(caller)
    existing = _award(config, kind) if kind != NEW else None
    if models.apply_step(form, fields.get("step", "")):
        return _award_page(request, caller, config, form)
    award_kind, local = models.award_body(form, existing)
    if not form.original and form.id in models.award_names(config):
        local["id"] = "cmd_err_id_taken"
    if local:
        return _award_page(request, caller, config, form, status=422, errors=_words(caller, local))
    kinds, index = models.replace_award(list((config or {}).get("award_kinds") or []), award_kind, form.original)
    body = models.write_body(config, models.revision_of(form.revision), form.reason, award_kinds=kinds)
    try:
        await _put(caller, body)
    except ApiFailed as exc:
        status = _refusal_status(exc)
        errors = models.errors_under(exc.errors, f"award_kinds.{index}")
        return _award_page(request, caller, config, form, status=status, errors=errors, message=exc.message)
    return RedirectResponse(f"/commendation/awards/{award_kind['id']}?done=saved", status_code=303)


# -- rules -----------------------------------------------------------------------------------------
def _rules_page(
    request: Request,
    caller: Caller,
    config: dict[str, Any] | None,
    *,
    status: int = 200,
    failed: str = "",
    failed_form: models.RulesForm | None = None,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    done: str | None = None,
) -> Response:
    forms = {
        str(a.get("id")): models.rules_form(a, _revision(config), caller.lang)
        for a in (config or {}).get("award_kinds") or []
    }
    if failed and failed_form is not None:
        forms[failed] = failed_form
    return render(
        request,
        "commendation/rules.html",
        status=status,
        forms=forms,
        failed=failed,
        errors=errors or {},
        message=message,
        done_key=_done(done),
        **_common(caller, config),
    )


@router.get("/commendation/rules", response_class=HTMLResponse, include_in_schema=False)
async def rules(request: Request, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.READERS)
    return _rules_page(request, caller, await _config(caller), done=done)


@router.post("/commendation/rules/{kind}", include_in_schema=False)
async def save_rules(request: Request, kind: str, caller: Posted) -> Response:
    caller.require(*models.EDITORS)
    if not is_id(kind):
        raise StarletteHTTPException(404)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    form = models.read_rules_form(fields, [v for v in posted.getlist("freeze") if isinstance(v, str)])
    config = await _config(caller)
    existing = _award(config, kind)
    found, origin, local = models.rules_body(form)
    if local:
        errors = _words(caller, local)
        return _rules_page(request, caller, config, status=422, failed=kind, failed_form=form, errors=errors)
    kinds, index = models.replace_award(
        list((config or {}).get("award_kinds") or []), {**existing, "rules": found}, kind
    )
    body = models.write_body(config, models.revision_of(form.revision), form.reason, award_kinds=kinds)
    try:
        await _put(caller, body)
    except ApiFailed as exc:
        status = _refusal_status(exc)
        errors = models.rule_errors(models.errors_under(exc.errors, f"award_kinds.{index}"), origin)
        return _rules_page(
            request, caller, config, status=status, failed=kind, failed_form=form, errors=errors, message=exc.message
        )
    return RedirectResponse(f"/commendation/rules?done=saved#rules-{kind}", status_code=303)


# -- flags -----------------------------------------------------------------------------------------
def _flags_page(
    request: Request,
    caller: Caller,
    flags: list[dict[str, Any]] | None,
    *,
    status: int = 200,
    form: models.FlagForm | None = None,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    done: str | None = None,
) -> Response:
    return render(
        request,
        "commendation/flags.html",
        status=status,
        flags=flags,
        form=form or models.FlagForm(),
        errors=errors or {},
        message=message,
        done_key=_done(done),
        editor=caller.has(*models.EDITORS),
        flag_kinds=models.FLAG_KINDS,
    )


@router.get("/commendation/flags", response_class=HTMLResponse, include_in_schema=False)
async def flags(request: Request, caller: SignedIn, done: str | None = None) -> Response:
    caller.require(*models.READERS)
    return _flags_page(request, caller, await _flags(caller), done=done)


@router.post("/commendation/flags", include_in_schema=False)
async def save_flag(request: Request, caller: Posted) -> Response:
    caller.require(*models.EDITORS)
    posted = await request.form()
    form = models.read_flag_form({k: v for k, v in posted.items() if isinstance(v, str)})
    try:
        await caller.intake.post(FLAGS, caller.token, caller.lang, models.flag_body(form))
    except ApiFailed as exc:
        status = _refusal_status(exc)
        errors = models.errors_under(exc.errors, "")
        return _flags_page(
            request, caller, await _flags(caller), status=status, form=form, errors=errors, message=exc.message
        )
    return RedirectResponse("/commendation/flags?done=flag_saved", status_code=303)


# -- issue 11: ballots — the council's size (council_members), the denominator of a vote by ballots
def _council_page(
    request: Request,
    caller: Caller,
    config: dict[str, Any] | None,
    flags: list[dict[str, Any]] | None,
    *,
    status: int,
    typed: dict[str, str],
    errors: dict[str, list[str]],
    message: str,
) -> Response:
    """The overview; after a refused council size, with what was typed and why next to it."""
    today = _today()
    holidays = models.holiday_list(config)
    return render(
        request,
        "commendation/overview.html",
        status=status,
        holidays_this_year=models.holidays_of_year(holidays, today.year),
        holidays_next_year=models.holidays_of_year(holidays, today.year + 1),
        year=today.year,
        flags=flags,
        chain_days=models.chain_days,
        council_typed=typed,
        council_errors=errors,
        council_message=message,
        **_common(caller, config),
    )


@router.post("/commendation/council", include_in_schema=False)
async def save_council(request: Request, caller: Posted) -> Response:
    """The board sets how many members the council has: a whole number from 1 to 200."""
    caller.require(*models.EDITORS)
    posted = await request.form()
    fields = {k: v for k, v in posted.items() if isinstance(v, str)}
    config, flags = await asyncio.gather(_config(caller), _flags(caller))
    typed = {"council_members": fields.get("council_members", "").strip(), "reason": fields.get("reason", "")}
    words = texts(caller.lang)
    size = typed["council_members"]
    local = {}
    if config is None:
        local["council_members"] = "cmd_err_no_config"
    elif not size.isdigit() or not 1 <= int(size) <= 200:
        local["council_members"] = "nom_ballot_council_invalid"
    if local:
        status = 409 if config is None else 422
        return _council_page(request, caller, config, flags, status=status, typed=typed,
                             errors=_words(caller, local), message=words["nom_refused"])  # fmt: skip
    body = models.write_body(
        config, models.revision_of(fields.get("revision")), typed["reason"], council_members=int(size)
    )
    try:
        await _put(caller, body)
    except ApiFailed as exc:
        status = _refusal_status(exc)
        found = {str(e.get("field") or ""): [str(e.get("reason") or "")] for e in exc.errors}
        errors = {("council_members" if k == "council_members" else "reason" if k == "reason" else k): v
                  for k, v in found.items()}  # fmt: skip
        return _council_page(request, caller, config, flags, status=status, typed=typed, errors=errors,
                             message=exc.message)  # fmt: skip
    return RedirectResponse("/commendation#cmd-council", status_code=303)
