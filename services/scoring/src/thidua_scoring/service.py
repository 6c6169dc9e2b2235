"""Scoring's service layer: apply campaign and submission events. Idempotent, so the
at-least-once delivery of faust and Kafka never double-counts."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.registry import SCORE_COMPUTED
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.logging import get_logger

from .engine import score_submission
from .scorers import Scorer

log = get_logger(__name__)

SOURCE = "/thidua/scoring"


class Publisher:
    """What scoring needs of Kafka (a fake in unit tests)."""

    async def publish(self, topic_key: str, event: Envelope, key: str) -> None: ...


class ScoringService:
    def __init__(self, db: AsyncDatabase, publisher: Publisher, scorers: dict[str, Scorer]):
        self.db, self.publisher, self.scorers = db, publisher, scorers

    async def setup(self) -> None:
        await self.db.parked.create_index("campaign_key")

    async def quarantine(self, topic: str, partition: int, offset: int, value: bytes, error: str) -> None:
        """Keep an undecodable record (with where it came from) instead of dropping it."""
        await self.db.quarantine.replace_one(
            {"_id": f"{topic}/{partition}/{offset}"},
            {"value": value, "error": error, "at": datetime.now(UTC)},
            upsert=True,
        )
        log.error("undecodable event quarantined", topic=topic, partition=partition, offset=offset, error=error)

    async def on_campaign(self, envelope: Envelope) -> None:
        campaign = CampaignDefined.model_validate(envelope.data)
        key = f"{envelope.tenant}/{campaign.campaign_id}"
        doc = {"tenant": envelope.tenant, **campaign.model_dump(mode="json")}
        try:
            # replace only with a newer revision: an old event redelivered changes nothing
            await self.db.campaigns.replace_one({"_id": key, "revision": {"$lt": campaign.revision}}, doc, upsert=True)
        except DuplicateKeyError:
            return
        log.info("campaign stored", campaign=key, revision=campaign.revision)
        async for parked in self.db.parked.find({"campaign_key": key}):
            await self.on_submission(Envelope.model_validate(parked["envelope"]))

    async def campaign(self, tenant: str, campaign_id: str) -> CampaignDefined | None:
        doc = await self.db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"})
        if doc is None:
            return None
        doc.pop("_id"), doc.pop("tenant")
        return CampaignDefined.model_validate(doc)

    async def on_submission(self, envelope: Envelope) -> Envelope | None:
        submission = SubmissionReceived.model_validate(envelope.data)
        campaign = await self.campaign(envelope.tenant, submission.campaign_id)
        campaign_key = f"{envelope.tenant}/{submission.campaign_id}"
        if campaign is None or campaign.criteria_version < submission.criteria_version:
            # the campaign event travels on another topic and may arrive later: wait for it
            await self.db.parked.replace_one(
                {"_id": envelope.id},
                {"campaign_key": campaign_key, "envelope": envelope.model_dump(mode="json")},
                upsert=True,
            )
            log.info("submission parked until its campaign arrives", submission_id=submission.submission_id)
            return None
        score = score_submission(campaign, submission, self.scorers, datetime.now(UTC))
        event = new_event(
            type=SCORE_COMPUTED,
            source=SOURCE,
            tenant=envelope.tenant,
            subject=f"{submission.campaign_id}/{submission.unit_id}/{submission.period}",
            data=score,
            id=deterministic_id("score", envelope.id, str(campaign.criteria_version)),
            correlationid=envelope.correlationid,
        )
        await self.db.scores.replace_one(
            {"_id": event.id},
            {"tenant": envelope.tenant, "submission_event_id": envelope.id, **score.model_dump(mode="json")},
            upsert=True,
        )
        # published every time, even on redelivery: the deterministic id lets consumers drop repeats
        await self.publisher.publish("scores", event, key=f"{envelope.tenant}/{submission.campaign_id}/{submission.unit_id}")
        await self.db.parked.delete_one({"_id": envelope.id})
        log.info("submission scored", submission_id=submission.submission_id, total=score.total, event_id=event.id)
        return event
