"""Pure rules of intake's deadline check: the period deadlines of a campaign, whom a step of a
ladder addresses (a role with the unit it acts for, and the addresses the platform's records hold),
and the payload of the event that tells them. No I/O."""

from collections.abc import Collection, Iterable, Sequence
from datetime import date

from thidua_common.contracts.campaign import CampaignDefined, Participant
from thidua_common.contracts.deadline import DeadlineNotice, DeadlineRecipient, DeadlineSubject
from thidua_common.contracts.period import period_bounds, periods_between
from thidua_common.deadlines import Step, report_due_date

from .models import Contact

UNIT_ROLES = frozenset({"unit_reporter", "unit_leader"})
BOARD_ROLES = frozenset({"board_officer", "chairperson"})


def period_deadlines(
    start: date, end: date, frequency: str, working_days: int, holidays: Collection[date]
) -> list[dict[str, str]]:
    """Every period of the campaign with its last day and the due date of its unit reports."""
    out = []
    for period in periods_between(start, end, frequency):
        _, last, _ = period_bounds(period)
        out.append(
            {
                "period": period,
                "ends_on": last.isoformat(),
                "due_on": report_due_date(period, working_days, holidays).isoformat(),
            }
        )
    return out


def cluster_head_unit(campaign: CampaignDefined, cluster_id: str | None, year: int) -> str | None:
    """The unit heading the cluster in `year` (the latest leadership up to that year)."""
    cluster = next((c for c in campaign.clusters if c.id == cluster_id), None)
    if cluster is None:
        return None
    terms = sorted((t for t in cluster.leadership if t.year <= year), key=lambda t: t.year)
    return terms[-1].head_unit_id if terms else None


def _emails(
    role: str, unit_id: str | None, contacts: Iterable[Contact], participants: dict[str, Participant], board: str
) -> list[str]:
    listed = sorted({c.email.lower() for c in contacts if c.role == role and c.unit_id == unit_id})
    if listed:
        return listed
    if unit_id is not None:
        participant = participants.get(unit_id)
        return [participant.email.lower()] if participant and participant.email else []
    return [board.lower()] if board else []


def recipient(
    step: Step,
    subject: DeadlineSubject,
    campaign: CampaignDefined,
    unit_id: str,
    due_on: date,
    contacts: Sequence[Contact],
    board: str,
) -> DeadlineRecipient:
    """Whom a step addresses. A report's steps: the unit's reporter and leader, the head unit of its
    cluster, the board. A review's: the reviewer (the cluster's head when the unit is in a cluster,
    otherwise the board's officer), the reviewer's head (the head unit's leader; the chair for the
    board), the board. Addresses: the tenant's deadline contacts for that role and unit, else the
    participant's address (a unit's roles), else the escalation address (the board)."""
    participants = {p.unit_id: p for p in campaign.participants}
    cluster_id = participants[unit_id].cluster_id if unit_id in participants else None
    head = cluster_head_unit(campaign, cluster_id, due_on.year)
    role, target = step.role, None
    if role in UNIT_ROLES:
        target = unit_id
    elif role == "cluster_head":
        target = head
        if head is None:  # a unit outside any cluster: its cluster's head is the board
            role = "board_officer"
    elif role == "reviewer":
        role, target = ("cluster_head", head) if head else ("board_officer", None)
    elif role == "reviewer_head":
        role, target = ("unit_leader", head) if head else ("chairperson", None)
    return DeadlineRecipient(role=role, unit_id=target, emails=_emails(role, target, contacts, participants, board))


def notice(
    subject: DeadlineSubject,
    campaign: CampaignDefined,
    unit_id: str,
    period: str,
    due_on: date,
    as_of: date,
    late_by: int,
    ladder: Sequence[Step],
    index: int,
    contacts: Sequence[Contact],
    board: str,
) -> DeadlineNotice:
    participant = next((p for p in campaign.participants if p.unit_id == unit_id), None)
    step = ladder[index]
    return DeadlineNotice(
        subject=subject,
        campaign_id=campaign.campaign_id,
        campaign_name_vi=campaign.name_vi,
        unit_id=unit_id,
        unit_name_vi=participant.name_vi if participant else unit_id,
        cluster_id=participant.cluster_id if participant else None,
        period=period,
        due_on=due_on,
        as_of=as_of,
        working_days_late=late_by,
        step=index,
        step_role=step.role,
        final_step=index == len(ladder) - 1,
        recipients=[recipient(step, subject, campaign, unit_id, due_on, contacts, board)],
    )
