"""The campaign editor's draft, free of I/O: a campaign's definition as the form holds it (strings,
as typed, nested like intake's body so that an input's name is the very path intake names in a
422: `criteria.0.children.1.params.threshold`), the tree edits the page's buttons make, the body
PUT to intake, the inputs of a scorer's parameters generated from its JSON Schema, where each of
intake's field errors is shown, and what a draft changes against the saved revision.

A draft is plain data: {"name_vi": "...", "start": "01/01/2018", "criteria": [{"id": ..,
"max_points": "60", "params": {"threshold": "1,5"}, "children": [...]}, ...], "clusters": [...],
"participants": [...]}. Every value is a string as typed (numbers are parsed only for the body),
so a re-rendered page keeps exactly what the user typed, wrong values included."""

import copy
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thidua_common.contracts.campaign import TRANSITIONS, CampaignStatus
from thidua_common.contracts.registry import CAMPAIGN_DEFINED

PAGE_ROLES = ("board_officer",)
GENERAL = (
    "name_vi",
    "name_en",
    "launched_by",
    "kind",
    "start",
    "end",
    "reporting_frequency",
    "interim_reviews",
    "final_review",
    "missing_reports",
    "scope",  # issue 13: statutory forms (0601.N)
    "launch_level",
)
NODE_TEXT = ("id", "name_vi", "name_en", "unit_of_measure", "direction", "scorer")
NODE_NUMBERS = ("max_points", "target", "min_value", "max_value")
NODE_FIELDS = NODE_TEXT + NODE_NUMBERS
DEFAULT_SCORER = "ratio_to_target"
MAX_DEPTH = 8  # deeper than any real criteria tree; bounds what a forged form can make us build
INDEX = re.compile(r"^(0|[1-9][0-9]{0,3})$")  # a list position a form may name: 0 … 9999
SEPARATOR = re.compile(r"[;\n]")

# lifecycle buttons: (from, to) → the action's text key
ACTIONS: dict[tuple[str, str], str] = {
    ("draft", "launched"): "ed_act_launch",
    ("launched", "running"): "ed_act_run",
    ("running", "reviewing"): "ed_act_review",
    ("reviewing", "running"): "ed_act_reopen",
    ("reviewing", "closed"): "ed_act_close",
}


# -- from a form and from a campaign ----------------------------------------------------------------
def unflatten(fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Inputs named by path (`criteria.0.children.1.name_vi`) as nested data: an object whose keys
    are all numbers is a list, in the order of those numbers. A name that contradicts another (a
    value where an object is) or is too deep is ignored: the form is ours, a forged one builds
    nothing else."""
    root: dict[str, Any] = {}
    for name, value in fields:
        parts = name.split(".")
        if len(parts) > 4 * MAX_DEPTH or not all(parts):
            continue
        node = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node.setdefault(parts[-1], value)
    return _listed(root)


def _listed(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(k.isascii() and k.isdigit() for k in node):
        kept = [k for k in node if len(k) <= 4 and INDEX.fullmatch(k)]  # no 007, no 99999
        return [_listed(node[k]) for k in sorted(kept, key=int)]
    return {k: _listed(v) for k, v in node.items()}


def draft_from_form(fields: Iterable[tuple[str, str]], scorer_schemas: Mapping[str, dict]) -> dict[str, Any]:
    """The draft the posted form holds (inputs other than the definition's are dropped)."""
    raw = unflatten((k, v) for k, v in fields if k not in ("csrf", "action", "unit_q", "add_unit", "add_cluster_id"))
    draft: dict[str, Any] = {k: str(raw.get(k) or "") for k in GENERAL}
    for key in ("campaign_id", "expected_revision", "reason", "keep"):
        draft[key] = str(raw.get(key) or "")
    draft["criteria"] = [_node_from_form(n, scorer_schemas, 1) for n in _dicts(raw.get("criteria"))]
    draft["clusters"] = [
        {
            "id": _text(c.get("id")),
            "name_vi": _text(c.get("name_vi")),
            "name_en": _text(c.get("name_en")),
            "leadership": [
                {k: _text(lead.get(k)) for k in ("year", "head_unit_id", "deputy_unit_id")}
                for lead in _dicts(c.get("leadership"))
            ],
        }
        for c in _dicts(raw.get("clusters"))
    ]
    draft["participants"] = [
        {k: _text(p.get(k)) for k in ("unit_id", "name_vi", "unit_type", "cluster_id", "email")}
        for p in _dicts(raw.get("participants"))
    ]
    return draft


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _node_from_form(raw: dict[str, Any], scorer_schemas: Mapping[str, dict], depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {k: _text(raw.get(k)) for k in NODE_FIELDS}
    given = raw.get("params")
    params: dict[str, Any] = given if isinstance(given, dict) else {}
    known = {f.name for f in param_fields(scorer_schemas.get(node["scorer"]) or {})}
    node["params"] = {k: _text(v) for k, v in params.items() if k in known}
    node["children"] = (
        [_node_from_form(c, scorer_schemas, depth + 1) for c in _dicts(raw.get("children"))]
        if depth < MAX_DEPTH
        else []
    )
    return node


def shown_number(value: Any, lang: str = "vi") -> str:
    """A number as the form shows it: 60.0 → «60», 1.5 → «1,5» (vi); None → empty."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        text = repr(value) if isinstance(value, float) else str(value)
        return text.replace(".", ",") if lang != "en" else text
    return str(value)


def shown_date(value: Any) -> str:
    """2018-01-31 → «31/01/2018» (the form's dates are always typed dd/mm/yyyy)."""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y") if value else ""
    except ValueError:
        return str(value)


def draft_from_campaign(campaign: Mapping[str, Any], scorer_schemas: Mapping[str, dict], lang: str) -> dict[str, Any]:
    """The saved campaign as the form shows it."""
    draft: dict[str, Any] = {k: str(campaign.get(k) or "") for k in GENERAL}
    draft["start"], draft["end"] = shown_date(campaign.get("start")), shown_date(campaign.get("end"))
    draft["final_review"] = shown_date(campaign.get("final_review"))
    draft["interim_reviews"] = "; ".join(shown_date(d) for d in campaign.get("interim_reviews") or [])
    draft["campaign_id"] = str(campaign.get("campaign_id") or "")
    draft["expected_revision"] = str(campaign.get("revision") or "")
    draft["reason"] = ""
    draft["keep"] = keep_of(campaign)
    draft["criteria"] = [_node_from_campaign(n, scorer_schemas, lang) for n in campaign.get("criteria") or []]
    draft["clusters"] = [
        {
            "id": str(c.get("id") or ""),
            "name_vi": str(c.get("name_vi") or ""),
            "name_en": str(c.get("name_en") or ""),
            "leadership": [
                {
                    "year": str(lead.get("year") or ""),
                    "head_unit_id": str(lead.get("head_unit_id") or ""),
                    "deputy_unit_id": str(lead.get("deputy_unit_id") or ""),
                }
                for lead in c.get("leadership") or []
            ],
        }
        for c in campaign.get("clusters") or []
    ]
    draft["participants"] = [
        {k: str(p.get(k) or "") for k in ("unit_id", "name_vi", "unit_type", "cluster_id", "email")}
        for p in campaign.get("participants") or []
    ]
    return draft


def keep_of(campaign: Mapping[str, Any]) -> str:
    """What the editor does not show but must not drop on save (goals, the total's cap): kept in a
    hidden input as JSON."""
    kept = {k: campaign.get(k) for k in ("goals_vi", "goals_en", "max_total") if campaign.get(k) not in (None, [])}
    return json.dumps(kept, ensure_ascii=False) if kept else ""


def _node_from_campaign(node: Mapping[str, Any], scorer_schemas: Mapping[str, dict], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {k: str(node.get(k) or "") for k in NODE_TEXT}
    out["direction"] = str(node.get("direction") or "higher")
    out["scorer"] = str(node.get("scorer") or "")
    for k in NODE_NUMBERS:
        out[k] = shown_number(node.get(k), lang)
    params = node.get("params") or {}
    out["params"] = {}
    for f in param_fields(scorer_schemas.get(out["scorer"]) or {}):
        if f.name in params:
            out["params"][f.name] = shown_param(f, params[f.name], lang)
    out["children"] = [_node_from_campaign(c, scorer_schemas, lang) for c in node.get("children") or []]
    return out


def empty_draft() -> dict[str, Any]:
    draft: dict[str, Any] = {k: "" for k in GENERAL}
    draft.update(kind="regular", reporting_frequency="quarter", missing_reports="zero")
    draft.update(campaign_id="", expected_revision="", reason="", keep="")
    draft["criteria"] = [new_node("tc-1")]
    draft["clusters"], draft["participants"] = [], []
    return draft


def new_node(node_id: str) -> dict[str, Any]:
    node: dict[str, Any] = {k: "" for k in NODE_FIELDS}
    node.update(id=node_id, direction="higher", scorer=DEFAULT_SCORER, params={}, children=[])
    return node


# -- the scorer parameters' inputs ------------------------------------------------------------------
@dataclass
class ParamField:
    """One input of a scorer's parameters: kind is number, integer, string, boolean, enum,
    numbers (an array of numbers, typed separated by «;») or json (any other array or object,
    typed as JSON, e.g. a step table's pairs [[1, 1], [0.8, 0.6]])."""

    name: str
    kind: str
    title: str = ""
    description: str = ""
    default: Any = None
    required: bool = False
    options: list[str] = field(default_factory=list)
    minimum: Any = None
    maximum: Any = None


def _resolve(schema: Mapping[str, Any], prop: Mapping[str, Any]) -> Mapping[str, Any]:
    """A property with its $ref followed and an `anyOf [X, null]` (optional X) reduced to X."""
    for _ in range(5):
        ref = prop.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            prop = {
                **(schema.get("$defs") or {}).get(ref.rsplit("/", 1)[1], {}),
                **{k: v for k, v in prop.items() if k != "$ref"},
            }
            continue
        choices = prop.get("anyOf")
        if isinstance(choices, list):
            real = [c for c in choices if isinstance(c, dict) and c.get("type") != "null"]
            if len(real) == 1:
                prop = {**real[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
                continue
        break
    return prop


def param_fields(schema: Mapping[str, Any]) -> list[ParamField]:
    """The inputs of a scorer's parameters from its JSON Schema (GET /api/v1/scorers). A property
    of a kind the editor has no input for is shown as text: intake then says what it expects."""
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    fields = []
    for name, raw in properties.items():
        if not isinstance(raw, dict):
            continue
        prop = _resolve(schema, raw)
        kind = str(prop.get("type") or "string")
        options: list[str] = []
        if isinstance(prop.get("enum"), list):
            kind, options = "enum", [str(o) for o in prop["enum"]]
        elif kind == "array":
            items = _resolve(schema, prop.get("items") or {})
            kind = "numbers" if items.get("type") in ("number", "integer") else "json"
        elif kind == "object":
            kind = "json"
        elif kind not in ("number", "integer", "boolean"):
            kind = "string"
        fields.append(
            ParamField(
                name=str(name),
                kind=kind,
                title=str(prop.get("title") or name),
                description=str(prop.get("description") or ""),
                default=prop.get("default"),
                required=name in required,
                options=options,
                minimum=prop.get("minimum", prop.get("exclusiveMinimum")),
                maximum=prop.get("maximum", prop.get("exclusiveMaximum")),
            )
        )
    return fields


def shown_param(f: ParamField, value: Any, lang: str) -> str:
    """A stored parameter as its input shows it."""
    if f.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if f.kind == "numbers" and isinstance(value, list):
        return "; ".join(shown_number(v, lang) for v in value)
    return shown_number(value, lang)


def parse_number(text: str, integer: bool = False) -> Any:
    """«1,5» or «1.5» → 1.5; «3» → 3 for an integer; otherwise the text as it is (intake then
    names the field and says a number is expected, in the user's language)."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    if integer:
        return int(value) if value.is_integer() else text
    return int(value) if value.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else value


def param_value(f: ParamField, text: str) -> Any:
    """A parameter's typed text as the JSON value its schema wants."""
    if f.kind in ("number", "integer"):
        return parse_number(text, f.kind == "integer")
    if f.kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if f.kind == "numbers":
        return [parse_number(part) for part in SEPARATOR.split(text) if part.strip()]
    if f.kind == "json":
        try:
            return json.loads(text)
        except ValueError:
            return text  # intake names the parameter and says it is not the form the scorer expects
    return text


# -- the body PUT to intake ---------------------------------------------------------------------
def parse_date(text: str) -> str | None:
    """«31/01/2018» → "2018-01-31"; None when it is not such a date."""
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text)
    if not match:
        return None
    d, m, y = (int(g) for g in match.groups())
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def to_body(draft: Mapping[str, Any], scorer_schemas: Mapping[str, dict]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the body of PUT /api/v1/campaigns/{cid}, the editor's own field errors: dates not typed
    dd/mm/yyyy — their keys are text keys). Nothing is sent while there are such errors."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {k: draft.get(k, "") for k in ("name_vi", "name_en", "launched_by", "kind")}
    body["reporting_frequency"] = draft.get("reporting_frequency") or "quarter"
    body["missing_reports"] = draft.get("missing_reports") or "zero"
    # issue 13: statutory forms (0601.N): phạm vi and cấp phát động, kept on every save
    body["scope"] = draft.get("scope") or "ministry_province"
    body["launch_level"] = draft.get("launch_level") or "ministry_province"
    for key in ("start", "end"):
        parsed = parse_date(draft.get(key, ""))
        if parsed is None:
            errors[key] = "ed_err_date_required" if not draft.get(key, "").strip() else "ed_err_date"
        body[key] = parsed
    final = draft.get("final_review", "").strip()
    body["final_review"] = parse_date(final) if final else None
    if final and body["final_review"] is None:
        errors["final_review"] = "ed_err_date"
    interim = [part.strip() for part in SEPARATOR.split(draft.get("interim_reviews", "")) if part.strip()]
    body["interim_reviews"] = [parse_date(part) for part in interim]
    if any(d is None for d in body["interim_reviews"]):
        errors["interim_reviews"] = "ed_err_dates"
    body["criteria"] = [_node_body(n, scorer_schemas) for n in draft.get("criteria") or []]
    body["clusters"] = [
        {
            "id": c["id"],
            "name_vi": c["name_vi"],
            "name_en": c["name_en"],
            "leadership": [
                {
                    "year": parse_number(lead["year"], integer=True),
                    "head_unit_id": lead["head_unit_id"],
                    "deputy_unit_id": lead["deputy_unit_id"] or None,
                }
                for lead in c["leadership"]
            ],
        }
        for c in draft.get("clusters") or []
    ]
    body["participants"] = [
        {
            "unit_id": p["unit_id"],
            "name_vi": p["name_vi"],
            "unit_type": p["unit_type"] or "other",
            "cluster_id": p["cluster_id"] or None,
            "email": p["email"] or None,
        }
        for p in draft.get("participants") or []
    ]
    try:
        kept = json.loads(draft.get("keep") or "{}")
    except ValueError:
        kept = {}
    if isinstance(kept, dict):
        body.update({k: v for k, v in kept.items() if k in ("goals_vi", "goals_en", "max_total")})
    body["reason"] = draft.get("reason", "")
    revision = draft.get("expected_revision", "")
    body["expected_revision"] = int(revision) if revision.isdigit() else 0  # 0: create, never overwrite
    return body, errors


def _node_body(node: Mapping[str, Any], scorer_schemas: Mapping[str, dict]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": node["id"],
        "name_vi": node["name_vi"],
        "name_en": node["name_en"],
        "unit_of_measure": node["unit_of_measure"],
        "direction": node["direction"] or "higher",
        "max_points": parse_number(node["max_points"]) if node["max_points"].strip() else None,
    }
    for key in ("target", "min_value", "max_value"):
        if node[key].strip():
            out[key] = parse_number(node[key])
    if node["children"]:
        out["children"] = [_node_body(c, scorer_schemas) for c in node["children"]]
    else:
        out["scorer"] = node["scorer"]
        fields = {f.name: f for f in param_fields(scorer_schemas.get(node["scorer"]) or {})}
        out["params"] = {
            name: param_value(fields[name], text)
            for name, text in node["params"].items()
            if name in fields and text.strip()
        }
    return out


# -- the tree and list edits -------------------------------------------------------------------------
def _path_parts(path: str) -> list[int] | None:
    """ "criteria.0.children.2" → [0, 2]; None when it is not such a path."""
    parts = path.split(".")
    if len(parts) % 2 or parts[0] != "criteria" or any(p != "children" for p in parts[2::2]):
        return None
    indexes = parts[1::2]
    if not all(INDEX.fullmatch(i) for i in indexes):
        return None
    return [int(i) for i in indexes]


def _siblings(draft: dict[str, Any], indexes: list[int]) -> list[dict[str, Any]] | None:
    """The list holding the node at `indexes` (None: no such node)."""
    siblings = draft["criteria"]
    for i in indexes[:-1]:
        if i >= len(siblings):
            return None
        siblings = siblings[i]["children"]
    return siblings if indexes[-1] < len(siblings) else None


def all_ids(criteria: list[dict[str, Any]]) -> set[str]:
    return {n["id"] for n in criteria} | {i for n in criteria for i in all_ids(n["children"])}


def fresh_id(draft: Mapping[str, Any]) -> str:
    taken = all_ids(draft["criteria"])
    n = 1
    while f"tc-{n}" in taken:
        n += 1
    return f"tc-{n}"


def apply(
    draft: dict[str, Any], action: str, units: Iterable[Mapping[str, Any]] = (), cluster_id: str = ""
) -> dict[str, Any]:
    """The draft after one of the page's buttons (`verb` or `verb:target`). An unknown action or
    a target that does not exist changes nothing. `units`: the register's units to add (add_units)."""
    draft = copy.deepcopy(draft)
    verb, _, target = action.partition(":")
    if verb == "add_root":
        draft["criteria"].append(new_node(fresh_id(draft)))
    elif verb in ("add_child", "remove", "up", "down"):
        indexes = _path_parts(target)
        siblings = _siblings(draft, indexes) if indexes else None
        if siblings is None or indexes is None:
            return draft
        i = indexes[-1]
        if verb == "add_child" and len(indexes) < MAX_DEPTH:
            siblings[i]["children"].append(new_node(fresh_id(draft)))
        elif verb == "remove":
            del siblings[i]
        elif verb == "up" and i > 0:
            siblings[i - 1], siblings[i] = siblings[i], siblings[i - 1]
        elif verb == "down" and i + 1 < len(siblings):
            siblings[i + 1], siblings[i] = siblings[i], siblings[i + 1]
    elif verb == "add_cluster":
        draft["clusters"].append({"id": "", "name_vi": "", "name_en": "", "leadership": []})
    elif verb in ("remove_cluster", "add_leader") and target.isdigit() and int(target) < len(draft["clusters"]):
        if verb == "remove_cluster":
            del draft["clusters"][int(target)]
        else:
            draft["clusters"][int(target)]["leadership"].append({"year": "", "head_unit_id": "", "deputy_unit_id": ""})
    elif verb == "remove_leader":
        c, _, lead = target.partition(".")
        if c.isdigit() and lead.isdigit() and int(c) < len(draft["clusters"]):
            leadership = draft["clusters"][int(c)]["leadership"]
            if int(lead) < len(leadership):
                del leadership[int(lead)]
    elif verb == "remove_participant" and target.isdigit() and int(target) < len(draft["participants"]):
        del draft["participants"][int(target)]
    elif verb == "add_units":
        present = {p["unit_id"] for p in draft["participants"]}
        for unit in units:
            uid = str(unit.get("unit_id") or "")
            if uid and uid not in present:
                present.add(uid)
                draft["participants"].append(
                    {
                        "unit_id": uid,
                        "name_vi": str(unit.get("name_vi") or ""),
                        "unit_type": str(unit.get("unit_type") or "other"),
                        "cluster_id": cluster_id,
                        "email": str(unit.get("email") or ""),
                    }
                )
    return draft


def search_units(units: Iterable[Mapping[str, Any]], query: str, present: Iterable[str], limit: int = 50) -> list[dict]:
    """Active units of the register whose id or name holds `query` (case and accents as typed
    are compared case-insensitively), not yet taking part."""
    q = query.strip().casefold()
    taken = set(present)
    found = []
    for unit in units:
        uid, name = str(unit.get("unit_id") or ""), str(unit.get("name_vi") or "")
        if uid in taken or unit.get("status", "active") != "active":
            continue
        if not q or q in uid.casefold() or q in name.casefold():
            found.append(dict(unit))
        if len(found) >= limit:
            break
    return found


# -- where each error is shown ------------------------------------------------------------------------
def input_names(draft: Mapping[str, Any], scorer_schemas: Mapping[str, dict]) -> set[str]:
    """Every input the page shows for `draft` (an error is placed at the deepest one its field names)."""
    names = set(GENERAL) | {"campaign_id", "reason"}

    def walk(nodes: list[dict[str, Any]], prefix: str) -> None:
        for i, node in enumerate(nodes):
            path = f"{prefix}.{i}"
            names.update(f"{path}.{k}" for k in NODE_FIELDS)
            if node["children"]:
                walk(node["children"], f"{path}.children")
            else:
                names.update(f"{path}.params.{f.name}" for f in param_fields(scorer_schemas.get(node["scorer"]) or {}))

    walk(draft.get("criteria") or [], "criteria")
    for c, cluster in enumerate(draft.get("clusters") or []):
        names.update(f"clusters.{c}.{k}" for k in ("id", "name_vi", "name_en"))
        for j, _ in enumerate(cluster["leadership"]):
            names.update(f"clusters.{c}.leadership.{j}.{k}" for k in ("year", "head_unit_id", "deputy_unit_id"))
    for p, _ in enumerate(draft.get("participants") or []):
        names.update(f"participants.{p}.{k}" for k in ("unit_id", "name_vi", "cluster_id", "email"))
    return names


def place_errors(errors: Iterable[Mapping[str, Any]], names: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """({input name: reasons}, reasons placed at no input). An error is placed at the input its
    field names, else at the nearest input above it (`interim_reviews.1` → `interim_reviews`,
    `criteria.0.params` → none: shown in the summary)."""
    placed: dict[str, list[str]] = {}
    loose: list[str] = []
    for error in errors:
        text = str(error.get("reason") or error.get("message") or "")
        if not text:
            continue
        where = str(error.get("field") or "")
        while where and where not in names:
            where = where.rpartition(".")[0]
        if where:
            placed.setdefault(where, []).append(text)
        else:
            loose.append(text)
    return placed, loose


# -- what a draft changes -------------------------------------------------------------------------------
def flat(body: Mapping[str, Any]) -> dict[str, str]:
    """A definition as {readable path: value}: criteria by id, clusters by id, participants by unit."""
    out: dict[str, str] = {}
    for key in GENERAL + ("max_total",):
        value = body.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out[key] = "" if value is None else str(value)

    def walk(nodes: list[Mapping[str, Any]]) -> None:
        for node in nodes:
            for key, value in node.items():
                if key == "children":
                    continue
                if key == "params" and isinstance(value, dict):
                    for name, v in value.items():
                        out[f"criteria[{node.get('id')}].params.{name}"] = str(v)
                elif value not in (None, "") and not (key == "scorer" and node.get("children")):
                    out[f"criteria[{node.get('id')}].{key}"] = shown_number(value, "en")
            walk(node.get("children") or [])

    walk(body.get("criteria") or [])
    for c in body.get("clusters") or []:
        out[f"clusters[{c.get('id')}].name_vi"] = str(c.get("name_vi") or "")
        for lead in c.get("leadership") or []:
            out[f"clusters[{c.get('id')}].{lead.get('year')}"] = (
                f"{lead.get('head_unit_id')} / {lead.get('deputy_unit_id') or '—'}"
            )
    for p in body.get("participants") or []:
        out[f"participants[{p.get('unit_id')}]"] = str(p.get("cluster_id") or "—")
    return out


def changes(saved: Mapping[str, Any], draft_body: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(path, before, after) of every value the draft changes against the saved definition."""
    before, after = flat(saved), flat(draft_body)
    return [
        (key, before.get(key, ""), after.get(key, ""))
        for key in sorted(set(before) | set(after))
        if before.get(key, "") != after.get(key, "")
    ]


GENERAL_TEXT = {
    "name_vi": "ed_name_vi",
    "name_en": "ed_name_en",
    "launched_by": "ed_launched_by",
    "kind": "ed_kind",
    "start": "ed_start",
    "end": "ed_end",
    "reporting_frequency": "ed_frequency",
    "interim_reviews": "ed_interim",
    "final_review": "ed_final",
    "missing_reports": "ed_missing",
    "scope": "sf_ed_scope",  # issue 13: statutory forms
    "launch_level": "sf_ed_launch_level",
}
NODE_TEXT_KEYS = {
    "id": "ed_node_id",
    "name_vi": "ed_node_name_vi",
    "name_en": "ed_node_name_en",
    "unit_of_measure": "ed_unit_of_measure",
    "direction": "ed_direction",
    "scorer": "ed_scorer",
    "max_points": "ed_max_points",
    "target": "ed_target",
    "min_value": "ed_min_value",
    "max_value": "ed_max_value",
}
CHANGED = re.compile(r"^(criteria|clusters|participants)\[(.*?)\](?:\.(.*))?$")


def change_label(path: str, t: Mapping[str, str]) -> str:
    """A path of `changes` in words: «Tiêu chí ho-thoat-ngheo · Điểm tối đa»."""
    if path in GENERAL_TEXT:
        return t[GENERAL_TEXT[path]]
    match = CHANGED.match(path)
    if not match:
        return path
    kind, ident, rest = match.group(1), match.group(2), match.group(3) or ""
    if kind == "participants":
        return f"{t['ed_participants']} · {ident}"
    if kind == "clusters":
        what = t["ed_cluster_name_vi"] if rest == "name_vi" else f"{t['ed_year']} {rest}"
        return f"{t['ed_cluster']} {ident} · {what}"
    if rest.startswith("params."):
        return f"{t['ed_criterion']} {ident} · {t['ed_params']} · {rest.removeprefix('params.')}"
    return f"{t['ed_criterion']} {ident} · {t[NODE_TEXT_KEYS[rest]] if rest in NODE_TEXT_KEYS else rest}"


# -- lifecycle and change log ------------------------------------------------------------------------------
def next_actions(status: str) -> list[tuple[str, str]]:
    """(to status, text key) of each lifecycle step intake allows from `status`."""
    try:
        current = CampaignStatus(status)
    except ValueError:
        return []
    allowed = sorted(TRANSITIONS[current], key=list(CampaignStatus).index)
    return [(s.value, ACTIONS[(current.value, s.value)]) for s in allowed if (current.value, s.value) in ACTIONS]


def change_log(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The campaign's revisions from the audit trail, newest first: each campaign.defined record
    is one revision (numbered in order), with when, who and why."""
    rows: list[dict[str, Any]] = []
    for record in records:
        if record.get("action") != CAMPAIGN_DEFINED:
            continue
        rows.append(
            {
                "revision": len(rows) + 1,
                "at": record.get("at"),
                "actor": str(record.get("actor") or ""),
                "reason": str(record.get("reason") or ""),
                "hash": str(record.get("hash") or "")[:12],
            }
        )
    return rows[::-1]
