"""The notify worker: a consumer that records deliveries and a dispatcher that sends them."""

import asyncio
import signal

from aiokafka import ConsumerRecord

from thidua_common.contracts.registry import topic_name
from thidua_common.kafka import (
    ConsumeLoop,
    EventProducer,
    envelope_handler,
    headers_dict,
    make_consumer,
    mongo_quarantine,
    ready_file_from_env,
)
from thidua_common.kafka.client import TYPE_HEADER
from thidua_common.kafka.loop import RecordHandler
from thidua_common.logging import configure_logging, get_logger
from thidua_common.mongo import make_client
from thidua_common.settings import get_settings
from thidua_common.startup import refuse_unsafe_start

from .channels import load_channels
from .service import HANDLED_TYPES, NotifyService

log = get_logger(__name__)


def only_handled(handle: RecordHandler) -> RecordHandler:
    """Skip records whose ce_type header names an event notify ignores, without decoding them (the
    submissions topic is mostly submission.received); a record without the header is decoded."""

    async def handle_if_wanted(record: ConsumerRecord) -> None:
        event_type = headers_dict(record.headers).get(TYPE_HEADER)
        if event_type is None or event_type in HANDLED_TYPES:
            await handle(record)

    return handle_if_wanted


async def run() -> None:
    settings = get_settings()
    configure_logging("notify", settings.log_level)
    refuse_unsafe_start(settings, "notify", http_api=False)
    mongo = make_client(settings)
    producer = EventProducer(settings)
    await producer.start()
    service = NotifyService(mongo[settings.db_name("notify")], load_channels(settings), producer, settings)
    await service.setup()
    consumer = ConsumeLoop(
        make_consumer(
            settings,
            topic_name(settings.topic_prefix, "campaigns"),
            topic_name(settings.topic_prefix, "scores"),
            topic_name(settings.topic_prefix, "nominations"),
            topic_name(settings.topic_prefix, "submissions"),  # review and appeal decisions
            group_id="notify",
        ),
        only_handled(envelope_handler(service.apply)),
        "notify-consumer",
        ready_file_from_env(),
        quarantine=mongo_quarantine(service.db),
    )
    await consumer.start()
    dispatcher = asyncio.create_task(service.run_dispatcher(), name="notify-dispatcher")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("notify started")
    await stop.wait()
    dispatcher.cancel()
    await asyncio.gather(dispatcher, return_exceptions=True)
    await consumer.stop()
    await producer.stop()
    await mongo.close()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
