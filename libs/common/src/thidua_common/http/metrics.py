"""GET /metrics (Prometheus text format) for the FastAPI services, built once for all of them.

What it shows:
- the readiness checks, evaluated when /metrics is read (never by a background task, so a
  scrape sees the same thing /readyz would answer now): `thidua_check_ok{check,required}` 1/0,
  `thidua_ready` (1 when /readyz answers 200: no required check fails) and `thidua_degraded`
  (1 when an optional check fails: the service works, degraded);
- the figures the checks report, as gauges named `thidua_<check>_<figure>` (intake's outbox lag:
  `thidua_outbox_lag_backlog` and `thidua_outbox_lag_oldest_age_seconds`; a figure of None, e.g.
  no unpublished record, is shown as 0);
- HTTP requests by method, route template and status (`thidua_http_requests_total`) and their
  latency by method and route (`thidua_http_request_duration_seconds`), counted by a plain-ASGI
  middleware: a handful of operations per request, no task (intake's hot path is benchmarked).

Labels are bounded whatever a caller sends: routes are the templates of the app's own routes
(`/api/v1/campaigns/{campaign_id}`), anything no route matched (404, or refused before routing,
e.g. 413) is `<unmatched>`, and a method outside the usual ones is `OTHER`.

Each app has its own registry (two apps in one process, as in tests, never share counters). With
several worker processes (THIDUA_HTTP_WORKERS > 1) each keeps its own counters and a scrape reads
the one that answers. /metrics asks for no credentials: keep it on the pod / internal port, never
on a public route (see docs/operations.md).
"""

import re
import time
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .readiness import Readiness, evaluate

UNMATCHED = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# intake answers in milliseconds: finer buckets at the low end than the library's default
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# no `_created` series (a start timestamp per label set): Prometheus' text format does not use
# them, and they double the answer. Process-wide, and these are the process' only registries.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus-client leaves it unannotated


class Metrics:
    """One app's HTTP metrics and registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter("thidua_http_requests", "HTTP requests answered, by method, route template and status",
                                ["method", "route", "status"], registry=self.registry)
        self.duration = Histogram("thidua_http_request_duration_seconds",
                                  "Time to answer an HTTP request (until its body is sent), by method and route template",
                                  ["method", "route"], registry=self.registry, buckets=BUCKETS)
        # the labelled children, looked up once per label set: `labels()` costs more than the count
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self.requests.labels(method, route, str(status)),
                                              self.duration.labels(method, route))
        children[0].inc()
        children[1].observe(seconds)


class HttpMetrics:
    """Counts and times every HTTP request. Plain ASGI like Correlation: two clock reads, a dict
    look-up and two increments per request. The route template is read after the app answered:
    the router puts the matched route in the scope."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500  # unless a response starts: an unhandled error

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            self.metrics.observe(method, route, status, time.perf_counter() - started)


_NAME = re.compile(r"[^a-zA-Z0-9_]")


def readiness_families(ready: Readiness, optional: Iterable[str]) -> list[Metric]:
    """The readiness decision as gauges (pure: what /readyz decided, in Prometheus' terms)."""
    optional = set(optional)
    check_ok = GaugeMetricFamily("thidua_check_ok", "1 when the readiness check passes, 0 when it fails "
                                 "(required: its failure takes the service out of rotation)",
                                 labels=["check", "required"])
    for name, result in sorted(ready.checks.items()):
        check_ok.add_metric([name, "false" if name in optional else "true"], 1 if result == "ok" else 0)
    families: list[Metric] = [
        GaugeMetricFamily("thidua_ready", "1 when every required check passes (GET /readyz answers 200)",
                          value=0 if ready.failing else 1),
        GaugeMetricFamily("thidua_degraded", "1 when an optional check fails: the service answers, degraded",
                          value=1 if ready.degraded else 0),
        check_ok,
    ]
    for check, figures in sorted(ready.details.items()):
        for figure, value in sorted(figures.items()):
            if value is not None and not isinstance(value, int | float):
                continue  # only numbers are figures
            name = _NAME.sub("_", f"thidua_{check}_{figure}")
            families.append(GaugeMetricFamily(name, f"'{figure}' reported by the readiness check '{check}' "
                                              "(0 when it reports none)", value=float(value or 0)))
    return families


class _Families:
    """A collector of families made for one scrape."""

    def __init__(self, families: list[Metric]):
        self.families = families

    def collect(self) -> list[Metric]:
        return self.families


def render(metrics: Metrics, ready: Readiness, optional: Iterable[str]) -> bytes:
    return generate_latest(metrics.registry) + generate_latest(_Families(readiness_families(ready, optional)))


def add_metrics(app: FastAPI, path: str = "/metrics") -> None:
    """Mount GET /metrics (out of the OpenAPI schema, like /healthz) and count HTTP requests."""
    app.state.metrics = Metrics()

    @app.get(path, include_in_schema=False)
    async def metrics() -> Response:
        ready = await evaluate(app)  # at scrape time, each check bounded as for /readyz
        body = render(app.state.metrics, ready, getattr(app.state, "readiness_optional", ()))
        return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4, headers={"Cache-Control": "no-store"})

    app.add_middleware(HttpMetrics, metrics=app.state.metrics)
