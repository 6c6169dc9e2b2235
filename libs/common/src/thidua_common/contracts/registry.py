"""Which event types exist, their payload models, and which topic carries them."""

from dataclasses import dataclass

from pydantic import BaseModel

from .award_papers import AwardDecisionIssued
from .campaign import CampaignDefined
from .deadline import DeadlineNotice
from .inbound import ReviewDecided, TargetChangeRequested, UnitRegisterChangeRequested
from .nomination import AwardDecided, NominationChanged, NominationOverdue
from .notification import NotificationFailed
from .registration import RatingGiven, RegistrationChanged
from .review import AppealDecided, SubmissionAppealed, SubmissionReopened, SubmissionReviewed
from .review_report import ReviewDraftsReady, ReviewReminder
from .score import ScoreComputed
from .scoring_quarantine import CampaignQuarantined
from .submission import SubmissionReceived, SubmissionSubmitted
from .unit import UnitChanged

CAMPAIGN_DEFINED = "vn.thidua.campaign.defined.v1"
SUBMISSION_SUBMITTED = "vn.thidua.submission.submitted.v1"
SUBMISSION_RECEIVED = "vn.thidua.submission.received.v1"
SCORE_COMPUTED = "vn.thidua.score.computed.v1"
NOTIFICATION_FAILED = "vn.thidua.notification.failed.v1"
UNIT_CHANGED = "vn.thidua.unit.changed.v1"
REGISTRATION_CHANGED = "vn.thidua.registration.changed.v1"
RATING_GIVEN = "vn.thidua.rating.given.v1"
SUBMISSION_REVIEWED = "vn.thidua.submission.reviewed.v1"
SUBMISSION_APPEALED = "vn.thidua.submission.appealed.v1"
APPEAL_DECIDED = "vn.thidua.appeal.decided.v1"
SUBMISSION_REOPENED = "vn.thidua.submission.reopened.v1"
NOMINATION_CHANGED = "vn.thidua.nomination.changed.v1"
NOMINATION_OVERDUE = "vn.thidua.nomination.overdue.v1"
AWARD_DECIDED = "vn.thidua.award.decided.v1"
SCORING_CAMPAIGN_QUARANTINED = "vn.thidua.scoring.campaign_quarantined.v1"
# issue 12: inbound kinds — what other systems publish besides submissions (kinds target, review, unit)
TARGET_CHANGE_REQUESTED = "vn.thidua.target.change_requested.v1"
REVIEW_DECIDED = "vn.thidua.review.decided.v1"
UNIT_CHANGE_REQUESTED = "vn.thidua.unit.change_requested.v1"
# issue 13: award papers
AWARD_DECISION_ISSUED = "vn.thidua.award.decision.issued.v1"
# issue 13: reports — review reports on schedule
REVIEW_REMINDER = "vn.thidua.review.reminder.v1"
REVIEW_DRAFTS_READY = "vn.thidua.review.drafts_ready.v1"


@dataclass(frozen=True)
class TopicSpec:
    suffix: str
    description: str
    partitions: int = 3
    dead_letter: bool = False
    # issue 12: kafka — which services write and read the topic; the broker's ACLs are derived from
    # these (thidua_common.kafka.acls), so a new topic cannot be forgotten there. Outside systems
    # write their own inbound topics (thidua.inbound.<system>.v1), never a topic listed here.
    producers: tuple[str, ...] = ()
    consumers: tuple[str, ...] = ()


TOPICS: dict[str, TopicSpec] = {
    "campaigns": TopicSpec(
        "campaigns.v1",
        "Campaign definitions, registrations and reviewer ratings, key = tenant/campaign "
        "(one partition per campaign keeps their order)",
        producers=("intake",),
        consumers=("scoring", "notify", "reporting"),
    ),
    "units": TopicSpec(
        "units.v1",
        "Units and their renames, merges and splits, key = tenant/unit",
        producers=("intake",),
        consumers=("reporting",),
    ),
    "submissions": TopicSpec(
        "submissions.v1",
        "Accepted submissions, key = tenant/campaign (one partition holds a campaign, so one scoring worker sees whole clusters)",
        producers=("intake",),
        consumers=("scoring", "notify", "reporting"),
    ),
    "inbound": TopicSpec(
        "inbound.v1",
        "Events published by other systems (submissions, target updates, review decisions, unit register "
        "changes), validated by intake",
        consumers=("intake",),
    ),
    "inbound_dlq": TopicSpec(
        "inbound.dlq.v1",
        "Inbound events that failed validation: original bytes, reason in headers",
        1,
        True,
        producers=("intake",),
        consumers=("notify",),  # its digest of new dead letters
    ),
    "nominations": TopicSpec(
        "nominations.v1",
        "Nominations, their stages, overdue alerts and award decisions, key = tenant/nomination",
        producers=("intake",),
        consumers=("notify", "reporting"),
    ),
    "scores": TopicSpec(
        "scores.v1",
        "Computed scores with explanations, and campaigns scoring quarantined, key = tenant/campaign",
        producers=("scoring",),
        consumers=("notify", "reporting"),
    ),
    "scoring_dlq": TopicSpec(
        "scoring.dlq.v1",
        "Events of a campaign scoring quarantined: the original event, the reason in headers",
        1,
        True,
        producers=("scoring",),
        consumers=("notify",),  # its digest of new dead letters
    ),
    "notify_dlq": TopicSpec(
        "notify.dlq.v1",
        "Notifications that failed after every retry",
        1,
        True,
        producers=("notify",),
        consumers=("notify",),  # its digest of new dead letters
    ),
}

# issue 13: reports — what reporting produces on its own schedule (review reminders, drafts ready)
TOPICS["reports"] = TopicSpec(
    "reports.v1",
    "Review reports on schedule: reminders to units and drafts ready for the board, key = tenant/campaign",
    producers=("reporting",),
    consumers=("notify",),
)

# issue 12: dead letters — the ledger of `thidua-deadletters replay`: one record per replayed dead
# letter, keyed by its dead-letter topic/partition/offset. Compacted, so the latest entry of every
# dead letter is kept for ever (a replay is refused a second time however old the first one is).
TOPICS["deadletter_replays"] = TopicSpec(
    "deadletters.replays.v1", "Replays of dead letters (the replay ledger), key = dead-letter topic/partition/offset", 1
)
# topics created with cleanup.policy=compact (the others keep their records by retention)
COMPACTED_TOPICS = frozenset({"deadletter_replays"})


@dataclass(frozen=True)
class EventSpec:
    model: type[BaseModel]
    topic: str
    summary: str


EVENT_TYPES: dict[str, EventSpec] = {
    CAMPAIGN_DEFINED: EventSpec(CampaignDefined, "campaigns", "A campaign was created or changed"),
    SUBMISSION_SUBMITTED: EventSpec(
        SubmissionSubmitted, "inbound", "Another system submits a unit's results (validated by intake)"
    ),
    SUBMISSION_RECEIVED: EventSpec(SubmissionReceived, "submissions", "A unit's submission was accepted"),
    SCORE_COMPUTED: EventSpec(ScoreComputed, "scores", "A submission was scored"),
    UNIT_CHANGED: EventSpec(UnitChanged, "units", "A unit was created, renamed, merged or split"),
    REGISTRATION_CHANGED: EventSpec(
        RegistrationChanged, "campaigns", "A unit registered for a campaign or changed a target"
    ),
    RATING_GIVEN: EventSpec(RatingGiven, "campaigns", "A reviewer rated a unit on reviewer-rated criteria"),
    SUBMISSION_REVIEWED: EventSpec(
        SubmissionReviewed, "submissions", "A reviewer approved, returned or rejected a submission"
    ),
    SUBMISSION_APPEALED: EventSpec(SubmissionAppealed, "submissions", "A unit appealed a review decision"),
    APPEAL_DECIDED: EventSpec(AppealDecided, "submissions", "The next level decided an appeal"),
    SUBMISSION_REOPENED: EventSpec(
        SubmissionReopened, "submissions", "A reviewer reopened an approved submission: it is no longer verified"
    ),
    NOMINATION_CHANGED: EventSpec(NominationChanged, "nominations", "A nomination was filed or moved along its chain"),
    NOMINATION_OVERDUE: EventSpec(NominationOverdue, "nominations", "A nomination is past its stage's due date"),
    AWARD_DECIDED: EventSpec(AwardDecided, "nominations", "An award decision names an awardee"),
    NOTIFICATION_FAILED: EventSpec(NotificationFailed, "notify_dlq", "A notification could not be delivered"),
    SCORING_CAMPAIGN_QUARANTINED: EventSpec(
        CampaignQuarantined, "scores", "Scoring quarantined a campaign it cannot score; the others go on"
    ),
    # issue 13: award papers
    AWARD_DECISION_ISSUED: EventSpec(
        AwardDecisionIssued, "nominations", "An award decision was issued for a batch of nominations (its papers)"
    ),
}
# issue 12: inbound kinds — each validated like the HTTP request it stands for (thidua_intake.inbound.kinds)
EVENT_TYPES[TARGET_CHANGE_REQUESTED] = EventSpec(
    TargetChangeRequested, "inbound", "Another system changes a target of a unit's registration, with a reason"
)
EVENT_TYPES[REVIEW_DECIDED] = EventSpec(
    ReviewDecided, "inbound", "An outside review system approves, returns or rejects a submission"
)
EVENT_TYPES[UNIT_CHANGE_REQUESTED] = EventSpec(
    UnitRegisterChangeRequested, "inbound", "Another system creates, renames, merges or splits units"
)
# issue 13: reports
EVENT_TYPES[REVIEW_REMINDER] = EventSpec(
    ReviewReminder, "reports", "A participating unit is reminded that the campaign's review date is near"
)
EVENT_TYPES[REVIEW_DRAFTS_READY] = EventSpec(
    ReviewDraftsReady, "reports", "The draft review reports (board's and units') are ready for the board"
)
# issue 15: deadlines — reminders and the escalation ladder, on the campaign's topic (key = tenant/campaign)
DEADLINE_REMINDER = "vn.thidua.deadline.reminder.v1"
DEADLINE_ESCALATED = "vn.thidua.deadline.escalated.v1"
EVENT_TYPES[DEADLINE_REMINDER] = EventSpec(
    DeadlineNotice, "campaigns", "Those who must act are reminded that a report or review is due soon"
)
EVENT_TYPES[DEADLINE_ESCALATED] = EventSpec(
    DeadlineNotice, "campaigns", "A report or review is late: the escalation ladder climbs one step"
)


def payload_model(event_type: str) -> type[BaseModel]:
    try:
        return EVENT_TYPES[event_type].model
    except KeyError:
        raise ValueError(f"unknown event type {event_type!r}") from None


def topic_name(prefix: str, key: str) -> str:
    return f"{prefix}.{TOPICS[key].suffix}"
