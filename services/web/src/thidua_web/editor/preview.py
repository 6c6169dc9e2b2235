"""Issue 11: the editor's «Xem thử điểm» — pure view logic (no I/O) of the preview page: the rows of
the sample form (one per criterion, leaves with inputs), the sample read from the form, scoring's
field errors placed next to the inputs they name, and the result rows.

Input names: `value.<leaf id>` and `target.<leaf id>`; scoring names the same fields
`values.<leaf id>` and `targets.<leaf id>` in its errors."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .models import parse_number

MAX_DEPTH = 8  # as the editor's own bound: a forged definition cannot make us recurse further
MAX_DEFINITION_CHARS = 2 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    """A criterion of the tree as the form shows it."""

    id: str
    name: str
    level: int
    leaf: bool
    max_points: Any
    target: Any
    unit_of_measure: str
    scorer: str


def definition_of(campaign: Mapping[str, Any]) -> dict[str, Any]:
    """What the preview scores: the criteria tree and the cap (a saved campaign, or a draft body)."""
    criteria = campaign.get("criteria")
    return {
        "criteria": [c for c in criteria if isinstance(c, dict)] if isinstance(criteria, list) else [],
        "max_total": campaign.get("max_total"),
    }


def definition_from_text(text: str) -> dict[str, Any] | None:
    """A draft's definition carried by the preview form (hidden input), or None when unreadable."""
    if not text or len(text) > MAX_DEFINITION_CHARS:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return definition_of(found) if isinstance(found, dict) else None


def rows(criteria: Iterable[Mapping[str, Any]], lang: str, level: int = 1) -> list[Row]:
    out: list[Row] = []
    if level > MAX_DEPTH:
        return out
    for node in criteria:
        if not isinstance(node, Mapping):
            continue
        children = [c for c in node.get("children") or [] if isinstance(c, Mapping)]
        name = str(node.get("name_en") or node.get("name_vi") or "") if lang == "en" else str(node.get("name_vi") or "")
        out.append(
            Row(
                id=str(node.get("id") or ""),
                name=name or str(node.get("id") or ""),
                level=level,
                leaf=not children,
                max_points=node.get("max_points"),
                target=node.get("target"),
                unit_of_measure=str(node.get("unit_of_measure") or ""),
                scorer=str(node.get("scorer") or ""),
            )
        )
        out += rows(children, lang, level + 1)
    return out


def read_sample(
    fields: Iterable[tuple[str, str]], leaves: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, targets, what was typed by input name, the console's own errors by input name:
    a text key). An empty input is no value (the leaf is «not reported») or no target (the
    criterion's own). A number typed «7,5» or «7.5» is 7.5; anything else is refused here, before
    anything is sent."""
    known = set(leaves)
    typed: dict[str, str] = {}
    for name, text in fields:
        kind, _, leaf = name.partition(".")
        if kind in ("value", "target") and leaf in known:
            typed[name] = text.strip()[:100]
    values: dict[str, Any] = {}
    targets: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, text in typed.items():
        if not text:
            continue
        kind, _, leaf = name.partition(".")
        number = sample_number(text)
        if not isinstance(number, int | float):
            errors[name] = "ed_pv_err_number"
        elif kind == "value":
            values[leaf] = number
        else:
            targets[leaf] = number
    return values, targets, typed, errors


def sample_number(text: str) -> Any:
    """As the editor reads a number (models.parse_number), and also with thousands separators as
    people write them: «1.234,5» (vi) or «1,234.5» (en) → 1234.5."""
    cleaned = text.strip()
    if "," in cleaned and "." in cleaned:
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "").replace(",", ".")
    return parse_number(cleaned)


API_FIELDS = {"values": "value", "targets": "target"}


def place(errors: Iterable[Mapping[str, Any]], inputs: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Scoring's field errors by input name; those naming no input of the form (a definition's
    own fault, e.g. an unknown scorer) as «field: reason» lines shown above the form."""
    placed: dict[str, list[str]] = {}
    loose: list[str] = []
    for error in errors:
        field = str(error.get("field") or "")
        reason = str(error.get("reason") or error.get("message") or "")
        kind, _, leaf = field.partition(".")
        name = f"{API_FIELDS.get(kind, kind)}.{leaf}"
        if kind in API_FIELDS and name in inputs:
            placed.setdefault(name, []).append(reason)
        else:
            loose.append(f"{field}: {reason}" if field else reason)
    return placed, loose


@dataclass(frozen=True)
class ResultRow:
    id: str
    name: str
    level: int
    kind: str
    value: Any
    target: Any
    target_source: str
    points: Any
    max_points: Any
    explanation: str


def result_rows(answer: Mapping[str, Any]) -> list[ResultRow]:
    """Scoring's lines in tree order, each with its depth (from its parent's)."""
    levels: dict[str, int] = {}
    out: list[ResultRow] = []
    for line in answer.get("criteria") or []:
        if not isinstance(line, Mapping):
            continue
        cid = str(line.get("criterion_id") or "")
        parent = line.get("parent_id")
        level = levels.get(str(parent), 0) + 1 if parent else 1
        levels[cid] = level
        out.append(
            ResultRow(
                id=cid,
                name=str(line.get("name") or cid),
                level=min(level, MAX_DEPTH),
                kind=str(line.get("kind") or ""),
                value=line.get("value"),
                target=line.get("target"),
                target_source=str(line.get("target_source") or ""),
                points=line.get("points"),
                max_points=line.get("max_points"),
                explanation=str(line.get("explanation") or ""),
            )
        )
    return out
