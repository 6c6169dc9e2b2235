"""Event contracts: the CloudEvents envelope, the payload models and the topic registry.
JSON Schema files and the AsyncAPI document under /contracts are generated from these models."""

from .envelope import Envelope, new_event
from .registry import EVENT_TYPES, TOPICS, payload_model

__all__ = ["EVENT_TYPES", "TOPICS", "Envelope", "new_event", "payload_model"]
