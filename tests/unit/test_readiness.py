"""GET /readyz answers 200 only when every registered check passes, and otherwise 503 naming the
dependency and the reason, in the caller's language (checks run at once, each time-bounded)."""

import asyncio

import httpx

from thidua_common.http import create_app, readiness
from thidua_common.settings import Settings


async def _ok() -> None:
    return None


async def _refused() -> None:
    raise ConnectionRefusedError("127.0.0.1:27017")


async def _hangs() -> None:
    await asyncio.sleep(60)


def _client(**checks) -> httpx.AsyncClient:
    app = create_app("test", Settings())
    for name, check in checks.items():
        readiness.add_check(app, name, check)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_ready_when_every_check_passes():
    async with _client(mongodb=_ok, kafka=_ok) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"mongodb": "ok", "kafka": "ok"}
    assert response.json()["message"] == "Dịch vụ sẵn sàng."


async def test_not_ready_names_the_failing_dependency_and_why(monkeypatch):
    monkeypatch.setattr(readiness, "TIMEOUT_S", 0.2)
    async with _client(mongodb=_refused, kafka=_hangs, relay=_ok) as client:
        response = await client.get("/readyz")
        english = (await client.get("/readyz", headers={"Accept-Language": "en"})).json()
        alive = await client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["mongodb"].startswith("ConnectionRefusedError: 127.0.0.1:27017")
    assert body["checks"]["kafka"] == "no answer within 0.2 s"
    assert body["checks"]["relay"] == "ok"
    assert body["message"] == "Dịch vụ chưa sẵn sàng: không kết nối được mongodb, kafka."
    assert english["message"] == "The service is not ready: mongodb, kafka not available."
    # alive all the same: liveness does not depend on the dependencies
    assert alive.status_code == 200


async def test_a_stopped_background_loop_is_not_ready():
    task = asyncio.get_running_loop().create_task(asyncio.sleep(0))
    await task
    check = readiness.running(lambda: task, "the outbox relay")
    try:
        await check()
    except RuntimeError as exc:
        assert str(exc) == "the outbox relay stopped"
    else:
        raise AssertionError("a finished loop passed the readiness check")


# --- issue 8: optional dependencies degrade instead of failing ---------------------------------------


def _client_with(required: dict, optional: dict) -> httpx.AsyncClient:
    app = create_app("test", Settings())
    for name, check in required.items():
        readiness.add_check(app, name, check)
    for name, check in optional.items():
        readiness.add_check(app, name, check, required=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def test_the_decision_fails_only_for_required_checks():
    optional = {"kafka", "outbox_lag"}
    assert readiness.decide({"mongodb": "ok", "kafka": "ok"}, optional) == ("ready", [], [])
    assert readiness.decide({"mongodb": "ok", "kafka": "down"}, optional) == ("degraded", [], ["kafka"])
    assert readiness.decide({"mongodb": "down", "kafka": "ok"}, optional) == ("not_ready", ["mongodb"], [])
    assert readiness.decide({"mongodb": "down", "kafka": "down", "outbox_lag": "old"}, optional) == (
        "not_ready", ["mongodb"], ["kafka", "outbox_lag"])
    # a check is required unless registered otherwise
    assert readiness.decide({"anything": "down"}, ()) == ("not_ready", ["anything"], [])


async def test_an_optional_dependency_down_is_degraded_with_200(monkeypatch):
    monkeypatch.setattr(readiness, "TIMEOUT_S", 0.2)
    async with _client_with({"mongodb": _ok}, {"kafka": _refused, "relay": _hangs}) as client:
        response = await client.get("/readyz")
        english = (await client.get("/readyz", headers={"Accept-Language": "en"})).json()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["required"] == ["mongodb"] and body["degraded"] == ["kafka", "relay"]
    assert body["checks"]["mongodb"] == "ok" and body["checks"]["kafka"].startswith("ConnectionRefusedError")
    assert body["message"] == "Dịch vụ vẫn nhận yêu cầu nhưng đang suy giảm: kafka, relay."
    assert english["message"] == "The service accepts requests but is degraded: kafka, relay."


async def test_a_required_dependency_down_is_503_even_when_optional_ones_are_too():
    async with _client_with({"mongodb": _refused}, {"kafka": _refused}) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not_ready" and response.json()["degraded"] == ["kafka"]


async def test_lag_reports_its_figures_and_degrades_when_old():
    async def fresh() -> dict:
        return {"backlog": 2, "oldest_age_seconds": 0.4}

    async def stale() -> dict:
        return {"backlog": 40, "oldest_age_seconds": 95.0}

    async def empty() -> dict:
        return {"backlog": 0, "oldest_age_seconds": None}

    async with _client_with({}, {"outbox_lag": readiness.lag(fresh, 30)}) as client:
        body = (await client.get("/readyz")).json()
    assert body["status"] == "ready" and body["details"] == {"outbox_lag": {"backlog": 2, "oldest_age_seconds": 0.4}}
    async with _client_with({}, {"outbox_lag": readiness.lag(empty, 30)}) as client:
        assert (await client.get("/readyz")).json()["status"] == "ready"
    async with _client_with({}, {"outbox_lag": readiness.lag(stale, 30)}) as client:
        response = await client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["details"]["outbox_lag"] == {"backlog": 40, "oldest_age_seconds": 95.0}
    assert body["checks"]["outbox_lag"] == "oldest unpublished record is 95 s old (more than 30 s)"
