"""Issue 11: POST /api/v1/preview on scoring's aiohttp endpoint — scoring's one public API route.

Only scoring has the scorers installed (intake knows their parameter models, the console nothing),
so only scoring can say how a sample would score; the route is a pure function of its body (reads
and writes nothing: no Kafka, no MongoDB). The caller is authenticated as intake and reporting
authenticate a bearer token (thidua_common.auth.tokens.authenticate: the OIDC issuer's keys with
fixed algorithms, or the development HS256 secret) and must be a board officer or the chairperson.
Refusals have the shape of every other service's: {message, errors: [{field, reason, code}],
correlation_id}, in the caller's language (Accept-Language, Vietnamese by default)."""

from typing import Any, cast

from aiohttp import web

from thidua_common.auth import AuthError, Principal, Role
from thidua_common.auth.oidc import KeysUnavailable
from thidua_common.auth.tokens import authenticate
from thidua_common.errors import DomainError, FieldError
from thidua_common.i18n import Language, Localized, format_number, negotiate, t
from thidua_common.logging import CORRELATION_HEADER, accepted_correlation_id, get_logger, new_correlation_id
from thidua_common.settings import Settings
from thidua_common.startup import problems

from .preview import parse, preview
from .scorers import Scorer

log = get_logger(__name__)

PATH = "/api/v1/preview"
ROLES = (Role.board_officer, Role.chairperson)


class Refused(Exception):
    def __init__(self, status: int, key: str, errors: list[FieldError] | None = None, **params: Any):
        super().__init__(key)
        self.status, self.key, self.errors, self.params = status, key, errors or [], params


def add_preview(app: web.Application, settings: Settings, scorers: dict[str, Scorer]) -> None:
    # the same cap as intake's on a campaign definition (THIDUA_MAX_BODY_BYTES)
    limit = settings.max_body_bytes
    # scoring starts without an HTTP API's checks (its worker needs none): outside development the
    # route refuses every call while the token settings would let anybody in (the public HS256
    # secret, no OIDC issuer), exactly the cases that stop intake and reporting from starting
    unsafe = (
        [
            p.setting
            for p in problems(settings, http_api=True)
            # only what lets a caller in: Kafka's settings are the worker's, API keys are not taken here
            if p.setting != "THIDUA_API_KEYS" and not p.setting.startswith("THIDUA_KAFKA")
        ]
        if settings.environment != "development"
        else []
    )
    if unsafe:
        log.error("preview refuses every call: token settings unsafe", settings=unsafe)

    async def post_preview(request: web.Request) -> web.Response:
        lang = negotiate(request.headers.get("Accept-Language"), cast(Language, settings.default_language))
        cid = accepted_correlation_id(request.headers.get(CORRELATION_HEADER)) or new_correlation_id()
        headers = {CORRELATION_HEADER: cid, "Content-Language": lang, "Cache-Control": "no-store"}
        try:
            if unsafe:
                raise Refused(503, "preview.unconfigured", settings=", ".join(unsafe))
            principal = await _caller(request, settings)
            if not principal.has_any(*ROLES):
                raise Refused(403, "auth.role", roles=", ".join(sorted(principal.roles)) or "—")
            raw = await _body(request, limit)
            answer = preview(parse(raw), scorers, lang)
        except Refused as exc:
            extra = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
            log.info("preview refused", status=exc.status, code=exc.key)
            return _error(exc.status, t(exc.key, lang, **exc.params), exc.errors, lang, cid, {**headers, **extra})
        except DomainError as exc:
            log.info("preview refused", status=422, code=exc.key, errors=len(exc.errors))
            return _error(422, exc.message(lang), exc.errors, lang, cid, headers)
        return web.json_response(answer.model_dump(mode="json"), headers=headers, dumps=_dumps)

    app.router.add_post(PATH, post_preview)


async def _caller(request: web.Request, settings: Settings) -> Principal:
    authorization = request.headers.get("Authorization", "")
    if len(authorization) > settings.max_auth_header_bytes:
        limit = settings.max_auth_header_bytes
        raise Refused(
            431,
            "auth.header_too_large",
            header="Authorization",
            limit=Localized(lambda lang: format_number(limit, 0, lang)),
        )
    if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
        raise Refused(401, "auth.missing")
    try:
        return await authenticate(settings, authorization[7:].strip())
    except KeysUnavailable:  # the identity provider's keys cannot be had: the token may be fine
        raise Refused(503, "auth.keys_unavailable") from None
    except AuthError as exc:
        raise Refused(401, exc.key, None, **exc.params) from None


async def _body(request: web.Request, limit: int) -> bytes:
    """The body, read no further than the limit (a chunked body too): 413 beyond it."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise Refused(413, "request.too_large", size=_count(declared), limit=_count(limit))
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise Refused(413, "request.too_large", size=_count(size), limit=_count(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _count(n: int) -> Localized:
    return Localized(lambda lang: format_number(n, 0, lang))


def _error(
    status: int, message: str, errors: list[FieldError], lang: str, cid: str, headers: dict[str, str]
) -> web.Response:
    body = {"message": message, "errors": [e.render(lang) for e in errors], "correlation_id": cid}
    return web.json_response(body, status=status, headers=headers, dumps=_dumps)


def _dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
