"""Scoring's small HTTP endpoint (aiohttp, which faust-streaming already brings; faust's own web
server stays off): GET /healthz (alive), GET /readyz (MongoDB answers and the worker started;
quarantined campaigns listed with their reasons — they make scoring 'degraded', not unready,
because every other campaign is still scored), GET /metrics (Prometheus text format); issue 11: POST /api/v1/preview, how a sample submission would
score under a draft definition (preview_http.py: authenticated, pure)."""

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import cast

from aiohttp import web

from thidua_common.i18n import Language, negotiate, t
from thidua_common.logging import get_logger
from thidua_common.settings import Settings

from .preview_http import add_preview
from .quarantine import Guard, QuarantineStore
from .scorers import Scorer

log = get_logger(__name__)

TIMEOUT_S = 2.0


def build(
    state: Callable[[], tuple[QuarantineStore, Guard] | None],
    default_language: str = "vi",
    dead_letter_topic: str = "thidua.scoring.dlq.v1",
    *,
    settings: Settings | None = None,
    scorers: dict[str, Scorer] | None = None,
) -> web.Application:
    """`state` gives the quarantine store and guard once the worker has started (None before).
    With `settings` and `scorers`, the app also answers POST /api/v1/preview (issue 11)."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "service": "scoring"})

    async def readyz(request: web.Request) -> web.Response:
        # Settings keeps the default language a plain str ("vi" or "en" by configuration)
        lang = negotiate(request.headers.get("Accept-Language"), cast(Language, default_language))
        current = state()
        checks = {"worker": "ok" if current else "not started"}
        quarantined: list[dict] = []
        if current:
            store, _ = current
            try:
                await asyncio.wait_for(store.db.client.admin.command("ping"), TIMEOUT_S)
                quarantined = await asyncio.wait_for(store.all(), TIMEOUT_S)
                checks["mongodb"] = "ok"
            except Exception as exc:  # the reason is the answer
                checks["mongodb"] = f"{type(exc).__name__}: {exc}"[:300]
        failing = [name for name, result in checks.items() if result != "ok"]
        status = "not_ready" if failing else "degraded" if quarantined else "ready"
        message = (
            t("health.not_ready", lang, failing=", ".join(failing))
            if failing
            else t("health.quarantined", lang, count=len(quarantined))
            if quarantined
            else t("health.ready", lang)
        )
        body = {
            "status": status,
            "service": "scoring",
            "checks": checks,
            "message": message,
            "quarantined": [_public(doc, lang) for doc in quarantined],
        }
        return web.json_response(body, status=503 if failing else 200, dumps=_dumps)

    async def metrics(request: web.Request) -> web.Response:
        current = state()
        lines = []
        quarantined: list[dict] | None = None
        if current:
            try:
                quarantined = await asyncio.wait_for(current[0].all(), TIMEOUT_S)
            except Exception:
                quarantined = None
        lines += _metric(
            "thidua_scoring_up",
            "gauge",
            "1 when scoring's worker started and MongoDB answered",
            [("", 1 if quarantined is not None else 0)],
        )
        if quarantined is not None:
            lines += _metric(
                "thidua_scoring_quarantined_campaigns",
                "gauge",
                "Campaigns scoring has set aside (quarantined) until a corrected revision arrives",
                [("", len(quarantined))],
            )
            lines += _metric(
                "thidua_scoring_campaign_quarantined",
                "gauge",
                "1 for each quarantined campaign",
                [
                    (f'{{tenant="{_label(d.get("tenant", ""))}",campaign_id="{_label(d.get("campaign_id", ""))}"}}', 1)
                    for d in quarantined
                ],
            )
            lines += _metric(
                "thidua_scoring_held_events",
                "gauge",
                "Events of quarantined campaigns kept to be scored once they resume",
                [("", sum(d.get("held_events", 0) for d in quarantined))],
            )
        if current:
            guard = current[1]
            lines += _metric(
                "thidua_scoring_quarantines_total",
                "counter",
                "Campaigns quarantined by this worker since it started",
                [("", guard.quarantines)],
            )
            lines += _metric(
                "thidua_scoring_resumes_total",
                "counter",
                "Quarantined campaigns this worker resumed since it started",
                [("", guard.resumes)],
            )
            # issue 12: dead letters — the same metric as intake's, for the scoring dead-letter topic
            lines += _metric(
                "thidua_dead_letters_total",
                "counter",
                "Dead letters written since the service started, by dead-letter topic and reason code",
                [
                    (f'{{topic="{_label(dead_letter_topic)}",reason="{_label(code)}"}}', count)
                    for code, count in sorted(guard.dead_letters.items())
                ],
            )
        return web.Response(
            text="\n".join(lines) + "\n",
            content_type="text/plain",
            charset="utf-8",
            headers={"X-Content-Type-Options": "nosniff"},
        )

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    if settings is not None and scorers is not None:
        add_preview(app, settings, scorers)
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("scoring http endpoint listening", host=host, port=port)
    return runner


def _public(doc: dict, lang: str) -> dict:
    reason = doc.get("reason") or {}
    return {
        "tenant": doc.get("tenant"),
        "campaign_id": doc.get("campaign_id"),
        "revision": doc.get("revision"),
        "reason_code": reason.get("code"),
        "reason": reason.get("message_en" if lang == "en" else "message"),
        "errors": [
            {
                "field": e.get("field"),
                "code": e.get("code"),
                "reason": e.get("reason_en") if lang == "en" else e.get("reason"),
            }
            for e in reason.get("errors", [])
        ],
        "offending_event_ids": doc.get("offending_event_ids", []),
        "held_events": doc.get("held_events", 0),
        "since": doc.get("since"),
    }


def _dumps(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=lambda o: o.isoformat() if isinstance(o, datetime) else str(o))


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> list[str]:
    return [
        f"# HELP {name} {help_text}",
        f"# TYPE {name} {kind}",
        *(f"{name}{labels} {value}" for labels, value in samples),
    ]
