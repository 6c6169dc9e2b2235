from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.award_papers import AwardDecisionIssued  # issue 13: award papers
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.deadline import DeadlineNotice  # issue 15: deadlines
from thidua_common.contracts.handlers import Handlers
from thidua_common.contracts.nomination import AwardDecided, NominationChanged, NominationOverdue
from thidua_common.contracts.registry import (
    APPEAL_DECIDED,
    AWARD_DECIDED,
    AWARD_DECISION_ISSUED,  # issue 13: award papers
    CAMPAIGN_DEFINED,
    DEADLINE_ESCALATED,  # issue 15: deadlines
    DEADLINE_REMINDER,
    NOMINATION_CHANGED,
    NOMINATION_OVERDUE,
    SCORE_COMPUTED,
    SUBMISSION_APPEALED,
    SUBMISSION_RECEIVED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
    UNIT_CHANGED,
)
from thidua_common.contracts.review import AppealDecided, SubmissionAppealed, SubmissionReopened, SubmissionReviewed
from thidua_common.contracts.score import ScoreComputed
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.contracts.unit import UnitChanged
from thidua_common.logging import get_logger

from ..award_papers import projection as award_papers
from ..awards import projection as awards
from ..inbox import deadlines as inbox_deadlines  # issue 15: deadlines
from ..inbox import nominations as nomination_notices
from ..inbox import projection as inbox
from ..streams import versions

log = get_logger(__name__)


class Projector:
    """Idempotent by construction: campaigns and units are replaced only by a newer revision, a
    unit's period score only by a higher score revision, and the score history is keyed by event
    id; so redelivered or reordered events leave the read model as one in-order delivery would.
    Issue 10: submission steps and verified scores become notifications (..inbox, one per event
    id), and every change of a campaign's leaderboard bumps its version (..streams.versions), which
    the live-update streams of every replica poll."""

    def __init__(self, db: AsyncDatabase):
        self.db = db
        self.handlers = (
            Handlers()
            .add(CAMPAIGN_DEFINED, CampaignDefined, self.on_campaign)
            .add(UNIT_CHANGED, UnitChanged, self.on_unit)
            .add(SCORE_COMPUTED, ScoreComputed, self.on_score)
            .add(AWARD_DECIDED, AwardDecided, lambda e, award: awards.on_award(db, e, award))
            .add(NOMINATION_CHANGED, NominationChanged, self.on_nomination)
            .add(NOMINATION_OVERDUE, NominationOverdue, lambda e, alert: awards.on_overdue(db, e, alert))
            .add(SUBMISSION_RECEIVED, SubmissionReceived, lambda e, sub: inbox.on_received(db, e, sub))
            .add(SUBMISSION_REVIEWED, SubmissionReviewed, lambda e, review: inbox.on_reviewed(db, e, review))
            .add(SUBMISSION_APPEALED, SubmissionAppealed, lambda e, appeal: inbox.on_appealed(db, e, appeal))
            .add(APPEAL_DECIDED, AppealDecided, lambda e, decided: inbox.on_appeal_decided(db, e, decided))
            .add(SUBMISSION_REOPENED, SubmissionReopened, lambda e, reopened: inbox.on_reopened(db, e, reopened))
            # issue 13: award papers
            .add(AWARD_DECISION_ISSUED, AwardDecisionIssued, lambda e, d: award_papers.on_decision_issued(db, e, d))
            # issue 15: deadlines — reminders and escalations in the inbox and in the timeliness figures
            .add(DEADLINE_REMINDER, DeadlineNotice, lambda e, n: inbox_deadlines.on_deadline(db, e, n))
            .add(DEADLINE_ESCALATED, DeadlineNotice, lambda e, n: inbox_deadlines.on_deadline(db, e, n))
        )

    async def setup(self) -> None:
        await self.db.period_scores.create_index([("tenant", 1), ("campaign_id", 1), ("status", 1), ("period", 1)])
        await self.db.period_scores.create_index([("tenant", 1), ("campaign_id", 1), ("unit_id", 1)])
        await self.db.score_history.create_index([("tenant", 1), ("campaign_id", 1), ("unit_id", 1), ("period", 1)])
        await awards.setup(self.db)
        await inbox.setup(self.db)
        await award_papers.setup(self.db)  # issue 13: award papers

    async def on_nomination(self, envelope: Envelope, nomination: NominationChanged) -> None:
        await awards.on_nomination(self.db, envelope, nomination)
        # issue 11: nomnotice — a return, failure or decision reaches the units' inboxes
        await nomination_notices.on_nomination(self.db, envelope, nomination)

    async def apply(self, envelope: Envelope) -> None:
        await self.handlers.dispatch(envelope)

    async def on_campaign(self, envelope: Envelope, campaign: CampaignDefined) -> None:
        changed = await self._replace_newer(
            "campaigns",
            f"{envelope.tenant}/{campaign.campaign_id}",
            campaign.revision,
            {"tenant": envelope.tenant, **campaign.model_dump(mode="json")},
        )
        if changed:  # names, participants, clusters: the whole board may read differently
            await versions.bump(self.db, envelope.tenant, campaign.campaign_id, None)
        # notifications of its reports that arrived before it (another topic) are addressed now
        await inbox.readdress(self.db, envelope.tenant, campaign.campaign_id)

    async def on_unit(self, envelope: Envelope, unit: UnitChanged) -> None:
        await self._replace_newer(
            "units",
            f"{envelope.tenant}/{unit.unit_id}",
            unit.revision,
            {"tenant": envelope.tenant, **unit.model_dump(mode="json")},
        )

    async def _replace_newer(self, collection: str, key: str, revision: int, doc: dict) -> bool:
        """Whether the document was replaced (False: we hold this revision or a newer one)."""
        try:
            await self.db[collection].replace_one({"_id": key, "revision": {"$lt": revision}}, doc, upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def on_score(self, envelope: Envelope, score: ScoreComputed) -> None:
        doc = {"tenant": envelope.tenant, "event_id": envelope.id, **score.model_dump(mode="json")}
        try:
            await self.db.score_history.insert_one({"_id": envelope.id, **doc})
        except DuplicateKeyError:
            pass
        key = f"{envelope.tenant}/{score.campaign_id}/{score.unit_id}/{score.period}/{score.status.value}"
        changed = await self._replace_newer("period_scores", key, score.revision, doc)
        # a redelivery of the score we hold bumps again: the bump may be what a crash left undone
        if changed or await self.db.period_scores.find_one({"_id": key, "event_id": envelope.id}, {"_id": 1}):
            await versions.bump(self.db, envelope.tenant, score.campaign_id, score.period)
        await inbox.on_score(self.db, envelope, score)
