"""The review schedule in the background: every `review_check_seconds` each replica runs the check
(service.check claims each step, so replicas never repeat one), as of the reviews' "today"
(clock.today). Reporting publishes only these events: its producer starts on first use, so the
query API comes up without Kafka as before."""

import asyncio

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.background import cancel_and_wait
from thidua_common.contracts import Envelope
from thidua_common.kafka import EventProducer
from thidua_common.logging import get_logger
from thidua_common.settings import Settings

from ..settings import ReportingSettings
from . import clock, service

log = get_logger(__name__)


class LazyPublisher:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.producer: EventProducer | None = None
        self.lock = asyncio.Lock()

    async def publish(self, topic_key: str, event: Envelope, key: str) -> None:
        async with self.lock:
            if self.producer is None:
                producer = EventProducer(self.settings)
                await producer.start()
                self.producer = producer
        await self.producer.publish(topic_key, event, key)

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()


class ReviewScheduler:
    def __init__(self, db: AsyncDatabase, publisher: service.Publisher, settings: Settings, own: ReportingSettings):
        self.db, self.publisher, self.settings, self.own = db, publisher, settings, own
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="reporting-review-schedule")

    async def run(self) -> None:
        while True:
            try:
                done = await service.check(self.db, self.publisher, self.own, clock.today(self.settings, self.own))
                if done["reminded"] or done["generated"]:
                    log.info("review schedule", **done)
            except asyncio.CancelledError:
                raise
            except Exception:  # Kafka or the database away: the next round retries (claims expire)
                log.exception("review schedule check failed; retrying")
            await asyncio.sleep(self.own.review_check_seconds)

    async def stop(self) -> None:
        await cancel_and_wait(self.task)
