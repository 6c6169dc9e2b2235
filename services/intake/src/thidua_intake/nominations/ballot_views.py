"""issue 11: the council members' ballots over HTTP (rules in ballots.py, storage in ballot_service.py)."""

from fastapi import APIRouter

from thidua_common.http import CurrentPrincipal

from ..deps import Db, Uow
from . import ballot_service
from .ballots import BallotWrite, Tally, VoteClose
from .models import NominationPublic
from .views import NominationId, actor_of

router = APIRouter(prefix="/api/v1/nominations", tags=["nominations / đề nghị khen thưởng"])


@router.get("/{nomination_id}/ballots")
async def get_tally(nomination_id: NominationId, principal: CurrentPrincipal, db: Db) -> Tally:
    """The tally of the current (or last) vote stage: ballots cast, yes, no, abstain, members
    expected, share and threshold, with the caller's own ballot. Council members, the board and
    the chairperson only."""
    return await ballot_service.tally(db, principal.tenant, nomination_id, actor_of(principal))


@router.put("/{nomination_id}/ballot")
async def cast_ballot(nomination_id: NominationId, body: BallotWrite, principal: CurrentPrincipal, uow: Uow) -> Tally:
    """A council member casts (or changes) their own ballot while the vote is open; never on a
    nomination of their own unit. The same ballot twice changes nothing."""
    return await ballot_service.cast(uow, principal.tenant, nomination_id, body, actor_of(principal))


@router.post("/{nomination_id}/ballots/close")
async def close_vote(
    nomination_id: NominationId, body: VoteClose, principal: CurrentPrincipal, uow: Uow
) -> NominationPublic:
    """The board officer or the chairperson closes the vote: it passes when yes / council members
    reaches the award kind's threshold, else the nomination fails with the reasons."""
    return await ballot_service.close(uow, principal.tenant, nomination_id, body, actor_of(principal))
