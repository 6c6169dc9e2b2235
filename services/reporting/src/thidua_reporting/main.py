"""The reporting application: projection consumer and query API in one process."""

from contextlib import asynccontextmanager

from thidua_common.contracts.registry import topic_name
from thidua_common.http import create_app, readiness
from thidua_common.kafka import ConsumeLoop, envelope_handler, make_consumer, mongo_quarantine, ready_file_from_env
from thidua_common.kafka.loop import only_handled
from thidua_common.logging import configure_logging
from thidua_common.mongo import make_client
from thidua_common.settings import get_settings

from .awards.views import router as awards_router
from .dashboard.views import router as dashboard_router
from .leaderboard.views import router as leaderboard_router
from .projection.projector import Projector


@asynccontextmanager
async def lifespan(app):
    settings = app.state.settings
    mongo = make_client(settings)
    db = mongo[settings.db_name("reporting")]
    projector = Projector(db)
    await projector.setup()
    consumer = ConsumeLoop(
        make_consumer(
            settings,
            *(topic_name(settings.topic_prefix, key) for key in projector.handlers.topics),
            group_id="reporting",
        ),
        only_handled(envelope_handler(projector.apply), projector.handlers),
        "reporting-projection",
        ready_file_from_env(),
        quarantine=mongo_quarantine(db),
    )
    await consumer.start()
    app.state.db = db
    # reporting answers from its read model in MongoDB: without Kafka its answers only grow stale
    # (degraded, still 200); out of rotation, every replica would be down at once instead
    readiness.add_check(app, "mongodb", readiness.mongo(mongo))
    readiness.add_check(app, "kafka", readiness.kafka(consumer.consumer.topics), required=False)
    readiness.add_check(
        app, "projection_consumer", readiness.running(lambda: consumer.task, "the projection consumer"), required=False
    )
    try:
        yield
    finally:
        await consumer.stop()
        await mongo.close()


def build_app():
    settings = get_settings()
    configure_logging("reporting", settings.log_level)
    app = create_app(
        "reporting", settings, lifespan, description="Bảng xếp hạng và báo cáo thi đua / leaderboards and scorecards"
    )
    app.include_router(leaderboard_router)
    app.include_router(dashboard_router)
    app.include_router(awards_router)
    return app


app = build_app()
