"""Record a reviewer's rating and queue its event in the same transaction. Events go on the
campaigns topic, keyed by campaign, like registrations."""

import uuid
from datetime import UTC, datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.auth import Principal
from thidua_common.contracts.registration import RatingGiven
from thidua_common.contracts.registry import RATING_GIVEN
from thidua_common.errors import Invalid, found
from thidua_common.mongo import given

from ..campaigns import lifecycle
from ..campaigns import service as campaigns
from ..uow import UnitOfWork
from . import rules
from .models import RatingCreate, RatingPublic

SOURCE = "/thidua/intake/ratings"


async def give(uow: UnitOfWork, tenant: str, campaign_id: str, body: RatingCreate, rater: Principal) -> RatingPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        campaign = found(
            await campaigns.definition(db, tenant, campaign_id, session), "campaign.unknown", id=campaign_id
        )
        lifecycle.check_open_for_ratings(campaign.status)
        if errors := rules.subject_errors(campaign, body):
            raise Invalid("request.invalid", errors)
        rules.check_may_rate(campaign, body.unit_id, body.period, rater)
        if errors := rules.rating_errors(campaign, body.ratings):
            raise Invalid("request.invalid", errors)
        payload = RatingGiven(
            campaign_id=campaign_id,
            unit_id=body.unit_id,
            period=body.period,
            ratings=body.ratings,
            comment=body.comment,
            by=rater.subject,
            at=datetime.now(UTC),
        )
        event = campaigns.campaign_event(RATING_GIVEN, SOURCE, tenant, payload, campaign_id, body.unit_id, body.period)
        doc = {
            "_id": str(uuid.uuid4()),
            "tenant": tenant,
            "event_id": event.id,
            **payload.model_dump(mode="json"),
        }
        await db.ratings.insert_one(doc, session=session)
        uow.emit(event, campaigns.campaign_key(tenant, campaign_id))
        return doc

    return _public(await uow.run(work))


async def list_for(
    db: AsyncDatabase, tenant: str, campaign_id: str, unit_id: str | None = None, period: str | None = None
) -> list[RatingPublic]:
    query = given({"tenant": tenant, "campaign_id": campaign_id, "unit_id": unit_id or None, "period": period or None})
    return [_public(d) async for d in db.ratings.find(query).sort([("unit_id", 1), ("period", 1), ("at", 1)])]


def _public(doc: dict) -> RatingPublic:
    return RatingPublic.model_validate({"rating_id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}})
