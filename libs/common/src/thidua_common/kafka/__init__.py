"""Kafka adapters: producers that are durable by default, consumers, headers, topic setup."""

from .client import (
    EventProducer,
    decode_event,
    encode_event,
    ensure_topics,
    headers_dict,
    make_consumer,
    make_producer,
)
from .loop import ConsumeLoop, envelope_handler, handlers_loop, mongo_quarantine, ready_file_from_env

__all__ = [
    "ConsumeLoop",
    "envelope_handler",
    "handlers_loop",
    "mongo_quarantine",
    "ready_file_from_env",
    "EventProducer",
    "decode_event",
    "encode_event",
    "ensure_topics",
    "headers_dict",
    "make_consumer",
    "make_producer",
]
