"""What a page handler asks for: the signed-in caller (their token refreshed on the server), and
for a change, a form whose CSRF token matches the session's.

    async def page(request: Request, caller: SignedIn) -> Response: ...
    async def change(request: Request, caller: Posted) -> Response: ...   # POST forms
"""

import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from . import security
from .api import Api
from .i18n import language
from .oidc import SignInFailed
from .pages import COOKIE
from .sessions import Session

REFRESH_MARGIN_SECONDS = 30  # refresh a little before the access token expires
# a form's inputs at most (Starlette's default is 1 000): the campaign editor's form holds a whole
# definition, e.g. 2 000 participants of 5 inputs each; its body limit bounds the work anyway
MAX_FORM_FIELDS = 50_000


class SignInNeeded(Exception):
    """No session, or it can no longer be refreshed: to /login, then back to `next_path`."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(Exception):
    """A form without the session's CSRF token."""


class NotAllowed(Exception):
    """The caller's roles or unit do not open this page: the 403 page."""


@dataclass
class Caller:
    session: Session
    token: str
    lang: str
    intake: Api
    reporting: Api
    scoring: Api | None = None  # issue 11: the editor's preview (scoring's POST /api/v1/preview)

    @property
    def claims(self) -> dict[str, Any]:
        return self.session.claims

    @property
    def unit(self) -> str | None:
        unit = self.claims.get("unit")
        return str(unit) if unit else None

    @property
    def roles(self) -> list[str]:
        return list(self.claims.get("roles") or [])

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def require(self, *roles: str) -> None:
        if not self.has(*roles):
            raise NotAllowed()

    def require_unit(self, unit_id: str) -> None:
        """Unit roles see only their own unit (the APIs say so too: this spares the call)."""
        if self.has("unit_reporter", "unit_leader") and not self.has(
            "board_officer", "chairperson", "auditor", "cluster_head"
        ):
            if unit_id != self.unit:
                raise NotAllowed()


async def access_token(request: Request, session: Session) -> str | None:
    """The session's access token, refreshed when it is about to expire; None: sign in again."""
    tokens = session.tokens
    if tokens.expires_at - REFRESH_MARGIN_SECONDS > time.time():
        return tokens.access_token
    if not tokens.refresh_token:
        return None
    try:
        fresh = await request.app.state.oidc.refresh(tokens.refresh_token)
    except SignInFailed:
        request.app.state.sessions.end(session.id)
        return None
    fresh.id_token = fresh.id_token or tokens.id_token
    fresh.refresh_token = fresh.refresh_token or tokens.refresh_token
    session.tokens = fresh
    return fresh.access_token


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def signed_in(request: Request) -> Caller:
    state = request.app.state
    session = state.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        raise SignInNeeded(_here(request) if request.method == "GET" else "/")
    token = await access_token(request, session)
    if token is None:
        raise SignInNeeded(_here(request) if request.method == "GET" else "/")
    return Caller(session, token, language(request), state.intake, state.reporting, getattr(state, "scoring", None))


async def csrf_checked(request: Request, caller: Annotated[Caller, Depends(signed_in)]) -> Caller:
    """The token in the form field `csrf` (multipart forms too) or the header X-CSRF-Token (htmx)."""
    given = request.headers.get("x-csrf-token")
    if not given:
        form = await request.form(max_fields=MAX_FORM_FIELDS)
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not security.same(caller.session.csrf, given):
        raise CsrfFailed()
    return caller


SignedIn = Annotated[Caller, Depends(signed_in)]
Posted = Annotated[Caller, Depends(csrf_checked)]
