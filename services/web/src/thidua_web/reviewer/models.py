"""The reviewer's pages as data: queue rows, the criteria of a submission with their targets, what
the caller may do with a submission, the bodies posted to intake, and the units and leaves of the
ratings page. Pure: built from what the APIs answered and what the form held, no I/O."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thidua_common.contracts.period import period_of, periods_between
from thidua_common.ids import is_id

REVIEWERS = ("cluster_head", "board_officer")  # review a pending submission (POST …/review)
RATERS = REVIEWERS  # rate reviewer-rated leaves (POST …/ratings)
# who opens the reviewer's pages: the reviewers, and the chairperson deciding appeals to the chair
PAGE_ROLES = (*REVIEWERS, "chairperson")
REOPENERS = (*REVIEWERS, "chairperson")
APPEAL_DECIDERS = {"board": "board_officer", "chair": "chairperson"}
DECISIONS = ("approve", "return", "reject")
OUTCOMES = ("upheld", "overturned")
REVIEWER_RATING = "reviewer_rating"
DEFAULT_SCALE = 10.0
# what a redirect after a decision may announce (?done=…): a code mapped to a text, never echoed
DONE = {
    "approved": "rev_done_approved",
    "returned": "rev_done_returned",
    "rejected": "rev_done_rejected",
    "upheld": "rev_done_upheld",
    "overturned": "rev_done_overturned",
    "reopened": "rev_done_reopened",
    "rated": "rev_done_rated",
}


def done_text_key(code: str | None) -> str | None:
    return DONE.get(code or "")


def name_in(item: Mapping[str, Any], lang: str) -> str:
    """An item's name in the reader's language (the Vietnamese one when no English one is given)."""
    if lang == "en" and item.get("name_en"):
        return str(item["name_en"])
    return str(item.get("name_vi") or item.get("campaign_id") or item.get("id") or item.get("unit_id") or "")


def unit_names(campaign: Mapping[str, Any] | None) -> dict[str, str]:
    """unit id → the name the campaign's participants give it (units without one: absent)."""
    return {
        str(p["unit_id"]): str(p["name_vi"]) for p in (campaign or {}).get("participants") or [] if p.get("name_vi")
    }


# -- the queue -------------------------------------------------------------------------------------
@dataclass
class QueueRow:
    submission_id: str
    campaign_id: str
    campaign_name: str
    unit_id: str
    unit_name: str
    period: str
    submitted_at: str
    age_days: int | None
    due_date: str | None
    overdue: bool
    awaiting: str | None
    appeal_to: str | None  # the level an appeal went to, when the item is an appeal to decide
    own_unit: bool


def queue_rows(
    items: Iterable[Mapping[str, Any]], campaigns: Mapping[str, Mapping[str, Any]], lang: str, me_unit: str | None
) -> list[QueueRow]:
    rows = []
    for item in items:
        campaign = campaigns.get(str(item.get("campaign_id"))) or {}
        names = unit_names(campaign)
        unit = str(item.get("unit_id") or "")
        appeal = item.get("appeal") or {}
        rows.append(
            QueueRow(
                submission_id=str(item.get("submission_id") or ""),
                campaign_id=str(item.get("campaign_id") or ""),
                campaign_name=name_in(campaign, lang) if campaign else str(item.get("campaign_id") or ""),
                unit_id=unit,
                unit_name=names.get(unit, unit),
                period=str(item.get("period") or ""),
                submitted_at=str(item.get("submitted_at") or ""),
                age_days=item.get("age_days"),
                due_date=item.get("due_date"),
                overdue=bool(item.get("overdue")),
                awaiting=item.get("awaiting"),
                appeal_to=str(appeal.get("to_level")) if appeal.get("status") == "pending" else None,
                own_unit=bool(me_unit) and unit == me_unit,
            )
        )
    return rows


# -- a submission ----------------------------------------------------------------------------------
@dataclass
class CriterionRow:
    id: str
    name: str
    unit_of_measure: str
    target: float | None
    value: float | None
    returned_reason: str | None  # why the current decision returned it
    # a resubmission: the value of the returned submission it follows and why that one was returned
    previous: float | None = None
    previous_reason: str | None = None


def leaves(criteria: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for node in criteria:
        children = node.get("children") or []
        out.extend(leaves(children) if children else [node])
    return out


def target_of(criterion: Mapping[str, Any], registration: Mapping[str, Any] | None, period: str) -> float | None:
    """The unit's target for the period: its registered one for that period, else its registered
    one for every period, else the criterion's default."""
    targets = [t for t in (registration or {}).get("targets") or [] if t.get("criterion_id") == criterion.get("id")]
    for wanted in (period, None):
        found = next((t for t in targets if t.get("period") == wanted), None)
        if found is not None:
            return found.get("value")
    return criterion.get("target")


def criterion_rows(
    campaign: Mapping[str, Any],
    registration: Mapping[str, Any] | None,
    submission: Mapping[str, Any],
    lang: str,
    previous: Mapping[str, Any] | None = None,
) -> list[CriterionRow]:
    """The submitted values in the order of the criteria tree; a value of a criterion no longer in
    the definition comes last, named by its id. With `previous` (the returned submission a
    resubmission follows): its value and return reason beside each criterion it returned."""
    values: Mapping[str, Any] = submission.get("values") or {}
    reasons: Mapping[str, Any] = ((submission.get("review") or {}).get("reasons")) or {}
    before: Mapping[str, Any] = (previous or {}).get("values") or {}
    returned_before: Mapping[str, Any] = (((previous or {}).get("review") or {}).get("reasons")) or {}
    period = str(submission.get("period") or "")
    rows = []
    known = set()
    for leaf in leaves(campaign.get("criteria") or []):
        cid = str(leaf.get("id"))
        if cid not in values:
            continue
        known.add(cid)
        rows.append(
            CriterionRow(
                cid,
                name_in(leaf, lang),
                str(leaf.get("unit_of_measure") or ""),
                target_of(leaf, registration, period),
                values[cid],
                reasons.get(cid),
            )
        )
    rows += [CriterionRow(c, c, "", None, v, reasons.get(c)) for c, v in values.items() if c not in known]
    for row in rows:
        if row.id in returned_before:
            row.previous, row.previous_reason = before.get(row.id), str(returned_before[row.id])
    return rows


def actions(submission: Mapping[str, Any], roles: Iterable[str], me_unit: str | None) -> set[str]:
    """What the caller may do with the submission now: "review" (a pending one), "appeal" (an
    appeal pending at the caller's level), "reopen" (an approved one). None on one's own unit:
    nobody judges their own unit (intake refuses it too)."""
    held = set(roles)
    if me_unit and submission.get("unit_id") == me_unit:
        return set()
    review = submission.get("review") or {}
    appeal = review.get("appeal") or {}
    status = review.get("status")
    found: set[str] = set()
    if appeal.get("status") == "pending":
        if APPEAL_DECIDERS.get(str(appeal.get("to_level"))) in held:
            found.add("appeal")
        return found
    if status == "pending" and held & set(REVIEWERS):
        found.add("review")
    if status == "approved" and held & set(REOPENERS):
        found.add("reopen")
    return found


@dataclass
class DecisionForm:
    """What the reviewer typed, kept to show again when intake refuses it."""

    decision: str = ""
    outcome: str = ""
    reason: str = ""
    returned: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)


def read_decision_form(form: Mapping[str, Any], returned: Iterable[str], criteria: Iterable[str]) -> DecisionForm:
    """From the posted fields: `decision`, `outcome`, `reason`, the ticked `returned` criteria and
    `reason.<criterion>` texts (only of criteria of the submission)."""
    ids = list(criteria)
    return DecisionForm(
        decision=str(form.get("decision") or ""),
        outcome=str(form.get("outcome") or ""),
        reason=str(form.get("reason") or ""),
        returned={c for c in returned if c in ids},
        reasons={c: str(form.get(f"reason.{c}") or "") for c in ids if form.get(f"reason.{c}")},
    )


def review_body(form: DecisionForm) -> dict[str, Any]:
    """POST /api/v1/submissions/{id}/review: reasons per criterion only when returning (intake
    refuses them otherwise), one for each ticked criterion, as typed (intake says which is missing)."""
    reasons = {c: form.reasons.get(c, "") for c in sorted(form.returned)} if form.decision == "return" else {}
    return {"decision": form.decision, "reason": form.reason, "reasons": reasons}


def appeal_body(form: DecisionForm) -> dict[str, Any]:
    """POST /api/v1/submissions/{id}/appeal/decision: an upheld decision stays as it was; an
    overturned one names the final decision (and, for a return, the reasons per criterion)."""
    if form.outcome != "overturned":
        return {"outcome": form.outcome, "reason": form.reason}
    body: dict[str, Any] = {"outcome": form.outcome, "decision": form.decision or None, "reason": form.reason}
    body["reasons"] = {c: form.reasons.get(c, "") for c in sorted(form.returned)} if form.decision == "return" else {}
    return body


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """field → the API's reasons (intake names them `reason`; `message` accepted too)."""
    out: dict[str, list[str]] = {}
    for error in errors:
        text = error.get("reason") or error.get("message")
        if text:
            out.setdefault(str(error.get("field") or ""), []).append(str(text))
    return out


def evidence_rows(submission: Mapping[str, Any], downloads: bool) -> list[dict[str, Any]]:
    """Each evidence item with what to link: its own URL, or (a file uploaded through intake) the
    console's download route when it exists; else no link, only the file's name."""
    cid, unit = submission.get("campaign_id"), submission.get("unit_id")
    rows = []
    for item in submission.get("evidence") or []:
        eid = item.get("evidence_id")
        href = None
        if str(item.get("url") or "").lower().startswith(("https://", "http://")):
            href = str(item["url"])  # never another scheme (javascript:…) in a link
        elif downloads and eid and is_id(eid) and is_id(cid) and is_id(unit):
            href = f"/evidence/{cid}/{unit}/{eid}"
        rows.append(
            {
                "href": href,
                "name": item.get("file_name") or item.get("url") or eid or "",
                "description": item.get("description") or "",
                "size": item.get("size"),
                "sha256": item.get("sha256"),
            }
        )
    return rows


# -- ratings ---------------------------------------------------------------------------------------
def rated_leaves(campaign: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The leaves scored by reviewers, with their scale (0 to `scale`, 10 unless configured)."""
    return [
        {
            "id": str(leaf.get("id")),
            "name": name_in(leaf, lang),
            "scale": float((leaf.get("params") or {}).get("scale") or DEFAULT_SCALE),
        }
        for leaf in leaves(campaign.get("criteria") or [])
        if leaf.get("scorer") == REVIEWER_RATING
    ]


def campaign_periods(campaign: Mapping[str, Any]) -> list[str]:
    try:
        start, end = date.fromisoformat(str(campaign["start"])), date.fromisoformat(str(campaign["end"]))
    except (KeyError, ValueError):
        return []
    return periods_between(start, end, str(campaign.get("reporting_frequency") or "quarter"))


def chosen_period(periods: list[str], asked: str | None, today: date, frequency: str) -> str | None:
    """The period asked for when the campaign has it; else today's, clamped to the campaign's."""
    if not periods:
        return None
    if asked in periods:
        return asked
    now = period_of(today, frequency or "quarter")
    if now in periods:
        return now
    return periods[-1] if now > periods[-1] else periods[0]


def ratable_units(
    campaign: Mapping[str, Any], period: str, roles: Iterable[str], me_unit: str | None
) -> list[dict[str, str]]:
    """The units the caller may rate for the period, never its own: the board every participant,
    a cluster head the members of the clusters it heads or deputises in the period's year."""
    held = set(roles)
    participants = [p for p in campaign.get("participants") or [] if p.get("unit_id") != me_unit]
    if "board_officer" not in held:
        year = int(period[:4])
        led = {
            c.get("id")
            for c in campaign.get("clusters") or []
            for lead in c.get("leadership") or []
            if lead.get("year") == year
            and me_unit
            and me_unit in (lead.get("head_unit_id"), lead.get("deputy_unit_id"))
        }
        participants = [p for p in participants if p.get("cluster_id") in led] if "cluster_head" in held else []
    return [{"unit_id": str(p["unit_id"]), "name": str(p.get("name_vi") or p["unit_id"])} for p in participants]


def latest_ratings(ratings: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """unit id → {leaf id: the latest rating} (intake lists them oldest first per unit)."""
    out: dict[str, dict[str, Any]] = {}
    for rating in sorted(ratings, key=lambda r: str(r.get("at") or "")):
        for leaf, value in (rating.get("ratings") or {}).items():
            out.setdefault(str(rating.get("unit_id")), {})[str(leaf)] = value
    return out


def read_ratings(form: Mapping[str, Any], leaf_ids: Iterable[str]) -> tuple[dict[str, float], dict[str, str]]:
    """(ratings, errors): the filled `rating.<leaf>` fields as numbers (a comma as decimal mark
    too); a field that is not a number is an error of `ratings.<leaf>`, named as intake does."""
    ratings: dict[str, float] = {}
    errors: dict[str, str] = {}
    for leaf in leaf_ids:
        raw = str(form.get(f"rating.{leaf}") or "").strip()
        if not raw:
            continue
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            errors[f"ratings.{leaf}"] = "rev_not_number"
            continue
        if value != value or value in (float("inf"), float("-inf")):
            errors[f"ratings.{leaf}"] = "rev_not_number"
            continue
        ratings[leaf] = value
    return ratings, errors


def history_rows(history: Iterable[Mapping[str, Any]], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each review and appeal step, oldest first, with the returned criteria by name."""
    rows = []
    for entry in history:
        reasons = entry.get("reasons") or {}
        rows.append(
            {
                "at": entry.get("at"),
                "step": str(entry.get("step") or ""),
                "level": entry.get("to_level") if entry.get("step") == "appeal" else entry.get("level"),
                "by": entry.get("reviewer") or entry.get("by") or "",
                "decision": entry.get("decision") or entry.get("against"),
                "outcome": entry.get("outcome"),
                "reason": entry.get("reason") or "",
                "reasons": [(names.get(str(c), str(c)), str(r)) for c, r in reasons.items()],
            }
        )
    return rows
