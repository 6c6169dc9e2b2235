"""Accept a submission: validate, store it and its event in one transaction, idempotently."""

import hashlib
import json
import uuid
from datetime import UTC, datetime

from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.auth import Principal
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registry import SUBMISSION_RECEIVED
from thidua_common.contracts.submission import SubmissionReceived, SubmissionSubmitted
from thidua_common.errors import FieldError, Invalid

from ..campaigns import lifecycle
from ..campaigns import service as campaigns
from ..evidence import service as evidence
from ..reviews.queue import rules as listing
from ..uow import UnitOfWork
from . import rules

SOURCE = "/thidua/intake/submissions"


class IdempotencyConflict(Exception):
    pass


def fingerprint(tenant: str, sub: SubmissionSubmitted) -> str:
    canonical = json.dumps([tenant, sub.model_dump(mode="json")], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def validate(db: AsyncDatabase, tenant: str, sub: SubmissionSubmitted) -> CampaignDefined:
    """Return the campaign, or raise a 409 if it does not accept submissions in its current status,
    or a 422 that names every bad field."""
    # validated once, straight from the stored document (this runs for every submission)
    definition = await campaigns.definition(db, tenant, sub.campaign_id)
    if definition is None:
        raise Invalid("request.invalid", [FieldError("campaign_id", "campaign.unknown", {"id": sub.campaign_id})])
    lifecycle.check_open_for_submissions(definition.status)
    errors = rules.check(definition, sub)
    if errors:
        raise Invalid("request.invalid", errors)
    return definition


async def accept(
    uow: UnitOfWork,
    tenant: str,
    sub: SubmissionSubmitted,
    *,
    submitted_by: str,
    channel: str,
    idempotency_key: str | None,
    correlation_id: str | None = None,
    resubmission_of: str | None = None,
) -> tuple[str, str, bool]:
    """Store the submission and queue its event. Returns (submission_id, event_id, created).
    With an idempotency key already used for the same content, returns the first answer.
    `resubmission_of`: the returned submission this one resubmits (shown in the list)."""
    db = uow.db
    if type(sub) is not SubmissionSubmitted:
        # a request body (a subclass with the tenant): its fields were validated by the same
        # definitions, so they are taken as they are rather than validated a second time
        sub = SubmissionSubmitted.model_construct(
            **{name: getattr(sub, name) for name in SubmissionSubmitted.model_fields}
        )
    campaign = await validate(db, tenant, sub)
    if any(link.evidence_id or link.size is not None or link.file_name for link in sub.evidence):
        # uploaded files: checked to exist for the unit, their stored SHA-256 travels in the event
        sub = sub.model_copy(
            update={"evidence": await evidence.resolve(db, tenant, sub.campaign_id, sub.unit_id, sub.evidence)}
        )
    digest = fingerprint(tenant, sub) if idempotency_key else ""
    if idempotency_key:
        previous = await _previous(db, idempotency_key, digest)
        if previous:
            return previous
    submission_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    payload = SubmissionReceived(
        submission_id=submission_id,
        submitted_by=submitted_by,
        submitted_at=now,
        channel=channel,
        criteria_version=campaign.criteria_version,
        **sub.model_dump(),
    )
    event = campaigns.campaign_event(
        SUBMISSION_RECEIVED,
        SOURCE,
        tenant,
        payload,
        sub.campaign_id,
        sub.unit_id,
        sub.period,
        correlation_id=correlation_id,
    )

    period_id = rules.period_key(tenant, sub.campaign_id, sub.unit_id, sub.period)
    writes = [
        InsertOne(
            {"_id": submission_id, "tenant": tenant, "event_id": event.id, **event.data},
            namespace=f"{db.name}.submissions",
        ),
        # the period document is written by every submission and every review decision of the
        # unit and period, so an approval and a new submission at the same moment conflict and
        # one of them is retried, seeing the other (a lock checked only by reading would not)
        UpdateOne(
            {"_id": period_id},
            {
                "$set": {
                    "tenant": tenant,
                    "campaign_id": sub.campaign_id,
                    "unit_id": sub.unit_id,
                    "period": sub.period,
                    "latest": submission_id,
                    # what the submission list shows of it (..reviews.queue): pending, to review
                    **listing.fresh_view(now, submitted_by, channel, period_id, resubmission_of),
                }
            },
            upsert=True,
            namespace=f"{db.name}.periods",
        ),
    ]
    if idempotency_key:
        writes.insert(
            0,
            InsertOne(
                {
                    "_id": idempotency_key,
                    "fingerprint": digest,
                    "submission_id": submission_id,
                    "event_id": event.id,
                    "created_at": now,
                },
                namespace=f"{db.name}.idempotency",
            ),
        )

    async def work(session: AsyncClientSession) -> None:
        # an approved period takes no new submission (read in the transaction: see the period write)
        rules.check_period_open(
            await db.periods.find_one({"_id": period_id}, {"approved": 1}, session=session), sub.unit_id, sub.period
        )
        # keyed by campaign: one partition holds a campaign's events in order, so one scoring
        # worker sees a whole cluster (the cluster-leader rule compares its members)
        uow.emit(event, f"{tenant}/{sub.campaign_id}")
        # one round trip for all the writes and the outbox record: intake's cost per submission
        # is mostly per command
        await uow.bulk_write(writes)

    try:
        await uow.run(work)
    except DuplicateKeyError:
        # a concurrent retry with the same key won the race: answer as it did
        previous = await _previous(db, idempotency_key, digest) if idempotency_key else None
        if previous:
            return previous
        raise
    return submission_id, event.id, True


async def _previous(db: AsyncDatabase, key: str, digest: str) -> tuple[str, str, bool] | None:
    record = await db.idempotency.find_one({"_id": key})
    if record is None:
        return None
    if record["fingerprint"] != digest:
        raise IdempotencyConflict()
    return record["submission_id"], record["event_id"], False


def idempotency_scope(principal: Principal, header: str | None) -> str | None:
    """Keys are scoped per caller so that two callers can never collide."""
    return f"http:{principal.tenant}:{principal.subject}:{header}" if header else None
