"""Notification channels are plugins (entry point group `thidua.channels`)."""

from dataclasses import dataclass, field
from typing import Protocol

from thidua_common.plugins import CHANNELS, load_plugins
from thidua_common.settings import Settings


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    message_id: str  # stable per delivery, so a receiver can drop a repeat
    correlation_id: str
    # issue 15: channels — the key a channel signs with (a webhook subscription's secret); never logged
    secret: str = field(default="", repr=False)


class TemporaryFailure(Exception):
    """Worth retrying (server busy, connection refused)."""


class PermanentFailure(Exception):
    """issue 15: not worth retrying (a refused webhook target, a 4xx answer): recorded as refused."""


class Channel(Protocol):
    """A channel plugin (docs/channels.md). A channel may also set `receiver_dedupes = True` when its
    receiver drops a repeat of a message id: notify then sends again after an unknown outcome."""

    name: str

    async def send(self, message: Message) -> None: ...


def load_channels(settings: Settings) -> dict[str, Channel]:
    return {name: factory(settings) for name, factory in load_plugins(CHANNELS).items()}
