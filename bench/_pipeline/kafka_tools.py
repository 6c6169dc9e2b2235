"""Kafka helpers: topics, consumers assigned to every partition, the product's producer settings,
pipelined produce."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

# issue 12: the stack's broker takes SASL/SCRAM only: how these helpers authenticate (the stack's
# super user, set once by bench/pipeline.py with authenticate())
SECURITY: dict[str, Any] = {}


def authenticate(options: dict[str, Any]) -> None:
    SECURITY.clear()
    SECURITY.update(options)


# -- Kafka helpers -------------------------------------------------------------------------------
async def create_topic(bootstrap: str, name: str, partitions: int = 3) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **SECURITY)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


async def assigned_consumer(bootstrap: str, topic: str, from_beginning: bool, **options) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **{**SECURITY, **options})
    await consumer.start()
    parts = consumer.partitions_for_topic(topic)
    for _ in range(50):
        if parts:
            break
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(topic)
        await asyncio.sleep(0.1)
    tps = [TopicPartition(topic, p) for p in sorted(parts)]
    consumer.assign(tps)
    if from_beginning:
        await consumer.seek_to_beginning(*tps)
    else:
        await consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the lazy seek now, so records produced from here on are seen
            await consumer.position(tp)
    return consumer


async def produce_all(producer: AIOKafkaProducer, topic: str, records: list[tuple]) -> float:
    """Pipelined produce of (value, key, headers) records; seconds until all are acknowledged."""
    t0 = time.perf_counter()
    futures = []
    for value, key, headers in records:
        futures.append(await producer.send(topic, value, key=key, headers=headers))
        if len(futures) >= 2000:
            await asyncio.gather(*futures)
            futures.clear()
    await asyncio.gather(*futures)
    return time.perf_counter() - t0
