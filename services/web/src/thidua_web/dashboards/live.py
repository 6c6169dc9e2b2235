"""Live updates: reporting's server-sent events relayed to the browser.

The browser holds no token, so it cannot open reporting's stream itself: the console opens it with
the session's token and streams it through as it comes (`event: hello`, `event: scores`, `: ping`).
It stops when the browser goes, when the session ends, and when the access token it opened the
stream with would expire: the stream ends, the browser's EventSource reconnects after `retry`, and
that new request refreshes the token like any page."""

import time
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import httpx

from ..api import Api, ApiFailed

RETRY_MS = 3000  # how long the browser waits before it reconnects
MAX_SECONDS = 600.0  # a stream never outlives this, whatever the token says
READ_TIMEOUT = 60.0  # reporting pings every 15 s: a minute of silence is a dead stream


async def open_stream(api: Api, path: str, token: str, lang: str) -> httpx.Response:
    """Reporting's stream, opened (status checked, body not read yet). Raises ApiFailed."""
    request = api.http.build_request(
        "GET",
        f"{api.base_url}{path}",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream", "Accept-Language": lang},
        timeout=httpx.Timeout(10.0, read=READ_TIMEOUT),
    )
    try:
        response = await api.http.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise ApiFailed(None) from exc
    if response.status_code != 200:
        await response.aclose()
        raise ApiFailed(response.status_code)
    return response


def lifetime(expires_at: float, now: float | None = None) -> float:
    """How long a stream opened now may last: until shortly before the token expires, at most
    MAX_SECONDS, at least a few seconds (a token about to expire was refreshed just before)."""
    left = expires_at - (time.time() if now is None else now) - 30
    return max(5.0, min(MAX_SECONDS, left))


async def relay(
    upstream: httpx.Response,
    seconds: float,
    gone: Callable[[], Awaitable[bool]],
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[bytes]:
    """The upstream bytes as they come, after a `retry:` line; ends after `seconds` (checked on each
    chunk: reporting pings every 15 s), when `gone()` (awaitable: the browser left, the session
    ended) says so, or when reporting ends or fails."""
    deadline = clock() + seconds
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        async for chunk in upstream.aiter_bytes():
            yield chunk
            if clock() >= deadline or await gone():
                break
    except httpx.HTTPError:
        pass  # reporting went away: end the stream, the browser reconnects
    finally:
        # shielded: when the browser leaves, this generator is cancelled, and an unshielded close
        # would be cancelled too, leaving reporting's stream (one of the tenant's few) open
        with anyio.CancelScope(shield=True):
            await upstream.aclose()
