"""Issue 11 (revisions): what changed between two saved revisions of a campaign, in words. Pure
functions, free of I/O. The comparison is the editor's own (models.flat / models.changes, which
also tell a draft from the saved revision); this module adds what only saved revisions differ in
(the status, the periods they make) and groups the changed paths by what they belong to: a
criterion, cluster or participant present on one side only is one line «added» or «removed»,
not one line per field."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from thidua_common.contracts.period import periods_between

from .. import formats
from ..i18n import label
from . import models

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
DATES = ("start", "end", "final_review", "interim_reviews")
CODES = ("kind", "reporting_frequency", "missing_reports")  # shown through the console's labels
# the order of the lines: the campaign first, then its parts
ORDER = {"status": 0, "general": 1, "periods": 2, "criteria": 3, "clusters": 4, "participants": 5}


@dataclass(frozen=True)
class Line:
    """One change between two revisions: `what` changed (in words), how (added, removed, changed),
    and its value before and after (in words; empty: none)."""

    group: str
    path: str
    kind: str
    what: str
    before: str
    after: str


def _criteria(nodes: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for node in nodes:
        out[str(node.get("id"))] = node
        out.update(_criteria(node.get("children") or []))
    return out


def _by(items: Iterable[Mapping[str, Any]], key: str) -> dict[str, Mapping[str, Any]]:
    return {str(item.get(key)): item for item in items if isinstance(item, Mapping)}


def periods(definition: Mapping[str, Any]) -> list[str]:
    """The reporting periods the definition makes (none when its dates cannot be read)."""
    try:
        start, end = date.fromisoformat(str(definition["start"])), date.fromisoformat(str(definition["end"]))
        return periods_between(start, end, str(definition.get("reporting_frequency") or "quarter"))
    except (KeyError, ValueError):
        return []


def _periods_text(found: list[str], lang: str) -> str:
    if not found:
        return ""
    first, last = formats.period(found[0], lang), formats.period(found[-1], lang)
    return first if len(found) == 1 else f"{first} – {last} ({len(found)})"


def shown(path: str, value: str, t: Mapping[str, str], lang: str) -> str:
    """A value of models.flat in words: dates as 30/11/2026, codes as their labels, numbers as 1,5."""
    if not value:
        return ""
    if path in DATES:
        return ", ".join(formats.day(v.strip(), lang) for v in value.split(","))
    if path in CODES or path == "status":
        return label(value, lang)
    if path.endswith(".direction"):
        return t.get(f"ed_direction_{value}", value)
    if path.startswith("criteria[") and not path.endswith((".id", ".scorer")) and ".name" not in path:
        return models.shown_number(_number(value), lang)
    if path.startswith("clusters[") and " / " in value:
        head, deputy = value.split(" / ", 1)
        return f"{t['ed_head']}: {head}; {t['ed_deputy']}: {deputy}"
    return value


def _number(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _owner(path: str) -> tuple[str, str]:
    """(group, id) of a path of models.flat: ("criteria", "ho-thoat-ngheo"), ("general", "start")."""
    match = models.CHANGED.match(path)
    if match:
        return match.group(1), match.group(2)
    return "general", path


def between(older: Mapping[str, Any], newer: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[Line]:
    """Every change from the definition `older` to `newer` (two revisions, in either order), in words."""
    lines: list[Line] = []
    whole: dict[tuple[str, str], str] = {}  # (group, id) present on one side only → ADDED or REMOVED
    sides = {
        "criteria": (_criteria(older.get("criteria") or []), _criteria(newer.get("criteria") or [])),
        "clusters": (_by(older.get("clusters") or [], "id"), _by(newer.get("clusters") or [], "id")),
        "participants": (
            _by(older.get("participants") or [], "unit_id"),
            _by(newer.get("participants") or [], "unit_id"),
        ),
    }
    for group, (before, after) in sides.items():
        for ident in sorted(set(before) | set(after)):
            if ident in before and ident in after:
                continue
            kind = ADDED if ident in after else REMOVED
            whole[(group, ident)] = kind
            item = after.get(ident) or before.get(ident) or {}
            lines.append(_whole_line(group, ident, kind, item, t, lang))
    for path, was, now in models.changes(older, newer):
        group, ident = _owner(path)
        if (group, ident) in whole:
            continue
        kind = ADDED if not was else REMOVED if not now else CHANGED
        what = models.change_label(path, t)
        lines.append(Line(group, path, kind, what, shown(path, was, t, lang), shown(path, now, t, lang)))
    if str(older.get("status") or "") != str(newer.get("status") or ""):
        was, now = str(older.get("status") or ""), str(newer.get("status") or "")
        lines.append(Line("status", "status", CHANGED, t["status"], label(was, lang), label(now, lang)))
    was_periods, now_periods = periods(older), periods(newer)
    if was_periods != now_periods:
        lines.append(
            Line(
                "periods",
                "periods",
                CHANGED,
                t["rvs_periods"],
                _periods_text(was_periods, lang),
                _periods_text(now_periods, lang),
            )
        )
    return sorted(lines, key=lambda line: (ORDER[line.group], line.path))


def _whole_line(group: str, ident: str, kind: str, item: Mapping[str, Any], t: Mapping[str, str], lang: str) -> Line:
    """A criterion, cluster or participant that only one of the revisions has, with what it is."""
    if group == "criteria":
        what = f"{t['ed_criterion']} {ident}"
        parts = [str(item.get("name_vi") or "")]
        if item.get("max_points") is not None:
            parts.append(f"{t['ed_max_points']}: {models.shown_number(item.get('max_points'), lang)}")
        if not item.get("children") and item.get("scorer"):
            parts.append(f"{t['ed_scorer']}: {item.get('scorer')}")
    elif group == "clusters":
        what = f"{t['ed_cluster']} {ident}"
        parts = [str(item.get("name_vi") or "")]
        for lead in item.get("leadership") or []:
            parts.append(f"{lead.get('year')}: {lead.get('head_unit_id')} / {lead.get('deputy_unit_id') or '—'}")
    else:
        what = f"{t['ed_participants']} · {ident}"
        parts = [str(item.get("name_vi") or "")]
        if item.get("cluster_id"):
            parts.append(f"{t['ed_cluster']} {item.get('cluster_id')}")
    text = " · ".join(p for p in parts if p)
    return Line(
        group,
        f"{group}[{ident}]",
        kind,
        what,
        text if kind == REMOVED else "",
        text if kind == ADDED else "",
    )


def rows(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The revisions of intake's answer (GET …/revisions) that the page lists, newest first."""
    out = []
    for item in page.get("items") or []:
        if isinstance(item, Mapping) and isinstance(item.get("revision"), int):
            out.append(
                {
                    "revision": item["revision"],
                    "saved_at": item.get("saved_at"),
                    "saved_by": str(item.get("saved_by") or ""),
                    "kind": str(item.get("kind") or ""),
                    "reason": str(item.get("reason") or ""),
                    "detail": item.get("detail") if isinstance(item.get("detail"), Mapping) else {},
                    "status": str(item.get("status") or ""),
                }
            )
    return out


def chosen(raw: str | None, known: Iterable[int], missing_key: str) -> tuple[int | None, str | None]:
    """A revision number typed or chosen in the compare form: (number, None), or (None, the text
    key of why not). Empty: (None, None), nothing chosen yet."""
    text = (raw or "").strip()
    if not text:
        return None, None
    if not text.isdigit() or len(text) > 9:
        return None, "rvs_err_number"
    number = int(text)
    if number not in set(known):
        return None, missing_key
    return number, None
