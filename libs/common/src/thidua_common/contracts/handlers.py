"""One typed handler registry per consumer: event type → (payload model, handler).

A consumer declares what it handles once; `dispatch` validates the payload against the model and
calls the handler, and `types` is the set a consumer may use to skip other records by their
ce_type header without decoding them. This replaces per-service `if envelope.type == …` chains and
hand-kept lists of handled types, which drift apart."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .envelope import Envelope

Handler = Callable[..., Awaitable[Any]]  # (envelope, payload, *context)


@dataclass(frozen=True)
class Route:
    model: type[BaseModel]
    handler: Handler


class Handlers:
    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}

    def add(self, event_type: str, model: type[BaseModel] | None, handler: Handler) -> "Handlers":
        """Route `event_type` to `handler(envelope, payload)`; `model` defaults to the one the
        contracts registry declares for the type (a different one must be a declared choice)."""
        if event_type in self._routes:
            raise ValueError(f"{event_type} is already handled")
        if model is None:
            from .registry import payload_model

            model = payload_model(event_type)
        self._routes[event_type] = Route(model, handler)
        return self

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._routes)

    @property
    def topics(self) -> list[str]:
        """The topic keys (contracts registry) the handled types travel on: what to subscribe to."""
        from .registry import EVENT_TYPES

        return sorted({EVENT_TYPES[t].topic for t in self._routes if t in EVENT_TYPES})

    def handles(self, event_type: str | None) -> bool:
        return event_type in self._routes

    async def dispatch(self, envelope: Envelope, *context: Any) -> Any:
        """Handle one event: `handler(envelope, payload, *context)`, its result returned; an event
        of a type nobody handles is ignored (returns None)."""
        route = self._routes.get(envelope.type)
        if route is None:
            return None
        return await route.handler(envelope, route.model.model_validate(envelope.data), *context)
