"""The board's dashboards (/board): timeliness of reports and reviews for a chosen campaign, the
nomination pipeline per stage with the overdue nominations, and award statistics by award,
recipient type and year. Everything is read from intake and reporting as the signed-in user; a
part the caller's roles may not read (e.g. submissions for a council member) says so instead."""

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from thidua_common.ids import is_id

from ..api import ApiFailed
from ..deps import Caller, SignedIn
from ..formats import LOCAL
from ..i18n import texts
from ..pages import render
from ..stat_forms.views import section_context
from . import charts, models

router = APIRouter()


async def _or_refused(call: Any) -> tuple[Any, bool]:
    """(answer, False), or (None, True) when the API refuses this caller (403)."""
    try:
        return await call, False
    except ApiFailed as exc:
        if exc.status == 403:
            return None, True
        raise


async def _submissions(caller: Caller, campaign_id: str) -> tuple[list[dict], bool]:
    """The campaign's submissions (latest per unit and period), at most MAX_PAGES pages: (items, partial)."""
    items: list[dict] = []
    after = None
    for _ in range(models.MAX_PAGES):
        page = await caller.intake.get(
            "/api/v1/submissions", caller.token, caller.lang,
            campaign_id=campaign_id, limit=models.PAGE_SIZE, after=after,
        )  # fmt: skip
        page = page or {}
        items.extend(i for i in page.get("items") or [] if isinstance(i, dict))
        after = page.get("next")
        if not after:
            return items, False
    return items, True


@router.get("/board", response_class=HTMLResponse, include_in_schema=False)
async def dashboards(
    request: Request, caller: SignedIn, campaign_id: str | None = None, year: str | None = None
) -> Response:
    caller.require(*models.READERS)
    chosen_year, year_ok = models.read_year(year)
    campaign = campaign_id if campaign_id and is_id(campaign_id) else None
    (campaigns, _), (stage_rows, pipeline_refused), (nominations, _), (awards, awards_refused) = await asyncio.gather(
        _or_refused(caller.intake.get("/api/v1/campaigns", caller.token, caller.lang)),
        _or_refused(
            caller.reporting.get("/api/v1/nominations/timeliness", caller.token, caller.lang, year=chosen_year)
        ),
        _or_refused(caller.intake.get("/api/v1/nominations", caller.token, caller.lang, status="in_progress")),
        _or_refused(caller.reporting.get("/api/v1/awards", caller.token, caller.lang, year=chosen_year)),
    )
    choices = [
        {"id": str(c["campaign_id"]), "name": str(c.get("name_vi") or c["campaign_id"])}
        for c in campaigns or []
        if isinstance(c, dict) and c.get("campaign_id")
    ]
    if campaign is None and choices:
        campaign = choices[0]["id"]
    figures = None
    submissions_refused = False
    if campaign:
        found, submissions_refused = await _or_refused(_submissions(caller, campaign))
        if found is not None:
            figures = models.timeliness(*found)
    today = datetime.now(LOCAL).date()
    stages = models.stages(stage_rows or [])
    stats = models.award_stats(awards or [])
    words = texts(caller.lang)
    return render(
        request,
        "board/index.html",
        status=200 if year_ok else 422,
        campaigns=choices,
        campaign_id=campaign or "",
        year=year if not year_ok else (chosen_year or ""),
        year_ok=year_ok,
        figures=figures,
        submissions_refused=submissions_refused,
        stages=stages,
        pipeline_refused=pipeline_refused,
        overdue=models.overdue_nominations(nominations or [], today),
        stats=stats,
        awards_refused=awards_refused,
        max_items=models.PAGE_SIZE * models.MAX_PAGES,
        # the charts show the tables' figures (static/board.js draws them; the tables stay)
        timeliness_chart=charts.timeliness_chart(figures, words),
        pipeline_chart=charts.pipeline_chart(stages, words),
        awards_chart=charts.awards_chart(stats),
        **section_context(chosen_year),  # issue 13: statutory forms
    )
