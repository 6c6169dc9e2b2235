"""The console's HTTP app: sign-in as a backend-for-frontend (/login, /callback, /logout), the home
page, the language switch, the vendored static files, and error pages instead of JSON."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from thidua_common.http.app import PAGE_POLICY, create_app
from thidua_common.logging import get_logger
from thidua_common.settings import Settings, get_settings

from . import security
from .api import Api, ApiFailed
from .audit.views import router as audit_router
from .award_papers.views import router as award_papers_router
from .board.views import router as board_router
from .commendation.views import router as commendation_router
from .config import WebSettings, get_web_settings
from .dashboards.views import router as dashboards_router
from .deps import CsrfFailed, NotAllowed, Posted, SignInNeeded
from .editor.preview_views import body_limit as preview_body_limit
from .editor.preview_views import router as preview_router
from .editor.views import body_limit as editor_body_limit
from .editor.views import router as editor_router
from .excel.views import body_limit as excel_body_limit
from .excel.views import router as excel_router
from .home.views import router as home_router
from .i18n import LANGS, language
from .nominations.dossier import body_limit as dossier_body_limit
from .nominations.views import router as nominations_router
from .notifications.views import router as notifications_router
from .oidc import OidcClient, SignInFailed, check_id_token, claims_of
from .pages import COOKIE, HERE, error_page, render
from .reporter.views import body_limit as reporter_body_limit
from .reporter.views import router as reporter_router
from .reports.views import router as reports_router
from .reviewer.views import router as reviewer_router
from .sessions import SessionStore
from .stat_forms.views import router as stat_forms_router
from .units.views import router as units_router

log = get_logger(__name__)
FEATURES = (
    home_router,
    reporter_router,
    reviewer_router,
    dashboards_router,
    notifications_router,
    editor_router,
    units_router,
    commendation_router,
    nominations_router,
    audit_router,
    board_router,
    preview_router,  # issue 11: the editor's «Xem thử điểm»
    stat_forms_router,  # issue 13: statutory forms (TT 02/2023) on the board's pages
    excel_router,  # issue 13: excel — «Tải Excel» and the import pages
    award_papers_router,  # issue 13: award papers
    reports_router,  # issue 13: reports — «Báo cáo sơ kết/tổng kết»
)


def safe_next(value: str | None) -> str:
    """Only a path of this site (never //host or a scheme): no open redirect after sign-in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def page_policy(issuer: str) -> str:
    """The shared page policy, except that a form may also lead to the issuer: the sign-out form
    posts here and is redirected to the provider's end-session endpoint, and browsers check
    form-action on the redirect too."""
    parts = urlsplit(issuer)
    if not parts.scheme or not parts.netloc:
        return PAGE_POLICY
    return PAGE_POLICY.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


def identity(tokens_claims: dict[str, Any], id_claims: dict[str, Any]) -> dict[str, Any]:
    roles = tokens_claims.get("roles") or []
    return {
        "name": id_claims.get("name") or tokens_claims.get("name") or id_claims.get("preferred_username"),
        "username": id_claims.get("preferred_username") or tokens_claims.get("preferred_username"),
        "unit": tokens_claims.get("unit"),
        "tenant": tokens_claims.get("tenant"),
        "roles": [str(r) for r in roles] if isinstance(roles, list) else [str(roles)],
    }


def build_app(
    settings: Settings | None = None, web: WebSettings | None = None, http: httpx.AsyncClient | None = None
) -> FastAPI:
    """`http`: the client for the issuer and the APIs (tests pass one over a fake transport);
    without it the app opens its own for its lifetime."""
    settings = settings or get_settings()
    web = web or get_web_settings()
    store = SessionStore(idle_seconds=web.session_idle_seconds)

    def wire(app: FastAPI, client: httpx.AsyncClient) -> None:
        app.state.oidc = OidcClient(settings.oidc_issuer, web.client_id, web.redirect_uri, web.scope, client)
        app.state.reporting = Api(web.reporting_url, client)
        app.state.intake = Api(web.intake_url, client)
        app.state.scoring = Api(web.scoring_url, client)  # issue 11: the editor's preview

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if http is not None:
            yield
            return
        async with httpx.AsyncClient(timeout=web.api_timeout_seconds) as client:
            wire(app, client)
            yield

    # the reporter's period form carries evidence files: it has a larger body limit than the rest
    body_limits = [reporter_body_limit(settings.evidence_max_bytes)]
    body_limits.append(editor_body_limit())  # the editor's form holds a whole campaign definition
    body_limits.append(dossier_body_limit(settings.evidence_max_bytes))  # issue 11: the dossier form's files
    body_limits.append(excel_body_limit())  # issue 13: an imported workbook
    body_limits.append(preview_body_limit())  # issue 11: the draft's preview carries the editor's form
    app = create_app("web", settings, lifespan=lifespan, openapi_url=None, body_limits=body_limits)
    if http is not None:
        wire(app, http)
    app.state.sessions = store
    app.state.page_policy = page_policy(settings.oidc_issuer)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    secure_cookie = settings.environment != "development"

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        key = {403: "error_403", 404: "error_404"}.get(exc.status_code, "error_api")
        return error_page(request, exc.status_code, key)

    @app.exception_handler(ApiFailed)
    async def on_api_failed(request: Request, exc: ApiFailed) -> Response:
        log.warning("API call failed", status=exc.status)
        if exc.status == 403:
            return error_page(request, 403, "error_403", exc.message)
        if exc.status == 404:
            return error_page(request, 404, "error_404")
        if exc.refused:  # a refusal the page did not handle itself: say what the API said
            return error_page(request, exc.status or 400, "error_refused", exc.message)
        return error_page(request, 502, "error_api")

    @app.exception_handler(SignInFailed)
    async def on_sign_in_failed(request: Request, exc: SignInFailed) -> Response:
        log.warning("sign-in failed", reason=str(exc))
        return error_page(request, 400, "error_sign_in")

    @app.exception_handler(SignInNeeded)
    async def on_sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        if exc.next_path == "/" and request.method == "GET" and request.url.path == "/":
            return render(request, "welcome.html")  # the home page of somebody not signed in
        target = "/login?" + urlencode({"next": safe_next(exc.next_path)})
        if request.headers.get("hx-request"):  # htmx follows this header with a full page load
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfFailed)
    async def on_csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return error_page(request, 403, "error_csrf")

    @app.exception_handler(NotAllowed)
    async def on_not_allowed(request: Request, exc: NotAllowed) -> Response:
        return error_page(request, 403, "error_403")

    for router in FEATURES:
        app.include_router(router)

    @app.get("/login", include_in_schema=False)
    async def login(request: Request, next: str | None = None) -> Response:
        state, nonce = security.random_token(), security.random_token()
        verifier, challenge = security.pkce_pair()
        store.begin(state, verifier, nonce, safe_next(next))
        url = await app.state.oidc.authorization_url(state, nonce, challenge, language(request))
        return RedirectResponse(url, status_code=303)

    @app.get("/callback", include_in_schema=False)
    async def callback(
        request: Request, code: str | None = None, state: str | None = None, error: str | None = None
    ) -> Response:
        pending = store.take_pending(state)
        if pending is None or error or not code:
            raise SignInFailed(f"callback refused (state known: {pending is not None}, error: {error})")
        oidc: OidcClient = app.state.oidc
        tokens = await oidc.exchange(code, pending.verifier)
        if not tokens.id_token:
            raise SignInFailed("no ID token")
        id_claims = claims_of(tokens.id_token)
        check_id_token(id_claims, oidc.issuer, oidc.client_id, pending.nonce)
        session = store.create(tokens, identity(claims_of(tokens.access_token), id_claims))
        log.info("signed in", username=session.claims.get("username"))
        response = RedirectResponse(pending.next_path, status_code=303)
        response.set_cookie(
            COOKIE, session.id, httponly=True, samesite="lax", secure=secure_cookie, path="/",
            max_age=web.session_idle_seconds,
        )  # fmt: skip
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request, caller: Posted) -> Response:
        store.end(caller.session.id)
        target = await app.state.oidc.end_session_url(caller.session.tokens.id_token, web.public_url.rstrip("/") + "/")
        response = RedirectResponse(target or "/", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookie)
        return response

    @app.get("/lang/{code}", include_in_schema=False)
    async def switch_language(code: str, next: str | None = None) -> Response:
        if code not in LANGS:
            raise StarletteHTTPException(404)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie("lang", code, samesite="lax", secure=secure_cookie, max_age=365 * 86400, path="/")
        return response

    return app


app = build_app()
