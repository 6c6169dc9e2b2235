import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..auth import AuthError
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound, TooLarge, Unsupported
from ..i18n import format_number, negotiate, t
from ..logging import CORRELATION_HEADER, accepted_correlation_id, correlation_scope, get_logger, new_correlation_id
from ..settings import Settings
from .docs import add_docs
from .errors import ERROR_RESPONSES, ApiError, from_pydantic
from .metrics import add_metrics
from .readiness import evaluate

log = get_logger(__name__)

# the one place a domain error becomes an HTTP status (most specific class first)
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (Invalid, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Forbidden, 403),
    (TooLarge, 413),
    (Unsupported, 415),
)


def domain_status(exc: DomainError) -> int:
    return next((status for cls, status in DOMAIN_STATUS if isinstance(exc, cls)), 422)


def _language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"), request.app.state.settings.default_language)


def _body(request: Request, message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "message": message,
        "errors": errors or [],
        "correlation_id": request.state.correlation_id if hasattr(request.state, "correlation_id") else None,
    }


class BodyLimit:
    """Refuse bodies over the limit with 413 before anything parses them, chunked ones included:
    the body is read here (it is small by definition) and handed on only when within the limit.
    `overrides` are (path pattern, limit) pairs: a route that takes files (intake's evidence
    upload) has its own, larger limit and checks the exact file size itself."""

    def __init__(self, app: ASGIApp, limit: int, overrides: Sequence[tuple[str, int]] = ()):
        self.app = app
        self.limit = limit
        self.overrides = [(re.compile(pattern), bound) for pattern, bound in overrides]

    def limit_for(self, path: str) -> int:
        return next((bound for pattern, bound in self.overrides if pattern.fullmatch(path)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope.get("path", ""))
        headers = dict(scope.get("headers") or [])
        declared = int(headers.get(b"content-length", b"0") or 0)
        if declared > limit:
            return await self._refuse(send, headers, declared, limit)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and not declared:
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await self._refuse(send, headers, size, limit)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)

    async def _refuse(self, send: Send, headers: dict[bytes, bytes], size: int, limit: int) -> None:
        lang = negotiate(headers.get(b"accept-language", b"").decode(errors="ignore"))
        incoming = headers.get(CORRELATION_HEADER.lower().encode(), b"").decode("latin-1")
        cid = accepted_correlation_id(incoming) or new_correlation_id()  # never echo a malformed one
        with correlation_scope(cid):
            log.info("request refused", status=413, size=size, limit=limit)
        body = json.dumps(
            {
                "message": t("request.too_large", lang, size=format_number(size, 0, lang),
                             limit=format_number(limit, 0, lang)),
                "errors": [],
                "correlation_id": cid,
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (CORRELATION_HEADER.encode(), cid.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class Correlation:
    """Every request gets a correlation id (the caller's header if well-formed, else a new one):
    bound to the log context of everything the request does, stored as
    `request.state.correlation_id` (intake puts it on the events it emits), returned in the
    response header, and the request logged once answered. Plain ASGI: starlette's
    BaseHTTPMiddleware costs a task and two memory streams per request, a measurable share of
    intake's time per submission."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.header = CORRELATION_HEADER.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = next((v for k, v in scope.get("headers") or [] if k == self.header), None)
        # a malformed or oversized id is replaced, never echoed or logged (it could be megabytes,
        # or forge log lines); only its length is kept, to tell the caller's mistake in the log
        accepted = accepted_correlation_id(incoming.decode("latin-1")) if incoming is not None else None
        with correlation_scope(accepted, path=scope["path"], method=scope["method"]) as cid:
            if incoming is not None and accepted is None:
                log.info("correlation id replaced", received_length=len(incoming))
            scope.setdefault("state", {})["correlation_id"] = cid
            status = 500  # unless a response starts: an unhandled error

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = [*message.get("headers", []), (self.header, cid.encode("latin-1"))]
                await send(message)

            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info("http request", status=status)


# Pages (the dashboard, /docs) load only their own files: no inline script, so a name that reads
# `<img onerror=...>` can never run even if some code put it into the page as markup; no other
# origin to fetch from or send to; no framing (clickjacking). Swagger UI's icons are data: images.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Everything else (JSON, CSV, JS, CSS) is data, never a document: nothing may load from it.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    """Browser-facing headers on every answer: a Content-Security-Policy (the page policy on HTML,
    the data policy on the rest), `X-Content-Type-Options: nosniff` (a JSON or CSV body is never
    run as a script or rendered as a page), `Referrer-Policy: no-referrer` (URLs may carry ids)
    and `X-Frame-Options: DENY` for browsers without frame-ancestors. A response that sets its own
    policy keeps it. Plain ASGI like Correlation: one pass over a handful of headers, no task."""

    COMMON = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )
    PAGE = (*COMMON, (b"content-security-policy", PAGE_POLICY.encode()))
    DATA = (*COMMON, (b"content-security-policy", DATA_POLICY.encode()))

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                html, own_policy = False, False
                for name, value in headers:
                    if name == b"content-type":
                        html = value.startswith(b"text/html")
                    elif name == b"content-security-policy":
                        own_policy = True
                extra = self.PAGE if html else self.DATA
                message["headers"] = [*headers, *(self.COMMON if own_policy else extra)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()  # e.g. http.disconnect while the response streams
        return {"type": "http.disconnect"}

    return receive


def create_app(
    service: str,
    settings: Settings,
    lifespan: Callable[..., Any] | None = None,
    body_limits: Sequence[tuple[str, int]] = (),
    **kwargs: Any,
) -> FastAPI:
    # FastAPI's own /docs and /redoc pages load Swagger UI and ReDoc from a third-party host with
    # an inline script: blank offline and refused by the page policy. add_docs serves /docs instead.
    kwargs.setdefault("docs_url", None)
    kwargs.setdefault("redoc_url", None)
    kwargs.setdefault("responses", ERROR_RESPONSES)
    app = FastAPI(title=f"Thi Đua – {service}", lifespan=lifespan, **kwargs)
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = _language(request)
        errors = [from_pydantic(e).render(lang) for e in exc.errors()]
        log.info("request rejected", errors=errors)
        return JSONResponse(_body(request, t("request.invalid", lang), errors), status_code=422)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        lang = _language(request)
        errors = [e.render(lang) for e in exc.errors]
        log.info("request refused", status=exc.status, code=exc.key, errors=errors)
        return JSONResponse(_body(request, t(exc.key, lang, **exc.params), errors), status_code=exc.status)

    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> JSONResponse:
        lang = _language(request)
        status = domain_status(exc)
        errors = [e.render(lang) for e in exc.errors]
        log.info("request refused", status=status, code=exc.key, errors=errors)
        return JSONResponse(_body(request, exc.message(lang), errors), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI's and Starlette's own refusals (a body that is not UTF-8 text: 400; no such
        # route: 404; wrong method: 405) in the same shape and languages as every other error,
        # instead of {"detail": "..."} in English
        lang = _language(request)
        key = {400: "request.unreadable", 404: "request.no_route", 405: "request.method"}.get(exc.status_code,
                                                                                           "request.refused")
        log.info("request refused", status=exc.status_code, code=key)
        return JSONResponse(_body(request, t(key, lang, status=exc.status_code)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(AuthError)
    async def on_auth_error(request: Request, exc: AuthError) -> JSONResponse:
        lang = _language(request)
        return JSONResponse(
            _body(request, t(exc.key, lang, **exc.params)),
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        # 503 only when a required dependency fails; optional ones degrade (200), see .readiness
        ready = await evaluate(app)
        lang = _language(request)
        if ready.failing:
            message = t("health.not_ready", lang, failing=", ".join(ready.failing))
        elif ready.degraded:
            message = t("health.degraded", lang, degraded=", ".join(ready.degraded))
        else:
            message = t("health.ready", lang)
        body = {
            "status": ready.status,
            "service": service,
            "checks": ready.checks,
            "required": sorted(set(ready.checks) - getattr(app.state, "readiness_optional", set())),
            "degraded": ready.degraded,
            "details": ready.details,
            "message": message,
        }
        if ready.status != "ready":
            log.warning("not ready" if ready.failing else "degraded", checks=ready.checks)
        return JSONResponse(body, status_code=503 if ready.failing else 200)

    add_docs(app)
    app.add_middleware(Correlation)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, overrides=body_limits)
    add_metrics(app)  # GET /metrics, and counts every request (outside BodyLimit: its 413s too)
    app.add_middleware(SecurityHeaders)  # added last: runs first, so BodyLimit's 413 carries them too
    return app
