"""The unit register's view models, free of I/O: searching names without diacritics, the tree of
units in display order, the forms read from what was posted and the bodies intake expects."""

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from thidua_common.i18n import vi_sort_key
from thidua_common.ids import is_id

# intake's UnitType (thidua_common.contracts.unit), in the order the form offers them
UNIT_TYPES = (
    "province", "department", "district", "commune", "association", "central_agency",
    "state_enterprise", "enterprise", "school", "hospital", "other",
)  # fmt: skip
WRITERS = ("board_officer",)
# who reads the register: every role but the unit roles (their unit's page is elsewhere)
READERS = ("board_officer", "chairperson", "auditor", "cluster_head", "council_member")
SPLIT_ROWS = 3  # successor rows offered by the split form (empty rows are left out)
MAX_QUERY = 100
# the split form's fields (intake's names): their errors are shown next to them, the rest above
SPLIT_FIELDS = ("effective", "reason") + tuple(
    f"into.{i}.{name}" for i in range(SPLIT_ROWS) for name in ("unit_id", "name_vi")
)


def fold(text: object) -> str:
    """Lower case, without diacritics (đ → d), '-' and '_' as spaces, spaces collapsed: "Cư Jút",
    "cu jut" and "huyen-cu-jut" all contain "cu jut"."""
    decomposed = unicodedata.normalize("NFD", str(text or "").lower().replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").replace("_", " ").split())


def matches(unit: Mapping[str, Any], query: str) -> bool:
    wanted = fold(query)
    if not wanted:
        return True
    return any(wanted in fold(unit.get(k)) for k in ("name_vi", "name_en", "unit_id"))


@dataclass
class Row:
    unit: dict[str, Any]
    depth: int
    matched: bool


def tree(units: Iterable[Mapping[str, Any]], query: str = "") -> list[Row]:
    """Units depth first under their parents (roots: no parent or a parent not listed), siblings
    in Vietnamese alphabetical order. With a query: the units that match, and their ancestors so
    that each is seen where it sits (the ancestors not marked as matches)."""
    by_id = {str(u.get("unit_id")): dict(u) for u in units if isinstance(u, Mapping) and u.get("unit_id")}
    children: dict[str | None, list[str]] = {}
    for uid, unit in by_id.items():
        parent = unit.get("parent_id")
        children.setdefault(parent if parent in by_id and parent != uid else None, []).append(uid)
    for ids in children.values():
        ids.sort(key=lambda i: (vi_sort_key(str(by_id[i].get("name_vi") or "")), i))
    matched = {uid for uid, u in by_id.items() if matches(u, query)}
    shown = set(matched)
    if query.strip():
        for uid in matched:
            seen = {uid}
            parent = by_id[uid].get("parent_id")
            while parent in by_id and parent not in seen:  # a corrupt loop stops here
                shown.add(parent)
                seen.add(parent)
                parent = by_id[parent].get("parent_id")
    rows: list[Row] = []
    visited: set[str] = set()
    stack = [(uid, 0) for uid in reversed(children.get(None, []))]
    while stack:
        uid, depth = stack.pop()
        if uid in visited:
            continue
        visited.add(uid)
        if uid in shown:
            rows.append(Row(by_id[uid], depth, uid in matched and bool(query.strip())))
        stack += [(c, depth + 1) for c in reversed(children.get(uid, []))]
    # units only reachable through a loop of parents: listed at the root rather than lost
    rows += [Row(by_id[u], 0, u in matched) for u in sorted(shown - visited)]
    return rows


def name_of(unit: Mapping[str, Any] | None, lang: str) -> str:
    if not unit:
        return ""
    if lang == "en" and unit.get("name_en"):
        return str(unit["name_en"])
    return str(unit.get("name_vi") or unit.get("unit_id") or "")


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """field → the API's reasons ("into.0.unit_id" as intake names it)."""
    out: dict[str, list[str]] = {}
    for error in errors:
        text = error.get("reason") or error.get("message")
        if text:
            out.setdefault(str(error.get("field") or ""), []).append(str(text))
    return out


def _text(fields: Mapping[str, str], name: str) -> str:
    return str(fields.get(name) or "").strip()


def _dated(body: dict[str, Any], effective: str) -> dict[str, Any]:
    """`effective` only when typed: left out, intake names it as missing (not as a wrong type)."""
    return {**body, "effective": effective} if effective else body


# -- create ------------------------------------------------------------------------------------
def create_form(fields: Mapping[str, str]) -> dict[str, str]:
    names = ("unit_id", "name_vi", "name_en", "unit_type", "parent_id", "email", "valid_from", "reason")
    return {n: _text(fields, n) for n in names}


def create_body(form: Mapping[str, str]) -> dict[str, Any]:
    """PUT /api/v1/units/{id}: empty optional fields left out (intake says what is missing)."""
    body: dict[str, Any] = {"name_vi": form["name_vi"], "name_en": form["name_en"], "reason": form["reason"]}
    if form["unit_type"]:
        body["unit_type"] = form["unit_type"]
    for name in ("parent_id", "email", "valid_from"):
        if form[name]:
            body[name] = form[name]
    return body


# -- rename ------------------------------------------------------------------------------------
def rename_form(fields: Mapping[str, str]) -> dict[str, str]:
    return {n: _text(fields, n) for n in ("name_vi", "name_en", "effective", "reason")}


def rename_body(form: Mapping[str, str]) -> dict[str, Any]:
    return _dated({"name_vi": form["name_vi"], "name_en": form["name_en"], "reason": form["reason"]}, form["effective"])


# -- split -------------------------------------------------------------------------------------
@dataclass
class SplitForm:
    rows: list[dict[str, str]] = field(default_factory=lambda: [{"unit_id": "", "name_vi": ""}] * SPLIT_ROWS)
    effective: str = ""
    reason: str = ""


def split_form(fields: Mapping[str, str]) -> SplitForm:
    rows = [
        {"unit_id": _text(fields, f"into.{i}.unit_id"), "name_vi": _text(fields, f"into.{i}.name_vi")}
        for i in range(SPLIT_ROWS)
    ]
    return SplitForm(rows, _text(fields, "effective"), _text(fields, "reason"))


def split_body(form: SplitForm) -> dict[str, Any]:
    """The filled rows, in order (the API numbers them: into.0 is the first filled row, so the
    form renumbers its rows to match before showing errors)."""
    into = [r for r in form.rows if r["unit_id"] or r["name_vi"]]
    return _dated({"into": into, "reason": form.reason}, form.effective)


def compact_split(form: SplitForm) -> SplitForm:
    """The filled rows first, then empty ones: row i of the form is into.i of the body sent."""
    filled = [r for r in form.rows if r["unit_id"] or r["name_vi"]]
    empty = [{"unit_id": "", "name_vi": ""}] * max(0, SPLIT_ROWS - len(filled))
    return SplitForm(filled + empty, form.effective, form.reason)


# -- merge -------------------------------------------------------------------------------------
@dataclass
class MergeForm:
    sources: list[str] = field(default_factory=list)
    into: dict[str, str] = field(
        default_factory=lambda: {"unit_id": "", "name_vi": "", "name_en": "", "unit_type": "", "parent_id": ""}
    )
    effective: str = ""
    reason: str = ""


def merge_form(fields: Mapping[str, str], sources: Iterable[str]) -> MergeForm:
    into = {n: _text(fields, f"into.{n}") for n in ("unit_id", "name_vi", "name_en", "unit_type", "parent_id")}
    chosen = list(dict.fromkeys(s.strip() for s in sources if s and s.strip()))
    return MergeForm(chosen, into, _text(fields, "effective"), _text(fields, "reason"))


def merge_body(form: MergeForm) -> dict[str, Any]:
    """POST /api/v1/units/merge: the successor's empty fields left out (an absorbing source keeps
    its own; a new unit is told by intake what it lacks)."""
    into = {k: v for k, v in form.into.items() if v}
    into.setdefault("unit_id", "")
    return _dated({"sources": form.sources, "into": into, "reason": form.reason}, form.effective)


def safe_ids(values: Iterable[str]) -> list[str]:
    return [v for v in values if is_id(v)]
