"""Why a score was (re)computed, in both languages from the message catalogue (keys
`scoring.cause.*`). A cause travels in the score event, so both texts are rendered here."""

from thidua_common.contracts.campaign import CampaignDefined, leaves_of
from thidua_common.contracts.registration import RatingGiven, RegistrationChanged
from thidua_common.contracts.review import ReviewDecision, SubmissionReopened
from thidua_common.contracts.score import ScoreCause
from thidua_common.i18n import Localized, format_number, format_period, t


def _cause(kind: str, event_id: str | None, key: str, **params: object) -> ScoreCause:
    return ScoreCause(kind=kind, event_id=event_id, detail_vi=t(key, "vi", **params), detail_en=t(key, "en", **params))


def _period(period: str) -> Localized:
    return Localized(lambda lang: format_period(period, lang))


def submission(event_id: str, period: str) -> ScoreCause:
    return _cause("submission", event_id, "scoring.cause.submission", period=_period(period))


def rating(event_id: str, given: RatingGiven) -> ScoreCause:
    key = "scoring.cause.rating.comment" if given.comment else "scoring.cause.rating"
    return _cause("rating", event_id, key, period=_period(given.period), comment=given.comment or "")


def review(event_id: str, decision: ReviewDecision) -> ScoreCause:
    key = {
        ReviewDecision.approve: "scoring.cause.review.approve",
        ReviewDecision.reject: "scoring.cause.review.reject",
        ReviewDecision.return_: "scoring.cause.review.return",
    }[decision]
    return _cause("review", event_id, key)


def reopen(event_id: str, reopened: SubmissionReopened) -> ScoreCause:
    return _cause("reopen", event_id, "scoring.cause.reopen", reason=reopened.reason)


def registration(event_id: str, registered: RegistrationChanged, campaign: CampaignDefined) -> ScoreCause:
    change = registered.change
    if change.kind != "target":
        key = "scoring.cause.registration.reason" if change.reason else "scoring.cause.registration"
        return _cause("target", event_id, key, reason=change.reason or "")
    detail = change.detail or {}
    names = {leaf.id: leaf.name_vi for leaf in leaves_of(campaign.criteria)}
    criterion_id = str(detail.get("criterion_id") or "")
    period, old, new = detail.get("period"), detail.get("old"), detail.get("new", 0)
    return _cause(
        "target",
        event_id,
        "scoring.cause.target",
        # the criterion's name where the campaign has one in the reader's language (Vietnamese)
        criterion=Localized(lambda lang: names.get(criterion_id, criterion_id) if lang == "vi" else criterion_id),
        when=Localized(
            lambda lang: format_period(period, lang) if period else t("scoring.cause.target.every_period", lang)
        ),
        old=Localized(
            lambda lang: t("scoring.cause.target.none", lang) if old is None else format_number(old, lang=lang)
        ),
        new=Localized(lambda lang: format_number(new, lang=lang)),
        reason=change.reason,
    )


def criteria(event_id: str, old_version: int, campaign: CampaignDefined) -> ScoreCause:
    reason = campaign.change.reason
    key = "scoring.cause.criteria.reason" if reason else "scoring.cause.criteria"
    return _cause("criteria", event_id, key, old=old_version, new=campaign.criteria_version, reason=reason or "")


def campaign_changed(event_id: str) -> ScoreCause:
    return _cause("campaign", event_id, "scoring.cause.campaign")


def cohort(cause: ScoreCause) -> ScoreCause:
    """A unit recomputed only because a cluster member's result changed (a criterion compares them)."""
    return ScoreCause(
        kind="cohort",
        event_id=cause.event_id,
        detail_vi=t("scoring.cause.cohort", "vi", cause=cause.detail_vi),
        detail_en=t("scoring.cause.cohort", "en", cause=cause.detail_en),
    )
