"""The commendation configuration's forms, free of I/O: reading what was posted, the whole body PUT to
intake (its PUT replaces the tenant's configuration: every form changes only its part of the current
one), and intake's field errors (named in the whole body, e.g. `award_kinds.2.chain.1.service_days`)
placed next to the form's inputs (`chain.1.service_days`)."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thidua_common.ids import is_id

from ..formats import number

READERS = ("board_officer", "chairperson", "council_member", "auditor")
EDITORS = ("board_officer",)
STAGE_KINDS = ("review", "disclosure", "vote", "decision")
NOMINEE_KINDS = ("individual", "collective")
# who may act in a stage or comment during disclosure: never the auditor (read-only), nor another system
ACTING_ROLES = ("unit_reporter", "unit_leader", "cluster_head", "board_officer", "council_member", "chairperson")
FLAG_KINDS = ("discipline", "inspection", "complaint")
DEFAULT_ESCALATE = ["board_officer", "chairperson"]
DEFAULT_DOCUMENTS = ["cover_request", "achievement_report", "vote_minutes"]
GENERAL = ""  # the errors shown above a form, not next to one input
EMPTY_RULE_ROWS = 1  # blank rows offered to add a prerequisite or a quota


# -- values typed the Vietnamese way ---------------------------------------------------------------
DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_day(text: str) -> date | None:
    """30/11/2026 (as typed in Việt Nam) or 2026-11-30 (a date input); None when not a date."""
    text = text.strip()
    try:
        if found := DAY.fullmatch(text):
            d, m, y = (int(g) for g in found.groups())
            return date(y, m, d)
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """«1,5» or «1.234,5» (Vietnamese) or 1.5; None when not a number."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    return float(text)


def number_text(value: Any, lang: str) -> str:
    """A number as an input shows it (no thousands separator to trip over)."""
    if value is None or value == "":
        return ""
    shown = number(value, lang, digits=4)
    return shown.replace(".", "") if lang != "en" else shown.replace(",", "")


def plain(value: float) -> int | float:
    """2.0 → 2: the body says what was typed."""
    return int(value) if float(value).is_integer() else value


def slug(text: str) -> str:
    """An id from a Vietnamese name: «Thẩm định hồ sơ» → tham-dinh-ho-so."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64] or "buoc"


# -- the whole body --------------------------------------------------------------------------------
def write_body(
    config: Mapping[str, Any] | None,
    revision: int | None,
    reason: str,
    *,
    holidays: "list[Holiday] | None" = None,
    award_kinds: list[dict[str, Any]] | None = None,
    council_members: int | None = None,
) -> dict[str, Any]:
    """The configuration to PUT: the current one with one part changed, and the revision the
    officer's form was read at (intake refuses with 409 when somebody saved in between)."""
    current = config or {}
    if council_members is not None:  # issue 11: ballots
        current = {**current, "council_members": council_members}
    return {
        "holidays": [h.body() for h in (holidays if holidays is not None else holiday_list(current))],
        "award_kinds": award_kinds if award_kinds is not None else list(current.get("award_kinds") or []),
        "escalate_to": list(current.get("escalate_to") or DEFAULT_ESCALATE),
        # issue 11: ballots — the council's size is kept when another part is saved
        **({"council_members": current["council_members"]} if current.get("council_members") else {}),
        "reason": reason.strip(),
        "expected_revision": revision if revision is not None else 0,
    }


def revision_of(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def errors_under(errors: Iterable[Mapping[str, Any]], prefix: str) -> dict[str, list[str]]:
    """intake's errors of the part `prefix` (e.g. `award_kinds.2`), named relative to it (a
    validator's error of the part itself under `(part)`); any other error under GENERAL. No
    prefix: the fields as intake names them."""
    out: dict[str, list[str]] = {}
    for error in errors:
        text = str(error.get("reason") or error.get("message") or "")
        if not text:
            continue
        name = str(error.get("field") or "")
        if not prefix:  # a body of its own (a flag): its fields as intake names them
            key = name if name != "(body)" else GENERAL
        elif name == prefix:
            key = "(part)"
        elif prefix and name.startswith(prefix + "."):
            key = name[len(prefix) + 1 :]
        else:
            key = GENERAL
        out.setdefault(key, []).append(text)
    return out


# -- holidays --------------------------------------------------------------------------------------
HOLIDAY_NAME_MAX = 100  # as intake accepts a holiday's name


@dataclass(frozen=True)
class Holiday:
    """A holiday as intake answers it ({date, name}, or a plain date from before holidays had names)."""

    date: str  # YYYY-MM-DD
    name: str = ""

    @property
    def weekday(self) -> int:
        return date.fromisoformat(self.date).weekday()

    def body(self) -> dict[str, str]:
        return {"date": self.date, "name": self.name}


def holiday_list(config: Mapping[str, Any] | None) -> list[Holiday]:
    """The configuration's holidays by date; anything that is not a date is left out."""
    found: dict[str, Holiday] = {}
    for item in (config or {}).get("holidays") or []:
        raw, name = (item.get("date"), item.get("name")) if isinstance(item, Mapping) else (item, "")
        day = str(raw or "")[:10]
        try:
            date.fromisoformat(day)
        except ValueError:
            continue
        found[day] = Holiday(day, str(name or ""))
    return [found[d] for d in sorted(found)]


def holidays_of_year(holidays: Iterable[Holiday], year: int) -> list[Holiday]:
    return sorted((h for h in holidays if h.date.startswith(f"{year:04d}-")), key=lambda h: h.date)


def years_of(holidays: Iterable[Holiday], today: date) -> list[int]:
    years = {int(h.date[:4]) for h in holidays} | {today.year, today.year + 1}
    return sorted(years)


def holiday_name(text: str) -> tuple[str, str | None]:
    """The name as typed, composed (NFC) and trimmed, and the texts key of why it is refused (or None)."""
    name = unicodedata.normalize("NFC", text).strip()
    if len(name) > HOLIDAY_NAME_MAX:
        return name, "cmd_err_holiday_name"
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return name, "cmd_err_holiday_name_chars"
    return name, None


def with_holiday(holidays: list[Holiday], added: Holiday) -> list[Holiday]:
    """The calendar with a day added, or its name changed when the day is already there."""
    return sorted([h for h in holidays if h.date != added.date] + [added], key=lambda h: h.date)


def without_holiday(holidays: list[Holiday], day: str) -> list[Holiday]:
    return [h for h in holidays if h.date != day]


# -- award kinds -----------------------------------------------------------------------------------
@dataclass
class StageRow:
    id: str = ""
    name_vi: str = ""
    role: str = "board_officer"
    service_days: str = ""
    kind: str = "review"


@dataclass
class AwardForm:
    id: str = ""
    name_vi: str = ""
    nominee_kind: str = "individual"
    disclosure_days: str = "10"
    vote_threshold: str = "80"  # per cent: the council's "80%" rather than a share 0.8
    required_documents: str = "\n".join(DEFAULT_DOCUMENTS)
    comment_roles: list[str] = field(default_factory=lambda: list(ACTING_ROLES))
    stages: list[StageRow] = field(default_factory=list)
    reason: str = ""
    revision: str = ""
    original: str = ""  # the id being edited; empty: a new award kind
    # issue 13: statutory forms (0602.N / 0603.N): empty = not set
    level: str = ""
    stat_form: str = ""
    recipient_type: str = ""


def new_award_form(revision: int | None) -> AwardForm:
    return AwardForm(
        stages=[
            StageRow(role="board_officer", kind="review"),
            StageRow(role="chairperson", kind="decision"),
        ],
        revision=str(revision if revision is not None else 0),
    )


def award_form(award: Mapping[str, Any], revision: int | None, lang: str) -> AwardForm:
    """The form of an award kind as intake holds it."""
    threshold = award.get("vote_threshold")
    return AwardForm(
        id=str(award.get("id") or ""),
        name_vi=str(award.get("name_vi") or ""),
        nominee_kind=str(award.get("nominee_kind") or "individual"),
        disclosure_days=number_text(award.get("disclosure_days"), lang),
        vote_threshold=number_text(round(float(threshold) * 100, 4), lang) if threshold is not None else "",
        required_documents="\n".join(str(d) for d in award.get("required_documents") or []),
        comment_roles=[str(r) for r in award.get("comment_roles") or []],
        stages=[
            StageRow(
                id=str(s.get("id") or ""),
                name_vi=str(s.get("name_vi") or ""),
                role=str(s.get("role") or ""),
                service_days=number_text(s.get("service_days"), lang),
                kind=str(s.get("kind") or ""),
            )
            for s in award.get("chain") or []
            if isinstance(s, Mapping)
        ],
        revision=str(revision if revision is not None else 0),
        original=str(award.get("id") or ""),
        level=str(award.get("level") or ""),  # issue 13: statutory forms
        stat_form=str(award.get("form") or ""),
        recipient_type=str(award.get("recipient_type") or ""),
    )


def read_award_form(fields: Mapping[str, str], comment_roles: list[str]) -> AwardForm:
    """The posted form: `stage.{i}.{field}` for each row of the chain, in the order shown."""
    rows: dict[int, StageRow] = {}
    for name, value in fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "stage" and parts[1].isdigit() and parts[2] in StageRow.__dataclass_fields__:
            setattr(rows.setdefault(int(parts[1]), StageRow()), parts[2], value.strip()[:300])
    return AwardForm(
        id=fields.get("id", "").strip(),
        name_vi=fields.get("name_vi", "").strip(),
        nominee_kind=fields.get("nominee_kind", ""),
        disclosure_days=fields.get("disclosure_days", "").strip(),
        vote_threshold=fields.get("vote_threshold", "").strip(),
        required_documents=fields.get("required_documents", ""),
        comment_roles=[r for r in comment_roles if r],
        stages=[rows[i] for i in sorted(rows)][:20],
        reason=fields.get("reason", ""),
        revision=fields.get("revision", ""),
        original=fields.get("original", ""),
        level=fields.get("level", "").strip(),  # issue 13: statutory forms
        stat_form=fields.get("stat_form", "").strip(),
        recipient_type=fields.get("recipient_type", "").strip(),
    )


def apply_step(form: AwardForm, step: str) -> bool:
    """Change the chain as a button of the form asks (`add`, `up:2`, `down:0`, `remove:1`);
    False when `step` asks nothing known (then the form is saved)."""
    name, _, where = step.partition(":")
    if name == "add":
        form.stages.append(StageRow())
        return True
    if not where.isdigit() or int(where) >= len(form.stages):
        return False
    i = int(where)
    if name == "remove":
        del form.stages[i]
    elif name == "up" and i > 0:
        form.stages[i - 1], form.stages[i] = form.stages[i], form.stages[i - 1]
    elif name == "down" and i + 1 < len(form.stages):
        form.stages[i + 1], form.stages[i] = form.stages[i], form.stages[i + 1]
    elif name not in ("up", "down"):
        return False
    return True


def award_body(form: AwardForm, existing: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The award kind to PUT (its rules kept from `existing`: the rules page edits them), and the
    inputs the console refuses itself (field → text key) because they are not numbers at all."""
    local: dict[str, str] = {}

    def num(name: str, text: str) -> float | None:
        value = parse_number(text)
        if value is None:
            local[name] = "cmd_err_number"
        return value

    disclosure = num("disclosure_days", form.disclosure_days)
    threshold = num("vote_threshold", form.vote_threshold)
    if threshold is not None and not 0 < threshold <= 100:
        local["vote_threshold"] = "cmd_err_percent"
    chain = []
    used: set[str] = set()
    for i, row in enumerate(form.stages):
        days = num(f"chain.{i}.service_days", row.service_days)
        stage_id = row.id or slug(row.name_vi)
        while not row.id and stage_id in used:  # two stages of the same name get distinct ids
            stage_id = f"{stage_id}-{i + 1}"
        used.add(stage_id)
        chain.append({
            "id": stage_id, "name_vi": row.name_vi, "role": row.role,
            "service_days": plain(days) if days is not None else row.service_days, "kind": row.kind,
        })  # fmt: skip
    documents = [line.strip() for line in form.required_documents.splitlines() if line.strip()]
    award = {
        "id": form.original or form.id,
        "name_vi": form.name_vi,
        "nominee_kind": form.nominee_kind,
        "chain": chain,
        "disclosure_days": plain(disclosure) if disclosure is not None else form.disclosure_days,
        "vote_threshold": round(threshold / 100, 6) if threshold is not None else form.vote_threshold,
        "required_documents": documents,
        "rules": list((existing or {}).get("rules") or []),
        "comment_roles": form.comment_roles,
    }
    # issue 13: statutory forms; left out when not chosen (intake's default: not on the forms),
    # an unknown value is refused by intake by field
    statistics = {"level": form.level, "form": form.stat_form, "recipient_type": form.recipient_type}
    award.update({k: v for k, v in statistics.items() if v})
    # issue 13: award papers — the decision stage's signer is set through the API; an edit here keeps it
    signers = {s.get("id"): s["signer"] for s in (existing or {}).get("chain") or [] if s.get("signer")}
    for stage in chain:
        if stage["id"] in signers and stage["kind"] == "decision":
            stage["signer"] = signers[stage["id"]]
    if not form.original and not is_id(form.id):
        local["id"] = "cmd_err_id"
    if not form.comment_roles:
        local["comment_roles"] = "cmd_err_comment_roles"
    return award, local


def replace_award(
    kinds: list[dict[str, Any]], award: dict[str, Any], original: str
) -> tuple[list[dict[str, Any]], int]:
    """The award kinds with `award` in place of `original` (appended when new) and its index."""
    out = [dict(k) for k in kinds]
    for i, kind in enumerate(out):
        if original and kind.get("id") == original:
            out[i] = award
            return out, i
    out.append(award)
    return out, len(out) - 1


# -- rules -----------------------------------------------------------------------------------------
@dataclass
class RulesForm:
    """The rules of one award kind: rows of prerequisites and quotas (a row without an award kind
    is dropped: that is how one is removed), the freezing flags and no double award."""

    prerequisites: list[tuple[str, str]] = field(default_factory=list)  # (award kind, consecutive years)
    quotas: list[tuple[str, str]] = field(default_factory=list)  # (award kind, max share in per cent)
    freeze: list[str] = field(default_factory=list)
    no_double: bool = False
    reason: str = ""
    revision: str = ""


def rules_form(award: Mapping[str, Any], revision: int | None, lang: str) -> RulesForm:
    form = RulesForm(revision=str(revision if revision is not None else 0))
    for rule in award.get("rules") or []:
        kind = rule.get("kind")
        if kind == "prerequisite":
            form.prerequisites.append(
                (str(rule.get("requires_award_kind")), number_text(rule.get("consecutive_years", 1), lang))
            )
        elif kind == "quota":
            share = rule.get("max_share")
            form.quotas.append((str(rule.get("of_award_kind")), number_text(round(float(share) * 100, 4), lang)))
        elif kind == "freeze_on":
            form.freeze = [str(f) for f in rule.get("flags") or []]
        elif kind == "no_double_award":
            form.no_double = True
    form.prerequisites += [("", "1")] * EMPTY_RULE_ROWS
    form.quotas += [("", "")] * EMPTY_RULE_ROWS
    return form


def read_rules_form(fields: Mapping[str, str], freeze: list[str]) -> RulesForm:
    def rows(prefix: str, value_name: str) -> list[tuple[str, str]]:
        found: dict[int, dict[str, str]] = {}
        for name, value in fields.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit() and parts[2] in ("award", value_name):
                found.setdefault(int(parts[1]), {"award": "", value_name: ""})[parts[2]] = value.strip()
        return [(r["award"], r[value_name]) for _, r in sorted(found.items())][:25]

    return RulesForm(
        prerequisites=rows("pre", "years"),
        quotas=rows("quota", "share"),
        freeze=[f for f in freeze if f in FLAG_KINDS],
        no_double=fields.get("no_double") in ("1", "on", "true"),
        reason=fields.get("reason", ""),
        revision=fields.get("revision", ""),
    )


def rules_body(form: RulesForm) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    """The rules to PUT, the form input each rule came from (intake's `rules.{i}` errors are shown
    there) and the inputs refused by the console itself (field → text key)."""
    rules: list[dict[str, Any]] = []
    origin: list[str] = []
    local: dict[str, str] = {}
    for i, (award, years) in enumerate(form.prerequisites):
        if not award:
            continue
        value = parse_number(years or "1")
        if value is None or not value.is_integer():
            local[f"pre.{i}.years"] = "cmd_err_whole"
        rules.append(
            {
                "kind": "prerequisite",
                "requires_award_kind": award,
                "consecutive_years": int(value) if value is not None and value.is_integer() else years,
            }
        )
        origin.append(f"pre.{i}.years")
    for i, (award, share) in enumerate(form.quotas):
        if not award:
            continue
        value = parse_number(share)
        if value is None:
            local[f"quota.{i}.share"] = "cmd_err_number"
        elif not 0 < value <= 100:
            local[f"quota.{i}.share"] = "cmd_err_percent"
        rules.append(
            {
                "kind": "quota",
                "of_award_kind": award,
                "max_share": round(value / 100, 6) if value is not None else share,
            }
        )
        origin.append(f"quota.{i}.share")
    if form.freeze:
        rules.append({"kind": "freeze_on", "flags": form.freeze})
        origin.append("freeze")
    if form.no_double:
        rules.append({"kind": "no_double_award"})
        origin.append("no_double")
    return rules, origin, local


def rule_errors(errors: Mapping[str, list[str]], origin: list[str]) -> dict[str, list[str]]:
    """`rules.{i}.…` errors (relative to the award kind) placed on the input rule i came from."""
    out: dict[str, list[str]] = {}
    for name, texts in errors.items():
        parts = name.split(".")
        key = GENERAL
        if len(parts) >= 2 and parts[0] == "rules" and parts[1].isdigit() and int(parts[1]) < len(origin):
            key = origin[int(parts[1])]
        out.setdefault(key, []).extend(texts)
    return out


# -- the overview ----------------------------------------------------------------------------------
def chain_days(award: Mapping[str, Any]) -> float:
    """Working days of the whole chain: the sum of its stages' service times."""
    return sum(float(s.get("service_days") or 0) for s in award.get("chain") or [] if isinstance(s, Mapping))


def award_names(config: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(a.get("id")): str(a.get("name_vi") or a.get("id")) for a in (config or {}).get("award_kinds") or []}


# -- flags -----------------------------------------------------------------------------------------
@dataclass
class FlagForm:
    unit_id: str = ""
    person_id: str = ""
    kind: str = "discipline"
    active: str = "true"
    reason: str = ""


def read_flag_form(fields: Mapping[str, str]) -> FlagForm:
    return FlagForm(
        unit_id=fields.get("unit_id", "").strip(),
        person_id=fields.get("person_id", "").strip(),
        kind=fields.get("kind", ""),
        active="false" if fields.get("active") == "false" else "true",
        reason=fields.get("reason", ""),
    )


def flag_body(form: FlagForm) -> dict[str, Any]:
    return {
        "unit_id": form.unit_id,
        "person_id": form.person_id or None,
        "kind": form.kind,
        "active": form.active == "true",
        "reason": form.reason.strip(),
    }
