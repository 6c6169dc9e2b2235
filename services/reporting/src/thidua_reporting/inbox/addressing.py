"""Who a notification is for: pure rules, no I/O.

A notification carries audience tags; a caller reads those that match the tags of its credentials:
- `unit:<id>`: a unit's reporters and leaders (and an API key limited to that unit);
- `role:board_officer`, `role:chairperson`: everybody holding the role in the tenant;
- `cluster_head:<id>`: a cluster head acting for unit <id> (the head or deputy unit of a cluster).
Cluster heads are addressed through the unit they act for, because that is what their credentials
carry (intake checks a cluster head the same way: the token's unit is the head or deputy of the
unit's cluster in the period's year)."""

from collections.abc import Iterable
from typing import Any

from thidua_common.auth import Principal, Role

BOARD = "role:board_officer"
CHAIR = "role:chairperson"


def unit_tag(unit_id: str) -> str:
    return f"unit:{unit_id}"


def cluster_head_tag(unit_id: str) -> str:
    return f"cluster_head:{unit_id}"


def caller_tags(principal: Principal) -> list[str]:
    """The audiences a caller belongs to; none (an empty inbox) for auditors, council members and
    systems that act for no unit."""
    if principal.unit_scoped:  # an API key of one unit reads as that unit's reporter would
        return [unit_tag(principal.unit_id or "")]
    tags = []
    if principal.unit_id and principal.has_any(Role.unit_reporter, Role.unit_leader):
        tags.append(unit_tag(principal.unit_id))
    if principal.unit_id and principal.has_any(Role.cluster_head):
        tags.append(cluster_head_tag(principal.unit_id))
    if principal.has_any(Role.board_officer):
        tags.append(BOARD)
    if principal.has_any(Role.chairperson):
        tags.append(CHAIR)
    return tags


def cluster_leads(campaign: dict[str, Any] | None, unit_id: str, period: str) -> list[str]:
    """The head and deputy units of `unit_id`'s cluster in the period's year, itself left out (nobody
    reviews their own unit). Empty when the campaign is not known yet, the unit has no cluster, or
    the cluster has no leadership that year."""
    if not campaign:
        return []
    participant = next((p for p in campaign.get("participants", []) if p.get("unit_id") == unit_id), None)
    cluster_id = (participant or {}).get("cluster_id")
    cluster = next((c for c in campaign.get("clusters", []) if c.get("id") == cluster_id), None)
    year = int(period[:4])
    lead = next((x for x in (cluster or {}).get("leadership", []) if x.get("year") == year), None)
    if not lead:
        return []
    units = [lead.get("head_unit_id"), lead.get("deputy_unit_id")]
    return [u for u in dict.fromkeys(units) if u and u != unit_id]


def new_submission_audience(campaign: dict[str, Any] | None, unit_id: str, period: str) -> list[str]:
    """A new submission is for the first level that reviews it: the head and deputy of the unit's
    cluster in the period's year. When there are none (the unit has no cluster, no leadership that
    year, or the unit leads its own cluster) the board is told instead (a campaign that has not
    reached reporting yet is not a reason: the projection waits for it, projection.readdress), since the board reviews any unit. Telling the board of every
    submission besides would bury its appeals under thousands of routine reports."""
    leads = cluster_leads(campaign, unit_id, period)
    return [cluster_head_tag(u) for u in leads] or [BOARD]


def appeal_audience(to_level: str, campaign: dict[str, Any] | None, unit_id: str, period: str) -> list[str]:
    """An appeal is for the level that decides it: the board or the chairperson."""
    if to_level == "chair":
        return [CHAIR]
    if to_level == "board":
        return [BOARD]
    return new_submission_audience(campaign, unit_id, period)


def matches(audience: Iterable[str], tags: Iterable[str]) -> bool:
    return bool(set(audience) & set(tags))


# issue 11: nomnotice
def nomination_audience(nominee_unit_id: str, nominating_unit_id: str | None) -> list[str]:
    """A nomination's return, failure or decision is for the nominee's unit and the unit that filed
    it (their leaders and reporters), each once; a board officer who filed for no unit reads it in
    the nomination's own pages."""
    return [unit_tag(u) for u in dict.fromkeys([nominee_unit_id, nominating_unit_id]) if u]
