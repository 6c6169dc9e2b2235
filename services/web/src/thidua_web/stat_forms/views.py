"""/board/forms: the statutory forms page (the same section as on /board) and, with a complete
choice, the download of reporting's file. The board's reader roles only (as /board)."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..api import ApiFailed
from ..board.models import READERS
from ..deps import SignedIn
from ..formats import LOCAL
from ..i18n import texts
from ..pages import render
from . import models

router = APIRouter()
PASSED = ("content-type", "content-disposition")


def section_context(year: int | None) -> dict:
    """What templates/stat_forms/section.html needs (the board page passes it too)."""
    return {
        "sf_forms": models.FORMS,
        "sf_year": year or models.default_year(datetime.now(LOCAL).date()),
    }


@router.get("/board/forms", include_in_schema=False)
async def forms(
    request: Request,
    caller: SignedIn,
    form: str | None = None,
    year: str | None = None,
    format: str | None = None,
) -> Response:
    caller.require(*READERS)
    choice = models.read(form, year, format)
    failure = ""
    if choice.complete:
        try:
            upstream = await caller.reporting.request(
                "GET", f"/api/v1/forms/{choice.form}", caller.token, caller.lang,
                params={"year": choice.year, "format": choice.file_type},
            )  # fmt: skip
        except ApiFailed as exc:
            if exc.status in (401, 403):
                raise
            failure = texts(caller.lang)["sf_failed"].format(reason=exc.message)
        else:
            headers = {k: upstream.headers[k] for k in PASSED if k in upstream.headers}
            if not headers.get("content-disposition", "").startswith("attachment"):
                headers["content-disposition"] = "attachment"  # never shown in the console's origin
            headers["cache-control"] = "no-store"
            return Response(upstream.content, status_code=200, headers=headers)
    status = 422 if choice.errors else (502 if failure else 200)
    return render(
        request,
        "stat_forms/index.html",
        status=status,
        sf_errors=choice.errors,
        sf_failure=failure,
        sf_form=choice.form or "",
        sf_typed_year=year if "year" in choice.errors else None,
        **section_context(choice.year),
    )
