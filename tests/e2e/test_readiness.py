"""On the real stack, intake and reporting are ready: their MongoDB, Kafka and background loops
answer GET /readyz. While Kafka is away they stay in rotation (200, degraded): intake accepts
submissions into its outbox and publishes them once Kafka is back. GET /metrics shows the same
(the checks as gauges, the outbox backlog) and counts HTTP requests."""

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from .conftest import eventually, reporter, reporting_get, submission


@pytest.mark.parametrize(
    ("service", "checks"),
    [
        ("intake", {"mongodb", "kafka", "outbox_relay", "outbox_lag", "inbound_consumer"}),
        ("reporting", {"mongodb", "kafka", "projection_consumer"}),
    ],
)
async def test_services_are_ready_on_the_real_stack(stack, service, checks):
    async with httpx.AsyncClient(base_url=stack.url(service)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready" and body["service"] == service
    assert body["checks"] == {name: "ok" for name in checks}
    assert body["required"] == ["mongodb"]


async def metrics(stack, service: str) -> dict[tuple, float]:
    """GET /metrics as {(name, (label, value), ...): value}, parsed by the client library's parser."""
    async with httpx.AsyncClient(base_url=stack.url(service), timeout=10) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["x-content-type-options"] == "nosniff"  # SecurityHeaders covers /metrics too
    return {(s.name, *sorted(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def check_ok(figures: dict, check: str) -> float:
    return next(v for k, v in figures.items() if k[0] == "thidua_check_ok" and ("check", check) in k)


@pytest.mark.parametrize(
    ("service", "checks"),
    [
        ("intake", {"mongodb", "kafka", "outbox_relay", "outbox_lag", "inbound_consumer"}),
        ("reporting", {"mongodb", "kafka", "projection_consumer"}),
    ],
)
async def test_metrics_show_the_checks_and_count_requests_on_the_real_stack(stack, service, checks):
    before = await metrics(stack, service)
    assert before[("thidua_ready",)] == 1 and before[("thidua_degraded",)] == 0
    assert {k[1][1] for k in before if k[0] == "thidua_check_ok"} == checks
    assert all(check_ok(before, name) == 1 for name in checks)
    assert before[("thidua_check_ok", ("check", "mongodb"), ("required", "true"))] == 1
    if service == "intake":
        assert ("thidua_outbox_lag_backlog",) in before and ("thidua_outbox_lag_oldest_age_seconds",) in before
    healthz = ("thidua_http_requests_total", ("method", "GET"), ("route", "/healthz"), ("status", "200"))
    async with httpx.AsyncClient(base_url=stack.url(service)) as client:
        assert (await client.get("/healthz")).status_code == 200
    after = await metrics(stack, service)
    assert after[healthz] == before.get(healthz, 0) + 1
    scrapes = ("thidua_http_requests_total", ("method", "GET"), ("route", "/metrics"), ("status", "200"))
    assert after[scrapes] >= 1


async def readyz(stack, service: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.url(service), timeout=10) as client:
        return await client.get("/readyz")


async def test_kafka_down_degrades_but_intake_keeps_accepting_and_publishes_later(stack, settings, board, campaign):
    cid = campaign["id"]
    body = submission(cid, "don-vi-3", "2019-Q1", **{"ho-thoat-ngheo": 100, "nha-dai-doan-ket": 10})
    stack.stop_kafka()
    try:
        async def degraded(service):
            response = await readyz(stack, service)
            return response if response.json()["status"] == "degraded" else None

        answer = await eventually(lambda: degraded("intake"), timeout=30, interval=0.5)
        assert answer.status_code == 200, answer.text
        status = answer.json()
        assert status["checks"]["mongodb"] == "ok" and status["checks"]["kafka"] != "ok"
        assert "kafka" in status["degraded"]
        assert "Dịch vụ vẫn nhận yêu cầu nhưng đang suy giảm" in status["message"]

        async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
            accepted = await client.post("/api/v1/submissions", json=body, headers=reporter(settings, "don-vi-3"))
        assert accepted.status_code == 202, accepted.text

        # the record waits in the outbox: the backlog shows it
        lag = (await readyz(stack, "intake")).json()["details"]["outbox_lag"]
        assert lag["backlog"] >= 1 and lag["oldest_age_seconds"] is not None, lag
        # and so does /metrics: kafka 0, degraded, still ready, the backlog waiting
        figures = await metrics(stack, "intake")
        assert check_ok(figures, "kafka") == 0 and check_ok(figures, "mongodb") == 1
        assert figures[("thidua_degraded",)] == 1 and figures[("thidua_ready",)] == 1
        assert figures[("thidua_outbox_lag_backlog",)] >= 1, figures

        reporting = await eventually(lambda: degraded("reporting"), timeout=30, interval=0.5)
        assert reporting.status_code == 200 and "kafka" in reporting.json()["degraded"]
        # and it still serves from its read model
        assert await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board) is not None
    finally:
        stack.start_kafka()

    async def scored():
        board_now = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?period=2019-Q1", board)
        return board_now and [s for s in board_now["standings"] if s["unit_id"] == "don-vi-3" and s["reported"]]

    started = time.monotonic()
    await eventually(scored, timeout=120, interval=1)
    for service in ("intake", "reporting"):
        async def ready(service=service):
            response = await readyz(stack, service)
            return response.status_code == 200 and response.json()["status"] == "ready"

        await eventually(ready, timeout=60, interval=0.5)
    lag = (await readyz(stack, "intake")).json()["details"]["outbox_lag"]
    assert lag == {"backlog": 0, "oldest_age_seconds": None}, lag
    figures = await metrics(stack, "intake")
    assert check_ok(figures, "kafka") == 1 and figures[("thidua_degraded",)] == 0
    assert figures[("thidua_outbox_lag_backlog",)] == 0 and figures[("thidua_outbox_lag_oldest_age_seconds",)] == 0
    assert time.monotonic() - started < 180
