from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registry import CAMPAIGN_DEFINED, SCORE_COMPUTED
from thidua_common.contracts.score import ScoreComputed
from thidua_common.logging import get_logger

log = get_logger(__name__)


class Projector:
    """Idempotent by construction: a campaign is replaced only by a newer revision, and a
    unit's period score only by a later submission, so redelivered or reordered events
    leave the read model as it would be after one in-order delivery."""

    def __init__(self, db: AsyncDatabase):
        self.db = db

    async def setup(self) -> None:
        await self.db.period_scores.create_index([("tenant", 1), ("campaign_id", 1), ("period", 1)])
        await self.db.period_scores.create_index([("tenant", 1), ("campaign_id", 1), ("unit_id", 1)])

    async def apply(self, envelope: Envelope) -> None:
        if envelope.type == CAMPAIGN_DEFINED:
            await self.on_campaign(envelope)
        elif envelope.type == SCORE_COMPUTED:
            await self.on_score(envelope)

    async def on_campaign(self, envelope: Envelope) -> None:
        campaign = CampaignDefined.model_validate(envelope.data)
        doc = {"tenant": envelope.tenant, **campaign.model_dump(mode="json")}
        try:
            await self.db.campaigns.replace_one(
                {"_id": f"{envelope.tenant}/{campaign.campaign_id}", "revision": {"$lt": campaign.revision}},
                doc,
                upsert=True,
            )
        except DuplicateKeyError:
            pass

    async def on_score(self, envelope: Envelope) -> None:
        score = ScoreComputed.model_validate(envelope.data)
        key = f"{envelope.tenant}/{score.campaign_id}/{score.unit_id}/{score.period}"
        order = [score.submitted_at.isoformat(), score.submission_id, score.criteria_version, envelope.id]
        doc = {
            "tenant": envelope.tenant,
            "order": order,
            "event_id": envelope.id,
            **score.model_dump(mode="json"),
        }
        try:
            await self.db.period_scores.replace_one({"_id": key, "order": {"$lt": order}}, doc, upsert=True)
        except DuplicateKeyError:
            log.debug("older or repeated score ignored", key=key)
