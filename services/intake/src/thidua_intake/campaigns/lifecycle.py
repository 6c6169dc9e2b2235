"""The campaign lifecycle (nháp → đã phát động → đang triển khai → đang sơ kết/tổng kết → đã kết
thúc) and what each status allows. Pure functions: no I/O, easy to test."""

from thidua_common.contracts.campaign import OPEN_FOR_SUBMISSIONS, TRANSITIONS, CampaignStatus
from thidua_common.errors import Conflict, FieldError

STATUS_VI: dict[CampaignStatus, str] = {
    CampaignStatus.draft: "nháp",
    CampaignStatus.launched: "đã phát động",
    CampaignStatus.running: "đang triển khai",
    CampaignStatus.reviewing: "đang sơ kết/tổng kết",
    CampaignStatus.closed: "đã kết thúc",
}
# Units register and revise their targets once a campaign is launched and while it runs.
OPEN_FOR_REGISTRATIONS = frozenset({CampaignStatus.launched, CampaignStatus.running})
# Reviewers rate while results may still be reported.
OPEN_FOR_RATINGS = frozenset(OPEN_FOR_SUBMISSIONS)


def label(status: CampaignStatus | str) -> str:
    """«đang triển khai» (running): readable in both languages of the catalogue."""
    status = CampaignStatus(status)
    return f"«{STATUS_VI[status]}» ({status.value})"


def allowed_next(status: CampaignStatus | str) -> list[CampaignStatus]:
    return sorted(TRANSITIONS[CampaignStatus(status)], key=list(CampaignStatus).index)


def check_transition(current: CampaignStatus | str, requested: CampaignStatus | str) -> None:
    """Raise a 409 naming both statuses unless `requested` follows `current` in the lifecycle."""
    current, requested = CampaignStatus(current), CampaignStatus(requested)
    if requested in TRANSITIONS[current]:
        return
    allowed = ", ".join(label(s) for s in allowed_next(current)) or "—"
    params = {"current": label(current), "requested": label(requested), "allowed": allowed}
    raise Conflict("campaign.transition", [FieldError("status", "campaign.transition", params)], **params)


def check_editable(status: CampaignStatus | str) -> None:
    if CampaignStatus(status) == CampaignStatus.closed:
        raise Conflict("campaign.closed", current=label(status))


def check_open(
    status: CampaignStatus | str, allowed: frozenset[CampaignStatus] | set[CampaignStatus], key: str
) -> None:
    """Raise a 409 (message `key`, field campaign_id) unless the campaign's status is in `allowed`."""
    status = CampaignStatus(status)
    if status in allowed:
        return
    params = {"current": label(status), "allowed": ", ".join(label(s) for s in CampaignStatus if s in allowed)}
    raise Conflict(key, [FieldError("campaign_id", key, params)], **params)


def check_open_for_submissions(status: CampaignStatus | str) -> None:
    check_open(status, OPEN_FOR_SUBMISSIONS, "campaign.not_open")


def check_open_for_registrations(status: CampaignStatus | str) -> None:
    check_open(status, OPEN_FOR_REGISTRATIONS, "registration.not_open")


def check_open_for_ratings(status: CampaignStatus | str) -> None:
    check_open(status, OPEN_FOR_RATINGS, "rating.not_open")
