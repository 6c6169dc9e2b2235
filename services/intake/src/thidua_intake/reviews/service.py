"""Record review and appeal steps in intake's `reviews` collection (one document per submission:
its current decision and its whole history) and queue each step's event in the same transaction.
Events go on the submissions topic keyed by campaign, like the submissions they follow."""

from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.auth import Principal
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.registry import (
    APPEAL_DECIDED,
    SUBMISSION_APPEALED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
)
from thidua_common.contracts.review import (
    AppealDecided,
    ReviewDecision,
    SubmissionAppealed,
    SubmissionReopened,
    SubmissionReviewed,
)
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.errors import Conflict, Invalid, NotFound, found

from ..campaigns import service as campaigns
from ..submissions import service as submissions
from ..submissions.rules import period_key
from ..uow import UnitOfWork
from . import rules
from .models import (
    AppealCreate,
    AppealDecisionCreate,
    ReopenCreate,
    ResubmitCreate,
    ReviewCreate,
    ReviewState,
    SubmissionWithReview,
)
from .queue import rules as listing

SOURCE = "/thidua/intake/reviews"


# a step still meeting a concurrent write after every retry (the same review document): 409; after
# a retry the conflicting step is seen and refused by the rules instead (e.g. 409 already decided)
CONCURRENT = "review.concurrent"


async def _submission(db: AsyncDatabase, tenant: str, submission_id: str, session=None) -> dict:
    doc = await db.submissions.find_one({"_id": submission_id, "tenant": tenant}, session=session)
    if doc is None:
        raise NotFound("submission.unknown", id=submission_id)
    return doc


def _place(sub: dict) -> dict[str, Any]:
    """The campaign, unit and period a submission is for: the fields every step's event and
    document repeat."""
    return {k: sub[k] for k in ("campaign_id", "unit_id", "period")}


async def _campaign(db: AsyncDatabase, tenant: str, sub: dict, session) -> CampaignDefined:
    campaign = await campaigns.definition(db, tenant, sub["campaign_id"], session)
    return found(campaign, "campaign.unknown", id=sub["campaign_id"])


async def _latest_id(db: AsyncDatabase, sub: dict, session=None) -> str | None:
    """The latest submission of the same unit and period (the order scoring uses too)."""
    doc = await db.submissions.find_one(
        {"tenant": sub["tenant"], **_place(sub)},
        {"_id": 1},
        sort=[("submitted_at", DESCENDING), ("_id", DESCENDING)],
        session=session,
    )
    return doc["_id"] if doc else None


async def _save(db: AsyncDatabase, sub: dict, state: dict | None, changes: dict, entry: dict, session) -> None:
    """Write the new state conditionally on the version read, so two concurrent steps never both apply."""
    if state is None:
        await db.reviews.insert_one(
            {
                "_id": sub["_id"],
                "tenant": sub["tenant"],
                **_place(sub),
                "version": 1,
                "appeal": None,
                "history": [entry],
                **changes,
            },
            session=session,
        )
        return
    updated = await db.reviews.update_one(
        {"_id": sub["_id"], "version": state["version"]},
        {"$set": changes, "$inc": {"version": 1}, "$push": {"history": entry}},
        session=session,
    )
    if updated.matched_count != 1:
        raise Conflict(CONCURRENT)


async def _mark_period(db: AsyncDatabase, sub: dict, approval: dict | None, session, show: bool = True) -> None:
    """Lock the unit's period on an approval of its latest submission, open it on any other
    decision (see ..submissions.rules.check_period_open). Written in the decision's transaction:
    a submission for the same period writes the same document, so the two never interleave.
    `show`: also write what the submission list shows of it (see _show_period)."""
    if show:
        await _show_period(db, sub, session, {"approved": approval})
        return
    await db.periods.update_one(
        {"_id": period_key(sub["tenant"], sub["campaign_id"], sub["unit_id"], sub["period"])},
        {"$set": {"tenant": sub["tenant"], **_place(sub), "approved": approval}},
        upsert=True,
        session=session,
    )


async def _show_period(db: AsyncDatabase, sub: dict, session, extra: dict | None = None) -> None:
    """Write what the submission list shows of the period's latest submission `sub` after a step
    (.queue.rules.review_view: status, who acts next, ...), read back in the step's transaction."""
    state = await db.reviews.find_one({"_id": sub["_id"]}, session=session)
    await db.periods.update_one(
        {"_id": period_key(sub["tenant"], sub["campaign_id"], sub["unit_id"], sub["period"])},
        {
            "$set": {
                "tenant": sub["tenant"],
                **_place(sub),
                **(extra or {}),
                **listing.review_view(state, sub["submitted_at"]),
            }
        },
        upsert=True,
        session=session,
    )


def _approval(sub: dict, decision: ReviewDecision, level, by: str, at: datetime) -> dict | None:
    if decision != ReviewDecision.approve:
        return None
    return {"submission_id": sub["_id"], "level": level.value, "by": by, "at": at.isoformat()}


async def _with_state(db: AsyncDatabase, tenant: str, submission_id: str, session) -> tuple[dict, dict | None]:
    """The submission and its review document (None before the first step)."""
    sub = await _submission(db, tenant, submission_id, session)
    return sub, await db.reviews.find_one({"_id": submission_id}, session=session)


def _queue(uow: UnitOfWork, tenant: str, sub: dict, event) -> None:
    """Queue a step's event on the submissions topic, keyed by campaign like the submissions."""
    uow.emit(event, campaigns.campaign_key(tenant, sub["campaign_id"]))


def _event(event_type: str, tenant: str, sub: dict, payload, correlation_id: str | None):
    place = _place(sub).values()
    return campaigns.campaign_event(event_type, SOURCE, tenant, payload, *place, correlation_id=correlation_id)


async def review(
    uow: UnitOfWork,
    tenant: str,
    submission_id: str,
    body: ReviewCreate,
    reviewer: Principal,
    correlation_id: str | None = None,
) -> tuple[str, str]:
    """Approve, return or reject a submission. Returns (event id, review status)."""
    db = uow.db

    async def work(session: AsyncClientSession):
        sub = await _submission(db, tenant, submission_id, session)
        campaign = await _campaign(db, tenant, sub, session)
        level = rules.reviewer_level(campaign, sub["unit_id"], sub["period"], reviewer)
        state = await db.reviews.find_one({"_id": submission_id}, session=session)
        rules.check_reviewable(state, level, await _latest_id(db, sub, session) == submission_id)
        if errors := rules.decision_errors(body.decision, body.reason, body.reasons, sub["values"]):
            raise Invalid("request.invalid", errors)
        now = datetime.now(UTC)
        payload = SubmissionReviewed(
            submission_id=submission_id,
            **_place(sub),
            decision=body.decision,
            level=level,
            reviewer=reviewer.subject,
            reason=body.reason,
            reasons=body.reasons,
            values=sub["values"] if body.decision == ReviewDecision.approve else {},
            at=now,
        )
        event = _event(SUBMISSION_REVIEWED, tenant, sub, payload, correlation_id)
        entry = {"step": "review", "event_id": event.id, **payload.model_dump(mode="json", exclude={"values"})}
        changes = {
            "decision": body.decision.value,
            "level": level.value,
            "reason": body.reason,
            "reasons": body.reasons,
        }
        await _save(db, sub, state, changes, entry, session)
        await _mark_period(db, sub, _approval(sub, body.decision, level, reviewer.subject, now), session)
        _queue(uow, tenant, sub, event)
        return event.id, rules.STATUS[body.decision]

    return await uow.run(work, conflict=Conflict(CONCURRENT))


async def resubmit(
    uow: UnitOfWork,
    tenant: str,
    submission_id: str,
    body: ResubmitCreate,
    unit: Principal,
    idempotency_key: str | None,
    correlation_id: str | None = None,
) -> tuple[str, str, bool]:
    """A new submission: the returned one's values with the returned criteria replaced. It goes
    through the ordinary acceptance (validation, idempotency, submission.received) and then back to
    review. Returns (new submission id, event id, created)."""
    db = uow.db
    sub = await _submission(db, tenant, submission_id)
    state = await db.reviews.find_one({"_id": submission_id})
    latest = await _latest_id(db, sub, None)
    if idempotency_key and latest != submission_id:
        # a retry of a resubmission already made answers as the first time did
        previous = await db.idempotency.find_one({"_id": idempotency_key})
        if previous and previous["submission_id"] == latest:
            latest = submission_id
    values = rules.resubmission(state, sub["values"], body.values, latest == submission_id)
    new = SubmissionSubmitted(
        **_place(sub),
        values=values,
        evidence=sub.get("evidence") or [],
        note=body.note or sub.get("note", ""),
    )
    new_id, event_id, created = await submissions.accept(
        uow,
        tenant,
        new,
        submitted_by=unit.subject,
        channel="http",
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        resubmission_of=submission_id,
    )
    if created:
        # the link back to the returned submission (its review starts anew)
        await db.reviews.update_one(
            {"_id": new_id},
            {
                "$setOnInsert": {
                    "tenant": tenant,
                    **_place(sub),
                    "version": 0,
                    "appeal": None,
                    "history": [],
                    "decision": None,
                    "level": None,
                    "reasons": {},
                    "resubmission_of": submission_id,
                }
            },
            upsert=True,
        )
    return new_id, event_id, created


async def appeal(
    uow: UnitOfWork,
    tenant: str,
    submission_id: str,
    body: AppealCreate,
    unit: Principal,
    correlation_id: str | None = None,
) -> tuple[str, str]:
    """Appeal a return or a reject once, to the next level. Returns (event id, level appealed to)."""
    db = uow.db

    async def work(session: AsyncClientSession):
        sub, state = await _with_state(db, tenant, submission_id, session)
        latest = await _latest_id(db, sub, session) == submission_id
        against, from_level, to_level = rules.appeal_levels(state, body.reason, latest)
        payload = SubmissionAppealed(
            submission_id=submission_id,
            **_place(sub),
            against=against,
            from_level=from_level,
            to_level=to_level,
            reason=body.reason.strip(),
            by=unit.subject,
            at=datetime.now(UTC),
        )
        event = _event(SUBMISSION_APPEALED, tenant, sub, payload, correlation_id)
        data = payload.model_dump(mode="json")
        appeal_doc = {
            "status": "pending",
            **{k: data[k] for k in ("against", "from_level", "to_level", "reason", "by", "at")},
        }
        await _save(db, sub, state, {"appeal": appeal_doc}, {"step": "appeal", "event_id": event.id, **data}, session)
        await _show_period(db, sub, session)  # the appeal is the next level's to decide now
        _queue(uow, tenant, sub, event)
        return event.id, to_level.value

    return await uow.run(work, conflict=Conflict(CONCURRENT))


async def decide_appeal(
    uow: UnitOfWork,
    tenant: str,
    submission_id: str,
    body: AppealDecisionCreate,
    decider: Principal,
    correlation_id: str | None = None,
) -> tuple[str, str]:
    """Uphold or overturn the appealed decision. Returns (event id, final review status)."""
    db = uow.db

    async def work(session: AsyncClientSession):
        sub, state = await _with_state(db, tenant, submission_id, session)
        final, level = rules.appeal_decision(
            state, sub["unit_id"], decider, body.outcome, body.decision, body.reason, body.reasons, sub["values"]
        )
        payload = AppealDecided(
            submission_id=submission_id,
            **_place(sub),
            outcome=body.outcome,
            decision=final,
            level=level,
            reason=body.reason.strip(),
            values=sub["values"] if final == ReviewDecision.approve else {},
            by=decider.subject,
            at=datetime.now(UTC),
        )
        event = _event(APPEAL_DECIDED, tenant, sub, payload, correlation_id)
        data = payload.model_dump(mode="json", exclude={"values"})
        assert state is not None  # appeal_decision refuses a submission without a review
        reasons = (body.reasons if body.outcome.value == "overturned" else state.get("reasons")) or {}
        if final != ReviewDecision.return_:
            reasons = {}
        changes: dict[str, Any] = {
            "decision": final.value,
            "level": level.value,
            "reason": payload.reason,
            "reasons": reasons,
            "appeal.status": "decided",
            "appeal.outcome": body.outcome.value,
            "appeal.decision": final.value,
            "appeal.decided_by": decider.subject,
            "appeal.decided_at": data["at"],
            "appeal.decision_reason": payload.reason,
        }
        await _save(
            db,
            sub,
            state,
            changes,
            {"step": "appeal_decision", "event_id": event.id, **data, "reasons": reasons},
            session,
        )
        if await _latest_id(db, sub, session) == submission_id:
            # a newer submission of the period (sent while the appeal was pending) keeps its own state
            await _mark_period(db, sub, _approval(sub, final, level, decider.subject, payload.at), session)
        _queue(uow, tenant, sub, event)
        return event.id, rules.STATUS[final]

    return await uow.run(work, conflict=Conflict(CONCURRENT))


async def reopen(
    uow: UnitOfWork,
    tenant: str,
    submission_id: str,
    body: ReopenCreate,
    reopener: Principal,
    correlation_id: str | None = None,
) -> tuple[str, str]:
    """Reopen an approved submission, with a reason: it goes back to review (pending, no appeal
    pending), its verified score is withdrawn and its period takes new submissions again.
    Returns (event id, review status)."""
    db = uow.db

    async def work(session: AsyncClientSession):
        sub = await _submission(db, tenant, submission_id, session)
        campaign = await _campaign(db, tenant, sub, session)
        level = rules.reopener_level(campaign, sub["unit_id"], sub["period"], reopener)
        state = await db.reviews.find_one({"_id": submission_id}, session=session)
        latest = await _latest_id(db, sub, session) == submission_id
        approved_level = rules.check_reopenable(state, level, body.reason, latest)
        payload = SubmissionReopened(
            submission_id=submission_id,
            **_place(sub),
            level=level,
            approved_level=approved_level,
            reason=body.reason.strip(),
            by=reopener.subject,
            at=datetime.now(UTC),
        )
        event = _event(SUBMISSION_REOPENED, tenant, sub, payload, correlation_id)
        # the whole review starts anew: the steps before stay in the history
        changes: dict[str, Any] = {"decision": None, "level": None, "reason": "", "reasons": {}, "appeal": None}
        entry = {"step": "reopen", "event_id": event.id, **payload.model_dump(mode="json")}
        await _save(db, sub, state, changes, entry, session)
        await _mark_period(db, sub, None, session)
        _queue(uow, tenant, sub, event)
        return event.id, rules.status_of(None)

    return await uow.run(work, conflict=Conflict(CONCURRENT))


PERIOD_LOCKS_MIGRATION = "period-locks"


async def lock_approved_periods(uow: UnitOfWork) -> int:
    """Once per database (at intake's start): lock the periods whose latest submission was
    approved before periods were locked (issue 8), which have no `periods` approval yet. Each in a
    transaction that reads the latest submission and writes the period document, so a submission
    accepted meanwhile by another worker conflicts with it. Returns how many periods it locked."""
    db = uow.db
    if await db.migrations.find_one({"_id": PERIOD_LOCKS_MIGRATION}):
        return 0
    locked = 0
    async for state in db.reviews.find({"decision": ReviewDecision.approve.value}):
        sub = {k: state.get(k) for k in ("tenant", "campaign_id", "unit_id", "period")} | {"_id": state["_id"]}

        async def work(session: AsyncClientSession, sub=sub, state=state) -> int:
            if await _latest_id(db, sub, session) != sub["_id"]:
                return 0  # superseded since: the newer submission awaits its own review
            key = period_key(sub["tenant"], sub["campaign_id"], sub["unit_id"], sub["period"])
            held = await db.periods.find_one({"_id": key}, {"approved": 1}, session=session)
            if held is not None and "approved" in held:
                return 0  # a decision of this version already set or cleared the lock
            step: dict[str, Any] = next(
                (h for h in reversed(state.get("history") or []) if h.get("decision") == "approve"), {}
            )
            approval = {
                "submission_id": sub["_id"],
                "level": state.get("level"),
                "by": step.get("reviewer") or step.get("by"),
                "at": step.get("at"),
            }
            # the listing fields are the next migration's (.queue.service.backfill)
            await _mark_period(db, sub, approval, session, show=False)
            return 1

        locked += await uow.run(work)
    await db.migrations.update_one(
        {"_id": PERIOD_LOCKS_MIGRATION}, {"$set": {"at": datetime.now(UTC), "locked": locked}}, upsert=True
    )
    return locked


async def get(db: AsyncDatabase, tenant: str, submission_id: str) -> SubmissionWithReview:
    sub = await _submission(db, tenant, submission_id)
    state = await db.reviews.find_one({"_id": submission_id}) or {}
    latest = await _latest_id(db, sub)
    superseded_by = None
    if latest != submission_id:
        nxt = await db.reviews.find_one({"tenant": tenant, "resubmission_of": submission_id}, {"_id": 1})
        superseded_by = nxt["_id"] if nxt else latest
    review_state = ReviewState(
        status=rules.status_of(state),
        decision=state.get("decision"),
        level=state.get("level"),
        reasons=state.get("reasons") or {},
        history=state.get("history") or [],
        appeal=state.get("appeal"),
        resubmission_of=state.get("resubmission_of"),
        superseded_by=superseded_by,
    )
    fields = {k: v for k, v in sub.items() if k not in ("_id", "event_id")}
    return SubmissionWithReview.model_validate({**fields, "submission_id": submission_id, "review": review_state})
