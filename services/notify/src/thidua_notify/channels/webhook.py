"""issue 15: channels — signed webhooks. The dispatcher retries a TemporaryFailure with exponential
backoff (settings notify_backoff_seconds, notify_max_attempts); a refused target or a 4xx answer is
a PermanentFailure. Redirects are not followed: a redirect could lead past the target check."""

import time
from collections.abc import Callable

import httpx

from thidua_common.settings import Settings

from ..webhooks.signing import signed_headers
from ..webhooks.targets import Resolver, TargetRefused, check_target, resolve
from . import Message, PermanentFailure, TemporaryFailure

RETRYABLE = {408, 425, 429}


class WebhookChannel:
    name = "webhook"
    # the X-ThiDua-Delivery header is the same on every attempt: a receiver drops a repeat by it
    receiver_dedupes = True

    def __init__(
        self,
        settings: Settings,
        resolver: Resolver = resolve,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.settings, self.resolver, self.clock, self.transport = settings, resolver, clock, transport

    async def send(self, message: Message) -> None:
        try:
            await check_target(message.recipient, self.settings.environment, self.resolver)
        except TargetRefused as exc:
            raise PermanentFailure(f"webhook target refused: {exc}") from None
        body = message.body.encode()
        headers = signed_headers(message.secret, int(self.clock()), body, message.message_id)
        headers["X-Correlation-ID"] = message.correlation_id
        try:
            async with httpx.AsyncClient(timeout=10, follow_redirects=False, transport=self.transport) as client:
                response = await client.post(message.recipient, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"webhook: {type(exc).__name__}") from None
        if response.is_success:
            return
        if response.status_code >= 500 or response.status_code in RETRYABLE:
            raise TemporaryFailure(f"webhook answered {response.status_code}")
        raise PermanentFailure(f"webhook answered {response.status_code}")
