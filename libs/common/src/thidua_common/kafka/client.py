"""aiokafka wrappers. aiokafka's defaults are acks=1 without idempotence; every producer made here
uses acks=all with idempotence, because an accepted submission must never be lost."""

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from ..contracts.envelope import Envelope
from ..contracts.registry import COMPACTED_TOPICS, TOPICS, topic_name
from ..logging import get_logger
from ..settings import Settings

log = get_logger(__name__)

CORRELATION_HEADER = "correlation_id"
TYPE_HEADER = "ce_type"
ID_HEADER = "ce_id"


def security_options(settings: Settings) -> dict[str, Any]:
    """How every Kafka client here authenticates: nothing on the local stack (PLAINTEXT), SASL
    (SCRAM) in compose and production, with TLS when the protocol says SSL."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_security_protocol.startswith("SASL_"):
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=settings.kafka_sasl_password,
        )
    if settings.kafka_security_protocol.endswith("SSL"):
        from aiokafka.helpers import create_ssl_context

        # issue 12: kafka — a private CA for the broker's certificate (THIDUA_KAFKA_SSL_CAFILE)
        options["ssl_context"] = create_ssl_context(cafile=settings.kafka_ssl_cafile or None)
    return options


def make_producer(settings: Settings, **overrides: Any) -> AIOKafkaProducer:
    options = dict(
        **security_options(settings),
        bootstrap_servers=settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        # aiokafka sends one batch per partition at a time (idempotence), 16 kB by default: a burst
        # of 2 000 score events keyed to one campaign took a second in 16 kB round trips
        max_batch_size=512 * 1024,
        request_timeout_ms=30000,
    )
    options.update(overrides)
    return AIOKafkaProducer(**options)


def make_consumer(settings: Settings, *topics: str, group_id: str, **overrides: Any) -> AIOKafkaConsumer:
    options = dict(
        **security_options(settings),
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    options.update(overrides)
    return AIOKafkaConsumer(*topics, **options)


def encode_event(event: Envelope) -> tuple[bytes, list[tuple[str, bytes]]]:
    value = event.model_dump_json().encode()
    headers = [
        (TYPE_HEADER, event.type.encode()),
        (ID_HEADER, event.id.encode()),
        (CORRELATION_HEADER, event.correlationid.encode()),
    ]
    return value, headers


def decode_event(value: bytes) -> Envelope:
    return Envelope.model_validate(json.loads(value))


def headers_dict(headers: Iterable[tuple[str, Any]] | None) -> dict[str, str]:
    return {k: (v.decode(errors="replace") if isinstance(v, bytes) else str(v)) for k, v in (headers or [])}


class EventProducer:
    """Publishes envelopes to their registered topic, keyed so that one unit's events stay ordered."""

    def __init__(self, settings: Settings, producer: AIOKafkaProducer | None = None):
        self.settings = settings
        self.producer = producer or make_producer(settings)

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    def topic(self, key: str) -> str:
        return topic_name(self.settings.topic_prefix, key)

    async def publish(self, topic_key: str, event: Envelope, key: str) -> None:
        value, headers = encode_event(event)
        await self.producer.send_and_wait(self.topic(topic_key), value, key=key.encode(), headers=headers)

    async def publish_many(self, topic_key: str, events: list[tuple[Envelope, str]]) -> None:
        """Send a batch and wait for every acknowledgement (much faster than one by one)."""
        topic = self.topic(topic_key)
        futures = []
        for event, key in events:
            value, headers = encode_event(event)
            futures.append(await self.producer.send(topic, value, key=key.encode(), headers=headers))
        await asyncio.gather(*futures)

    async def send_raw(self, topic_key: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        await self.producer.send_and_wait(self.topic(topic_key), value, key=key, headers=headers)


async def ensure_topics(settings: Settings, replication_factor: int = 1, attempts: int = 30) -> None:
    """Create every registered topic that does not exist yet (idempotent)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings))
    for attempt in range(attempts):
        try:
            await admin.start()
            break
        except Exception:  # broker still starting
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                topic_name(settings.topic_prefix, key),
                spec.partitions,
                replication_factor,
                topic_configs={"cleanup.policy": "compact"} if key in COMPACTED_TOPICS else None,
            )
            for key, spec in TOPICS.items()
            if topic_name(settings.topic_prefix, key) not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
            log.info("topics created", topics=[t.name for t in wanted])
    finally:
        await admin.close()
