"""GET /metrics of the FastAPI services (thidua_common.http.metrics): the readiness checks as gauges,
evaluated when /metrics is read, the figures the checks report, and HTTP requests counted by
route template and status with bounded labels."""

import httpx
from prometheus_client.parser import text_string_to_metric_families

from thidua_common.http import create_app, readiness
from thidua_common.http.metrics import Metrics, readiness_families, render
from thidua_common.http.readiness import Readiness
from thidua_common.settings import Settings


def samples(text: str) -> dict[tuple, float]:
    """{(name, (label, value), ...): value} of a Prometheus text answer (parsed by the client
    library's own parser: the answer is well-formed)."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, *sorted(sample.labels.items()))] = sample.value
    return out


def test_the_readiness_decision_renders_as_gauges():
    ready = Readiness("degraded", {"mongodb": "ok", "kafka": "KafkaConnectionError: no broker", "outbox_lag": "ok"},
                      failing=[], degraded=["kafka"],
                      details={"outbox_lag": {"backlog": 4, "oldest_age_seconds": 12.5, "note": "text is left out"}})
    got = samples(render(Metrics(), ready, {"kafka", "outbox_lag"}).decode())
    assert got[("thidua_ready",)] == 1 and got[("thidua_degraded",)] == 1
    assert got[("thidua_check_ok", ("check", "kafka"), ("required", "false"))] == 0
    assert got[("thidua_check_ok", ("check", "mongodb"), ("required", "true"))] == 1
    assert got[("thidua_check_ok", ("check", "outbox_lag"), ("required", "false"))] == 1
    assert got[("thidua_outbox_lag_backlog",)] == 4 and got[("thidua_outbox_lag_oldest_age_seconds",)] == 12.5
    assert not any(key[0].endswith("_note") for key in got)


def test_not_ready_and_an_empty_outbox():
    ready = Readiness("not_ready", {"mongodb": "ServerSelectionTimeoutError: x", "outbox_lag": "ok"},
                      failing=["mongodb"], degraded=[],
                      details={"outbox_lag": {"backlog": 0, "oldest_age_seconds": None}})
    families = {f.name: f for f in readiness_families(ready, {"outbox_lag"})}
    assert families["thidua_ready"].samples[0].value == 0 and families["thidua_degraded"].samples[0].value == 0
    # nothing waits: the age of the oldest unpublished record is 0, not a missing series
    assert families["thidua_outbox_lag_oldest_age_seconds"].samples[0].value == 0


def _app(**checks):
    app = create_app("test", Settings(max_body_bytes=100))

    @app.get("/api/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict:
        return {"id": thing_id}

    @app.post("/api/v1/things")
    async def post_thing(body: dict) -> dict:
        return body

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("unhandled")

    for name, (check, required) in checks.items():
        readiness.add_check(app, name, check, required=required)
    return app


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url="http://test")


async def test_metrics_evaluates_the_checks_when_read():
    state = {"kafka_up": True, "backlog": 0}

    async def mongo():
        return None

    async def kafka():
        if not state["kafka_up"]:
            raise ConnectionError("no broker answers")

    async def lag():
        return {"backlog": state["backlog"], "oldest_age_seconds": 3.0 if state["backlog"] else None}

    app = _app(mongodb=(mongo, True), kafka=(kafka, False), outbox_lag=(readiness.lag(lag, 60), False))
    async with _client(app) as client:
        before = samples((await client.get("/metrics")).text)
        state.update(kafka_up=False, backlog=7)  # no background task: the next scrape sees it
        after = samples((await client.get("/metrics")).text)
    assert before[("thidua_check_ok", ("check", "kafka"), ("required", "false"))] == 1
    assert before[("thidua_degraded",)] == 0 and before[("thidua_outbox_lag_backlog",)] == 0
    assert after[("thidua_check_ok", ("check", "kafka"), ("required", "false"))] == 0
    assert after[("thidua_degraded",)] == 1 and after[("thidua_ready",)] == 1
    assert after[("thidua_outbox_lag_backlog",)] == 7 and after[("thidua_outbox_lag_oldest_age_seconds",)] == 3


async def test_http_requests_are_counted_by_route_template_and_status_with_bounded_labels():
    app = _app()
    async with _client(app) as client:
        assert (await client.get("/api/v1/things/a")).status_code == 200
        assert (await client.get("/api/v1/things/b")).status_code == 200
        assert (await client.get("/nothing/here")).status_code == 404
        assert (await client.request("BREW", "/api/v1/things/a")).status_code == 405
        assert (await client.post("/api/v1/things", content=b"x" * 500)).status_code == 413  # before routing
        assert (await client.get("/boom")).status_code == 500
        got = samples((await client.get("/metrics")).text)
    count = "thidua_http_requests_total"
    assert got[(count, ("method", "GET"), ("route", "/api/v1/things/{thing_id}"), ("status", "200"))] == 2
    assert got[(count, ("method", "GET"), ("route", "<unmatched>"), ("status", "404"))] == 1
    assert got[(count, ("method", "OTHER"), ("route", "/api/v1/things/{thing_id}"), ("status", "405"))] == 1
    assert got[(count, ("method", "POST"), ("route", "<unmatched>"), ("status", "413"))] == 1
    assert got[(count, ("method", "GET"), ("route", "/boom"), ("status", "500"))] == 1
    assert not any("/api/v1/things/a" in str(key) or "BREW" in str(key) for key in got)  # no raw paths or methods
    duration = "thidua_http_request_duration_seconds"
    assert got[(f"{duration}_count", ("method", "GET"), ("route", "/api/v1/things/{thing_id}"))] == 2
    assert got[(f"{duration}_sum", ("method", "GET"), ("route", "/api/v1/things/{thing_id}"))] > 0


async def test_each_app_counts_its_own_requests():
    first, second = _app(), _app()
    async with _client(first) as one, _client(second) as two:
        await one.get("/api/v1/things/a")
        got = samples((await two.get("/metrics")).text)
    assert not any(key[0] == "thidua_http_requests_total" and ("route", "/api/v1/things/{thing_id}") in key
                   for key in got)


async def test_metrics_is_plain_text_with_the_security_headers_and_out_of_the_schema():
    async with _client(_app()) as client:
        response = await client.get("/metrics")
        schema = (await client.get("/openapi.json")).json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["cache-control"] == "no-store"
    assert "/metrics" not in schema["paths"] and "/healthz" not in schema["paths"]
