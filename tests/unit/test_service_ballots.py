"""issue 11: ballots — the ballot service on a fake unit of work: each ballot is stored and audited
with the member as actor, the same ballot twice writes nothing, closing writes the nomination with
its nomination.changed event (the counts, method ballots) and a refusal writes nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from thidua_common.errors import Conflict, Forbidden
from thidua_intake.commendation_config import service as config_service
from thidua_intake.commendation_config.models import ConfigWrite
from thidua_intake.nominations import ballot_service
from thidua_intake.nominations import service as nominations
from thidua_intake.nominations.ballots import BallotWrite, VoteClose
from thidua_intake.nominations.models import ActionWrite
from thidua_intake.nominations.rules import Actor

from .service_fixtures import TENANT, fresh_uow
from .test_nomination_rules import BOARD, award
from .test_service_nominations import OFFICER, filing


def member(n: int) -> Actor:
    return Actor(f"thanh-vien-{n}", frozenset({"council_member"}), None)


async def configured(council_members: int | None = 3):
    uow = fresh_uow()
    config = ConfigWrite(award_kinds=[award(rules=[], required_documents=[], disclosure_days=0)],
                         council_members=council_members)
    await config_service.put(uow, TENANT, config, "can-bo-ban")
    return uow


async def at_vote(uow) -> str:
    filed = await nominations.create(uow, TENANT, filing(), OFFICER)
    nid = filed.nomination_id
    later = datetime.now(UTC) + timedelta(days=1)
    await nominations.act(uow, TENANT, nid, ActionWrite(action="pass"), BOARD, later)
    moved = await nominations.act(uow, TENANT, nid, ActionWrite(action="pass"), BOARD, later)
    assert moved.stage == "hoi-dong"
    return nid


async def test_the_configuration_keeps_the_council_size():
    uow = await configured(7)
    assert (await config_service.get(uow.db, TENANT)).council_members == 7
    with pytest.raises(ValueError):
        ConfigWrite(award_kinds=[award()], council_members=0)


async def test_a_ballot_is_stored_and_audited_with_the_member_as_actor_and_repeating_it_writes_nothing():
    uow = await configured()
    nid = await at_vote(uow)
    before = len(uow.committed)
    tally = await ballot_service.cast(uow, TENANT, nid, BallotWrite(choice="yes", comment="Xứng đáng"), member(1))
    assert (tally.cast, tally.yes, tally.members, tally.open) == (1, 1, 3, True)
    assert tally.mine.choice == "yes" and tally.mine.comment == "Xứng đáng"
    [record] = uow.audit_only()[-1:]
    assert record["type"] == "vn.thidua.nomination.ballot_cast.v1"
    assert record["subject"] == nid and record["data"]["change"]["by"] == "thanh-vien-1"
    assert (record["data"]["member"], record["data"]["choice"], record["data"]["comment"]) == (
        "thanh-vien-1", "yes", "Xứng đáng"
    )
    assert len(uow.committed) == before + 1
    again = await ballot_service.cast(uow, TENANT, nid, BallotWrite(choice="yes", comment="Xứng đáng"), member(1))
    assert again.cast == 1 and len(uow.committed) == before + 1  # nothing written, nothing audited
    changed = await ballot_service.cast(uow, TENANT, nid, BallotWrite(choice="no"), member(1))
    assert (changed.cast, changed.yes, changed.no) == (1, 0, 1) and len(uow.committed) == before + 2
    assert await uow.db.nomination_ballots.count_documents({}) == 1


async def test_closing_moves_the_nomination_with_its_event_and_no_ballot_after():
    uow = await configured(3)
    nid = await at_vote(uow)
    for n in (1, 2, 3):
        await ballot_service.cast(uow, TENANT, nid, BallotWrite(choice="yes"), member(n))
    with pytest.raises(Forbidden):
        await ballot_service.close(uow, TENANT, nid, VoteClose(), member(1))
    closed = await ballot_service.close(uow, TENANT, nid, VoteClose(), BOARD)
    assert closed.stage == "quyet-dinh" and closed.vote.passed and closed.vote.members == 3
    event = uow.events()[-1]
    assert event["type"] == "vn.thidua.nomination.changed.v1"
    assert event["data"]["change"]["detail"]["method"] == "ballots" and event["data"]["vote"]["yes"] == 3
    committed = len(uow.committed)
    with pytest.raises(Conflict) as caught:
        await ballot_service.cast(uow, TENANT, nid, BallotWrite(choice="no"), member(1))
    assert caught.value.key == "ballot.closed" and len(uow.committed) == committed
    tally = await ballot_service.tally(uow.db, TENANT, nid, BOARD)
    assert (tally.open, tally.yes, tally.result.passed) == (False, 3, True)


async def test_a_vote_below_the_threshold_fails_and_a_refused_close_writes_nothing():
    uow = await configured(None)
    nid = await at_vote(uow)
    await ballot_service.cast(uow, TENANT, nid, BallotWrite(choice="yes"), member(1))
    committed = len(uow.committed)
    with pytest.raises(Conflict) as caught:
        await ballot_service.close(uow, TENANT, nid, VoteClose(), BOARD)
    assert caught.value.key == "ballot.council_size_unset" and len(uow.committed) == committed
    config = await config_service.get(uow.db, TENANT)
    body = ConfigWrite(award_kinds=config.award_kinds, council_members=3)
    await config_service.put(uow, TENANT, body, "can-bo-ban")
    failed = await ballot_service.close(uow, TENANT, nid, VoteClose(), BOARD)  # 1/3 < 80%
    assert failed.status == "failed" and "1/3" in failed.stages[-1].reason
