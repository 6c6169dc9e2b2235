"""Read the event history: every record of some topics, from the beginning up to the end offsets
seen at the start, merged in timestamp order across topics and partitions (each partition keeps
its own order). The replay commands rebuild state from it."""

import heapq
from collections import deque
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from ..settings import Settings
from .client import security_options


class _Partition:
    def __init__(self, consumer: AIOKafkaConsumer, tp: TopicPartition, end: int):
        self.consumer, self.tp, self.end = consumer, tp, end
        self.buffer: deque[ConsumerRecord] = deque()
        self.position = 0

    async def next(self) -> ConsumerRecord | None:
        while not self.buffer and self.position < self.end:
            batch = await self.consumer.getmany(self.tp, timeout_ms=1000, max_records=2000)
            for record in batch.get(self.tp, []):
                self.position = record.offset + 1
                if record.offset < self.end:
                    self.buffer.append(record)
        return self.buffer.popleft() if self.buffer else None


async def read_history(settings: Settings, topics: list[str]) -> AsyncIterator[ConsumerRecord]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False, **security_options(settings)
    )
    await consumer.start()
    try:
        tps = []
        for topic in topics:
            ids = consumer.partitions_for_topic(topic)
            if not ids:
                await consumer._client.force_metadata_update()
                ids = consumer.partitions_for_topic(topic) or set()
            tps += [TopicPartition(topic, p) for p in sorted(ids)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        parts = [_Partition(consumer, tp, ends[tp]) for tp in tps]
        heap = []
        for i, part in enumerate(parts):
            record = await part.next()
            if record is not None:
                heap.append((record.timestamp, i, record.offset, record))
        heapq.heapify(heap)
        while heap:
            _, i, _, record = heapq.heappop(heap)
            yield record
            following = await parts[i].next()
            if following is not None:
                heapq.heappush(heap, (following.timestamp, i, following.offset, following))
    finally:
        await consumer.stop()
