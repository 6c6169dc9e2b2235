"""My notifications: reporting's inbox of the caller, unread first, "mark all read", and the
unread count in the nav.

The badge costs one call to reporting, so it is not rendered with every page (that would add the
call's latency to every page and fail pages when the inbox is down): the nav link carries an htmx
request to /notifications/badge fired after the page loaded, answered with just the count, or
nothing at all when reporting cannot tell."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..api import ApiFailed
from ..deps import Posted, SignedIn
from ..pages import render

router = APIRouter()

PAGE = 50  # notifications shown on the page (the newest)


@router.get("/notifications", response_class=HTMLResponse, include_in_schema=False)
async def notifications(request: Request, caller: SignedIn) -> Response:
    inbox = await caller.reporting.get("/api/v1/notifications", caller.token, caller.lang, limit=PAGE)
    items = [i for i in (inbox or {}).get("items", []) if isinstance(i, dict)]
    # unread first, each group newest first as the inbox gives it (a stable sort keeps its order)
    items.sort(key=lambda i: bool(i.get("read")))
    return render(request, "notifications/index.html", items=items, unread=int((inbox or {}).get("unread") or 0))


@router.post("/notifications/read", include_in_schema=False)
async def mark_all_read(request: Request, caller: Posted) -> Response:
    await caller.reporting.post("/api/v1/notifications/read", caller.token, caller.lang, {"all": True})
    return RedirectResponse("/notifications", status_code=303)


@router.get("/notifications/badge", response_class=HTMLResponse, include_in_schema=False)
async def badge(request: Request, caller: SignedIn) -> Response:
    """The unread count as a fragment for the nav; empty when there is none or it is unknown."""
    try:
        inbox = await caller.reporting.get("/api/v1/notifications", caller.token, caller.lang, unread="true", limit=1)
    except ApiFailed:
        inbox = None
    unread = int((inbox or {}).get("unread") or 0) if isinstance(inbox, dict) else 0
    return render(request, "notifications/badge.html", unread=unread)
