from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registry import (
    AWARD_DECIDED,
    CAMPAIGN_DEFINED,
    NOMINATION_CHANGED,
    NOMINATION_OVERDUE,
    SCORE_COMPUTED,
    UNIT_CHANGED,
)
from thidua_common.contracts.score import ScoreComputed
from thidua_common.contracts.unit import UnitChanged
from thidua_common.logging import get_logger

from ..awards import projection as awards

log = get_logger(__name__)


class Projector:
    """Idempotent by construction: campaigns and units are replaced only by a newer revision, a
    unit's period score only by a higher score revision, and the score history is keyed by event
    id; so redelivered or reordered events leave the read model as one in-order delivery would."""

    def __init__(self, db: AsyncDatabase):
        self.db = db

    async def setup(self) -> None:
        await self.db.period_scores.create_index([("tenant", 1), ("campaign_id", 1), ("status", 1), ("period", 1)])
        await self.db.period_scores.create_index([("tenant", 1), ("campaign_id", 1), ("unit_id", 1)])
        await self.db.score_history.create_index([("tenant", 1), ("campaign_id", 1), ("unit_id", 1), ("period", 1)])
        await awards.setup(self.db)

    async def apply(self, envelope: Envelope) -> None:
        if envelope.type == CAMPAIGN_DEFINED:
            campaign = CampaignDefined.model_validate(envelope.data)
            await self._replace_newer("campaigns", f"{envelope.tenant}/{campaign.campaign_id}", campaign.revision,
                                      {"tenant": envelope.tenant, **campaign.model_dump(mode="json")})
        elif envelope.type == UNIT_CHANGED:
            unit = UnitChanged.model_validate(envelope.data)
            await self._replace_newer("units", f"{envelope.tenant}/{unit.unit_id}", unit.revision,
                                      {"tenant": envelope.tenant, **unit.model_dump(mode="json")})
        elif envelope.type == SCORE_COMPUTED:
            await self.on_score(envelope)
        elif envelope.type == AWARD_DECIDED:
            await awards.on_award(self.db, envelope)
        elif envelope.type == NOMINATION_CHANGED:
            await awards.on_nomination(self.db, envelope)
        elif envelope.type == NOMINATION_OVERDUE:
            await awards.on_overdue(self.db, envelope)

    async def _replace_newer(self, collection: str, key: str, revision: int, doc: dict) -> None:
        try:
            await self.db[collection].replace_one({"_id": key, "revision": {"$lt": revision}}, doc, upsert=True)
        except DuplicateKeyError:
            pass  # we already hold this revision or a newer one

    async def on_score(self, envelope: Envelope) -> None:
        score = ScoreComputed.model_validate(envelope.data)
        doc = {"tenant": envelope.tenant, "event_id": envelope.id, **score.model_dump(mode="json")}
        try:
            await self.db.score_history.insert_one({"_id": envelope.id, **doc})
        except DuplicateKeyError:
            pass
        key = f"{envelope.tenant}/{score.campaign_id}/{score.unit_id}/{score.period}/{score.status.value}"
        await self._replace_newer("period_scores", key, score.revision, doc)
