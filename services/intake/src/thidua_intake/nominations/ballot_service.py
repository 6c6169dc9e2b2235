"""issue 11: store the council members' ballots and close the vote (rules in ballots.py).

Ballots live in `nomination_ballots`, one document per nomination, round and member; each cast or
change is audited in the same transaction (actor = the member), and repeating the same ballot
writes nothing. Casting and closing both bump one lock document per nomination and round, so a
ballot cast while the vote closes conflicts with it and is retried: it then finds the vote closed.
Closing writes the nomination with its nomination.changed event through the nominations service,
exactly like a recorded count; the event carries the counts (`vote`, and the change's detail says
`method: ballots`), not the ballots: no consumer (reporting's awards projection, notify) needs them."""

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.errors import NotFound

from ..commendation_config import service as config_service
from ..uow import UnitOfWork
from . import ballots, service
from .ballots import BallotWrite, Tally, VoteClose
from .models import NominationPublic
from .rules import Actor

BALLOT_CAST = "vn.thidua.nomination.ballot_cast.v1"


def ballot_key(tenant: str, nomination_id: str, round_: int, member: str) -> str:
    return f"{tenant}/{nomination_id}/{round_}/{member}"


async def _box(
    db: AsyncDatabase, tenant: str, nomination_id: str, round_: int | None, session: AsyncClientSession | None = None
) -> list[dict[str, Any]]:
    if round_ is None:
        return []
    query = {"tenant": tenant, "nomination_id": nomination_id, "round": round_}
    return await db.nomination_ballots.find(query, session=session).sort("_id", 1).to_list(None)


async def _lock(db: AsyncDatabase, session: AsyncClientSession, tenant: str, nomination_id: str, round_: int) -> None:
    await db.nomination_vote_locks.update_one(
        {"_id": f"{tenant}/{nomination_id}/{round_}"}, {"$inc": {"writes": 1}}, upsert=True, session=session
    )


async def _nomination(db: AsyncDatabase, tenant: str, nomination_id: str, session: AsyncClientSession | None) -> dict:
    doc = await db.nominations.find_one({"_id": service.nomination_key(tenant, nomination_id)}, session=session)
    if doc is None:
        raise NotFound("nomination.unknown", id=nomination_id)
    return doc


async def tally(db: AsyncDatabase, tenant: str, nomination_id: str, actor: Actor) -> Tally:
    doc = await _nomination(db, tenant, nomination_id, None)
    config = await config_service.require(db, tenant)
    award = service._award_of(config, doc)
    last = ballots.last_round(doc, award)
    box = await _box(db, tenant, nomination_id, last[1] if last else None)
    return ballots.tally(doc, award, box, config.council_members, actor)


async def cast(uow: UnitOfWork, tenant: str, nomination_id: str, body: BallotWrite, actor: Actor) -> Tally:
    db = uow.db

    async def work(session: AsyncClientSession) -> None:
        doc = await _nomination(db, tenant, nomination_id, session)
        config = await config_service.require(db, tenant, session)
        award = service._award_of(config, doc)
        found = ballots.open_round(doc, award)
        box = await _box(db, tenant, nomination_id, found[1] if found else None, session)
        ballot = ballots.cast(doc, award, body, actor, box, config.council_members, datetime.now(UTC))
        if ballot is None:  # the same ballot again: nothing to write, nothing to audit
            return
        await _lock(db, session, tenant, nomination_id, ballot["round"])
        key = ballot_key(tenant, nomination_id, ballot["round"], actor.subject)
        stored = {"_id": key, "tenant": tenant, "nomination_id": nomination_id, **ballot}
        await db.nomination_ballots.replace_one({"_id": key}, stored, upsert=True, session=session)
        uow.record_change(
            tenant=tenant,
            action=BALLOT_CAST,
            subject=nomination_id,
            actor=actor.subject,
            reason=ballot["comment"],
            data={k: v for k, v in stored.items() if k != "_id"},
        )

    await uow.run(work)
    return await tally(db, tenant, nomination_id, actor)


async def close(
    uow: UnitOfWork, tenant: str, nomination_id: str, body: VoteClose, actor: Actor, now: datetime | None = None
) -> NominationPublic:
    db = uow.db

    async def work(session: AsyncClientSession) -> dict:
        current = await _nomination(db, tenant, nomination_id, session)
        service._check_revision(current, body.expected_revision)
        config = await config_service.require(db, tenant, session)
        award = service._award_of(config, current)
        found = ballots.open_round(current, award)
        round_ = found[1] if found else None
        if round_ is not None:
            await _lock(db, session, tenant, nomination_id, round_)
        box = await _box(db, tenant, nomination_id, round_, session)
        flags = await config_service.flags(db, tenant, current["nominee"]["unit_id"], True, session)
        moment = now or datetime.now(UTC)
        outcome = ballots.close(
            current, award, body, actor, box, config.council_members, moment, config.holiday_dates, flags
        )
        return await service._save(uow, session, tenant, current, outcome, config, moment)

    return service.public(await uow.run(work))
