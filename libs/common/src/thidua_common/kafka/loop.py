"""One consume loop for every plain-aiokafka consumer: process a batch, then commit it. A batch
that fails is not committed: the consumer rewinds to the last commit and tries again after a
pause, so an outage never makes it skip an event (handlers are idempotent, so repeats are
harmless). A single record that keeps failing while others succeed (a poison pill) is handed to
`quarantine` after a few attempts, so it cannot block its partition forever."""

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from ..background import cancel_and_wait
from ..contracts import Envelope
from ..contracts.handlers import Handlers
from ..contracts.registry import topic_name
from ..logging import correlation_scope, get_logger
from ..settings import Settings
from .client import CORRELATION_HEADER, TYPE_HEADER, decode_event, headers_dict, make_consumer

log = get_logger(__name__)

RecordHandler = Callable[[ConsumerRecord], Awaitable[None]]
Quarantine = Callable[[ConsumerRecord, str], Awaitable[None]]
POISON_ATTEMPTS = 5


def envelope_handler(apply: Callable[[Envelope], Awaitable[None]]) -> RecordHandler:
    """Decode each record as a CloudEvent and apply it with its correlation id bound to the logs."""

    async def handle(record: ConsumerRecord) -> None:
        cid = headers_dict(record.headers).get(CORRELATION_HEADER)
        with correlation_scope(cid, topic=record.topic, offset=record.offset):
            envelope = decode_event(record.value)
            await apply(envelope)
            log.info("event applied", type=envelope.type, event_id=envelope.id)

    return handle


def only_handled(handle: RecordHandler, handlers: Handlers) -> RecordHandler:
    """Skip records whose ce_type header names an event the consumer's handler registry does not
    handle, without decoding them (e.g. every submission.received on the submissions topic, for
    notify); a record without the header is decoded."""

    async def handle_if_wanted(record: ConsumerRecord) -> None:
        event_type = headers_dict(record.headers).get(TYPE_HEADER)
        if event_type is None or handlers.handles(event_type):
            await handle(record)

    return handle_if_wanted


def ready_file_from_env() -> Path | None:
    """The local stack passes THIDUA_READY_FILE: touched once partitions are assigned."""
    value = os.environ.get("THIDUA_READY_FILE")
    return Path(value) if value else None


class ConsumeLoop:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handle: RecordHandler,
        name: str,
        ready_file: Path | None = None,
        quarantine: Quarantine | None = None,
    ):
        self.consumer, self.handle, self.name, self.ready_file = consumer, handle, name, ready_file
        self.quarantine = quarantine
        self.failures: dict[tuple[str, int, int], int] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self.run(), name=self.name)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The running loop (None before start): readiness checks look at it."""
        return self._task

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        await self.consumer.stop()

    async def run(self) -> None:
        while True:
            try:
                batch = await self.consumer.getmany(timeout_ms=500, max_records=500)
                # ready once partitions are assigned; a pattern that matches no topic yet (intake's
                # per-system inbound topics before any system is added) has nothing to wait for
                if self.ready_file and (self.consumer.assignment() or not self.consumer.subscription()):
                    self.ready_file.touch()
                for records in batch.values():
                    for record in records:
                        await self._handle(record)
                if batch:
                    await self.consumer.commit()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("batch failed; rewinding to the last commit", consumer=self.name)
                await asyncio.sleep(1)
                await self._rewind()

    async def _handle(self, record: ConsumerRecord) -> None:
        where = (record.topic, record.partition, record.offset)
        try:
            await self.handle(record)
            self.failures.pop(where, None)
        except Exception as exc:
            count = self.failures[where] = self.failures.get(where, 0) + 1
            if self.quarantine is None or count < POISON_ATTEMPTS:
                raise
            # the same record failed again and again: park it and let the partition move on
            await self.quarantine(record, repr(exc))
            self.failures.pop(where, None)
            log.error(
                "record quarantined after repeated failures",
                consumer=self.name,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                error=repr(exc),
            )

    async def _rewind(self) -> None:
        for tp in self.consumer.assignment():
            committed = await self.consumer.committed(tp)
            if committed is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)


def mongo_quarantine(db: AsyncDatabase[Any]) -> Quarantine:
    """Keep a poison record (bytes, headers, where it came from, why) in the service's database."""
    from datetime import UTC, datetime

    async def park(record: ConsumerRecord, error: str) -> None:
        await db.quarantine.replace_one(
            {"_id": f"{record.topic}/{record.partition}/{record.offset}"},
            {
                "value": record.value,
                "key": record.key,
                "headers": [[k, v] for k, v in (record.headers or [])],
                "error": error,
                "at": datetime.now(UTC),
            },
            upsert=True,
        )

    return park


def handlers_loop(
    settings: Settings,
    handlers: Handlers,
    apply: Callable[[Envelope], Awaitable[None]],
    db: AsyncDatabase[Any],
    group_id: str,
    name: str,
) -> ConsumeLoop:
    """A consumer's loop over the topics its handler registry's types travel on: only those types
    are decoded and applied, poison records are kept in the consumer's database `db`."""
    topics = (topic_name(settings.topic_prefix, key) for key in handlers.topics)
    return ConsumeLoop(
        make_consumer(settings, *topics, group_id=group_id),
        only_handled(envelope_handler(apply), handlers),
        name,
        ready_file_from_env(),
        quarantine=mongo_quarantine(db),
    )
