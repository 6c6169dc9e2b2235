"""The faust-streaming application. Agents run with concurrency 1 (higher concurrency can lose
messages in faust); effects are idempotent instead of relying on faust's exactly-once mode.
Scores are published with our own aiokafka producer (acks=all, idempotence on)."""

import asyncio
import os
from pathlib import Path
from typing import Any

import faust

from thidua_common.contracts.registry import topic_name
from thidua_common.kafka import EventProducer, decode_event, headers_dict
from thidua_common.kafka.acls import CONSUMER_GROUPS
from thidua_common.kafka.client import CORRELATION_HEADER
from thidua_common.logging import configure_logging, correlation_scope, get_logger, json_handler
from thidua_common.mongo import make_client
from thidua_common.settings import get_settings

from .endpoint import build, serve
from .faust_options import consumer_options
from .quarantine import Guard, QuarantineStore
from .scorers import load_scorers
from .service import ScoringService

settings = get_settings()
configure_logging("scoring", settings.log_level)
log = get_logger(__name__)


def _broker_credentials():
    """The same Kafka authentication as the aiokafka clients (thidua_common.kafka.security_options)."""
    if not settings.kafka_security_protocol.startswith("SASL_"):
        return None
    ssl_context = None
    if settings.kafka_security_protocol == "SASL_SSL":
        from aiokafka.helpers import create_ssl_context

        ssl_context = create_ssl_context(cafile=settings.kafka_ssl_cafile or None)
    return faust.SASLCredentials(
        username=settings.kafka_sasl_username,
        password=settings.kafka_sasl_password,
        mechanism=settings.kafka_sasl_mechanism,
        ssl_context=ssl_context,
    )


app = faust.App(
    CONSUMER_GROUPS["scoring"][0],  # the app id is the consumer group (issue 12: its ACL)
    broker=[f"kafka://{b}" for b in settings.kafka_bootstrap.split(",")],
    broker_credentials=_broker_credentials(),
    # faust would install its own coloured text handler: give it our JSON one instead
    loghandlers=[json_handler()],
    logging_config={"version": 1, "disable_existing_loggers": False, "root": {"handlers": []}},
    **consumer_options(),
)

campaigns_topic = app.topic(
    topic_name(settings.topic_prefix, "campaigns"), value_serializer="raw", key_serializer="raw"
)
submissions_topic = app.topic(
    topic_name(settings.topic_prefix, "submissions"), value_serializer="raw", key_serializer="raw"
)

_service: ScoringService | None = None
_guard: Guard | None = None
_store: QuarantineStore | None = None
_lock = asyncio.Lock()


async def service() -> ScoringService:
    global _service, _guard, _store
    async with _lock:
        if _service is None:
            producer = EventProducer(settings)
            await producer.start()
            mongo = make_client(settings)
            svc = ScoringService(mongo[settings.db_name("scoring")], producer, load_scorers())
            await svc.setup()
            store = QuarantineStore(svc.db)
            _guard, _store = Guard(svc.apply_batch, store, producer), store
            _service = svc
    return _service


@app.task
async def http_endpoint() -> None:
    """/healthz, /readyz (quarantined campaigns), /metrics and POST /api/v1/preview on THIDUA_HTTP_PORT."""
    await serve(
        build(
            lambda: (_store, _guard) if _store and _guard else None,
            settings.default_language,
            topic_name(settings.topic_prefix, "scoring_dlq"),
            # issue 11: the preview scores with the same installed scorers as the worker
            settings=settings,
            scorers=load_scorers(),
        ),
        settings.http_host,
        settings.http_port,
    )


# mode's SignalHandlerT admits no function at all (even one of its exact signature): its stubs are wrong
@app.on_rebalance_complete.connect  # type: ignore[arg-type]
async def mark_ready(sender: Any, **kwargs: Any) -> None:
    await service()
    ready = os.environ.get("THIDUA_READY_FILE")
    if ready:
        Path(ready).touch()


async def _consume(stream) -> None:
    # small batches: a burst of submissions costs one recomputation per cohort, not one per event
    async for events in stream.take_events(2000, within=0.05):
        svc = await service()
        envelopes, origins = [], {}
        for event in events:
            try:
                envelope = decode_event(event.value)
            except Exception as exc:
                # only intake writes these topics, so this is a bug upstream: keep the bytes
                await svc.quarantine(
                    event.message.topic, event.message.partition, event.message.offset, event.value, repr(exc)
                )
                continue
            envelopes.append(envelope)
            message = event.message
            # the record as read, kept for the dead-letter topic should its campaign be quarantined
            record_headers = message.headers.items() if hasattr(message.headers, "items") else message.headers or ()
            origins[envelope.id] = {
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "value": message.value,
                "key": message.key,
                "headers": list(record_headers),
            }
        headers = headers_dict(
            events[-1].headers.items() if hasattr(events[-1].headers, "items") else events[-1].headers
        )
        with correlation_scope(headers.get(CORRELATION_HEADER), batch=len(events)):
            # never raises: an outage is waited out, a campaign that cannot be scored is set aside
            # (quarantine.py), so faust acknowledges a batch only once it is done
            assert _guard is not None  # set by service(), awaited above
            await _guard.run(envelopes, origins)


@app.agent(campaigns_topic, concurrency=1)
async def campaigns(stream):
    await _consume(stream)


@app.agent(submissions_topic, concurrency=1)
async def submissions(stream):
    await _consume(stream)
