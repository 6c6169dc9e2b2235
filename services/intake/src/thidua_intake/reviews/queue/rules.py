"""Rules of the submission list: what intake's `periods` collection keeps of the latest submission
of each unit and period (so that a page is one indexed query, with no join), who must act next,
when the review is due, who sees what and what is in whose queue. Pure functions: no I/O.

A period document's listing fields (written with `latest` by every submission and every review
step, in the same transaction; see ..service and ...submissions.service):
    submitted_at, submitted_by, channel, resubmission_of   of the latest submission
    status    pending | approved | returned | rejected
    level     the level of the last decision (None before one)
    reasons   {criterion: reason} of the current decision
    appeal    None | {status, to_level, reason, at}
    next      who must act: "review" (a reviewer: cluster or board, told by the campaign),
              "board" | "chair" (a pending appeal), "unit" (resubmit or appeal), None (done)
    waiting_since  when the current reviewer wait started (submission, reopen or appeal)
    order     the list's sort key (order_key): submission time, then the period's id
"""

import base64
import binascii
import json
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any

from thidua_common.auth import Principal, Role
from thidua_common.calendar import add_working_days
from thidua_common.contracts.campaign import CampaignDefined, Cluster
from thidua_common.contracts.review import ReviewDecision, ReviewLevel
from thidua_common.errors import FieldError, Forbidden, Invalid
from thidua_common.i18n.format import VN_TZ

from ...access import not_own_unit
from ..rules import NEXT_LEVEL, status_of

REVIEW = "review"  # `next` of a pending submission: the first reviewer (cluster or board) decides
UNIT = "unit"
REVIEWER_LEVELS = frozenset({ReviewLevel.cluster.value, ReviewLevel.board.value, ReviewLevel.chair.value})
UNIT_ROLES = (Role.unit_reporter, Role.unit_leader)
# roles that read every unit of their tenant
TENANT_READERS = (Role.board_officer, Role.chairperson, Role.auditor)
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
DEFAULT_DUE_WORKING_DAYS = 10


# -- what a period document keeps of its latest submission ---------------------------------------
def as_datetime(value: datetime | str) -> datetime:
    """A stored moment (an ISO string in a submission's event data, a BSON date elsewhere), aware."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def order_key(submitted_at: datetime, period_id: str) -> str:
    """The list's sort key: the submission time (UTC, milliseconds, fixed width), then the period's
    id. One string, so that a page after a cursor is one range of one index (a range over two
    fields, time then id, made SecantusDB scan every earlier entry)."""
    at = as_datetime(submitted_at).astimezone(UTC)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z {period_id}"


def fresh_view(
    submitted_at: datetime, submitted_by: str, channel: str, period_id: str, resubmission_of: str | None = None
) -> dict[str, Any]:
    """The listing fields of a new submission of the period `period_id`: pending, awaiting its
    first reviewer."""
    # at the precision MongoDB keeps (milliseconds)
    submitted_at = submitted_at.replace(microsecond=submitted_at.microsecond // 1000 * 1000)
    return {
        "order": order_key(submitted_at, period_id),
        "submitted_at": submitted_at,
        "submitted_by": submitted_by,
        "channel": channel,
        "resubmission_of": resubmission_of,
        **review_view(None, submitted_at),
    }


def review_view(state: dict[str, Any] | None, submitted_at: datetime | str) -> dict[str, Any]:
    """The listing fields that a review step changes, from the submission's review state after it."""
    state = state or {}
    appeal = state.get("appeal")
    return {
        "status": status_of(state),
        "level": state.get("level"),
        "reasons": state.get("reasons") or {},
        "appeal": ({k: appeal.get(k) for k in ("status", "to_level", "reason", "at")} if appeal else None),
        "next": next_actor(state),
        "waiting_since": waiting_since(state, as_datetime(submitted_at)),
    }


def next_actor(state: dict[str, Any] | None) -> str | None:
    """Who must act on the submission now: a reviewer ("review"), the level a pending appeal went
    to, the unit (a return: resubmit or appeal; a reject still appealable: appeal), or nobody."""
    state = state or {}
    decision = state.get("decision")
    appeal = state.get("appeal") or {}
    if appeal.get("status") == "pending":
        return str(appeal["to_level"])
    if decision is None:
        return REVIEW
    if decision == ReviewDecision.return_.value:
        return UNIT
    if decision == ReviewDecision.reject.value and not appeal and state.get("level"):
        # an appeal goes once, to the next level; the chairperson's reject is final
        return UNIT if NEXT_LEVEL[ReviewLevel(state["level"])] is not None else None
    return None


def waiting_since(state: dict[str, Any], submitted_at: datetime) -> datetime | None:
    """When the current wait for a reviewer started: the appeal, the last reopening or the
    submission itself; None when no reviewer is to act."""
    actor = next_actor(state)
    if actor not in (REVIEW, *REVIEWER_LEVELS):
        return None
    appeal = state.get("appeal") or {}
    if appeal.get("status") == "pending" and appeal.get("at"):
        return as_datetime(appeal["at"])
    reopened = [h["at"] for h in state.get("history") or [] if h.get("step") == "reopen" and h.get("at")]
    return as_datetime(reopened[-1]) if reopened else submitted_at


# -- who must act, by when -------------------------------------------------------------------------
def first_reviewer(campaign: CampaignDefined | None, unit_id: str, period: str) -> str:
    """The level that reviews a pending submission first: the cluster when the unit's cluster has a
    head or deputy other than the unit itself in the period's year, else the board."""
    if campaign is None:
        return ReviewLevel.board.value
    cluster = _cluster_of(campaign).get(unit_id)
    year = int(period[:4])
    leads = {
        unit
        for lead in (cluster.leadership if cluster else [])
        if lead.year == year
        for unit in (lead.head_unit_id, lead.deputy_unit_id)
        if unit and unit != unit_id
    }
    return ReviewLevel.cluster.value if leads else ReviewLevel.board.value


def _cluster_of(campaign: CampaignDefined) -> dict[str, Cluster]:
    """unit → its cluster in the campaign, built once per campaign object (intake keeps one object
    per campaign revision): a page of 200 items of a campaign of 2 000 units looks each up."""
    held = _clusters.get(id(campaign))
    if held is not None and held[0] is campaign:
        return held[1]
    clusters = {c.id: c for c in campaign.clusters}
    found = {p.unit_id: clusters[p.cluster_id] for p in campaign.participants if p.cluster_id in clusters}
    if len(_clusters) >= 256:
        _clusters.clear()
    _clusters[id(campaign)] = (campaign, found)  # holding the campaign keeps its id unique
    return found


_clusters: dict[int, tuple[CampaignDefined, dict[str, Cluster]]] = {}


def awaiting(next_: str | None, campaign: CampaignDefined | None, unit_id: str, period: str) -> str | None:
    """cluster | board | chair | unit | None, as the list shows it."""
    return first_reviewer(campaign, unit_id, period) if next_ == REVIEW else next_


def local_date(moment: datetime) -> date:
    return as_datetime(moment).astimezone(VN_TZ).date()


def review_due(since: datetime, working_days: int, holidays: Collection[date] = ()) -> date:
    """A review (or an appeal decision) is due `working_days` working days after the day (in Viet
    Nam) its wait started, weekends and the tenant's public holidays not counted."""
    return add_working_days(local_date(since), working_days, holidays)


def is_overdue(due: date, today: date, awaiting_: str | None) -> bool:
    """Late only while a reviewer is to act, from the day after the due date."""
    return awaiting_ in REVIEWER_LEVELS and due < today


def age_days(submitted_at: datetime, today: date) -> int:
    """Calendar days since the submission (in Viet Nam)."""
    return (today - local_date(submitted_at)).days


# -- who sees what ---------------------------------------------------------------------------------
def year_range(year: int) -> dict[str, str]:
    """The periods of a year ("2018", "2018-Q1", "2018-05") as a string range."""
    return {"$gte": str(year), "$lt": str(year + 1)}


def led_units(campaign: CampaignDefined, lead_unit: str | None) -> dict[int, set[str]]:
    """year → the units of the clusters that `lead_unit` heads or deputises that year (as in
    ..rules.reviewer_level: the campaign's current participants of the cluster)."""
    led: dict[int, set[str]] = {}
    if not lead_unit:
        return led
    for cluster in campaign.clusters:
        members = {p.unit_id for p in campaign.participants if p.cluster_id == cluster.id}
        for lead in cluster.leadership:
            if lead_unit in (lead.head_unit_id, lead.deputy_unit_id):
                led.setdefault(lead.year, set()).update(members)
    return led


def led_clauses(campaigns: Iterable[CampaignDefined], lead_unit: str | None) -> list[dict[str, Any]]:
    """One filter clause per campaign and year that `lead_unit` leads a cluster in."""
    return [
        {"campaign_id": c.campaign_id, "period": year_range(year), "unit_id": {"$in": sorted(units)}}
        for c in campaigns
        for year, units in sorted(led_units(c, lead_unit).items())
    ]


def sees_tenant(principal: Principal) -> bool:
    # an unscoped system key (another system integrating) reads like the board
    return principal.has_any(*TENANT_READERS) or (principal.has_any(Role.system) and not principal.unit_scoped)


def acts_for_unit(principal: Principal) -> bool:
    return principal.has_any(*UNIT_ROLES) or principal.unit_scoped


def check_unit(principal: Principal, unit_id: str | None, led: list[dict[str, Any]]) -> None:
    """Refuse (403) a unit the caller may not see: a unit's roles see their own unit, a cluster
    head the units of the clusters it leads, the board, chairperson and auditor every unit."""
    if unit_id is None or sees_tenant(principal):
        return
    if acts_for_unit(principal) and unit_id == principal.unit_id:
        return
    if principal.has_any(Role.cluster_head):
        if any(unit_id in clause["unit_id"]["$in"] for clause in led):
            return
        raise Forbidden(
            "queue.unit_not_led",
            [FieldError("unit_id", "queue.unit_not_led", {"own": principal.unit_id or "—", "other": unit_id})],
            own=principal.unit_id or "—",
            other=unit_id,
        )
    raise not_own_unit(principal, unit_id)


def scope(principal: Principal, led: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The clauses (any of which) a listed period must match; None: the whole tenant."""
    if sees_tenant(principal):
        return None
    clauses: list[dict[str, Any]] = []
    if acts_for_unit(principal) and principal.unit_id:
        clauses.append({"unit_id": principal.unit_id})
    if principal.has_any(Role.cluster_head):
        clauses += led
    return clauses


def queue(principal: Principal, led: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clauses (any of which) of what the caller may decide (or, for a unit, do) now: a
    cluster head the pending submissions of the units it leads, a board officer every pending
    one and the appeals to the board, the chairperson the appeals to the chair — never on their
    own unit (the conflict-of-interest rule); a unit's roles its own returned (or appealable)
    submissions."""
    own = principal.unit_id
    not_own: dict[str, Any] = {"unit_id": {"$ne": own}} if own else {}
    clauses: list[dict[str, Any]] = []
    if principal.has_any(Role.cluster_head) and own:
        for clause in led:
            others = [unit for unit in clause["unit_id"]["$in"] if unit != own]
            if others:
                clauses.append({**clause, "unit_id": {"$in": others}, "next": REVIEW})
    if principal.has_any(Role.board_officer):
        clauses.append({"next": {"$in": [REVIEW, ReviewLevel.board.value]}, **not_own})
    if principal.has_any(Role.chairperson):
        clauses.append({"next": ReviewLevel.chair.value, **not_own})
    if acts_for_unit(principal) and own:
        clauses.append({"next": UNIT, "unit_id": own})
    return clauses


# -- pages -----------------------------------------------------------------------------------------
def order(queue_: bool) -> int:
    """Oldest first in a queue (the most urgent on top), newest first otherwise."""
    return 1 if queue_ else -1


def encode_cursor(last: dict[str, Any], queue_: bool) -> str:
    raw = json.dumps([last["order"], int(queue_)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, queue_: bool) -> str:
    """The order key of the last item of the previous page; 422 naming `after` when the cursor is
    not one this list gave (or was given for the other order)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        last, was_queue = json.loads(raw)
        if not isinstance(last, str) or not last or was_queue != int(queue_):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid("request.invalid", [FieldError("after", "queue.bad_cursor")]) from None
    return last


def _narrow(clause: dict[str, Any] | None, field: str, value: str) -> dict[str, Any] | None:
    """`clause` with `field` equal to `value`, or None when the clause excludes that value."""
    if clause is None:
        return None
    held = clause.get(field)
    if isinstance(held, dict):
        if "$in" in held and value not in held["$in"]:
            return None
        if "$ne" in held and value == held["$ne"]:
            return None
        if "$gte" in held and not held["$gte"] <= value < held["$lt"]:
            return None
    elif held is not None and held != value:
        return None
    return {**clause, field: value}


def find_filter(
    tenant: str, filters: dict[str, str], clauses: list[dict[str, Any]] | None, after: str | None, queue_: bool
) -> dict[str, Any] | None:
    """The MongoDB filter of a page: the tenant, the caller's `filters` (field → value), any of
    `clauses` (None: no restriction) and the items after the cursor. Each clause is narrowed by
    the filters and made a whole flat filter of its own (an $or of such filters at most): SecantusDB
    answers flat filters from an index and scans the collection for nested $and/$or. None: no
    period can match."""
    base: dict[str, Any] = {"tenant": tenant, "order": {("$gt" if queue_ else "$lt"): after} if after else {"$gt": ""}}
    if clauses is None:
        return {**base, **filters}
    narrowed: list[dict[str, Any]] = []
    for clause in clauses:
        one: dict[str, Any] | None = clause
        for field, value in filters.items():
            one = _narrow(one, field, value)
        if one is not None:
            narrowed.append({**base, **one})
    if not narrowed:
        return None
    return narrowed[0] if len(narrowed) == 1 else {"$or": narrowed}
