"""The calls the reporter's pages make to intake and reporting (the console reads no database)."""

from typing import Any

from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from ..api import ApiFailed
from ..deps import Caller

# intake answers these for an endpoint it does not have yet (its submission list comes with
# branch h10-queue): the pages then say the status is unknown instead of failing
ABSENT = (404, 405)
LIST_LIMIT = 200  # periods of one unit in one campaign: a monthly campaign of 10 years is 120


async def campaign(caller: Caller, campaign_id: str) -> dict[str, Any]:
    return await caller.intake.get(f"/api/v1/campaigns/{campaign_id}", caller.token, caller.lang)


async def registration(caller: Caller, campaign_id: str, unit_id: str) -> dict[str, Any] | None:
    """The unit's registration, None before it registered (intake answers 404)."""
    try:
        return await caller.intake.get(
            f"/api/v1/campaigns/{campaign_id}/registrations/{unit_id}", caller.token, caller.lang
        )
    except ApiFailed as exc:
        if exc.status == 404:
            return None
        raise


async def latest_submissions(
    caller: Caller, campaign_id: str, unit_id: str, period: str | None = None
) -> list[dict[str, Any]] | None:
    """The latest submission of each period of the unit (intake's list), None when intake cannot list."""
    try:
        answer = await caller.intake.get(
            "/api/v1/submissions", caller.token, caller.lang,
            campaign_id=campaign_id, unit_id=unit_id, period=period, limit=LIST_LIMIT,
        )  # fmt: skip
    except ApiFailed as exc:
        if exc.status in ABSENT:
            return None
        raise
    items = answer.get("items") if isinstance(answer, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


async def evidence_list(caller: Caller, campaign_id: str, unit_id: str) -> list[dict[str, Any]]:
    return await caller.intake.get(
        f"/api/v1/campaigns/{campaign_id}/units/{unit_id}/evidence", caller.token, caller.lang
    )


async def upload(
    caller: Caller, campaign_id: str, unit_id: str, name: str, content: bytes, content_type: str
) -> dict[str, Any]:
    response = await caller.intake.request(
        "POST", f"/api/v1/campaigns/{campaign_id}/units/{unit_id}/evidence", caller.token, caller.lang,
        files={"file": (name, content, content_type or "application/octet-stream")},
    )  # fmt: skip
    return response.json()


# headers of intake's download passed on to the browser (the file is an attachment of its own type)
PASSED = ("content-type", "content-disposition", "content-length", "x-content-sha256")


async def download(caller: Caller, campaign_id: str, unit_id: str, evidence_id: str) -> Response:
    """The evidence file streamed from intake chunk by chunk, as an attachment, never sniffed."""
    return await proxied_file(caller, f"/api/v1/campaigns/{campaign_id}/units/{unit_id}/evidence/{evidence_id}")


async def proxied_file(caller: Caller, path: str) -> Response:
    """A file intake serves at `path` (evidence, dossier documents), streamed to the browser chunk
    by chunk as an attachment, never sniffed; intake's refusal raised as ApiFailed."""
    api = caller.intake
    request = api.http.build_request(
        "GET",
        f"{api.base_url}{path}",
        headers={"Authorization": f"Bearer {caller.token}", "Accept-Language": caller.lang},
    )
    try:
        upstream = await api.http.send(request, stream=True)
    except Exception as exc:  # httpx.HTTPError: intake not reachable
        raise ApiFailed(None) from exc
    if upstream.status_code != 200:
        await upstream.aread()
        await upstream.aclose()
        try:
            body = upstream.json()
        except ValueError:
            body = None
        raise ApiFailed(upstream.status_code, body)
    headers = {k: upstream.headers[k] for k in PASSED if k in upstream.headers}
    if "content-encoding" in upstream.headers:  # the bytes passed on are decoded: another length
        headers.pop("content-length", None)
    if not headers.get("content-disposition", "").startswith("attachment"):
        headers["content-disposition"] = "attachment"  # never shown in the console's origin
    headers["cache-control"] = "no-store"
    return StreamingResponse(
        upstream.aiter_bytes(), status_code=200, headers=headers, background=BackgroundTask(upstream.aclose)
    )


# issue 15: deadlines
async def deadlines(caller: Caller, campaign_id: str, unit_id: str) -> dict[str, Any] | None:
    """The campaign's period due dates and the unit's lateness; None when intake has no such
    endpoint (an older intake): the page then shows no due dates."""
    try:
        return await caller.intake.get(
            f"/api/v1/campaigns/{campaign_id}/deadlines", caller.token, caller.lang, unit=unit_id
        )
    except ApiFailed as exc:
        if exc.status in ABSENT:
            return None
        raise
