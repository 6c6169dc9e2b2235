"""What scoring keeps in MongoDB from the event history: campaign definitions, registrations,
each unit's latest inputs per period, review decisions, parked submissions and the score index
(one document per campaign, period and status with every unit's score digest). This worker is the
only writer of its campaigns' documents, which several choices below rely on."""

from collections import defaultdict
from datetime import UTC, datetime

from pymongo import ReplaceOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registration import RatingGiven, RegistrationChanged
from thidua_common.contracts.review import ReviewDecision
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.logging import get_logger

log = get_logger(__name__)

# the input flags each review decision sets
REVIEW_FLAGS = {
    ReviewDecision.approve: {"verified": True, "rejected": False},
    ReviewDecision.reject: {"verified": False, "rejected": True},
    ReviewDecision.return_: {"verified": False, "rejected": False},
}


def _order(sub: SubmissionReceived) -> list[str]:
    return [sub.submitted_at.isoformat(), sub.submission_id]


class ScoringStore:
    def __init__(self, db: AsyncDatabase):
        self.db = db

    async def setup(self) -> None:
        await self.db.parked.create_index("campaign_key")
        await self.db.inputs.create_index([("campaign_key", 1), ("period", 1)])
        await self.db.score_index.create_index([("campaign_key", 1), ("period", 1)])
        await self.db.registrations.create_index("campaign_key")

    async def quarantine_record(self, topic: str, partition: int, offset: int, value: bytes, error: str) -> None:
        await self.db.quarantine.replace_one(
            {"_id": f"{topic}/{partition}/{offset}"},
            {"value": value, "error": error, "at": datetime.now(UTC)},
            upsert=True,
        )

    # -- campaigns ---------------------------------------------------------------------------
    async def campaign(self, key: str) -> CampaignDefined | None:
        doc = await self.db.campaigns.find_one({"_id": key}, {"_id": 0, "tenant": 0, "fingerprint": 0})
        return CampaignDefined.model_validate(doc) if doc else None

    async def campaign_stamp(self, key: str) -> dict | None:
        """The held revision's fingerprint, criteria version and revision."""
        return await self.db.campaigns.find_one({"_id": key}, {"fingerprint": 1, "criteria_version": 1, "revision": 1})

    async def save_campaign(self, key: str, tenant: str, campaign: CampaignDefined, fingerprint: str) -> bool:
        """Store a newer revision; False when this revision or a newer one is already held."""
        doc = {"tenant": tenant, "fingerprint": fingerprint, **campaign.model_dump(mode="json")}
        try:
            await self.db.campaigns.replace_one({"_id": key, "revision": {"$lt": campaign.revision}}, doc, upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def periods(self, key: str, unit_id: str | None = None) -> list[str]:
        """The periods with inputs (of one unit, or of any)."""
        query = {"campaign_key": key} | ({"unit_id": unit_id} if unit_id else {})
        return await self.db.inputs.distinct("period", query)

    # -- registrations -----------------------------------------------------------------------
    async def save_registration(self, key: str, registration: RegistrationChanged) -> bool:
        try:
            await self.db.registrations.replace_one(
                {"_id": f"{key}/{registration.unit_id}", "revision": {"$lt": registration.revision}},
                {
                    "campaign_key": key,
                    "unit_id": registration.unit_id,
                    "revision": registration.revision,
                    "registration": registration.model_dump(mode="json"),
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def registrations(self, key: str) -> dict[str, RegistrationChanged]:
        out = {}
        async for doc in self.db.registrations.find({"campaign_key": key}):
            out[doc["unit_id"]] = RegistrationChanged.model_validate(doc["registration"])
        return out

    # -- submissions, ratings, decisions ------------------------------------------------------
    async def park(self, key: str, envelope: Envelope) -> None:
        await self.db.parked.replace_one(
            {"_id": envelope.id}, {"campaign_key": key, "envelope": envelope.model_dump(mode="json")}, upsert=True
        )

    async def parked(self, key: str) -> list[Envelope]:
        return [Envelope.model_validate(p["envelope"]) async for p in self.db.parked.find({"campaign_key": key})]

    async def unpark(self, event_ids: list[str]) -> None:
        await self.db.parked.delete_many({"_id": {"$in": event_ids}})

    async def save_submissions(self, key: str, ready: list[tuple[Envelope, SubmissionReceived]]) -> None:
        """Keep each unit's latest submission per period: a later one replaces an earlier one,
        never the reverse; decided here rather than by a conditional upsert, which SecantusDB
        answers with a scan (this worker is the only writer of its campaign's inputs)."""
        ids = [sub.submission_id for _, sub in ready]
        decided = {d["_id"]: d["decision"] async for d in self.db.decisions.find({"_id": {"$in": ids}})}
        input_ids = [f"{key}/{sub.unit_id}/{sub.period}" for _, sub in ready]
        held = {d["_id"]: d.get("order") async for d in self.db.inputs.find({"_id": {"$in": input_ids}}, {"order": 1})}
        newest: dict[str, tuple[Envelope, SubmissionReceived]] = {}
        for envelope, sub in ready:
            _id = f"{key}/{sub.unit_id}/{sub.period}"
            if (held.get(_id) is None or _order(sub) > held[_id]) and (
                _id not in newest or _order(sub) > _order(newest[_id][1])
            ):
                newest[_id] = (envelope, sub)
        writes = [
            UpdateOne(
                {"_id": _id},
                {
                    "$set": {
                        "campaign_key": key,
                        "unit_id": sub.unit_id,
                        "period": sub.period,
                        "values": sub.values,
                        "submission_id": sub.submission_id,
                        "submission_event_id": envelope.id,
                        "submitted_at": sub.submitted_at,
                        "order": _order(sub),
                        # a decision that arrived while the submission was parked still counts
                        "verified": decided.get(sub.submission_id) == ReviewDecision.approve,
                        "rejected": decided.get(sub.submission_id) == ReviewDecision.reject,
                    }
                },
                upsert=True,
            )
            for _id, (envelope, sub) in newest.items()
        ]
        if writes:
            await self.db.inputs.bulk_write(writes, ordered=False)

    async def save_rating(self, key: str, rating: RatingGiven) -> None:
        await self.db.inputs.update_one(
            {"_id": f"{key}/{rating.unit_id}/{rating.period}"},
            {
                "$set": {f"ratings.{leaf}": value for leaf, value in rating.ratings.items()}
                | {"campaign_key": key, "unit_id": rating.unit_id, "period": rating.period},
            },
            upsert=True,
        )

    async def save_decision(self, key: str, submission_id: str, decision: ReviewDecision) -> None:
        """Remembered per submission, for a submission still parked until its campaign arrives."""
        await self.db.decisions.replace_one(
            {"_id": submission_id}, {"campaign_key": key, "decision": decision.value}, upsert=True
        )

    async def forget_decision(self, submission_id: str) -> None:
        await self.db.decisions.delete_one({"_id": submission_id})

    async def flag_input(self, key: str, unit_id: str, period: str, submission_id: str, flags: dict) -> bool:
        """Set review flags on the input of this submission only (a newer one awaits its own
        review); True when the input changed."""
        updated = await self.db.inputs.update_one(
            {"_id": f"{key}/{unit_id}/{period}", "submission_id": submission_id}, {"$set": flags}
        )
        return bool(updated.modified_count)

    # -- recomputation ---------------------------------------------------------------------------
    async def inputs(self, key: str, periods: list[str], units: list[str] | None) -> dict[str, dict[str, dict]]:
        """period → unit → input, for `units` (every unit when None)."""
        scope: dict = {"campaign_key": key, "period": {"$in": periods}}
        if units is not None:
            scope["unit_id"] = {"$in": units}
        out: dict[str, dict[str, dict]] = defaultdict(dict)
        async for d in self.db.inputs.find(scope):
            out[d["period"]][d["unit_id"]] = d
        return out

    async def score_index(self, key: str, periods: list[str]) -> dict[str, dict[str, dict]]:
        """period → status → unit field → entry: one index document per campaign, period and status
        holds every unit's score digest, so a rescoring writes a handful of documents, not one per unit."""
        out: dict[str, dict[str, dict]] = defaultdict(dict)
        async for d in self.db.score_index.find({"campaign_key": key, "period": {"$in": periods}}):
            out[d["period"]][d["status"]] = d.get("units", {})
        return out

    async def save_index(
        self, key: str, index: dict[str, dict[str, dict]], entries: dict[str, dict[str, dict]]
    ) -> None:
        """Merge new entries (period → status → unit field → entry) into the index read before.
        The whole document is replaced (this worker is its only writer): SecantusDB applies a $set
        of thousands of paths in quadratic time, a replacement in linear time."""
        documents = [
            ReplaceOne(
                {"_id": f"{key}/{period}/{status}"},
                {
                    "campaign_key": key,
                    "period": period,
                    "status": status,
                    "units": {**index.get(period, {}).get(status, {}), **units},
                },
                upsert=True,
            )
            for period, by_status in entries.items()
            for status, units in by_status.items()
        ]
        if documents:
            await self.db.score_index.bulk_write(documents, ordered=False)
