"""The recompute plan: given what changed (periods, units, causes) and what scoring holds (inputs,
registrations, the digests of the scores already told), which cohorts to score and which score
events result. Pure: no I/O, the clock passed in; the service reads and writes around it (store.py).

A score event's id derives from its content, and a score is emitted only when its content changes,
so redelivery never double-counts and a replay reaches exactly the live result."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.campaign import CampaignDefined, leaves_of
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.registration import RegistrationChanged
from thidua_common.contracts.registry import SCORE_COMPUTED
from thidua_common.contracts.score import ScoreCause, ScoreComputed, ScoreStatus

from . import causes
from .engine import UnitScore, UnitState, resolve_targets, score_cohort
from .scorers import Scorer

SOURCE = "/thidua/scoring"
NO_CLUSTER = "_"
WITHDRAWN = "withdrawn"  # the digest a withdrawn score is indexed with


def scoring_fingerprint(campaign: CampaignDefined) -> str:
    """The parts of a campaign that change scores; other edits (names, status) trigger nothing."""
    relevant = {
        "criteria_version": campaign.criteria_version,
        "criteria": [c.model_dump(mode="json") for c in campaign.criteria],
        "max_total": campaign.max_total,
        "members": sorted((p.unit_id, p.cluster_id or NO_CLUSTER) for p in campaign.participants),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def content_digest(
    criteria_version: int, submission_id: str | None, status: str, cluster: str | None, result: UnitScore
) -> str:
    """What a score says, as a hash: a recomputation that gives the same digest changes nothing
    (and the digest makes the score event's id, so a repeat is recognised downstream)."""
    body = [criteria_version, submission_id, status, cluster, result.total, result.max_total, result.lines]
    return hashlib.sha256(json.dumps(body, separators=(",", ":"), default=str).encode()).hexdigest()[:32]


def unit_field(unit_id: str) -> str:
    """A unit id as a MongoDB field name (ids may contain dots)."""
    return unit_id.replace("%", "%25").replace(".", "%2E")


@dataclass
class Job:
    """One period to recompute: `units` (every unit when None) and why — one cause for all, or one
    per unit; a unit recomputed only as a member of a changed cohort gets a 'cohort' cause."""

    units: set[str] | None
    cause: ScoreCause | dict[str, ScoreCause]

    def cause_for(self, unit: str) -> ScoreCause:
        if isinstance(self.cause, dict):
            return self.cause.get(unit) or causes.cohort(next(iter(self.cause.values())))
        return self.cause if (self.units is None or unit in self.units) else causes.cohort(self.cause)


@dataclass
class Cohorts:
    """A campaign's shape as recomputation needs it: the clusters and whether any criterion
    compares cluster members (then a change to one unit rescores its whole cluster)."""

    campaign: CampaignDefined
    cohort_rule: bool
    cluster_of: dict[str, str]
    members: dict[str, list[str]]

    @classmethod
    def of(cls, campaign: CampaignDefined, scorers: dict[str, Scorer]) -> "Cohorts":
        cohort_rule = any(
            getattr(scorers.get(leaf.scorer or ""), "cohort", False) for leaf in leaves_of(campaign.criteria)
        )
        cluster_of = {p.unit_id: p.cluster_id or NO_CLUSTER for p in campaign.participants}
        members: dict[str, list[str]] = defaultdict(list)
        for unit_id, cluster in cluster_of.items():
            members[cluster].append(unit_id)
        return cls(campaign, cohort_rule, cluster_of, dict(members))

    def input_units(self, jobs: dict[str, Job]) -> list[str] | None:
        """The units whose inputs the plan needs, or None for every unit of the periods."""
        if self.cohort_rule or any(job.units is None for job in jobs.values()):
            return None
        return sorted(set().union(*(job.units for job in jobs.values() if job.units is not None)))

    def clusters(self, units: set[str] | None) -> set[str]:
        return {self.cluster_of[u] for u in units if u in self.cluster_of} if units is not None else set(self.members)

    def in_scope(self, unit: str, units: set[str] | None) -> bool:
        return units is None or self.cohort_rule or unit in units


@dataclass
class PeriodPlan:
    """A period's outcome: the score events to publish and the index entries (status → unit field
    → entry) to store with them."""

    events: list[Envelope] = field(default_factory=list)
    entries: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))


@dataclass
class Planner:
    tenant: str
    cohorts: Cohorts
    scorers: dict[str, Scorer]
    correlation_id: str
    now: datetime

    @property
    def campaign(self) -> CampaignDefined:
        return self.cohorts.campaign

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.campaign.campaign_id}"

    def period(
        self,
        period: str,
        job: Job,
        inputs: dict[str, dict],
        index: dict[str, dict],
        registrations: dict[str, RegistrationChanged],
    ) -> PeriodPlan:
        """The score events of one period whose content changed, and the withdrawals of scores that
        no longer stand. `inputs`: unit → stored input; `index`: status → unit field → entry."""
        campaign, cohorts = self.campaign, self.cohorts
        default_targets = resolve_targets(campaign, None, period)  # the same for every unregistered unit
        existing = {(entry["unit_id"], status): entry for status, held in index.items() for entry in held.values()}
        plan = PeriodPlan()
        computed: set[tuple[str, str]] = set()
        clusters = cohorts.clusters(job.units)
        for cluster in sorted(clusters):
            reported = [
                u
                for u in cohorts.members[cluster]
                if u in inputs and not inputs[u].get("rejected") and cohorts.in_scope(u, job.units)
            ]
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
                        if u in registrations
                        else default_targets,
                    )
                    for u in cohort
                ]
                results = score_cohort(campaign, states, self.scorers)
                for u in cohort:
                    computed.add((u, status.value))
                    before = existing.get((u, status.value))
                    self._score(plan, period, job, u, status, cluster, results[u], inputs[u], before, registrations)
        for (u, stored_status), before in existing.items():
            if (
                cohorts.cluster_of.get(u) in clusters
                and cohorts.in_scope(u, job.units)
                and (u, stored_status) not in computed
                and before.get("hash") != WITHDRAWN
            ):
                self._withdraw(plan, period, job, u, stored_status, before)
        return plan

    def _score(self, plan, period, job, unit, status, cluster, result, doc, before, registrations) -> None:
        campaign = self.campaign
        cluster_id = None if cluster == NO_CLUSTER else cluster
        digest = content_digest(campaign.criteria_version, doc.get("submission_id"), status.value, cluster_id, result)
        if before and before.get("hash") == digest:
            return  # unchanged: nothing to tell anyone
        score = ScoreComputed(
            submission_id=doc.get("submission_id"),
            campaign_id=campaign.campaign_id,
            unit_id=unit,
            period=period,
            cluster_id=cluster_id,
            criteria_version=campaign.criteria_version,
            campaign_revision=campaign.revision,
            registration_revision=registrations[unit].revision if unit in registrations else 0,
            revision=(before["revision"] + 1) if before else 1,
            status=status,
            total=result.total,
            max_total=result.max_total,
            criteria=result.lines,
            cause=job.cause_for(unit),
            submitted_at=doc.get("submitted_at"),
            computed_at=self.now,
        )
        event = self._event(score, deterministic_id("score", f"{self.key}/{unit}/{period}/{status.value}", digest))
        plan.events.append(event)
        plan.entries[status.value][unit_field(unit)] = score_entry(score, digest, event.id)

    def _withdraw(self, plan, period, job, unit, status, before) -> None:
        """A score that no longer stands (its submission was rejected, its approval revoked):
        announced as withdrawn, so that read models drop it instead of keeping a stale number."""
        campaign = self.campaign
        cluster = self.cohorts.cluster_of.get(unit)
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
            cause=job.cause_for(unit),
            submitted_at=None,
            computed_at=self.now,
        )
        score_key = f"{self.key}/{unit}/{period}/{status}"
        event = self._event(score, deterministic_id("score", score_key, WITHDRAWN, str(score.revision)))
        plan.events.append(event)
        plan.entries[status][unit_field(unit)] = score_entry(score, WITHDRAWN, event.id)

    def _event(self, score: ScoreComputed, event_id: str) -> Envelope:
        return new_event(
            type=SCORE_COMPUTED,
            source=SOURCE,
            tenant=self.tenant,
            subject=f"{score.campaign_id}/{score.unit_id}/{score.period}",
            data=score,
            id=event_id,
            correlationid=self.correlation_id,
        )


def score_entry(score: ScoreComputed, digest: str, event_id: str) -> dict:
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
