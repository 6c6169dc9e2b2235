"""What a message says (pure): Vietnamese by default, numbers and dates in Vietnamese format."""

from dataclasses import dataclass

from thidua_common.contracts.nomination import (
    AwardDecided,
    NominationChanged,
    NominationOverdue,
    NominationStatus,
    Nominee,
    closing_record,
)
from thidua_common.contracts.review import (
    AppealDecided,
    AppealOutcome,
    ReviewDecision,
    SubmissionReopened,
    SubmissionReviewed,
)
from thidua_common.contracts.review_report import ReviewDraftsReady, ReviewReminder
from thidua_common.contracts.score import ScoreComputed
from thidua_common.contracts.scoring_quarantine import CampaignQuarantined
from thidua_common.i18n import format_date, format_datetime, format_number, format_period, t


def score_message(score: ScoreComputed, unit_name: str, campaign_name: str, criteria_names: dict[str, str], lang="vi"):
    lines = "\n".join(
        f"- {criteria_names.get(c.criterion_id, c.criterion_id)}: {format_number(c.points, 2, lang)}/"
        f"{format_number(c.max_points, 2, lang)} ({c.explanation_en if lang == 'en' else c.explanation_vi})"
        for c in score.criteria
    )
    params = dict(
        unit=unit_name,
        period=format_period(score.period, lang),
        campaign=campaign_name,
        total=format_number(score.total, 2, lang),
        max=format_number(score.max_total, 2, lang),
        time=format_datetime(score.computed_at, lang),
        lines=lines,
    )
    return t("mail.score.subject", lang, **params), t("mail.score.body", lang, **params)


# -- nominations ------------------------------------------------------------------------------
def nominee_label(nominee: Nominee, unit_name: str | None = None, lang: str = "vi") -> str:
    unit = unit_name or nominee.unit_id
    if nominee.kind == "individual" and nominee.person_name:
        position = f", {nominee.position}" if nominee.position else ""
        return f"{'ông/bà' if lang == 'vi' else ''} {nominee.person_name}{position} ({unit})".strip()
    return f"{'tập thể' if lang == 'vi' else 'the collective'} {unit}"


def overdue_message(alert: NominationOverdue, unit_name: str | None = None, lang: str = "vi") -> tuple[str, str]:
    params = dict(
        nominee=nominee_label(alert.nominee, unit_name, lang),
        unit=unit_name or alert.nominee.unit_id,
        award=alert.award_name_vi,
        # the name from the award kind's chain configuration, as intake told it
        stage=(alert.stage_name_vi or alert.stage) if lang == "vi" else alert.stage,
        days=alert.overdue_working_days,
        due=format_date(alert.due_on, lang),
        nomination=alert.nomination_id,
        escalate=", ".join(alert.escalate_to) or "—",
    )
    return t("mail.nomination_overdue.subject", lang, **params), t("mail.nomination_overdue.body", lang, **params)


def award_message(award: AwardDecided, unit_name: str, lang: str = "vi") -> tuple[str, str]:
    params = dict(
        unit=unit_name,
        nominee=nominee_label(award.nominee, unit_name, lang),
        award=award.award_name_vi,
        decision=award.decision.number,
        date=format_date(award.decision.date, lang),
        signer=award.decision.signer,
        year=award.year,
    )
    return t("mail.award.subject", lang, **params), t("mail.award.body", lang, **params)


# -- scoring quarantined a campaign (issue 8: liveness) -------------------------------------------
def quarantine_message(
    alert: CampaignQuarantined, campaign_name: str | None = None, lang: str = "vi"
) -> tuple[str, str]:
    """To the commendation board: which campaign is no longer scored, why (each criterion and
    parameter at fault), that its reports are kept, and how to resume it."""
    details = "".join(f"- {p.field}: {p.reason_en if lang == 'en' else p.reason_vi}\n" for p in alert.problems)
    params = dict(
        campaign=campaign_name or alert.campaign_name_vi or alert.campaign_id,
        campaign_id=alert.campaign_id,
        revision=alert.revision if alert.revision is not None else "—",
        time=format_datetime(alert.quarantined_at, lang),
        reason=alert.reason_en if lang == "en" else alert.reason_vi,
        details=details + "\n" if details else "",
        held=alert.held_events,
        events=", ".join(
            f"{i} ({ty})"
            for i, ty in zip(
                alert.offending_event_ids,
                alert.offending_event_types or [""] * len(alert.offending_event_ids),
                strict=False,
            )
        ),
    )
    return t("mail.scoring_quarantine.subject", lang, **params), t("mail.scoring_quarantine.body", lang, **params)


# -- verification results and appeal decisions ------------------------------------------------
@dataclass(frozen=True)
class CriterionLabel:
    name: str
    unit_of_measure: str = ""


def criterion_labels(criteria: list[dict], lang: str = "vi") -> dict[str, CriterionLabel]:
    """Every node of a campaign's criteria tree (as stored: plain dicts), groups and leaves, in tree
    order; the English name falls back to the Vietnamese one."""
    labels: dict[str, CriterionLabel] = {}

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            name = (node.get("name_en") if lang == "en" else None) or node.get("name_vi") or node["id"]
            labels[node["id"]] = CriterionLabel(name, node.get("unit_of_measure") or "")
            walk(node.get("children") or [])

    walk(criteria)
    return labels


# where a decision can be appealed (once): the level above the one that took it; the chairperson is
# the last (the same ladder as intake's review rules)
NEXT_LEVEL = {"cluster": "board", "board": "chair", "chair": None}


def _in_tree_order(ids, labels: dict[str, CriterionLabel]) -> list[str]:
    order = {cid: i for i, cid in enumerate(labels)}
    return sorted(ids, key=lambda cid: (order.get(cid, len(order)), cid))


def _returned_lines(reasons: dict[str, str], labels: dict[str, CriterionLabel]) -> str:
    return "\n".join(
        f"- {labels[c].name if c in labels else c}: {reasons[c].strip()}" for c in _in_tree_order(reasons, labels)
    )


def _value_lines(values: dict[str, float], labels: dict[str, CriterionLabel], lang: str) -> str:
    lines = []
    for c in _in_tree_order(values, labels):
        label = labels.get(c, CriterionLabel(c))
        unit = f" {label.unit_of_measure}" if label.unit_of_measure else ""
        lines.append(f"- {label.name}: {format_number(values[c], 2, lang)}{unit}")
    return "\n".join(lines)


def _consequence(
    decision: ReviewDecision,
    values: dict[str, float],
    reasons: dict[str, str] | None,
    labels: dict[str, CriterionLabel],
    lang: str,
) -> list[str]:
    """What the decision means for the unit: verified values, criteria to correct, or nothing counts."""
    if decision == ReviewDecision.approve:
        return [t("mail.review.verified", lang, values=_value_lines(values, labels, lang) or "—")]
    if decision == ReviewDecision.return_:
        request = (
            t("mail.review.return_request", lang, criteria=_returned_lines(reasons, labels))
            if reasons
            else t("mail.review.return_request_unlisted", lang)
        )
        return [request, t("mail.review.return_scope", lang)]
    return [t("mail.review.rejected_effect", lang)]


def _level(level: str, lang: str) -> str:
    return t(f"review.level.{level}", lang)


def campaign_phrase(name: str, lang: str = "vi") -> str:
    """phong trào «Đắk Nông chung sức xây dựng nông thôn mới»; a name that already says "Phong trào"
    is not prefixed again."""
    named = name.strip().lower().startswith("phong trào")
    return t("mail.review.campaign_named" if named else "mail.review.campaign", lang, name=name.strip())


def _step_params(
    step: SubmissionReviewed | AppealDecided, unit_name: str, campaign_name: str, lang: str, **more: str
) -> dict[str, str]:
    """What a review's or an appeal decision's mail says of the step: who, which report, which
    level decided what and when."""
    return dict(
        unit=unit_name,
        period=format_period(step.period, lang),
        campaign=campaign_phrase(campaign_name, lang),
        level=_level(step.level.value, lang),
        time=format_datetime(step.at, lang),
        **more,
        decision=t(f"mail.review.decision.{step.decision.value}", lang),
    )


def review_message(
    review: SubmissionReviewed, unit_name: str, campaign_name: str, labels: dict[str, CriterionLabel], lang: str = "vi"
) -> tuple[str, str]:
    """A reviewer approved, returned (criteria with reasons) or rejected (a reason) the unit's report.
    A return or a reject may be appealed once, to the next level."""
    decision = review.decision
    params = _step_params(review, unit_name, campaign_name, lang)
    parts = [t("mail.review.greeting", lang, **params), t(f"mail.review.intro.{decision.value}", lang, **params)]
    if decision == ReviewDecision.reject:
        parts.append(t("mail.review.reason", lang, reason=review.reason.strip()))
    parts += _consequence(decision, review.values, review.reasons, labels, lang)
    if decision == ReviewDecision.return_ and review.reason.strip():
        parts.append(t("mail.review.comment", lang, reason=review.reason.strip()))
    if decision != ReviewDecision.approve:
        above = NEXT_LEVEL[review.level.value]
        parts.append(
            t("mail.review.appeal_right", lang, level=_level(above, lang))
            if above
            else t("mail.review.final", lang, level=_level(review.level.value, lang))
        )
    parts.append(t("mail.review.closing", lang, submission=review.submission_id))
    return t("mail.review.subject", lang, **params), "\n\n".join(parts)


def reopen_message(
    reopened: SubmissionReopened, unit_name: str, campaign_name: str, lang: str = "vi"
) -> tuple[str, str]:
    """A reviewer reopened the unit's approved report: why, what it means for the score, and that
    the period takes a new report again."""
    params = dict(
        unit=unit_name,
        period=format_period(reopened.period, lang),
        campaign=campaign_phrase(campaign_name, lang),
        level=_level(reopened.level.value, lang),
        approved=_level(reopened.approved_level.value, lang),
        time=format_datetime(reopened.at, lang),
    )
    parts = [
        t("mail.review.greeting", lang, **params),
        t("mail.reopen.intro", lang, **params),
        t("mail.review.reason", lang, reason=reopened.reason.strip()),
        t("mail.reopen.effect", lang),
        t("mail.review.closing", lang, submission=reopened.submission_id),
    ]
    return t("mail.reopen.subject", lang, **params), "\n\n".join(parts)


def appeal_decision_message(
    decided: AppealDecided,
    unit_name: str,
    campaign_name: str,
    labels: dict[str, CriterionLabel],
    returned: dict[str, str] | None = None,
    lang: str = "vi",
) -> tuple[str, str]:
    """The next level upheld or changed the decision the unit appealed; that is the last word.
    `returned`: the criteria and reasons of the return the unit appealed, when the return stands
    (the appeal event does not carry them)."""
    decision = decided.decision
    outcome = t(f"mail.appeal.outcome.{decided.outcome.value}", lang)
    params = _step_params(decided, unit_name, campaign_name, lang, outcome=outcome)
    intro = t(
        f"mail.appeal.intro.{decided.outcome.value}",
        lang,
        **{**params, "decision": t(f"mail.appeal.decision.{decision.value}", lang)},
    )
    reasons = returned if decided.outcome == AppealOutcome.upheld else None
    parts = [
        t("mail.review.greeting", lang, **params),
        intro,
        t("mail.review.reason", lang, reason=decided.reason.strip()),
        *_consequence(decision, decided.values, reasons, labels, lang),
        t("mail.appeal.final", lang),
        t("mail.review.closing", lang, submission=decided.submission_id),
    ]
    return t("mail.appeal.subject", lang, **params), "\n\n".join(parts)


# -- issue 13: reports — review reminders and drafts ready ------------------------------------------
def review_reminder_params(reminder: ReviewReminder, unit_name: str, lang: str = "vi") -> dict:
    """issue 15: channels — the values a (tenant's own) template of this mail may use."""
    return dict(
        unit=unit_name,
        campaign=reminder.campaign_name_vi or reminder.campaign_id,
        kind=t(f"review.kind.{reminder.review_kind.value}", lang),
        date=format_date(reminder.review_date, lang),
        days=reminder.days_before,
    )


def review_reminder_message(reminder: ReviewReminder, unit_name: str, lang: str = "vi") -> tuple[str, str]:
    params = review_reminder_params(reminder, unit_name, lang)
    return t("mail.review.reminder.subject", lang, **params), t("mail.review.reminder.body", lang, **params)


def review_drafts_message(ready: ReviewDraftsReady, lang: str = "vi") -> tuple[str, str]:
    params = review_drafts_params(ready, lang)
    return t("mail.review.ready.subject", lang, **params), t("mail.review.ready.body", lang, **params)


def review_drafts_params(ready: ReviewDraftsReady, lang: str = "vi") -> dict:
    """issue 15: channels — the values a (tenant's own) template of this mail may use."""
    return dict(
        campaign=ready.campaign_name_vi or ready.campaign_id,
        kind=t(f"review.kind.{ready.review_kind.value}", lang),
        date=format_date(ready.review_date, lang),
        version=ready.version,
        units=ready.unit_documents,
        document=ready.board_document_id,
    )


# -- issue 11: nomnotice — a nomination returned or failed, told to the unit ----------------------
def nomination_notice_message(
    nomination: NominationChanged, unit_name: str, nominee_unit_name: str | None = None, lang: str = "vi"
) -> tuple[str, str]:
    """The unit hears which stage returned or failed its nomination, and why (the stage record's
    reason; the vote's numbers when the council's vote failed it). `nominee_unit_name`: the
    nominee's unit's name when known (its id otherwise)."""
    record = closing_record(nomination)
    vote = nomination.vote
    params = dict(
        unit=unit_name,
        nominee=nominee_label(nomination.nominee, nominee_unit_name, lang),
        award=nomination.award_name_vi,
        year=nomination.year,
        stage=(record.stage if record else nomination.change.detail.get("stage")) or "—",
        time=format_datetime(record.left_at, lang) if record and record.left_at else "—",
        reason=((record.reason if record else None) or nomination.change.reason or "—").strip(),
        nomination=nomination.nomination_id,
        vote=t(
            "mail.nomination.vote",
            lang,
            yes=vote.yes,
            members=vote.members,
            no=vote.no,
            abstain=vote.abstain,
            threshold=format_number(vote.threshold * 100, 1, lang),
        )
        if vote and nomination.status == NominationStatus.failed
        else "",
    )
    key = "mail.nomination_returned" if nomination.status == NominationStatus.returned else "mail.nomination_failed"
    return t(f"{key}.subject", lang, **params), t(f"{key}.body", lang, **params)
