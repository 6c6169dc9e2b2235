"""Scoring's service layer: one handler per event type (a typed registry) that records the input in
the store (store.py) and recomputes the affected cohorts through the pure plan (plan.py), with the
cause told from the catalogue (causes.py).

Every effect is idempotent: a score event's id is derived from its content, and a score is
re-emitted only when its content changes, so redelivery never double-counts and a replay of the
history reaches the same scores as live processing."""

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Protocol

from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.contracts import Envelope
from thidua_common.contracts.campaign import CampaignDefined
from thidua_common.contracts.criteria_check import criteria_problems
from thidua_common.contracts.handlers import Handlers
from thidua_common.contracts.registration import RatingGiven, RegistrationChanged
from thidua_common.contracts.registry import (
    APPEAL_DECIDED,
    CAMPAIGN_DEFINED,
    RATING_GIVEN,
    REGISTRATION_CHANGED,
    SUBMISSION_RECEIVED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
)
from thidua_common.contracts.review import AppealDecided, SubmissionReopened, SubmissionReviewed
from thidua_common.contracts.score import ScoreCause
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.logging import get_logger

from . import causes
from .plan import Cohorts, Job, Planner, scoring_fingerprint
from .quarantine import UnscorableCampaign
from .scorers import Scorer
from .store import REVIEW_FLAGS, ScoringStore

log = get_logger(__name__)


class Publisher(Protocol):
    """What the scoring service needs of a producer: send a batch of (event, Kafka key) pairs to
    the topic its registry key names ("scores") and return once all are acknowledged. Met by
    thidua_common.kafka.EventProducer live, by a capturing fake in the replay and unit tests; the
    quarantine guard needs more of it (quarantine.Publisher)."""

    async def publish_many(self, topic_key: str, events: list[tuple[Envelope, str]]) -> None: ...


class ScoringService:
    def __init__(self, db: AsyncDatabase, publisher: Publisher, scorers: dict[str, Scorer]):
        self.db, self.publisher, self.scorers = db, publisher, scorers
        self.store = ScoringStore(db)
        # each scorer's parameter model: a definition they reject is not scored (see on_campaign)
        self.param_models = {name: s.Params for name, s in scorers.items() if getattr(s, "Params", None)}
        # both faust agents share one worker: one event at a time keeps score revisions in order
        self.lock = asyncio.Lock()
        self.handlers = (
            Handlers()
            .add(CAMPAIGN_DEFINED, CampaignDefined, self.on_campaign)
            .add(REGISTRATION_CHANGED, RegistrationChanged, self.on_registration)
            .add(RATING_GIVEN, RatingGiven, self.on_rating)
            # on the submissions topic after the submission they decide: the pending run of
            # submissions is applied first (apply_batch), so the order holds
            .add(SUBMISSION_REVIEWED, SubmissionReviewed, self.on_review)
            .add(APPEAL_DECIDED, AppealDecided, self.on_review)
            .add(SUBMISSION_REOPENED, SubmissionReopened, self.on_reopen)
        )

    async def setup(self) -> None:
        await self.store.setup()

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_batch([envelope])

    async def apply_batch(self, envelopes: list[Envelope]) -> None:
        """Apply events in order; runs of submissions are applied together (not through the
        handler registry), so a burst costs one recomputation per affected cohort and period
        instead of one per submission."""
        async with self.lock:
            run: list[Envelope] = []
            for envelope in envelopes:
                if envelope.type == SUBMISSION_RECEIVED:
                    run.append(envelope)
                    continue
                if run:
                    await self.on_submissions(run)
                    run = []
                await self.handlers.dispatch(envelope)
            if run:
                await self.on_submissions(run)

    async def quarantine(self, topic: str, partition: int, offset: int, value: bytes, error: str) -> None:
        """Keep an undecodable record (with where it came from) instead of dropping it."""
        await self.store.quarantine_record(topic, partition, offset, value, error)
        log.error("undecodable event quarantined", topic=topic, partition=partition, offset=offset, error=error)

    # -- events ------------------------------------------------------------------------------
    async def on_campaign(self, envelope: Envelope, campaign: CampaignDefined) -> None:
        # a definition that does not parse (pydantic, in the handler registry) or that its
        # scorers cannot use (UnscorableCampaign) fails for good: the quarantine guard sets the
        # campaign aside
        key = f"{envelope.tenant}/{campaign.campaign_id}"
        previous = await self.store.campaign_stamp(key)
        if previous and previous.get("revision", 0) >= campaign.revision:
            return  # an old revision redelivered (or held and replayed) changes nothing
        problems = criteria_problems(campaign.criteria, self.param_models, strict=False, max_total=campaign.max_total)
        if problems:
            raise UnscorableCampaign(problems)
        fingerprint = scoring_fingerprint(campaign)
        # only a newer revision replaces: an old event redelivered changes nothing
        if not await self.store.save_campaign(key, envelope.tenant, campaign, fingerprint):
            return
        log.info("campaign stored", campaign=key, revision=campaign.revision)
        if previous and previous["fingerprint"] != fingerprint:
            if previous["criteria_version"] != campaign.criteria_version:
                cause = causes.criteria(envelope.id, previous["criteria_version"], campaign)
            else:
                cause = causes.campaign_changed(envelope.id)
            periods = await self.store.periods(key)
            await self.recompute(envelope.tenant, campaign, periods, None, cause, envelope.correlationid)
        parked = await self.store.parked(key)
        if parked:
            await self.on_submissions(parked)

    async def on_submissions(self, envelopes: list[Envelope]) -> None:
        by_campaign: dict[tuple[str, str], list[tuple[Envelope, SubmissionReceived]]] = defaultdict(list)
        for envelope in envelopes:
            sub = SubmissionReceived.model_validate(envelope.data)
            by_campaign[(envelope.tenant, sub.campaign_id)].append((envelope, sub))
        for (tenant, campaign_id), items in by_campaign.items():
            await self._submissions_of(tenant, campaign_id, items)

    async def _submissions_of(
        self, tenant: str, campaign_id: str, items: list[tuple[Envelope, SubmissionReceived]]
    ) -> None:
        key = f"{tenant}/{campaign_id}"
        campaign = await self.store.campaign(key)
        ready = []
        for envelope, sub in items:
            if campaign is None or campaign.criteria_version < sub.criteria_version:
                # the campaign event travels on another topic and may arrive later: wait for it
                await self.store.park(key, envelope)
                log.info("submission parked until its campaign arrives", submission_id=sub.submission_id)
            else:
                ready.append((envelope, sub))
        if not ready or campaign is None:
            return
        await self.store.save_submissions(key, ready)
        by_period: dict[str, dict[str, ScoreCause]] = defaultdict(dict)
        for envelope, sub in ready:
            by_period[sub.period][sub.unit_id] = causes.submission(envelope.id, sub.period)
        await self.recompute_periods(
            tenant,
            campaign,
            {period: Job(set(unit_causes), unit_causes) for period, unit_causes in by_period.items()},
            ready[-1][0].correlationid,
        )
        await self.store.unpark([e.id for e, _ in ready])

    async def on_rating(self, envelope: Envelope, rating: RatingGiven) -> None:
        key = f"{envelope.tenant}/{rating.campaign_id}"
        campaign = await self.store.campaign(key)
        if campaign is None:
            return  # ratings share the campaign's partition and follow its definition
        await self.store.save_rating(key, rating)
        await self.recompute(
            envelope.tenant,
            campaign,
            [rating.period],
            {rating.unit_id},
            causes.rating(envelope.id, rating),
            envelope.correlationid,
        )

    async def on_review(self, envelope: Envelope, review: SubmissionReviewed | AppealDecided) -> None:
        """A review (or an appeal's final decision) of a submission: approve makes its input count
        in verified scores, reject removes it from every score, return changes nothing."""
        await self.store.save_decision(f"{envelope.tenant}/{review.campaign_id}", review.submission_id, review.decision)
        await self._reflag(envelope, review, REVIEW_FLAGS[review.decision], causes.review(envelope.id, review.decision))

    async def on_reopen(self, envelope: Envelope, reopened: SubmissionReopened) -> None:
        """An approved submission was reopened: its input no longer counts as verified (it still
        counts as provisional), exactly as after a return, until it is reviewed again."""
        await self.store.forget_decision(reopened.submission_id)
        flags = {"verified": False, "rejected": False}
        await self._reflag(envelope, reopened, flags, causes.reopen(envelope.id, reopened))

    async def _reflag(
        self,
        envelope: Envelope,
        step: SubmissionReviewed | AppealDecided | SubmissionReopened,
        flags: dict,
        cause: ScoreCause,
    ) -> None:
        """Set the review flags on the step's submission's input; when that changed it, recompute
        the unit's period (once the campaign is known)."""
        key = f"{envelope.tenant}/{step.campaign_id}"
        changed = await self.store.flag_input(key, step.unit_id, step.period, step.submission_id, flags)
        campaign = await self.store.campaign(key)
        if not changed or campaign is None:
            return
        await self.recompute(envelope.tenant, campaign, [step.period], {step.unit_id}, cause, envelope.correlationid)

    async def on_registration(self, envelope: Envelope, registration: RegistrationChanged) -> None:
        key = f"{envelope.tenant}/{registration.campaign_id}"
        if not await self.store.save_registration(key, registration):
            return
        campaign = await self.store.campaign(key)
        if campaign is None:
            return
        change = registration.change
        detail = change.detail or {}
        periods = await self.store.periods(key, registration.unit_id)
        if change.kind == "target" and detail.get("period"):
            periods = [p for p in periods if p == detail["period"]]
        await self.recompute(
            envelope.tenant,
            campaign,
            periods,
            {registration.unit_id},
            causes.registration(envelope.id, registration, campaign),
            envelope.correlationid,
        )

    # -- recomputation ---------------------------------------------------------------------------
    async def recompute(
        self,
        tenant: str,
        campaign: CampaignDefined,
        periods: list[str],
        units: set[str] | None,
        cause: ScoreCause | dict[str, ScoreCause],
        correlation_id: str,
    ) -> int:
        """Recompute `units` (every unit when None) for the periods, with their whole clusters when
        a criterion compares cluster members. Returns how many scores were emitted."""
        return await self.recompute_periods(
            tenant, campaign, {period: Job(units, cause) for period in periods}, correlation_id
        )

    async def recompute_periods(
        self, tenant: str, campaign: CampaignDefined, jobs: dict[str, Job], correlation_id: str
    ) -> int:
        """Read what the plan needs in one query per collection, plan every period, then publish
        the changed scores and store their digests: a batch costs a few database commands."""
        if not jobs:
            return 0
        key = f"{tenant}/{campaign.campaign_id}"
        cohorts = Cohorts.of(campaign, self.scorers)
        periods = sorted(jobs)
        registrations = await self.store.registrations(key)
        inputs = await self.store.inputs(key, periods, cohorts.input_units(jobs))
        index = await self.store.score_index(key, periods)
        planner = Planner(tenant, cohorts, self.scorers, correlation_id, datetime.now(UTC))
        events: list[tuple[Envelope, str]] = []
        entries: dict[str, dict[str, dict]] = {}
        for period in periods:
            plan = planner.period(period, jobs[period], inputs.get(period, {}), index.get(period, {}), registrations)
            events += [(event, key) for event in plan.events]
            if plan.entries:
                entries[period] = plan.entries
        if events:
            # publish before storing: a crash in between re-emits the same ids on redelivery
            await self.publisher.publish_many("scores", events)
            await self.store.save_index(key, index, entries)
        log.info("scores recomputed", campaign=key, periods=len(periods), emitted=len(events))
        return len(events)
