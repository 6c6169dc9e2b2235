"""Rendering a page: the templates (autoescaped: data is text), the language, the session, the
page policy and no caching of pages that hold a user's data."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from . import formats
from .i18n import LANGS, label, language, texts

HERE = Path(__file__).parent
COOKIE = "thidua_session"

templates = Jinja2Templates(directory=str(HERE / "templates"))  # .html: autoescaped
templates.env.filters.update(formats.FILTERS)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """`name` under templates/ (a feature's pages in its own folder: reporter/…, reviewer/…)."""
    lang = language(request)
    state = request.app.state
    session = state.sessions.get(request.cookies.get(COOKIE))
    context = {
        "t": texts(lang),
        "label": lambda code: label(code, lang),
        "lang": lang,
        "langs": LANGS,
        "session": session,
        "me": session.claims if session else None,
        "path": request.url.path,
        "full_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = state.page_policy
    return response


def error_page(request: Request, status: int, key: str, detail: str = "") -> HTMLResponse:
    """The error page with a message of the text table (and the API's own words, if any)."""
    message = texts(language(request))[key]
    return render(request, "error.html", status=status, message=message, detail=detail, status_code=status)
