"""Notification channels are plugins (entry point group `thidua.channels`)."""

from dataclasses import dataclass
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


class TemporaryFailure(Exception):
    """Worth retrying (server busy, connection refused)."""


class Channel(Protocol):
    name: str

    async def send(self, message: Message) -> None: ...


def load_channels(settings: Settings) -> dict[str, Channel]:
    return {name: factory(settings) for name, factory in load_plugins(CHANNELS).items()}
