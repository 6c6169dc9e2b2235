"""Liveness: one campaign that cannot be scored must never stop scoring for everyone.

faust acknowledges a batch once the agent returns, so scoring retries a failing batch until it
succeeds. That is right for an outage (the database or Kafka away: nothing is lost, scoring just
pauses) and wrong for a failure that repeats whatever happens (a definition no scorer can use, a
plugin that raises on one campaign's values): retried forever, it stops every campaign of every
tenant on the partition. So a failure is classified (`classify`):

- transient (MongoDB or Kafka unreachable, timeouts): retried with backoff, never counted;
- definite (the campaign definition fails validation or the scorers' parameter models): the
  campaign is quarantined at once;
- anything else: retried a few times (REPEATS) on the same event, then the campaign is quarantined.

A failed batch is split by campaign: the other campaigns' events are applied as usual, and the
failing campaign's events one at a time, which finds the offending event. Quarantining a campaign
records it (with the reason) in scoring's database, copies the offending record to the scoring
dead-letter topic (its value, key and headers as read, byte for byte, with the reason in added
headers), keeps it and every later event of the campaign (`held`), and tells the board (a
`scoring.campaign_quarantined` event, which notify mails). A new revision of the campaign
definition is the way out: it is applied with the held events, and when they all go through the
quarantine is lifted; otherwise the campaign stays quarantined with the new reason."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from aiokafka.errors import KafkaError
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure, OperationFailure, WaitQueueTimeoutError

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.envelope import deterministic_id
from thidua_common.contracts.registry import CAMPAIGN_DEFINED, SCORING_CAMPAIGN_QUARANTINED
from thidua_common.contracts.scoring_quarantine import CampaignQuarantined, QuarantineProblem
from thidua_common.http.errors import FieldError, from_pydantic
from thidua_common.i18n import t
from thidua_common.kafka.client import encode_event
from thidua_common.logging import get_logger

log = get_logger(__name__)

SOURCE = "/thidua/scoring"
REPEATS = 3  # failures in a row of one event, not known to be transient, before quarantine
RETRY_DELAY_S = 0.1  # between those attempts: a second at most before the campaign is set aside
MAX_BACKOFF_S = 30.0  # transient failures: 0.5 s, doubling, at most this


class UnscorableCampaign(Exception):
    """The campaign definition parses but its scorers cannot use it (parameters, storable values)."""

    def __init__(self, problems: list[FieldError]):
        super().__init__("; ".join(f"{p.field}: {p.render('en')['reason']}" for p in problems))
        self.problems = problems


class Failure(StrEnum):
    transient = "transient"  # wait and retry, for as long as it takes
    definite = "definite"  # quarantine now
    suspect = "suspect"  # retry; quarantine after REPEATS in a row


# MongoDB server errors that mean "not now" rather than "never": shutting down, stepping down,
# no primary, interrupted, time limit
_TRANSIENT_CODES = {6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436}


def classify(exc: BaseException) -> Failure:
    if isinstance(exc, ConnectionFailure | WaitQueueTimeoutError | KafkaError | OSError | TimeoutError):
        return Failure.transient
    if isinstance(exc, OperationFailure) and (
        exc.code in _TRANSIENT_CODES
        or exc.has_error_label("TransientTransactionError")
        or exc.has_error_label("RetryableWriteError")
    ):
        return Failure.transient
    if isinstance(exc, UnscorableCampaign | ValidationError):
        return Failure.definite
    return Failure.suspect


def decide(failure: Failure, attempts: int, repeats: int = REPEATS) -> str:
    """After the `attempts`-th failure (counted from 1) of one event: 'wait' (transient, not
    counted), 'retry' or 'quarantine'."""
    if failure == Failure.transient:
        return "wait"
    if failure == Failure.definite or attempts >= repeats:
        return "quarantine"
    return "retry"


def campaign_key(envelope: Envelope) -> str:
    """Every event scoring reads names its campaign: the unit of quarantine."""
    campaign_id = envelope.data.get("campaign_id")
    return f"{envelope.tenant}/{campaign_id if isinstance(campaign_id, str) else '?'}"


def replay_order(envelopes: list[Envelope]) -> list[Envelope]:
    """What to apply when a campaign resumes: the definition that arrived last first (the
    correction; intake numbers revisions, but another writer may have reused or skipped a
    number), then the other held events in arrival order. Earlier definitions are left out:
    each carries the whole definition, and replaying the bad one (or scoring held events under
    it) would only fail again."""
    definitions = [e for e in envelopes if e.type == CAMPAIGN_DEFINED]
    if not definitions:
        return list(envelopes)
    return [definitions[-1], *(e for e in envelopes if e.type != CAMPAIGN_DEFINED)]


def _revision(envelope: Envelope) -> int:
    revision = envelope.data.get("revision")
    return revision if isinstance(revision, int) and not isinstance(revision, bool) else 0


@dataclass
class Reason:
    code: str
    problems: list[FieldError] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return t(self.code, lang, **self.params)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message("vi"),
            "message_en": self.message("en"),
            "errors": [{**p.render("vi"), "reason_en": p.render("en")["reason"]} for p in self.problems],
        }


def reason_for(exc: BaseException, offender: Envelope, attempts: int) -> Reason:
    """Why the campaign is quarantined, in both languages, naming criteria and parameters."""
    key = campaign_key(offender)
    revision = _revision(offender) if offender.type == CAMPAIGN_DEFINED else None
    problems: list[FieldError] = []
    if isinstance(exc, UnscorableCampaign):
        problems = exc.problems
    elif isinstance(exc, ValidationError) and offender.type == CAMPAIGN_DEFINED:
        problems = [from_pydantic(e) for e in exc.errors(include_url=False)]
    if problems:
        listed = "; ".join(f"{p.field}" for p in problems[:10])
        return Reason(
            "scoring.quarantine.definition",
            problems,
            {"campaign": key, "revision": revision or "?", "problems": listed},
        )
    error = f"{type(exc).__name__}: {exc}"[:500]
    return Reason(
        "scoring.quarantine.repeated",
        [],
        {"campaign": key, "attempts": attempts, "event_type": offender.type, "error": error},
    )


class QuarantineStore:
    """Scoring's record of quarantined campaigns and the events it holds for them (MongoDB)."""

    def __init__(self, db):
        self.db = db
        self._indexed = False

    async def setup(self) -> None:
        """The index of held events, made when a campaign is first quarantined rather than at
        start (most workers never need it; a start stays as quick as before)."""
        if not self._indexed:
            await self.db.held.create_index([("campaign_key", 1), ("seq", 1)])
            self._indexed = True

    async def quarantined(self, keys: set[str]) -> set[str]:
        if not keys:
            return set()
        return {d["_id"] async for d in self.db.quarantined_campaigns.find({"_id": {"$in": sorted(keys)}}, {"_id": 1})}

    async def record(self, key: str, doc: dict) -> None:
        now = datetime.now(UTC)
        await self.db.quarantined_campaigns.update_one(
            {"_id": key}, {"$set": {**doc, "updated_at": now}, "$setOnInsert": {"since": now}}, upsert=True
        )

    async def hold(self, key: str, envelopes: list[Envelope], origins: dict[str, dict] | None = None) -> None:
        """Keep events for later, in arrival order; a redelivered event keeps its first place.
        Kept as JSON text: an offending event may hold what BSON cannot (an integer beyond 64
        bits, a key with a NUL byte), and holding it must not fail like applying it did."""
        await self.setup()
        base = time.time_ns()
        for index, envelope in enumerate(envelopes):
            await self.db.held.update_one(
                {"_id": f"{key}|{envelope.id}"},
                {
                    "$setOnInsert": {
                        "campaign_key": key,
                        "seq": base + index,
                        "envelope": envelope.model_dump_json(),
                        "origin": _where((origins or {}).get(envelope.id)),
                    }
                },
                upsert=True,
            )

    async def held(self, key: str) -> list[Envelope]:
        return [
            Envelope.model_validate_json(d["envelope"])
            async for d in self.db.held.find({"campaign_key": key}).sort("seq", 1)
        ]

    async def held_count(self, key: str) -> int:
        return await self.db.held.count_documents({"campaign_key": key})

    async def release(self, key: str, envelopes: list[Envelope]) -> None:
        await self.db.held.delete_many({"_id": {"$in": [f"{key}|{e.id}" for e in envelopes]}})

    async def lift(self, key: str) -> None:
        await self.db.quarantined_campaigns.delete_one({"_id": key})

    async def offending_revision(self, key: str) -> int | None:
        """The revision of the definition that quarantined the campaign (None: another event did)."""
        doc = await self.db.quarantined_campaigns.find_one({"_id": key}, {"revision": 1})
        revision = (doc or {}).get("revision")
        return revision if isinstance(revision, int) else None

    async def all(self) -> list[dict]:
        out = []
        async for doc in self.db.quarantined_campaigns.find({}).sort("_id", 1):
            doc["held_events"] = await self.held_count(doc["_id"])
            out.append(doc)
        return out


def _where(origin: dict[str, Any] | None) -> dict[str, Any] | None:
    """Where a record was read (topic, partition, offset), without its bytes (kept for the
    dead-letter topic only)."""
    return {k: origin[k] for k in ("topic", "partition", "offset") if k in origin} if origin else None


class Publisher(Protocol):
    """What quarantine needs of Kafka (a fake in unit tests)."""

    async def publish(self, topic_key: str, event: Envelope, key: str) -> None: ...

    async def send_raw(
        self, topic_key: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None: ...


Apply = Callable[[list[Envelope]], Awaitable[None]]


class Guard:
    """Applies batches through `apply` (ScoringService.apply_batch), quarantining per campaign."""

    def __init__(
        self,
        apply: Apply,
        store: QuarantineStore,
        publisher: Publisher,
        *,
        repeats: int = REPEATS,
        retry_delay: float = RETRY_DELAY_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.apply, self.store, self.publisher = apply, store, publisher
        self.repeats, self.retry_delay, self.sleep = repeats, retry_delay, sleep
        # event id → topic, partition, offset, and the record's value, key and headers as read (for dead letters)
        self.origins: dict[str, dict] = {}
        self.quarantines = 0  # since start, for /metrics
        self.resumes = 0
        # issue 12: dead letters — written since start, by reason code (thidua_dead_letters_total)
        self.dead_letters: dict[str, int] = {}
        # both agents (campaigns, submissions) share one guard: one batch at a time, as in apply_batch
        self.lock = asyncio.Lock()

    async def run(self, envelopes: list[Envelope], origins: dict[str, dict] | None = None) -> None:
        async with self.lock:
            self.origins = origins or {}
            await self._run(envelopes)

    async def _run(self, envelopes: list[Envelope]) -> None:
        groups: dict[str, list[Envelope]] = {}
        for envelope in envelopes:
            groups.setdefault(campaign_key(envelope), []).append(envelope)
        quarantined = await self._until_done(lambda: self.store.quarantined(set(groups)))
        healthy = [e for e in envelopes if campaign_key(e) not in quarantined]
        if healthy and not await self._whole(healthy):
            # something in the batch fails for good: campaign by campaign, so the others go on
            for key, items in groups.items():
                if key not in quarantined:
                    await self._group(key, items)
        for key in groups.keys() & quarantined:
            await self._while_quarantined(key, groups[key])

    async def _whole(self, envelopes: list[Envelope], campaign: str | None = None) -> bool:
        """Apply the batch (or one campaign's part of it), waiting out transient failures; False
        when it fails otherwise."""
        delay = 0.5
        while True:
            try:
                await self.apply(envelopes)
                return True
            except Exception as exc:
                if classify(exc) != Failure.transient:
                    then = "event by event" if campaign else "campaign by campaign"
                    log.warning(f"scoring batch failed; applying it {then}", campaign=campaign, error=repr(exc)[:300])
                    return False
                log.exception("scoring batch failed; retrying", retry_in_s=delay)
                await self.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)

    async def _group(self, key: str, envelopes: list[Envelope]) -> bool:
        """One campaign's events: together, else one by one to find the offender. True when all
        went through, False when the campaign ended up quarantined."""
        if await self._whole(envelopes, key):
            return True
        for index, envelope in enumerate(envelopes):
            attempts, delay = 0, 0.5
            while True:
                try:
                    await self.apply([envelope])
                    break
                except Exception as exc:
                    failure = classify(exc)
                    attempts += failure != Failure.transient
                    action = decide(failure, max(attempts, 1), self.repeats)
                    if action == "quarantine":
                        await self._quarantine(key, envelope, envelopes[index + 1 :], exc, attempts)
                        return False
                    log.warning(
                        "event failed; retrying",
                        campaign=key,
                        event_id=envelope.id,
                        action=action,
                        attempts=attempts,
                        error=repr(exc)[:300],
                    )
                    await self.sleep(self.retry_delay if action == "retry" else delay)
                    if action == "wait":
                        delay = min(delay * 2, MAX_BACKOFF_S)
        return True

    async def _while_quarantined(self, key: str, envelopes: list[Envelope]) -> None:
        """Events of a quarantined campaign are held; a new definition may lift the quarantine."""
        await self._until_done(lambda: self.store.hold(key, envelopes, self.origins))
        if await self._corrects(key, envelopes):
            await self.resume(key)
        elif not await self._until_done(lambda: self.store.quarantined({key})):
            await self.resume(key)  # lifted by another worker while these were being held

    async def _corrects(self, key: str, envelopes: list[Envelope]) -> bool:
        """Whether these events bring a correction: a definition at least as new as the one that
        quarantined the campaign. An older revision arriving late (another writer's, delayed) is
        held with the rest, never taken for the correction: it would score under a definition
        the campaign has moved past. Intake numbers its next revision after the last it wrote,
        which may equal a foreign writer's bad revision: equal counts as a correction."""
        revisions = [_revision(e) for e in envelopes if e.type == CAMPAIGN_DEFINED]
        if not revisions:
            return False
        offending = await self._until_done(lambda: self.store.offending_revision(key))
        return offending is None or max(revisions) >= offending

    async def resume(self, key: str) -> bool:
        """Apply what is held for the campaign, oldest first (superseded definitions left out);
        lift the quarantine when all of it went through."""
        while True:
            held = await self._until_done(lambda: self.store.held(key))
            if not held:
                await self._until_done(lambda: self.store.lift(key))
                return True
            replay = replay_order(held)
            if not await self._group(key, replay):
                return False  # quarantined again, with the new reason
            await self._until_done(lambda: self.store.lift(key))
            await self._until_done(lambda: self.store.release(key, held))
            self.resumes += 1
            log.info("campaign resumed: quarantine lifted", campaign=key, replayed=len(replay))
            # held by another worker meanwhile? the loop applies those too

    async def _quarantine(
        self, key: str, offender: Envelope, rest: list[Envelope], exc: BaseException, attempts: int
    ) -> None:
        reason = reason_for(exc, offender, attempts)
        tenant, _, campaign_id = key.partition("/")

        async def act() -> None:
            await self.store.record(
                key,
                {
                    "tenant": tenant,
                    "campaign_id": campaign_id,
                    "reason": reason.as_dict(),
                    "error": repr(exc)[:2000],
                    "revision": _revision(offender) if offender.type == CAMPAIGN_DEFINED else None,
                    "offending_event_ids": [offender.id],
                    "offending_event_types": [offender.type],
                    "attempts": attempts,
                },
            )
            await self.store.hold(key, [offender, *rest], self.origins)
            await self._dead_letter(key, offender, reason)
            await self._alert(key, offender, reason, attempts)

        await self._until_done(act)
        self.quarantines += 1
        log.error(
            "campaign quarantined: its events are held until a corrected revision arrives",
            campaign=key,
            event_id=offender.id,
            event_type=offender.type,
            reason=reason.as_dict()["message_en"],
        )

    async def _dead_letter(self, key: str, offender: Envelope, reason: Reason) -> None:
        origin = self.origins.get(offender.id) or {}
        if origin.get("value") is not None:
            # the record as it came, byte for byte (value, key, headers): re-encoding the decoded
            # event would change what failed (an Infinity reads back as null), as in intake's DLQ
            value, record_key, headers = origin["value"], origin.get("key") or key.encode(), origin.get("headers") or []
        else:
            # not read in this batch (a held event applied again on resume): only its decoded form is left
            (value, headers), record_key = encode_event(offender), key.encode()
        headers = [
            *headers,
            ("dlq_reason", json.dumps(reason.as_dict(), ensure_ascii=False).encode()),
            ("dlq_campaign", key.encode()),
            ("dlq_source_topic", str(origin.get("topic", "")).encode()),
            ("dlq_source_partition", str(origin.get("partition", "")).encode()),
            ("dlq_source_offset", str(origin.get("offset", "")).encode()),
            ("dlq_failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        await self.publisher.send_raw("scoring_dlq", value, record_key, headers)
        self.dead_letters[reason.code] = self.dead_letters.get(reason.code, 0) + 1

    async def _alert(self, key: str, offender: Envelope, reason: Reason, attempts: int) -> None:
        name = offender.data.get("name_vi") if offender.type == CAMPAIGN_DEFINED else None
        alert = CampaignQuarantined(
            campaign_id=key.partition("/")[2],
            campaign_name_vi=name if isinstance(name, str) else "",
            revision=(_revision(offender) or None) if offender.type == CAMPAIGN_DEFINED else None,
            reason_code=reason.code,
            reason_vi=reason.message("vi"),
            reason_en=reason.message("en"),
            problems=[
                QuarantineProblem(
                    field=p.field, code=p.key, reason_vi=p.render("vi")["reason"], reason_en=p.render("en")["reason"]
                )
                for p in reason.problems
            ],
            offending_event_ids=[offender.id],
            offending_event_types=[offender.type],
            attempts=max(attempts, 1),
            held_events=await self.store.held_count(key),
            quarantined_at=datetime.now(UTC),
        )
        event = new_event(
            type=SCORING_CAMPAIGN_QUARANTINED,
            source=SOURCE,
            tenant=offender.tenant,
            subject=alert.campaign_id,
            data=alert,
            id=deterministic_id("scoring-quarantine", key, offender.id),
            correlationid=offender.correlationid,
        )
        await self.publisher.publish("scores", event, key)

    async def _until_done(self, step: Callable[[], Awaitable]):
        """Run a bookkeeping step until it succeeds (an outage pauses scoring). It only reads and
        writes plain documents and JSON text, so only an outage is expected to fail it; whatever
        fails it is retried, never raised: faust would take a raised error as done."""
        delay = 0.5
        while True:
            try:
                return await step()
            except Exception as exc:
                log.warning(
                    "quarantine bookkeeping failed; retrying",
                    retry_in_s=delay,
                    error=repr(exc)[:300],
                    transient=classify(exc) == Failure.transient,
                )
                await self.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)
