"""The reporting application: projection consumer and query API in one process."""

from contextlib import asynccontextmanager

from thidua_common.auth import oidc
from thidua_common.http import create_app, readiness
from thidua_common.kafka import handlers_loop
from thidua_common.kafka.acls import CONSUMER_GROUPS
from thidua_common.logging import configure_logging
from thidua_common.mongo import make_client
from thidua_common.settings import get_settings

from .award_papers.views import router as award_papers_router
from .awards.views import router as awards_router
from .documents import store as document_store
from .documents.views import router as documents_router
from .forms.views import router as forms_router
from .inbox.views import router as inbox_router
from .leaderboard.views import router as leaderboard_router
from .projection.projector import Projector
from .public.views import router as public_router
from .reviews import service as reviews
from .reviews.scheduler import LazyPublisher, ReviewScheduler
from .reviews.views import router as reviews_router
from .settings import get_reporting_settings
from .streams.hub import StreamHub
from .streams.views import router as stream_router
from .timeliness.views import router as timeliness_router


@asynccontextmanager
async def lifespan(app):
    settings = app.state.settings
    mongo = make_client(settings)
    db = mongo[settings.db_name("reporting")]
    projector = Projector(db)
    await projector.setup()
    await document_store.setup(db)  # issue 13: generated documents (GridFS bucket `documents`)
    await reviews.setup(db)
    consumer = handlers_loop(
        settings, projector.handlers, projector.apply, db, CONSUMER_GROUPS["reporting"][0], "reporting-projection"
    )
    await consumer.start()
    app.state.db = db
    own = app.state.reporting_settings
    hub = app.state.stream_hub = StreamHub(db, own.streams_per_tenant, own.stream_poll_seconds)
    hub.start()
    # issue 13: reports — review reports on schedule (reminders, drafts) and the events that tell of them
    publisher = app.state.review_publisher = LazyPublisher(settings)
    schedule = ReviewScheduler(db, publisher, settings, own)
    schedule.start()
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
        await schedule.stop()
        await publisher.stop()
        await hub.close()  # ends any stream still open (the server's signal handler usually did already)
        await consumer.stop()
        await mongo.close()


def build_app():
    settings = get_settings()
    configure_logging("reporting", settings.log_level)
    app = create_app(
        "reporting", settings, lifespan, description="Bảng xếp hạng và báo cáo thi đua / leaderboards and scorecards"
    )
    app.state.reporting_settings = get_reporting_settings()
    app.include_router(leaderboard_router)
    app.include_router(stream_router)
    app.include_router(inbox_router)
    app.include_router(public_router)
    app.include_router(awards_router)
    app.include_router(award_papers_router)  # issue 13: award papers
    app.include_router(documents_router)  # issue 13: documents toolkit
    app.include_router(reviews_router)  # issue 13: review reports
    app.include_router(forms_router)  # issue 13: statutory forms
    app.include_router(timeliness_router)  # issue 15: timeliness figures
    return app


app = build_app()
