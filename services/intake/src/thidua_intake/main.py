"""The intake application: HTTP routes, outbox relay and inbound consumer in one process."""

from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer
from fastapi import Depends
from pymongo import ASCENDING

from thidua_common.auth import oidc
from thidua_common.deadletters.metrics import DeadLetterCounter
from thidua_common.http import create_app, readiness
from thidua_common.kafka import ConsumeLoop, EventProducer, make_consumer, mongo_quarantine, ready_file_from_env
from thidua_common.kafka.acls import CONSUMER_GROUPS, inbound_topic_pattern
from thidua_common.logging import configure_logging, get_logger
from thidua_common.mongo import make_client
from thidua_common.settings import Settings, get_settings

from .access import refuse_read_only_writes
from .audit import store as audit_store
from .audit.views import router as audit_router
from .award_papers.views import router as award_decisions_router
from .campaigns import revisions as campaign_revisions
from .campaigns.revisions_views import router as revisions_router
from .campaigns.scorers import router as scorers_router
from .campaigns.views import router as campaigns_router
from .commendation_config.views import router as commendation_config_router
from .deadlines.service import DeadlineTask
from .deadlines.views import router as deadlines_router
from .evidence import views as evidence_views
from .imports import views as import_views
from .inbound.consumer import InboundHandler
from .nominations import document_views as dossier_views
from .nominations.ballot_views import router as ballots_router
from .nominations.overdue import OverdueTask
from .nominations.views import awards_router
from .nominations.views import router as nominations_router
from .outbox.relay import LAG_DEGRADED, OutboxRelay
from .ratings.views import router as ratings_router
from .registrations.views import router as registrations_router
from .reviews import service as reviews_service
from .reviews.queue import service as queue_service
from .reviews.queue.views import router as queue_router
from .reviews.views import router as reviews_router
from .submissions.views import router as submissions_router
from .units.views import router as units_router
from .uow import UnitOfWork

log = get_logger(__name__)


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
    await db["evidence.files"].create_index(
        [("metadata.tenant", ASCENDING), ("metadata.campaign_id", ASCENDING), ("metadata.unit_id", ASCENDING)]
    )
    await db["dossier.files"].create_index([("metadata.tenant", ASCENDING), ("metadata.unit_id", ASCENDING)])
    await audit_store.setup(db)
    await campaign_revisions.setup(db)  # issue 11: a campaign's revisions, newest first
    if locked := await reviews_service.lock_approved_periods(UnitOfWork(mongo, db)):
        log.info("approved periods locked", count=locked)
    await queue_service.setup(db)
    if listed := await queue_service.backfill(UnitOfWork(mongo, db)):
        log.info("periods listed", count=listed)
    producer = EventProducer(settings)
    await producer.start()
    relay = OutboxRelay(db, producer)
    await relay.setup()
    relay.start()
    inbound = ConsumeLoop(
        inbound_consumer(settings),
        # issue 12: dead letters — counted in /metrics (thidua_dead_letters_total{topic,reason})
        InboundHandler(
            mongo,
            db,
            producer,
            relay,
            DeadLetterCounter(app.state.metrics.registry),
            topic_prefix=settings.topic_prefix,
        ).handle,
        "intake-inbound",
        ready_file_from_env(),
        quarantine=mongo_quarantine(db),
    )
    await inbound.start()
    await db.nominations.create_index([("tenant", ASCENDING), ("status", ASCENDING)])
    await db.awards.create_index([("tenant", ASCENDING), ("nominee.unit_id", ASCENDING), ("year", ASCENDING)])
    overdue = OverdueTask(mongo, db, relay, settings.overdue_check_seconds)
    overdue.start()
    # issue 15: deadlines — reminders and the escalation ladder of reports and reviews
    await db.deadline_ladders.create_index([("tenant", ASCENDING), ("campaign_id", ASCENDING)])
    await db.periods.create_index([("tenant", ASCENDING), ("campaign_id", ASCENDING)])
    deadline_task = DeadlineTask(mongo, db, relay, settings, settings.overdue_check_seconds)
    deadline_task.start()
    app.state.mongo, app.state.db, app.state.relay = mongo, db, relay
    # only the database stops intake from accepting work: without Kafka, requests still commit
    # into the outbox and the relay publishes them later, so Kafka, the relay, its lag and the
    # inbound consumer degrade intake (200, named in the answer) instead of taking it out of rotation
    app.state.oidc_prefetch = oidc.prefetch(
        settings
    )  # the provider's keys, before the first signed-in request needs them
    readiness.add_service_checks(
        app,
        mongo,
        producer.producer.client.fetch_all_metadata,
        outbox_relay=readiness.running(lambda: relay.task, "the outbox relay"),
        outbox_lag=readiness.lag(relay.lag, LAG_DEGRADED.total_seconds()),
        inbound_consumer=readiness.running(lambda: inbound.task, "the inbound consumer"),
        **oidc.readiness_checks(settings),
    )
    try:
        yield
    finally:
        await overdue.stop()
        await deadline_task.stop()
        await inbound.stop()
        await relay.stop()
        await producer.stop()
        await mongo.close()


INBOUND_METADATA_MS = 3000  # how soon a new system's topic is subscribed to


def inbound_consumer(settings: Settings) -> AIOKafkaConsumer:
    """Issue 12: every outside system's own topic (thidua.inbound.<system>.v1), found by pattern;
    metadata is refreshed every few seconds so that a system added by thidua-systems is read
    without a restart. The shared topic thidua.inbound.v1 names no system: development only."""
    consumer = make_consumer(settings, group_id=CONSUMER_GROUPS["intake"][0], metadata_max_age_ms=INBOUND_METADATA_MS)
    shared = settings.environment == "development"
    consumer.subscribe(pattern=inbound_topic_pattern(settings.topic_prefix, shared=shared))
    return consumer


def build_app():
    settings = get_settings()
    configure_logging("intake", settings.log_level)
    app = create_app(
        "intake",
        settings,
        lifespan,
        description="Tiếp nhận phong trào và báo cáo kết quả thi đua / campaign and submission intake",
        # evidence files are larger than any JSON body: their upload has its own limit
        body_limits=[
            (evidence_views.UPLOAD_PATH, settings.evidence_max_bytes + evidence_views.FRAMING_BYTES),
            # issue 11: dossier documents are files too, under the same limit
            (dossier_views.UPLOAD_PATH, settings.evidence_max_bytes + evidence_views.FRAMING_BYTES),
            # issue 13: excel — an imported workbook
            (import_views.UPLOAD_PATH, import_views.IMPORT_MAX_BYTES + import_views.FRAMING_BYTES),
        ],
    )
    # every route of these routers needs a caller, and a read-only caller (auditor) writes nothing
    guarded = [Depends(refuse_read_only_writes)]
    for router in (
        campaigns_router,
        revisions_router,  # issue 11: a campaign's saved revisions
        scorers_router,
        submissions_router,
        evidence_views.router,
        queue_router,
        reviews_router,
        registrations_router,
        ratings_router,
        units_router,
        commendation_config_router,
        dossier_views.router,
        nominations_router,
        awards_router,
        audit_router,
        ballots_router,  # issue 11: ballots
        import_views.router,  # issue 13: excel — imports
        award_decisions_router,  # issue 13: award papers
        deadlines_router,  # issue 15: deadlines
    ):
        app.include_router(router, dependencies=guarded)
    return app


app = build_app()
