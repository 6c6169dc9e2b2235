"""The reporting application: projection consumer and query API in one process."""

from contextlib import asynccontextmanager

from thidua_common.auth import oidc
from thidua_common.http import create_app, readiness
from thidua_common.kafka import handlers_loop
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
    consumer = handlers_loop(settings, projector.handlers, projector.apply, db, "reporting", "reporting-projection")
    await consumer.start()
    app.state.db = db
    # reporting answers from its read model in MongoDB: without Kafka its answers only grow stale
    # (degraded, still 200); out of rotation, every replica would be down at once instead
    projection = readiness.running(lambda: consumer.task, "the projection consumer")
    app.state.oidc_prefetch = oidc.prefetch(
        settings
    )  # the provider's keys, before the first signed-in request needs them
    readiness.add_service_checks(
        app, mongo, consumer.consumer.topics, projection_consumer=projection, **oidc.readiness_checks(settings)
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
