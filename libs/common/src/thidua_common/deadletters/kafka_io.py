"""The Kafka side of `thidua-deadletters`: read dead-letter topics and the ledger from the start to
their current end (no consumer group: reading commits nothing), and replay inside a transaction."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from ..contracts.registry import TOPICS, topic_name
from ..kafka.client import make_producer, security_options
from ..settings import Settings
from . import ledger
from .ledger import Replay
from .records import DeadLetter
from .replay import NotReplayable, republish

# one transactional id for every operator: a second `replay` running at the same time fences the
# first (its open transaction is aborted), so two replays of one dead letter cannot both commit
TRANSACTIONAL_ID = "thidua-deadletters-replay"
DEAD_LETTER_TOPICS = tuple(key for key, spec in TOPICS.items() if spec.dead_letter)


def dead_letter_topic(settings: Settings, name: str) -> str:
    """A topic as the operator names it: its registry key (inbound_dlq), its name without the prefix
    (inbound.dlq.v1) or its whole name."""
    for key in DEAD_LETTER_TOPICS:
        full = topic_name(settings.topic_prefix, key)
        if name in (key, TOPICS[key].suffix, full):
            return full
    raise ValueError(name)


def _consumer(settings: Settings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        **security_options(settings),
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        isolation_level="read_committed",
    )


async def _read_all(consumer: AIOKafkaConsumer, topic: str, timeout: float = 30.0) -> list[ConsumerRecord]:
    """Every record of `topic` up to its end as of now."""
    partitions = consumer.partitions_for_topic(topic)
    if partitions is None:
        await consumer._client.force_metadata_update()  # aiokafka has no public way
        partitions = consumer.partitions_for_topic(topic) or set()
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    if not tps:
        return []
    consumer.assign(tps)
    ends = await consumer.end_offsets(tps)
    await consumer.seek_to_beginning(*tps)
    records: list[ConsumerRecord] = []
    deadline = asyncio.get_running_loop().time() + timeout
    # a position can stop short of the end only while records remain; transaction markers move it on
    while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{topic}: not read to its end within {timeout:.0f} s")
        batch = await consumer.getmany(timeout_ms=500)
        for tp, items in batch.items():
            records.extend(r for r in items if r.offset < ends[tp])
    return records


def _letter(record: ConsumerRecord) -> DeadLetter:
    return DeadLetter.of(
        record.topic, record.partition, record.offset, record.value, record.key, record.headers, record.timestamp
    )


async def read_dead_letters(settings: Settings, topics: list[str]) -> list[DeadLetter]:
    consumer = _consumer(settings)
    try:
        await consumer.start()
        letters: list[DeadLetter] = []
        for topic in topics:
            letters.extend(_letter(r) for r in await _read_all(consumer, topic))
        return letters
    finally:
        await consumer.stop()


async def read_dead_letter(settings: Settings, topic: str, offset: int, partition: int = 0) -> DeadLetter | None:
    consumer = _consumer(settings)
    try:
        await consumer.start()
        tp = TopicPartition(topic, partition)
        if partition not in (consumer.partitions_for_topic(topic) or {partition}):
            return None
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        if offset < 0 or offset >= end:
            return None
        consumer.seek(tp, offset)
        while True:
            batch = await consumer.getmany(tp, timeout_ms=5000)
            if not batch:
                return None  # e.g. the record was deleted by retention, or an aborted write
            for record in batch.get(tp, []):
                if record.offset == offset:
                    return _letter(record)
                if record.offset > offset:
                    return None
    finally:
        await consumer.stop()


async def read_ledger(settings: Settings) -> dict[str, Replay]:
    consumer = _consumer(settings)
    try:
        await consumer.start()
        records = await _read_all(consumer, topic_name(settings.topic_prefix, "deadletter_replays"))
        return ledger.fold((r.key, r.value) for r in records)
    finally:
        await consumer.stop()


@dataclass(frozen=True)
class Outcome:
    offset: int
    replay: Replay | None = None  # the replay made now, or the earlier one
    already: bool = False
    refused: str | None = None  # a catalogue key: why it was not replayed
    params: dict[str, str] = field(default_factory=dict)  # the key's parameters


async def replay(
    settings: Settings, topic: str, offsets: list[int], *, as_is: bool = False, partition: int = 0
) -> list[Outcome]:
    """Replay each dead letter once. The transactional producer starts (fencing any other replay)
    before the ledger is read, and each replay commits together with its ledger entry."""
    inbound_dlq = topic_name(settings.topic_prefix, "inbound_dlq")
    if topic != inbound_dlq:
        # scoring holds and re-applies its quarantined events itself (a replay would apply them twice
        # under a new id); notify's dead letters are failed mails, not records of a source topic
        params = {"topic": topic, "inbound": topic_name(settings.topic_prefix, "inbound")}
        return [Outcome(offset, refused="deadletters.not_replayable_topic", params=params) for offset in offsets]
    producer = make_producer(settings, transactional_id=TRANSACTIONAL_ID)
    try:
        await producer.start()
        done = await read_ledger(settings)
        ledger_topic = topic_name(settings.topic_prefix, "deadletter_replays")
        outcomes = []
        for offset in offsets:
            key = f"{topic}/{partition}/{offset}"
            if key in done:
                outcomes.append(Outcome(offset, done[key], already=True))
                continue
            letter = await read_dead_letter(settings, topic, offset, partition)
            if letter is None:
                outcomes.append(
                    Outcome(offset, refused="deadletters.not_found", params={"topic": topic, "offset": str(offset)})
                )
                continue
            try:
                out = republish(letter, as_is=as_is)
            except NotReplayable as exc:
                outcomes.append(Outcome(offset, refused=exc.key))
                continue
            entry = Replay(key, out.original_id, out.new_id, out.topic, datetime.now(UTC).isoformat(), not out.new_id)
            async with producer.transaction():
                await producer.send(out.topic, out.value, key=out.key, headers=out.headers)
                ledger_key, ledger_value = entry.encode()
                await producer.send(ledger_topic, ledger_value, key=ledger_key)
            done[key] = entry
            outcomes.append(Outcome(offset, entry))
        return outcomes
    finally:
        await producer.stop()
