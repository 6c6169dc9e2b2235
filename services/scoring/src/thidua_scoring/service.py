"""Scoring's service layer. It keeps what it needs from the event history in its own database
(campaign definitions, registrations, each unit's latest inputs per period) and recomputes the
affected cohorts whenever an input changes: a submission, a rating, a target, the criteria.

Every effect is idempotent: a score event's id is derived from its content, and a score is
re-emitted only when its content changes, so redelivery never double-counts and a replay of the
history reaches the same scores as live processing."""

import asyncio
import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime

from pymongo import ReplaceOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.campaign import CampaignDefined, leaves_of
from thidua_common.contracts.criteria_check import criteria_problems
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.registration import RatingGiven, RegistrationChanged
from thidua_common.contracts.registry import (
    APPEAL_DECIDED,
    CAMPAIGN_DEFINED,
    RATING_GIVEN,
    REGISTRATION_CHANGED,
    SCORE_COMPUTED,
    SUBMISSION_RECEIVED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
)
from thidua_common.contracts.review import AppealDecided, ReviewDecision, SubmissionReopened, SubmissionReviewed
from thidua_common.contracts.score import ScoreCause, ScoreComputed, ScoreStatus
from thidua_common.contracts.submission import SubmissionReceived
from thidua_common.i18n import format_number, format_period
from thidua_common.logging import get_logger

from .engine import UnitState, resolve_targets, score_cohort
from .quarantine import UnscorableCampaign
from .scorers import Scorer

log = get_logger(__name__)

SOURCE = "/thidua/scoring"
NO_CLUSTER = "_"


class Publisher:
    """What scoring needs of Kafka (a fake in unit tests)."""

    async def publish_many(self, topic_key: str, events: list[tuple[Envelope, str]]) -> None: ...


def scoring_fingerprint(campaign: CampaignDefined) -> str:
    """The parts of a campaign that change scores; other edits (names, status) trigger nothing."""
    relevant = {
        "criteria_version": campaign.criteria_version,
        "criteria": [c.model_dump(mode="json") for c in campaign.criteria],
        "max_total": campaign.max_total,
        "members": sorted((p.unit_id, p.cluster_id or NO_CLUSTER) for p in campaign.participants),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def content_digest(criteria_version: int, submission_id: str | None, status: str, cluster: str | None, result) -> str:
    """What a score says, as a hash: a recomputation that gives the same digest changes nothing
    (and the digest makes the score event's id, so a repeat is recognised downstream)."""
    body = [criteria_version, submission_id, status, cluster, result.total, result.max_total, result.lines]
    return hashlib.sha256(json.dumps(body, separators=(",", ":"), default=str).encode()).hexdigest()[:32]


def unit_field(unit_id: str) -> str:
    """A unit id as a MongoDB field name (ids may contain dots)."""
    return unit_id.replace("%", "%25").replace(".", "%2E")


class ScoringService:
    def __init__(self, db: AsyncDatabase, publisher: Publisher, scorers: dict[str, Scorer]):
        self.db, self.publisher, self.scorers = db, publisher, scorers
        # each scorer's parameter model: a definition they reject is not scored (see on_campaign)
        self.param_models = {name: s.Params for name, s in scorers.items() if getattr(s, "Params", None)}
        # both faust agents share one worker: one event at a time keeps score revisions in order
        self.lock = asyncio.Lock()

    async def setup(self) -> None:
        await self.db.parked.create_index("campaign_key")
        await self.db.inputs.create_index([("campaign_key", 1), ("period", 1)])
        await self.db.score_index.create_index([("campaign_key", 1), ("period", 1)])
        await self.db.registrations.create_index("campaign_key")

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_batch([envelope])

    async def apply_batch(self, envelopes: list[Envelope]) -> None:
        """Apply events in order; runs of submissions are applied together, so a burst costs one
        recomputation per affected cohort and period instead of one per submission."""
        handlers = {
            CAMPAIGN_DEFINED: self.on_campaign,
            REGISTRATION_CHANGED: self.on_registration,
            RATING_GIVEN: self.on_rating,
            # on the submissions topic after the submission they decide: the pending run of
            # submissions is applied first (below), so the order holds
            SUBMISSION_REVIEWED: self.on_review,
            APPEAL_DECIDED: self.on_review,
            SUBMISSION_REOPENED: self.on_reopen,
        }
        async with self.lock:
            run: list[Envelope] = []
            for envelope in envelopes:
                if envelope.type == SUBMISSION_RECEIVED:
                    run.append(envelope)
                    continue
                if run:
                    await self.on_submissions(run)
                    run = []
                handler = handlers.get(envelope.type)
                if handler:
                    await handler(envelope)
            if run:
                await self.on_submissions(run)

    async def quarantine(self, topic: str, partition: int, offset: int, value: bytes, error: str) -> None:
        """Keep an undecodable record (with where it came from) instead of dropping it."""
        await self.db.quarantine.replace_one(
            {"_id": f"{topic}/{partition}/{offset}"},
            {"value": value, "error": error, "at": datetime.now(UTC)},
            upsert=True,
        )
        log.error("undecodable event quarantined", topic=topic, partition=partition, offset=offset, error=error)

    # -- state -------------------------------------------------------------------------------
    async def campaign(self, tenant: str, campaign_id: str) -> CampaignDefined | None:
        doc = await self.db.campaigns.find_one({"_id": f"{tenant}/{campaign_id}"}, {"_id": 0, "tenant": 0, "fingerprint": 0})
        return CampaignDefined.model_validate(doc) if doc else None

    async def _registrations(self, tenant: str, campaign_id: str) -> dict[str, RegistrationChanged]:
        out = {}
        async for doc in self.db.registrations.find({"campaign_key": f"{tenant}/{campaign_id}"}):
            out[doc["unit_id"]] = RegistrationChanged.model_validate(doc["registration"])
        return out

    # -- events ------------------------------------------------------------------------------
    async def on_campaign(self, envelope: Envelope) -> None:
        # a definition that does not parse (pydantic) or that its scorers cannot use
        # (UnscorableCampaign) fails for good: the quarantine guard sets the campaign aside
        campaign = CampaignDefined.model_validate(envelope.data)
        key = f"{envelope.tenant}/{campaign.campaign_id}"
        previous = await self.db.campaigns.find_one({"_id": key}, {"fingerprint": 1, "criteria_version": 1, "revision": 1})
        if previous and previous.get("revision", 0) >= campaign.revision:
            return  # an old revision redelivered (or held and replayed) changes nothing
        problems = criteria_problems(campaign.criteria, self.param_models, strict=False, max_total=campaign.max_total)
        if problems:
            raise UnscorableCampaign(problems)
        fingerprint = scoring_fingerprint(campaign)
        doc = {"tenant": envelope.tenant, "fingerprint": fingerprint, **campaign.model_dump(mode="json")}
        try:
            # only a newer revision replaces: an old event redelivered changes nothing
            await self.db.campaigns.replace_one({"_id": key, "revision": {"$lt": campaign.revision}}, doc, upsert=True)
        except DuplicateKeyError:
            return
        log.info("campaign stored", campaign=key, revision=campaign.revision)
        if previous and previous["fingerprint"] != fingerprint:
            if previous["criteria_version"] != campaign.criteria_version:
                cause = ScoreCause(
                    kind="criteria",
                    event_id=envelope.id,
                    detail_vi=f"Bảng tiêu chí đổi từ phiên bản {previous['criteria_version']} sang "
                    f"{campaign.criteria_version}" + (f": {campaign.change.reason}" if campaign.change.reason else "."),
                    detail_en=f"Criteria changed from version {previous['criteria_version']} to {campaign.criteria_version}.",
                )
            else:
                cause = ScoreCause(
                    kind="campaign",
                    event_id=envelope.id,
                    detail_vi="Danh sách đơn vị, cụm thi đua hoặc mức điểm tối đa của phong trào thay đổi.",
                    detail_en="The campaign's units, clusters or maximum changed.",
                )
            periods = await self.db.inputs.distinct("period", {"campaign_key": key})
            await self.recompute(envelope.tenant, campaign, periods, None, cause, envelope.correlationid)
        parked = [Envelope.model_validate(p["envelope"]) async for p in self.db.parked.find({"campaign_key": key})]
        if parked:
            await self.on_submissions(parked)

    async def on_submission(self, envelope: Envelope) -> None:
        await self.on_submissions([envelope])

    async def on_submissions(self, envelopes: list[Envelope]) -> None:
        by_campaign: dict[tuple[str, str], list[tuple[Envelope, SubmissionReceived]]] = defaultdict(list)
        for envelope in envelopes:
            sub = SubmissionReceived.model_validate(envelope.data)
            by_campaign[(envelope.tenant, sub.campaign_id)].append((envelope, sub))
        for (tenant, campaign_id), items in by_campaign.items():
            await self._submissions_of(tenant, campaign_id, items)

    async def _submissions_of(self, tenant: str, campaign_id: str, items) -> None:
        key = f"{tenant}/{campaign_id}"
        campaign = await self.campaign(tenant, campaign_id)
        ready = []
        for envelope, sub in items:
            if campaign is None or campaign.criteria_version < sub.criteria_version:
                # the campaign event travels on another topic and may arrive later: wait for it
                await self.db.parked.replace_one(
                    {"_id": envelope.id}, {"campaign_key": key, "envelope": envelope.model_dump(mode="json")}, upsert=True
                )
                log.info("submission parked until its campaign arrives", submission_id=sub.submission_id)
            else:
                ready.append((envelope, sub))
        if not ready:
            return
        ids = [sub.submission_id for _, sub in ready]
        decided = {d["_id"]: d["decision"] async for d in self.db.decisions.find({"_id": {"$in": ids}})}
        # a later submission for the same unit and period replaces the earlier one, never the reverse;
        # decided here rather than by a conditional upsert, which SecantusDB answers with a scan
        # (this worker is the only writer of its campaign's inputs)
        ids = [f"{key}/{sub.unit_id}/{sub.period}" for _, sub in ready]
        held = {d["_id"]: d.get("order") async for d in self.db.inputs.find({"_id": {"$in": ids}}, {"order": 1})}
        newest: dict[str, tuple[Envelope, SubmissionReceived]] = {}
        for envelope, sub in ready:
            _id = f"{key}/{sub.unit_id}/{sub.period}"
            order = [sub.submitted_at.isoformat(), sub.submission_id]
            if (held.get(_id) is None or order > held[_id]) and (
                _id not in newest or order > [newest[_id][1].submitted_at.isoformat(), newest[_id][1].submission_id]
            ):
                newest[_id] = (envelope, sub)
        writes = [
            UpdateOne(
                {"_id": _id},
                {"$set": {
                    "campaign_key": key,
                    "unit_id": sub.unit_id,
                    "period": sub.period,
                    "values": sub.values,
                    "submission_id": sub.submission_id,
                    "submission_event_id": envelope.id,
                    "submitted_at": sub.submitted_at,
                    "order": [sub.submitted_at.isoformat(), sub.submission_id],
                    # a decision that arrived while the submission was parked still counts
                    "verified": decided.get(sub.submission_id) == ReviewDecision.approve,
                    "rejected": decided.get(sub.submission_id) == ReviewDecision.reject,
                }},
                upsert=True,
            )
            for _id, (envelope, sub) in newest.items()
        ]
        if writes:
            await self.db.inputs.bulk_write(writes, ordered=False)
        by_period: dict[str, dict[str, ScoreCause]] = defaultdict(dict)
        for envelope, sub in ready:
            by_period[sub.period][sub.unit_id] = ScoreCause(
                kind="submission",
                event_id=envelope.id,
                detail_vi=f"Đơn vị gửi báo cáo kết quả {format_period(sub.period)}.",
                detail_en=f"The unit submitted its results for {format_period(sub.period, 'en')}.",
            )
        await self.recompute_periods(
            tenant, campaign, {period: (set(causes), causes) for period, causes in by_period.items()},
            ready[-1][0].correlationid,
        )
        await self.db.parked.delete_many({"_id": {"$in": [e.id for e, _ in ready]}})

    async def on_rating(self, envelope: Envelope) -> None:
        rating = RatingGiven.model_validate(envelope.data)
        key = f"{envelope.tenant}/{rating.campaign_id}"
        campaign = await self.campaign(envelope.tenant, rating.campaign_id)
        if campaign is None:
            return  # ratings share the campaign's partition and follow its definition
        await self.db.inputs.update_one(
            {"_id": f"{key}/{rating.unit_id}/{rating.period}"},
            {
                "$set": {f"ratings.{leaf}": value for leaf, value in rating.ratings.items()}
                | {"campaign_key": key, "unit_id": rating.unit_id, "period": rating.period},
            },
            upsert=True,
        )
        cause = ScoreCause(
            kind="rating",
            event_id=envelope.id,
            detail_vi=f"Cán bộ thẩm định chấm điểm {format_period(rating.period)}"
            + (f": {rating.comment}" if rating.comment else "."),
            detail_en=f"A reviewer rated {format_period(rating.period, 'en')}.",
        )
        await self.recompute(envelope.tenant, campaign, [rating.period], {rating.unit_id}, cause, envelope.correlationid)

    async def on_review(self, envelope: Envelope) -> None:
        """A review (or an appeal's final decision) of a submission: approve makes its input count
        in verified scores, reject removes it from every score, return changes nothing."""
        model = SubmissionReviewed if envelope.type == SUBMISSION_REVIEWED else AppealDecided
        review = model.model_validate(envelope.data)
        key = f"{envelope.tenant}/{review.campaign_id}"
        # remembered per submission, for a submission still parked until its campaign arrives
        await self.db.decisions.replace_one(
            {"_id": review.submission_id}, {"campaign_key": key, "decision": review.decision.value}, upsert=True
        )
        flags = {
            ReviewDecision.approve: {"verified": True, "rejected": False},
            ReviewDecision.reject: {"verified": False, "rejected": True},
            ReviewDecision.return_: {"verified": False, "rejected": False},
        }[review.decision]
        updated = await self.db.inputs.update_one(
            # only the input of the reviewed submission: a newer one awaits its own review
            {"_id": f"{key}/{review.unit_id}/{review.period}", "submission_id": review.submission_id},
            {"$set": flags},
        )
        campaign = await self.campaign(envelope.tenant, review.campaign_id)
        if not updated.modified_count or campaign is None:
            return
        if review.decision == ReviewDecision.approve:
            detail_vi, detail_en = "Kết quả đã được thẩm định, phê duyệt", "The results were verified and approved."
        else:
            detail_vi = f"Kết quả bị {'từ chối' if review.decision == ReviewDecision.reject else 'trả lại'} khi thẩm định."
            detail_en = f"The results were {'rejected' if review.decision == ReviewDecision.reject else 'returned'} on review."
        cause = ScoreCause(kind="review", event_id=envelope.id, detail_vi=detail_vi, detail_en=detail_en)
        await self.recompute(envelope.tenant, campaign, [review.period], {review.unit_id}, cause, envelope.correlationid)

    async def on_reopen(self, envelope: Envelope) -> None:
        """An approved submission was reopened: its input no longer counts as verified (it still
        counts as provisional), exactly as after a return, until it is reviewed again."""
        reopened = SubmissionReopened.model_validate(envelope.data)
        key = f"{envelope.tenant}/{reopened.campaign_id}"
        await self.db.decisions.delete_one({"_id": reopened.submission_id})
        updated = await self.db.inputs.update_one(
            {"_id": f"{key}/{reopened.unit_id}/{reopened.period}", "submission_id": reopened.submission_id},
            {"$set": {"verified": False, "rejected": False}},
        )
        campaign = await self.campaign(envelope.tenant, reopened.campaign_id)
        if not updated.modified_count or campaign is None:
            return
        cause = ScoreCause(
            kind="reopen",
            event_id=envelope.id,
            detail_vi=f"Kết quả đã phê duyệt được mở lại để thẩm định lại: {reopened.reason}",
            detail_en=f"The approved results were reopened for review: {reopened.reason}",
        )
        await self.recompute(envelope.tenant, campaign, [reopened.period], {reopened.unit_id}, cause,
                             envelope.correlationid)

    async def on_registration(self, envelope: Envelope) -> None:
        registration = RegistrationChanged.model_validate(envelope.data)
        key = f"{envelope.tenant}/{registration.campaign_id}"
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
            return
        campaign = await self.campaign(envelope.tenant, registration.campaign_id)
        if campaign is None:
            return
        change = registration.change
        detail = change.detail or {}
        periods = await self.db.inputs.distinct("period", {"campaign_key": key, "unit_id": registration.unit_id})
        if change.kind == "target" and detail.get("period"):
            periods = [p for p in periods if p == detail["period"]]
        names = {leaf.id: leaf.name_vi for leaf in leaves_of(campaign.criteria)}
        if change.kind == "target":
            crit = names.get(detail.get("criterion_id"), detail.get("criterion_id"))
            when = format_period(detail["period"]) if detail.get("period") else "mọi kỳ"
            old = "chưa có" if detail.get("old") is None else format_number(detail["old"])
            detail_vi = f"Chỉ tiêu «{crit}» ({when}) đổi từ {old} thành {format_number(detail.get('new', 0))}: {change.reason}"
            detail_en = f"Target of '{detail.get('criterion_id')}' changed from {detail.get('old')} to {detail.get('new')}: {change.reason}"
        else:
            detail_vi = "Đơn vị đăng ký hoặc cập nhật chỉ tiêu thi đua" + (f": {change.reason}" if change.reason else ".")
            detail_en = "The unit registered or updated its targets."
        cause = ScoreCause(kind="target", event_id=envelope.id, detail_vi=detail_vi, detail_en=detail_en)
        await self.recompute(envelope.tenant, campaign, periods, {registration.unit_id}, cause, envelope.correlationid)

    # -- recomputation ---------------------------------------------------------------------------
    def _withdrawal(self, tenant, campaign, unit, period, status, before, cause, causes, units, correlation_id, cluster):
        """A score that no longer stands (its submission was rejected, its approval revoked):
        announced as withdrawn, so that read models drop it instead of keeping a stale number."""
        key = f"{tenant}/{campaign.campaign_id}"
        score = ScoreComputed(
            submission_id=None,
            campaign_id=campaign.campaign_id,
            unit_id=unit,
            period=period,
            cluster_id=None if cluster in (None, NO_CLUSTER) else cluster,
            criteria_version=campaign.criteria_version,
            campaign_revision=campaign.revision,
            revision=before["revision"] + 1,
            status=ScoreStatus(status),
            withdrawn=True,
            total=0.0,
            max_total=0.0,
            criteria=[],
            cause=_cause_for(unit, units, cause, causes),
            submitted_at=None,
            computed_at=datetime.now(UTC),
        )
        score_key = f"{key}/{unit}/{period}/{status}"
        event = new_event(
            type=SCORE_COMPUTED,
            source=SOURCE,
            tenant=tenant,
            subject=f"{campaign.campaign_id}/{unit}/{period}",
            data=score,
            id=deterministic_id("score", score_key, WITHDRAWN, str(score.revision)),
            correlationid=correlation_id,
        )
        return event, _score_entry(score, WITHDRAWN, event.id)

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
        a criterion compares cluster members; emit the scores whose content changed and store
        them. `cause` is one cause for all, or one per unit (others get a 'cohort' cause).
        Returns how many scores were emitted."""
        return await self.recompute_periods(
            tenant, campaign, {period: (units, cause) for period in periods}, correlation_id
        )

    async def recompute_periods(
        self,
        tenant: str,
        campaign: CampaignDefined,
        jobs: dict[str, tuple[set[str] | None, ScoreCause | dict[str, ScoreCause]]],
        correlation_id: str,
    ) -> int:
        """`recompute` for several periods at once, each with its own units and cause(s): the
        periods' inputs and score digests are read in one query each, and their scores published
        and stored together, so a batch costs a few database commands whatever it spans."""
        if not jobs:
            return 0
        key = f"{tenant}/{campaign.campaign_id}"
        cohort_rule = any(getattr(self.scorers.get(leaf.scorer or ""), "cohort", False) for leaf in leaves_of(campaign.criteria))
        cluster_of = {p.unit_id: p.cluster_id or NO_CLUSTER for p in campaign.participants}
        members: dict[str, list[str]] = defaultdict(list)
        for unit_id, cluster in cluster_of.items():
            members[cluster].append(unit_id)
        registrations = await self._registrations(tenant, campaign.campaign_id)
        periods = sorted(jobs)
        scope: dict = {"campaign_key": key, "period": {"$in": periods}}
        if not cohort_rule and all(units is not None for units, _ in jobs.values()):
            scope["unit_id"] = {"$in": sorted(set().union(*(units for units, _ in jobs.values())))}
        inputs: dict[str, dict[str, dict]] = defaultdict(dict)
        async for d in self.db.inputs.find(scope):
            inputs[d["period"]][d["unit_id"]] = d
        # one index document per campaign, period and status holds every unit's score digest: a
        # rescoring writes a handful of documents instead of one per unit
        index: dict[str, dict[str, dict]] = defaultdict(dict)
        async for d in self.db.score_index.find({"campaign_key": key, "period": {"$in": periods}}):
            index[d["period"]][d["status"]] = d.get("units", {})
        events: list[tuple[Envelope, str]] = []
        documents = []
        for period in periods:
            units, cause = jobs[period]
            period_events, writes = self._score_period(
                tenant, campaign, period, units, cause, correlation_id, inputs[period], index[period],
                registrations, cohort_rule, cluster_of, members,
            )
            events += period_events
            # the whole document is replaced (this worker is its only writer): SecantusDB applies
            # a $set of thousands of paths in quadratic time, a replacement in linear time
            documents += [
                ReplaceOne(
                    {"_id": f"{key}/{period}/{status}"},
                    {"campaign_key": key, "period": period, "status": status,
                     "units": {**index[period].get(status, {}), **entries}},
                    upsert=True,
                )
                for status, entries in writes.items()
            ]
        if events:
            # publish before storing: a crash in between re-emits the same ids on redelivery
            await self.publisher.publish_many("scores", events)
            await self.db.score_index.bulk_write(documents, ordered=False)
        log.info("scores recomputed", campaign=key, periods=len(periods), emitted=len(events))
        return len(events)

    def _score_period(
        self, tenant, campaign, period, units, cause, correlation_id, inputs, index, registrations, cohort_rule,
        cluster_of, members,
    ) -> tuple[list[tuple[Envelope, str]], dict[str, dict]]:
        """The score events of one period whose content changed, and the index entries to store."""
        causes = cause if isinstance(cause, dict) else None
        key = f"{tenant}/{campaign.campaign_id}"
        clusters = {cluster_of[u] for u in units if u in cluster_of} if units is not None else set(members)
        default_targets = resolve_targets(campaign, None, period)  # the same for every unregistered unit
        existing = {(entry["unit_id"], status): entry for status, held in index.items() for entry in held.values()}
        events: list[tuple[Envelope, str]] = []
        writes: dict[str, dict] = defaultdict(dict)
        computed: set[tuple[str, str]] = set()
        for cluster in sorted(clusters):
            reported = [u for u in members[cluster] if u in inputs and not inputs[u].get("rejected")
                        and (cohort_rule or units is None or u in units)]
            if not reported:
                continue
            for status in (ScoreStatus.provisional, ScoreStatus.verified):
                cohort = [u for u in reported if status == ScoreStatus.provisional or inputs[u].get("verified")]
                if not cohort:
                    continue
                states = [
                    UnitState(
                        unit_id=u,
                        values={**(inputs[u].get("values") or {}), **(inputs[u].get("ratings") or {})},
                        targets=resolve_targets(campaign, registrations[u], period)
                        if u in registrations else default_targets,
                    )
                    for u in cohort
                ]
                results = score_cohort(campaign, states, self.scorers)
                for u in cohort:
                    computed.add((u, status.value))
                    result, doc = results[u], inputs[u]
                    cluster_id = None if cluster == NO_CLUSTER else cluster
                    digest = content_digest(campaign.criteria_version, doc.get("submission_id"), status.value,
                                            cluster_id, result)
                    before = existing.get((u, status.value))
                    if before and before.get("hash") == digest:
                        continue  # unchanged: nothing to tell anyone
                    score = ScoreComputed(
                        submission_id=doc.get("submission_id"),
                        campaign_id=campaign.campaign_id,
                        unit_id=u,
                        period=period,
                        cluster_id=cluster_id,
                        criteria_version=campaign.criteria_version,
                        campaign_revision=campaign.revision,
                        registration_revision=registrations[u].revision if u in registrations else 0,
                        revision=(before["revision"] + 1) if before else 1,
                        status=status,
                        total=result.total,
                        max_total=result.max_total,
                        criteria=result.lines,
                        cause=_cause_for(u, units, cause, causes),
                        submitted_at=doc.get("submitted_at"),
                        computed_at=datetime.now(UTC),
                    )
                    score_key = f"{key}/{u}/{period}/{status.value}"
                    event = new_event(
                        type=SCORE_COMPUTED,
                        source=SOURCE,
                        tenant=tenant,
                        subject=f"{campaign.campaign_id}/{u}/{period}",
                        data=score,
                        id=deterministic_id("score", score_key, digest),
                        correlationid=correlation_id,
                    )
                    events.append((event, key))
                    writes[status.value][unit_field(u)] = _score_entry(score, digest, event.id)
        in_scope = {u for c in clusters for u in members[c] if units is None or cohort_rule or u in units}
        for (u, status), before in existing.items():
            if u in in_scope and (u, status) not in computed and before.get("hash") != WITHDRAWN:
                event, entry = self._withdrawal(tenant, campaign, u, period, status, before, cause, causes,
                                                units, correlation_id, cluster_of.get(u))
                events.append((event, key))
                writes[status][unit_field(u)] = entry
        return events, writes


WITHDRAWN = "withdrawn"


def _score_entry(score: ScoreComputed, digest: str, event_id: str) -> dict:
    """What scoring keeps of a score: enough to tell whether a recomputation changed it. The
    score itself, with its explanation, lives in the event and in reporting's read model."""
    return {
        "unit_id": score.unit_id,
        "submission_id": score.submission_id,
        "total": score.total,
        "revision": score.revision,
        "hash": digest,
        "event_id": event_id,
    }


def _cause_for(unit: str, units: set[str] | None, cause, causes: dict[str, ScoreCause] | None) -> ScoreCause:
    if causes is not None:
        return causes.get(unit) or _cohort_cause(next(iter(causes.values())))
    return cause if (units is None or unit in units) else _cohort_cause(cause)


def _cohort_cause(cause: ScoreCause) -> ScoreCause:
    return ScoreCause(
        kind="cohort",
        event_id=cause.event_id,
        detail_vi="Điểm được tính lại vì kết quả của cụm thi đua thay đổi (tiêu chí so sánh giữa các đơn vị trong cụm): "
        + cause.detail_vi,
        detail_en="Recomputed because results in the cluster changed (a criterion compares cluster members): "
        + cause.detail_en,
    )
