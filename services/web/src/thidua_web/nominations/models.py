"""Pure view models of the nomination pages (no I/O): which stage a nomination sits in and who acts
there (from the commendation configuration), the queue of a caller, due dates in working days,
what the caller may do now, the dossier form and the bodies posted to intake."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from thidua_common.calendar import working_days_between

from ..formats import LOCAL

# who acts in a stage is configured per award kind; these roles may see the nomination pages
PAGE_ROLES = ("unit_leader", "board_officer", "council_member", "chairperson", "cluster_head", "auditor")
STATUSES = ("in_progress", "returned", "failed", "decided", "withdrawn")
# what each kind of stage takes (intake's rules.ACTIONS; intake decides in the end)
STAGE_ACTIONS = {
    "review": ("pass", "return"),
    "disclosure": ("comment", "pass", "return"),
    "vote": ("vote", "return"),
    "decision": ("decide", "return"),
}
ACTIONS = ("pass", "return", "comment", "vote", "decide")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_DOCUMENTS = 10
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def award_kinds(config: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [a for a in (config or {}).get("award_kinds") or [] if isinstance(a, dict)]


def award_of(config: Mapping[str, Any] | None, award_id: str | None) -> dict[str, Any] | None:
    return next((a for a in award_kinds(config) if a.get("id") == award_id), None)


def stage_of(award: Mapping[str, Any] | None, stage_id: str | None) -> dict[str, Any] | None:
    return next((s for s in (award or {}).get("chain") or [] if s.get("id") == stage_id), None)


def holidays(config: Mapping[str, Any] | None) -> set[date]:
    out = set()
    for item in (config or {}).get("holidays") or []:
        # {date, name} (issue 11), or the date alone as intake answered before holidays had names
        text = item.get("date") if isinstance(item, Mapping) else item
        try:
            out.add(date.fromisoformat(str(text)))
        except ValueError:
            continue
    return out


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Due:
    """The due date of the current stage and where today stands against it, in working days."""

    on: date | None
    left: int | None  # working days left (0: due today); None when overdue or no date
    overdue: int | None  # working days past the due date


def due(nomination: Mapping[str, Any], today: date, days_off: set[date]) -> Due:
    on = _date(nomination.get("due_on"))
    if on is None or nomination.get("status") != "in_progress":
        return Due(on, None, None)
    if today > on:
        return Due(on, None, max(1, working_days_between(on, today, days_off)))
    return Due(on, working_days_between(today, on, days_off), None)


def judged_units(nomination: Mapping[str, Any]) -> set[str]:
    """Nobody judges their own unit (intake's conflict rule): the nominee's and the filing unit."""
    nominee = nomination.get("nominee") or {}
    return {str(u) for u in (nominee.get("unit_id"), nomination.get("nominating_unit_id")) if u}


def entered_on(nomination: Mapping[str, Any]) -> date | None:
    """The day (in Việt Nam) the nomination entered its current stage."""
    stages = [s for s in nomination.get("stages") or [] if isinstance(s, dict)]
    if not stages or stages[-1].get("left_at"):
        return None
    try:
        moment = datetime.fromisoformat(str(stages[-1].get("entered_at")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)).astimezone(LOCAL).date()


def window_open(
    nomination: Mapping[str, Any], award: Mapping[str, Any] | None, today: date, days_off: set[date]
) -> bool:
    """As intake counts it: fewer working days since the disclosure stage began than the window's."""
    if not nomination.get("window_closes_on"):
        return False
    entered = entered_on(nomination)
    length = float((award or {}).get("disclosure_days") or 0)
    return entered is not None and working_days_between(entered, today, days_off) < length


def actions(
    nomination: Mapping[str, Any], config: Mapping[str, Any] | None, roles: Iterable[str], unit: str | None, today: date
) -> list[str]:
    """What the caller may do now, as intake's rules allow it (intake checks again)."""
    roles = set(roles)
    if nomination.get("status") != "in_progress":
        return []
    award = award_of(config, nomination.get("award_kind"))
    stage = stage_of(award, nomination.get("stage"))
    if award is None or stage is None:
        return []
    kind = str(stage.get("kind"))
    allowed = STAGE_ACTIONS.get(kind, ())
    out: list[str] = []
    days_off = holidays(config)
    is_open = window_open(nomination, award, today, days_off)
    if "comment" in allowed and is_open:
        if roles & set(award.get("comment_roles") or []):
            out.append("comment")
    own = bool(unit) and unit in judged_units(nomination)
    acts = stage.get("role") in roles
    board_passes = kind == "disclosure" and "board_officer" in roles
    if own:
        return out
    for action in allowed:
        if action == "comment":
            continue
        if acts or (action == "pass" and board_passes):
            if action == "pass" and kind == "disclosure" and is_open:
                continue  # the window must close first
            out.append(action)
    return out


def acts_in(nomination: Mapping[str, Any], config: Mapping[str, Any] | None, roles: Iterable[str]) -> bool:
    """The nomination waits in a stage whose role the caller holds."""
    if nomination.get("status") != "in_progress":
        return False
    stage = stage_of(award_of(config, nomination.get("award_kind")), nomination.get("stage"))
    return stage is not None and stage.get("role") in set(roles)


def stage_name(config: Mapping[str, Any] | None, nomination: Mapping[str, Any], stage_id: str | None) -> str:
    stage = stage_of(award_of(config, nomination.get("award_kind")), stage_id)
    return str(stage.get("name_vi")) if stage else str(stage_id or "—")


def nominee_name(nominee: Mapping[str, Any]) -> str:
    if nominee.get("kind") == "individual":
        return str(nominee.get("person_name") or nominee.get("person_id") or "—")
    return str(nominee.get("unit_id") or "—")


@dataclass
class Row:
    nomination_id: str
    award: str
    nominee: str
    kind: str
    unit: str
    year: Any
    status: str
    stage: str
    due: Due
    mine: bool  # the caller acts in its stage (and not on their own unit)


def rows(
    items: Iterable[Mapping[str, Any]],
    config: Mapping[str, Any] | None,
    roles: Iterable[str],
    unit: str | None,
    today: date,
) -> list[Row]:
    roles = list(roles)
    days_off = holidays(config)
    out = []
    for n in items:
        nominee = n.get("nominee") or {}
        own = bool(unit) and unit in judged_units(n)
        out.append(
            Row(
                nomination_id=str(n.get("nomination_id")),
                award=str(n.get("award_name_vi") or n.get("award_kind")),
                nominee=nominee_name(nominee),
                kind=str(nominee.get("kind") or ""),
                unit=str(nominee.get("unit_id") or ""),
                year=n.get("year"),
                status=str(n.get("status") or ""),
                stage=stage_name(config, n, n.get("stage")) if n.get("stage") else "",
                due=due(n, today, days_off),
                mine=acts_in(n, config, roles) and not own,
            )
        )
    return out


def queue(all_rows: Iterable[Row]) -> list[Row]:
    """What the caller acts on now, the most pressing first (overdue, then soonest due)."""
    mine = [r for r in all_rows if r.mine]
    return sorted(mine, key=lambda r: (-(r.due.overdue or 0), r.due.on or date.max, r.nomination_id))


def history(nomination: Mapping[str, Any], config: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    out = []
    for record in nomination.get("stages") or []:
        if isinstance(record, dict):
            blank = dict.fromkeys(("entered_at", "due_on", "left_at", "outcome", "by", "reason", "working_days"))
            out.append({**blank, **record, "name": stage_name(config, nomination, record.get("stage"))})
    return out


def last_refusal(nomination: Mapping[str, Any]) -> dict[str, Any] | None:
    """The stage record that returned the nomination or failed it (its reason reaches the unit)."""
    if nomination.get("status") not in ("returned", "failed"):
        return None
    for record in reversed(nomination.get("stages") or []):
        if isinstance(record, dict) and record.get("outcome") in ("returned", "failed"):
            return record
    return None


def vote_needed(members: int, threshold: float) -> int:
    """Yes votes needed of `members` for `threshold` (intake: yes / members ≥ threshold)."""
    needed = 0
    while needed < members and needed / members + 1e-9 < threshold:
        needed += 1
    return needed


# -- forms -------------------------------------------------------------------------------------
@dataclass
class DossierForm:
    award_kind: str = ""
    nominee_kind: str = "individual"
    person_id: str = ""
    person_name: str = ""
    position: str = ""
    year: str = ""
    basis: str = "regular"
    achievement: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)


def read_dossier(fields: Mapping[str, str], kinds: list[str], default_year: int) -> DossierForm:
    """The dossier form as typed: one document row per required kind (doc.<i>.kind …), plus any
    further rows the form sends."""
    form = DossierForm(
        award_kind=fields.get("award_kind", "").strip(),
        nominee_kind=fields.get("nominee_kind", "individual").strip(),
        person_id=fields.get("person_id", "").strip(),
        person_name=fields.get("person_name", "").strip(),
        position=fields.get("position", "").strip(),
        year=fields.get("year", str(default_year)).strip(),
        basis=fields.get("basis", "regular").strip() or "regular",
        achievement=fields.get("achievement", "").strip(),
    )
    for i in range(MAX_DOCUMENTS):
        row = {k: fields.get(f"doc.{i}.{k}", "").strip() for k in ("kind", "name", "url", "sha256", "size")}
        # issue 11: an uploaded file stays named by its id (intake fills in the rest)
        if SAFE_ID.fullmatch(document_id := fields.get(f"doc.{i}.document_id", "").strip()):
            row["document_id"] = document_id
        if any(row.values()):
            form.documents.append(row)
    present = {d["kind"] for d in form.documents}
    for kind in kinds:
        if kind not in present:
            form.documents.append({"kind": kind, "name": "", "url": "", "sha256": "", "size": ""})
    return form


def dossier_errors(form: DossierForm) -> dict[str, str]:
    """What the console checks before asking intake: field → text key of the reason."""
    errors: dict[str, str] = {}
    if not form.award_kind:
        errors["award_kind"] = "nom_err_award"
    if not form.year.isdigit():
        errors["year"] = "nom_err_year"
    errors.update(document_errors(form.documents))
    return errors


def document_errors(documents: list[dict[str, str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for i, d in enumerate(documents):
        if d.get("document_id"):
            continue  # an uploaded file: intake checks it
        if not d["name"]:
            errors[f"documents.{i}.name"] = "nom_err_doc_name"
        if not d["url"]:
            errors[f"documents.{i}.url"] = "nom_err_doc_url"
        if not SHA256.fullmatch(d["sha256"].lower()):
            errors[f"documents.{i}.sha256"] = "nom_err_doc_sha"
        if not d["size"].isdigit():
            errors[f"documents.{i}.size"] = "nom_err_doc_size"
    return errors


def read_documents(fields: Mapping[str, str], kinds: list[str]) -> list[dict[str, str]]:
    return read_dossier(fields, kinds, 0).documents


def documents_of(nomination: Mapping[str, Any]) -> list[dict[str, str]]:
    """The nomination's documents as the form's rows (to correct them on resubmission)."""
    keys = ("kind", "name", "url", "sha256", "size", "document_id")  # document_id: issue 11, an uploaded file
    return [
        {k: str(d.get(k) if d.get(k) is not None else "") for k in keys}
        for d in nomination.get("documents") or []
        if isinstance(d, dict)
    ][:MAX_DOCUMENTS]


def documents_body(documents: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {"kind": d["kind"], "document_id": d["document_id"]}  # issue 11: an uploaded file, by its id
        if d.get("document_id")
        else {
            "kind": d["kind"],
            "name": d["name"],
            "url": d["url"],
            "sha256": d["sha256"].lower(),
            "size": int(d["size"]),
        }
        for d in documents
    ]


def may_resubmit(nomination: Mapping[str, Any], roles: Iterable[str], unit: str | None) -> bool:
    """A returned nomination goes back in with a corrected dossier: its unit's leader (or the board)."""
    roles = set(roles)
    if nomination.get("status") != "returned":
        return False
    own = bool(unit) and unit == (nomination.get("nominee") or {}).get("unit_id")
    return "board_officer" in roles or ("unit_leader" in roles and own)


def resubmit_body(documents: list[dict[str, str]], achievement: str, reason: str, revision: str) -> dict[str, Any]:
    body: dict[str, Any] = {"documents": documents_body(documents), "achievement": achievement, "reason": reason}
    if revision.isdigit():
        body["expected_revision"] = int(revision)
    return body


def dossier_body(form: DossierForm, unit: str) -> dict[str, Any]:
    nominee: dict[str, Any] = {"kind": form.nominee_kind, "unit_id": unit}
    if form.nominee_kind == "individual":
        nominee.update(person_id=form.person_id or None, person_name=form.person_name or None)
        nominee["position"] = form.position or None
    return {
        "award_kind": form.award_kind,
        "nominee": nominee,
        "year": int(form.year),
        "basis": form.basis,
        "achievement": form.achievement,
        "documents": documents_body(form.documents),
    }


def action_body(action: str, fields: Mapping[str, str], stage: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The body intake expects for `action`, and the console's own field errors (text keys)."""
    body: dict[str, Any] = {"action": action, "stage": stage, "reason": fields.get("reason", "").strip()}
    errors: dict[str, str] = {}
    if fields.get("revision", "").isdigit():
        body["expected_revision"] = int(fields["revision"])
    if action == "vote":
        counts = {}
        for name in ("members", "yes", "no", "abstain"):
            text = fields.get(name, "0" if name == "abstain" else "").strip() or ("0" if name == "abstain" else "")
            if not text.isdigit():
                errors[f"vote.{name}"] = "nom_err_count"
            else:
                counts[name] = int(text)
        if not errors and counts["members"] < 1:
            errors["vote.members"] = "nom_err_members"
        body["vote"] = counts
    elif action == "decide":
        decision = {k: fields.get(k, "").strip() for k in ("number", "date", "signer")}
        for name, value in decision.items():
            if not value:
                errors[f"decision.{name}"] = "nom_err_required"
        if decision["date"] and _date(decision["date"]) is None:
            errors["decision.date"] = "nom_err_date"
        body["decision"] = decision
    return body, errors


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """field → intake's reasons (intake names them `reason`; `message` accepted too)."""
    out: dict[str, list[str]] = {}
    for error in errors:
        text = error.get("reason") or error.get("message")
        if text:
            out.setdefault(str(error.get("field") or ""), []).append(str(text))
    return out


# -- award history -----------------------------------------------------------------------------
def award_rows(rows: Iterable[Mapping[str, Any]], recipient: str | None) -> list[Mapping[str, Any]]:
    """Reporting's award rows, kept to one recipient type: an individual's row names a person."""
    out = []
    for row in rows:
        individual = bool(row.get("person_id") or row.get("person_name"))
        if recipient == "individual" and not individual or recipient == "collective" and individual:
            continue
        out.append(row)
    return out
