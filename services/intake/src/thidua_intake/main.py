"""The intake application: HTTP routes, outbox relay and inbound consumer in one process."""

from contextlib import asynccontextmanager

from pymongo import ASCENDING

from thidua_common.http import create_app, readiness
from thidua_common.kafka import ConsumeLoop, EventProducer, make_consumer, mongo_quarantine, ready_file_from_env
from thidua_common.logging import configure_logging
from thidua_common.mongo import make_client
from thidua_common.settings import get_settings

from .audit import store as audit_store
from .audit.views import router as audit_router
from .campaigns.scorers import router as scorers_router
from .campaigns.views import router as campaigns_router
from .commendation_config.views import router as commendation_config_router
from .inbound.consumer import InboundHandler
from .nominations.overdue import OverdueTask
from .nominations.views import awards_router, router as nominations_router
from .outbox.relay import OutboxRelay
from .ratings.views import router as ratings_router
from .registrations.views import router as registrations_router
from .reviews.views import router as reviews_router
from .submissions.views import router as submissions_router
from .units.views import router as units_router


@asynccontextmanager
async def lifespan(app):
    settings = app.state.settings
    mongo = make_client(settings)
    db = mongo[settings.db_name("intake")]
    await db.submissions.create_index([("tenant", ASCENDING), ("campaign_id", ASCENDING), ("unit_id", ASCENDING)])
    await db.registrations.create_index([("tenant", ASCENDING), ("campaign_id", ASCENDING), ("unit_id", ASCENDING)])
    await db.ratings.create_index(
        [("tenant", ASCENDING), ("campaign_id", ASCENDING), ("unit_id", ASCENDING), ("period", ASCENDING)]
    )
    await audit_store.setup(db)
    producer = EventProducer(settings)
    await producer.start()
    relay = OutboxRelay(db, producer)
    await relay.setup()
    relay.start()
    inbound = ConsumeLoop(
        make_consumer(settings, producer.topic("inbound"), group_id="intake-inbound"),
        InboundHandler(mongo, db, producer, relay).handle,
        "intake-inbound",
        ready_file_from_env(),
        quarantine=mongo_quarantine(db),
    )
    await inbound.start()
    await db.nominations.create_index([("tenant", ASCENDING), ("status", ASCENDING)])
    await db.awards.create_index([("tenant", ASCENDING), ("nominee.unit_id", ASCENDING), ("year", ASCENDING)])
    overdue = OverdueTask(mongo, db, relay, settings.overdue_check_seconds)
    overdue.start()
    app.state.mongo, app.state.db, app.state.relay = mongo, db, relay
    readiness.add_check(app, "mongodb", readiness.mongo(mongo))
    readiness.add_check(app, "kafka", readiness.kafka(producer.producer.client.fetch_all_metadata))
    readiness.add_check(app, "outbox_relay", readiness.running(lambda: relay.task, "the outbox relay"))
    readiness.add_check(app, "inbound_consumer", readiness.running(lambda: inbound.task, "the inbound consumer"))
    try:
        yield
    finally:
        await overdue.stop()
        await inbound.stop()
        await relay.stop()
        await producer.stop()
        await mongo.close()


def build_app():
    settings = get_settings()
    configure_logging("intake", settings.log_level)
    app = create_app(
        "intake",
        settings,
        lifespan,
        description="Tiếp nhận phong trào và báo cáo kết quả thi đua / campaign and submission intake",
    )
    app.include_router(campaigns_router)
    app.include_router(scorers_router)
    app.include_router(submissions_router)
    app.include_router(reviews_router)
    app.include_router(registrations_router)
    app.include_router(ratings_router)
    app.include_router(units_router)
    app.include_router(commendation_config_router)
    app.include_router(nominations_router)
    app.include_router(awards_router)
    app.include_router(audit_router)
    return app


app = build_app()
