"""A notification's title and body in the reader's language, from the facts stored (pure, no I/O).
The inbox stores what happened, never a rendered sentence: the same notification reads in
Vietnamese or English, and with the names the campaign has now."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from thidua_common.i18n import format_date, format_datetime, format_number, format_period, t

RECEIVED = "submission.received"
REVIEWED = "submission.reviewed"
APPEALED = "submission.appealed"
APPEAL_DECIDED = "appeal.decided"
REOPENED = "submission.reopened"
VERIFIED = "score.verified"
# issue 11: nomnotice — a nomination returned, failed or decided (no campaign or period needed)
NOMINATION_RETURNED = "nomination.returned"
NOMINATION_FAILED = "nomination.failed"
NOMINATION_DECIDED = "nomination.decided"
NOMINATION_KINDS = (NOMINATION_RETURNED, NOMINATION_FAILED, NOMINATION_DECIDED)

# issue 13: reports — review reminders to units and drafts ready for the board (..reviews.service)
REVIEW_REMINDER = "review.reminder"
REVIEW_READY = "review.drafts_ready"
KINDS: tuple[str, ...] = (
    RECEIVED,
    REVIEWED,
    APPEALED,
    APPEAL_DECIDED,
    REOPENED,
    VERIFIED,
    REVIEW_REMINDER,
    REVIEW_READY,
    *NOMINATION_KINDS,
)
# issue 15: deadlines — reminders and escalations of reports and reviews (.deadlines)
DEADLINE_REMINDER = "deadline.reminder"
DEADLINE_ESCALATED = "deadline.escalated"
KINDS = (*KINDS, DEADLINE_REMINDER, DEADLINE_ESCALATED)


@dataclass(frozen=True)
class Names:
    """What the reader knows things by, in the reader's language (ids when a name is unknown)."""

    campaign: str
    unit: str
    criteria: dict[str, str] = field(default_factory=dict)


def _level(level: str, lang: str) -> str:
    return t(f"review.level.{level}", lang)


def _suffix(key: str, reason: str, lang: str) -> str:
    return t(key, lang, reason=reason) if reason.strip() else ""


def render(doc: dict[str, Any], names: Names, lang: str) -> tuple[str, str]:
    """(title, body) of a stored notification."""
    kind, facts = doc["kind"], doc.get("facts", {})
    created: datetime = doc["created_at"]
    if kind in NOMINATION_KINDS:
        return _nomination(kind, facts, created, names, lang)
    common = {
        "period": format_period(doc["period"], lang),
        "campaign": names.campaign,
        "unit": names.unit,
        "time": format_datetime(created, lang),
    }
    if kind == RECEIVED:
        return t("inbox.received.title", lang, **common), t("inbox.received.body", lang, **common)
    if kind == REVIEWED:
        decision = facts["decision"]
        body = t(
            f"inbox.reviewed.{decision}.body",
            lang,
            **common,
            level=_level(facts["level"], lang),
            criteria=_criteria(facts.get("reasons", {}), names, lang),
        )
        body += _suffix("inbox.remark" if decision == "return" else "inbox.reason", facts.get("reason", ""), lang)
        return t(f"inbox.reviewed.{decision}.title", lang, **common), body
    if kind == APPEALED:
        body = t(
            "inbox.appealed.body",
            lang,
            **common,
            against=t(f"inbox.decision.{facts['against']}", lang),
            from_level=_level(facts["from_level"], lang),
            to_level=_level(facts["to_level"], lang),
        )
        return t("inbox.appealed.title", lang, **common), body + _suffix("inbox.reason", facts.get("reason", ""), lang)
    if kind == APPEAL_DECIDED:
        outcome = t(f"mail.appeal.outcome.{facts['outcome']}", lang)
        body = t(
            "inbox.appeal_decided.body",
            lang,
            **common,
            level=_level(facts["level"], lang),
            decision=t(f"mail.appeal.decision.{facts['decision']}", lang),
        )
        title = t("inbox.appeal_decided.title", lang, **common, outcome=outcome)
        return title, body + _suffix("inbox.reason", facts.get("reason", ""), lang)
    if kind == REOPENED:
        body = t("inbox.reopened.body", lang, **common, level=_level(facts["level"], lang))
        return t("inbox.reopened.title", lang, **common), body + _suffix("inbox.reason", facts.get("reason", ""), lang)
    if kind == VERIFIED:
        if facts.get("withdrawn"):
            return t("inbox.withdrawn.title", lang, **common), t("inbox.withdrawn.body", lang, **common)
        points = {"total": format_number(facts["total"], 2, lang), "max": format_number(facts["max_total"], 2, lang)}
        return t("inbox.verified.title", lang, **common, **points), t("inbox.verified.body", lang, **common, **points)
    if kind in (REVIEW_REMINDER, REVIEW_READY):  # issue 13: reports
        review = {
            **common,
            "kind": t(f"review.kind.{facts['review_kind']}", lang),
            "date": format_date(date.fromisoformat(facts["review_date"]), lang),
            "days": facts.get("days", 0),
            "version": facts.get("version", 1),
        }
        which = "reminder" if kind == REVIEW_REMINDER else "ready"
        return t(f"inbox.review.{which}.title", lang, **review), t(f"inbox.review.{which}.body", lang, **review)
    if kind in (DEADLINE_REMINDER, DEADLINE_ESCALATED):  # issue 15: deadlines
        which = "reminder" if kind == DEADLINE_REMINDER else "escalated"
        values = {
            **common,
            "due": format_date(date.fromisoformat(facts["due_on"]), lang),
            "days": abs(int(facts["working_days_late"])),
        }
        key = f"inbox.deadline.{facts['subject']}.{which}"
        return t(f"{key}.title", lang, **values), t(f"{key}.body", lang, **values)
    raise ValueError(f"unknown notification kind {kind!r}")


def _criteria(reasons: dict[str, str], names: Names, lang: str) -> str:
    """«Số hộ thoát nghèo (thiếu biên bản); …», in the order the reviewer gave them."""
    return "; ".join(
        t("inbox.criterion_reason", lang, criterion=names.criteria.get(cid, cid), reason=reason)
        for cid, reason in reasons.items()
    )


# -- issue 11: nomnotice --------------------------------------------------------------------------
def _nominee(facts: dict[str, Any], unit: str, lang: str) -> str:
    """«Nguyễn Văn A, Chủ tịch (Huyện Cư Jút)» or «tập thể Huyện Cư Jút»."""
    if facts.get("person_name"):
        position = f", {facts['position']}" if facts.get("position") else ""
        return f"{facts['person_name']}{position} ({unit})"
    return t("inbox.nomination.collective", lang, unit=unit)


def _nomination(kind: str, facts: dict[str, Any], created: datetime, names: Names, lang: str) -> tuple[str, str]:
    params = {
        "award": facts["award_name_vi"],
        "nominee": _nominee(facts, names.unit, lang),
        "year": facts["year"],
        "stage": facts.get("stage_name_vi") or facts.get("stage") or "—",
        "time": format_datetime(created, lang),
    }
    if kind == NOMINATION_DECIDED:
        decision = facts.get("decision") or {}
        decided = {
            "decision": decision.get("number", ""),
            "date": format_date(date.fromisoformat(decision["date"]), lang) if decision.get("date") else "—",
            "signer": decision.get("signer", ""),
        }
        return (
            t("inbox.nomination.decided.title", lang, **params, **decided),
            t("inbox.nomination.decided.body", lang, **params, **decided),
        )
    status = "returned" if kind == NOMINATION_RETURNED else "failed"
    body = t(f"inbox.nomination.{status}.body", lang, **params)
    body += _suffix("inbox.reason", facts.get("reason") or "", lang)
    vote = facts.get("vote")
    if kind == NOMINATION_FAILED and vote:
        body += "" if body.endswith((".", "!", "?")) else "."  # the reason given ends without a stop
        body += t(
            "inbox.nomination.vote",
            lang,
            yes=vote["yes"],
            members=vote["members"],
            no=vote["no"],
            abstain=vote.get("abstain", 0),
            threshold=format_number(vote["threshold"] * 100, 1, lang),
        )
    return t(f"inbox.nomination.{status}.title", lang, **params), body
