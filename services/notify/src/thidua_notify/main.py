"""The notify worker: a consumer that records deliveries and a dispatcher that sends them."""

import asyncio
import signal

from pymongo import WriteConcern

from thidua_common.contracts.registry import topic_name
from thidua_common.deadletters.kafka_io import DEAD_LETTER_TOPICS
from thidua_common.kafka import ConsumeLoop, EventProducer, handlers_loop, make_consumer
from thidua_common.kafka.acls import CONSUMER_GROUPS
from thidua_common.logging import configure_logging, get_logger
from thidua_common.mongo import make_client
from thidua_common.settings import get_settings
from thidua_common.startup import refuse_unsafe_start

from .channels import load_channels
from .deadletters import DeadLetterDigests
from .deadline_digests import DeadlineDigests
from .service import NotifyService

log = get_logger(__name__)


async def run() -> None:
    settings = get_settings()
    configure_logging("notify", settings.log_level)
    refuse_unsafe_start(settings, "notify", http_api=False)
    mongo = make_client(settings)
    producer = EventProducer(settings)
    await producer.start()
    # issue 15: exactly once — a delivery recorded (and then its offset committed) or marked sent
    # must survive a database crash: journaled, majority-acknowledged writes
    db = mongo.get_database(settings.db_name("notify"), write_concern=WriteConcern(w="majority", j=True))
    service = NotifyService(db, load_channels(settings), producer, settings)
    await service.setup()
    # issue 15: deadlines — reminders and escalations, mailed as digests (before the consumer starts)
    deadline_digests = DeadlineDigests(service.db, service.channels["email"], settings)
    deadline_digests.register(service.handlers)
    await deadline_digests.setup()
    # on the topics the handled types travel on: the submissions topic for review and appeal decisions
    consumer = handlers_loop(
        settings, service.handlers, service.apply, service.db, CONSUMER_GROUPS["notify"][0], "notify-consumer"
    )
    await consumer.start()
    dispatcher = asyncio.create_task(service.run_dispatcher(), name="notify-dispatcher")
    # issue 12: dead letters — digests of new dead letters to the board and the systems' contacts
    digests = DeadLetterDigests(service.db, service.channels["email"], settings)
    await digests.setup()
    dead_letters = ConsumeLoop(
        make_consumer(
            settings, *(topic_name(settings.topic_prefix, k) for k in DEAD_LETTER_TOPICS), group_id="notify-deadletters"
        ),
        digests.handle,
        "notify-deadletters",
    )
    await dead_letters.start()
    digesting = asyncio.create_task(digests.run(), name="notify-deadletter-digests")
    deadline_digesting = asyncio.create_task(deadline_digests.run(), name="notify-deadline-digests")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("notify started")
    await stop.wait()
    dispatcher.cancel()
    digesting.cancel()
    deadline_digesting.cancel()
    await asyncio.gather(dispatcher, digesting, deadline_digesting, return_exceptions=True)
    await dead_letters.stop()
    await consumer.stop()
    await producer.stop()
    await mongo.close()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
