"""What counting HTTP requests for /metrics costs per request (the HttpMetrics middleware of
thidua_common.http.metrics), measured in-process, no network:

1. the middleware alone: a bare ASGI app that answers 200, called with and without it;
2. a whole service app (create_app, a route with a path parameter, every middleware): built with
   and without add_metrics;
3. and what declaring the security schemes costs an authenticated request (get_principal's
   HTTPBearer and APIKeyHeader sub-dependencies, for /docs' "Authorize"): the same route with a
   bearer token, get_principal as it is against the same work without the sub-dependencies.

Each figure is the best of several rounds (the least disturbed by the other processes of a
shared machine). Run: `uv run python bench/metrics_overhead.py [requests]`.
"""

import asyncio
import sys
import time
from typing import Annotated
from unittest import mock

from fastapi import Depends, Request

from thidua_common.auth import mint_token
from thidua_common.http import app as app_module
from thidua_common.http import deps
from thidua_common.http.metrics import HttpMetrics, Metrics
from thidua_common.logging import configure_logging
from thidua_common.settings import Settings

ROUNDS = 7


class _Route:
    path = "/api/v1/things/{thing_id}"


async def bare(scope, receive, send):
    scope["route"] = _Route
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def sink(message):
    return None


def scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }


async def per_request_us(apps: list, path: str, requests: int) -> list[float]:
    """Best time per request of each app, their rounds interleaved (a burst of load from
    elsewhere hits both sides alike)."""
    best = [float("inf")] * len(apps)
    for _ in range(ROUNDS):
        for index, app in enumerate(apps):
            started = time.perf_counter()
            for _ in range(requests):
                await app(scope(path), receive, sink)
            best[index] = min(best[index], (time.perf_counter() - started) / requests * 1e6)
    return best


def service_app(with_metrics: bool, principal=None):
    patch = mock.patch.object(app_module, "add_metrics", lambda app: None) if not with_metrics else mock.MagicMock()
    with patch:
        app = app_module.create_app("bench", Settings())

    if principal is None:

        @app.get("/api/v1/things/{thing_id}")
        async def thing(thing_id: str) -> dict:
            return {"id": thing_id}
    else:

        @app.get("/api/v1/things/{thing_id}")
        async def thing(thing_id: str, caller: Annotated[object, Depends(principal)]) -> dict:
            return {"id": thing_id}

    return app


async def principal_without_schemes(request: Request):
    """get_principal's work without its declared-only sub-dependencies."""
    return await deps.get_principal(request, None, None)


async def main(requests: int) -> None:
    configure_logging("bench", "WARNING")  # the request log line is the same on both sides: left out
    alone_without, alone_with = await per_request_us([bare, HttpMetrics(bare, Metrics())], "/x", requests * 10)
    print(
        f"middleware alone: {alone_without:.2f} µs bare, {alone_with:.2f} µs with HttpMetrics "
        f"→ {alone_with - alone_without:.2f} µs per request"
    )
    without, with_ = service_app(False), service_app(True)
    await per_request_us([without, with_], "/api/v1/things/a", 50)  # warm up
    full_without, full_with = await per_request_us([without, with_], "/api/v1/things/a", requests)
    print(
        f"service app (create_app): {full_without:.1f} µs without metrics, {full_with:.1f} µs with "
        f"→ {full_with - full_without:.1f} µs per request ({(full_with / full_without - 1) * 100:.1f} %)"
    )

    token = mint_token(Settings(), subject="bench", tenant="daknong", roles=["board_officer"])
    global scope
    plain_scope = scope

    def scope(path: str) -> dict:  # noqa: F811 - the same request, with a bearer token
        request = plain_scope(path)
        request["headers"] = [*request["headers"], (b"authorization", f"Bearer {token}".encode())]
        return request

    without, with_ = service_app(True, principal_without_schemes), service_app(True, deps.get_principal)
    await per_request_us([without, with_], "/api/v1/things/a", 50)
    plain, declared = await per_request_us([without, with_], "/api/v1/things/a", requests)
    print(
        f"authenticated request: {plain:.1f} µs without the security schemes, {declared:.1f} µs with "
        f"→ {declared - plain:.1f} µs per request"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
