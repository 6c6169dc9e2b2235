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
