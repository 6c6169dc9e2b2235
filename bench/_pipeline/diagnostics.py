"""Phase `diag`: where one event's time goes in scoring's service layer and intake's accept(),
replayed in this process with every MongoDB and Kafka call timed."""

from __future__ import annotations

import random
from collections import defaultdict

from thidua_common.contracts.registry import topic_name
from thidua_devstack.stack import Stack

from _pipeline.kafka_tools import assigned_consumer
from _pipeline.measure import log
from _pipeline.timing import Timed, TimedDb, replay
from _pipeline.workload import CAMPAIGN_ID, TENANT, Template, submission_fields, unit_id


async def scoring_diagnostics(stack: Stack, template: Template, participants: int, rounds: int, batch: int) -> dict:
    """Replays scoring's service layer (what each faust agent iteration awaits) in this process,
    outside faust, on a database of its own, with every MongoDB and Kafka call timed."""
    from thidua_common.kafka import EventProducer, decode_event
    from thidua_common.mongo import make_client
    from thidua_scoring.scorers import load_scorers
    from thidua_scoring.service import ScoringService

    settings = stack.settings().model_copy(update={"mongo_db_prefix": "benchdiag"})
    consumer = await assigned_consumer(settings.kafka_bootstrap, topic_name(stack.prefix, "campaigns"), True)
    try:
        campaign_events = []
        for _ in range(10):
            got = await consumer.getmany(timeout_ms=500)
            campaign_events += [r.value for recs in got.values() for r in recs]
            if campaign_events and not got:
                break
    finally:
        await consumer.stop()
    rng = random.Random(4)
    stats: dict[str, list[float]] = defaultdict(list)
    mongo = make_client(settings)
    producer = EventProducer(settings)
    await producer.start()
    try:
        svc = ScoringService(
            TimedDb(mongo[settings.db_name("scoring")], stats), Timed(producer, "kafka", stats), load_scorers()
        )
        await svc.setup()
        campaign = [
            e
            for e in map(decode_event, campaign_events)
            if e.subject in (CAMPAIGN_ID, None) or e.subject.startswith(CAMPAIGN_ID + "/")
        ]
        # events as the faust agent hands them over (take_events(batch))
        await svc.apply_batch(campaign)
        size = max(1, min(batch, rounds))
        values = [template.event(rng, unit_id(i % participants))[1] for i in range(size * (rounds // size + 1))]

        async def step(i: int) -> None:
            await svc.apply_batch([decode_event(v) for v in values[i * size : (i + 1) * size]])

        out = await replay(stack, stats, step, rounds // size, warm_up=1, per_step=size)
    finally:
        await producer.stop()
        await mongo.drop_database(settings.db_name("scoring"))
        await mongo.close()
    log(
        f"diag scoring: {out['ms_per_event']:.2f} ms per event, {out['events_per_call']} per call "
        f"({sum(out['awaited_ms_per_event'].values()):.2f} ms inside MongoDB/Kafka calls, "
        f"{out['client_cpu_ms_per_event']:.2f} ms CPU here, "
        f"{out['server_cpu_ms_per_event']['secantusdb']:.2f} ms CPU in SecantusDB)"
    )
    return out


async def intake_diagnostics(stack: Stack, participants: int, rounds: int) -> dict:
    """Replays intake's accept() (validate against the campaign, then the transaction that writes
    the submission and its outbox record) in this process, on a copy of intake's database."""
    from thidua_common.mongo import make_client
    from thidua_intake.submissions import service as submissions
    from thidua_intake.submissions.models import SubmissionCreate
    from thidua_intake.uow import UnitOfWork

    settings = stack.settings()
    mongo = make_client(settings)
    real, diag = mongo[settings.db_name("intake")], mongo["benchdiag_intake"]
    stats: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(6)
    try:
        for name in await real.list_collection_names():  # same documents and indexes as intake's
            async for doc in real[name].find({} if name == "campaigns" else {"_id": None}):
                await diag[name].replace_one({"_id": doc["_id"]}, doc, upsert=True)
            async for spec in await real[name].list_indexes():
                if spec["name"] != "_id_":
                    await diag[name].create_index(
                        list(spec["key"].items()), name=spec["name"], unique=spec.get("unique", False)
                    )
        timed, timed_client = TimedDb(diag, stats), Timed(mongo, "mongo client", stats)

        async def step(i: int) -> None:
            unit = unit_id(rng.randrange(participants))
            body = SubmissionCreate.model_validate({"tenant": TENANT, **submission_fields(rng, unit)})
            # the client too: intake writes a submission and its outbox record with client.bulk_write
            await submissions.accept(
                UnitOfWork(timed_client, timed),
                TENANT,
                body,
                submitted_by=f"vanthu-{unit}",
                channel="http",
                idempotency_key=None,
            )

        out = await replay(stack, stats, step, rounds)
    finally:
        await mongo.drop_database("benchdiag_intake")
        await mongo.close()
    log(
        f"diag intake: accept() takes {out['ms_per_event']:.2f} ms one at a time "
        f"({sum(out['awaited_ms_per_event'].values()):.2f} ms inside MongoDB calls, "
        f"{out['client_cpu_ms_per_event']:.2f} ms CPU here, "
        f"{out['server_cpu_ms_per_event']['secantusdb']:.2f} ms CPU in SecantusDB)"
    )
    return out
