"""Pure rules of the unit registry (no I/O): the hierarchy must stay a tree, name history, and
how renames, merges and splits rewrite units and campaign participant lists.

Unit documents are plain dicts shaped like UnitChanged (dates as ISO strings, as stored)."""

from collections import deque
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from thidua_common.errors import Conflict, FieldError, Invalid
from thidua_common.i18n import Localized, format_date, t

from .models import SplitTarget, UnitMerge, UnitRename, UnitSplit, UnitWrite

ACTIVE = "active"
MAX_DEPTH = 100  # deeper than any real hierarchy; guards against a corrupt chain


# -- the hierarchy ----------------------------------------------------------------------------
def find_cycle(parent_of: Mapping[str, str | None], start: str) -> list[str] | None:
    """Follow parents from `start`. The path back to a unit already seen when the chain loops,
    None when it reaches a root (or a unit whose parent is unknown)."""
    path = [start]
    seen = {start}
    current = start
    for _ in range(MAX_DEPTH):
        parent = parent_of.get(current)
        if parent is None:
            return None
        path.append(parent)
        if parent in seen:
            return path[path.index(parent) :]
        seen.add(parent)
        current = parent
    return path


def cycle_error(field: str, unit_id: str, parent_id: str, cycle: list[str]) -> Invalid:
    params = {"id": unit_id, "parent": parent_id, "path": " → ".join(cycle)}
    return Invalid("unit.cycle", [FieldError(field, "unit.cycle", params)], **params)


# -- dates and names --------------------------------------------------------------------------
def as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def day_before(value: date) -> date:
    return value - timedelta(days=1)


def localized_date(value: date) -> Localized:
    return Localized(lambda lang: format_date(value, lang))


def effective_error(field: str, unit: Mapping[str, Any], effective: date, since: date) -> FieldError:
    return FieldError(
        field,
        "unit.effective_before",
        {"id": unit["unit_id"], "effective": localized_date(effective), "valid_from": localized_date(since)},
    )


def check_effective(field: str, unit: Mapping[str, Any], effective: date) -> FieldError | None:
    """A change that ends a unit (merge, split) must take effect after the unit began: the unit
    then ends the day before, never before it began."""
    since = as_date(unit.get("valid_from"))
    if since is not None and effective <= since:
        return effective_error(field, unit, effective, since)
    return None


def renamed_history(unit: Mapping[str, Any], name_vi: str, effective: date) -> list[dict[str, Any]]:
    """Close the current name span the day before `effective` and open a new one."""
    history = [dict(span) for span in unit.get("name_history") or []]
    if not history:
        history = [{"name_vi": unit["name_vi"], "valid_from": unit.get("valid_from"), "valid_to": None}]
    history[-1]["valid_to"] = day_before(effective).isoformat()
    history.append({"name_vi": name_vi, "valid_from": effective.isoformat(), "valid_to": None})
    return history


def check_rename(unit: Mapping[str, Any], name_vi: str, name_en: str, effective: date) -> list[FieldError]:
    errors = []
    if name_vi == unit["name_vi"] and name_en == unit.get("name_en", ""):
        errors.append(FieldError("name_vi", "unit.same_name", {"id": unit["unit_id"]}))
    history = unit.get("name_history") or []
    since = as_date(history[-1].get("valid_from")) if history else as_date(unit.get("valid_from"))
    if since is not None and effective <= since:
        errors.append(effective_error("effective", unit, effective, since))
    return errors


# -- campaign participants --------------------------------------------------------------------
def participant_of(unit: Mapping[str, Any]) -> dict[str, Any]:
    """What a campaign holds of a unit (its cluster comes from the unit it replaces)."""
    return {
        "unit_id": unit["unit_id"],
        "name_vi": unit["name_vi"],
        "unit_type": str(unit["unit_type"]),
        "email": unit.get("email"),
    }


def replace_participants(
    participants: list[dict[str, Any]], mapping: Mapping[str, list[dict[str, Any]]]
) -> list[dict[str, Any]] | None:
    """Replace each participant whose unit is a key of `mapping` by the units it maps to.

    A replacement is added once, in the place and the cluster of the first key (in `mapping`'s
    order) that takes part and maps to it; a unit that already takes part and is not replaced
    itself keeps its own entry. A unit mapped to itself is refreshed in place (a rename keeps
    the participant's other fields). None when nothing changes."""
    present = {p["unit_id"] for p in participants}
    kept = present - set(mapping)
    home: dict[str, str] = {}
    for source, replacements in mapping.items():
        if source in present:
            for r in replacements:
                home.setdefault(r["unit_id"], source)
    out: list[dict[str, Any]] = []
    added: set[str] = set()
    for p in participants:
        replaced_by = mapping.get(p["unit_id"])
        if replaced_by is None:
            out.append(p)
            continue
        for r in replaced_by:
            if r["unit_id"] in kept or r["unit_id"] in added or home.get(r["unit_id"]) != p["unit_id"]:
                continue
            added.add(r["unit_id"])
            base = p if r["unit_id"] == p["unit_id"] else {}
            out.append({**base, **r, "cluster_id": p.get("cluster_id")})
    return None if out == participants else out


# -- lineage ----------------------------------------------------------------------------------
def lineage(units: Mapping[str, Mapping[str, Any]], start: str) -> dict[str, list[dict[str, Any]]]:
    """Predecessors and successors of `start`, transitively, nearest first. `units` holds every
    unit reachable from `start` (missing ones are skipped). `effective` is the day the change
    between a unit and the one it was reached from took effect."""
    return {
        "predecessors": _walk(units, start, "predecessors", backwards=True),
        "successors": _walk(units, start, "successors", backwards=False),
    }


def _walk(units: Mapping[str, Mapping[str, Any]], start: str, edge: str, backwards: bool) -> list[dict[str, Any]]:
    out = []
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        current, depth = queue.popleft()
        here = units.get(current)
        if here is None:
            continue
        for other_id in here.get(edge) or []:
            if other_id in seen or other_id not in units:
                continue
            seen.add(other_id)
            other = units[other_id]
            earlier, later = (other, here) if backwards else (here, other)
            ended = as_date(earlier.get("valid_to"))
            effective = ended + timedelta(days=1) if ended else as_date(later.get("valid_from"))
            out.append(
                {
                    "unit_id": other_id,
                    "name_vi": other["name_vi"],
                    "unit_type": other["unit_type"],
                    "status": other["status"],
                    "valid_from": other.get("valid_from"),
                    "valid_to": other.get("valid_to"),
                    "depth": depth + 1,
                    "via": current,
                    "effective": effective.isoformat() if effective else None,
                }
            )
            queue.append((other_id, depth + 1))
    return out


def unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


# -- refusals ---------------------------------------------------------------------------------
CONFLICTS = {"unit.inactive", "unit.exists", "unit.revision_conflict"}


def refuse(errors: list[FieldError]) -> None:
    """Raise one 4xx naming every field at fault: 409 when the request clashes only with the
    current state (inactive unit, id taken), 422 otherwise."""
    if not errors:
        return
    kind = Conflict if all(e.key in CONFLICTS for e in errors) else Invalid
    if len({e.key for e in errors}) == 1:
        raise kind(errors[0].key, errors, **errors[0].params)
    raise kind("request.invalid", errors)


def not_found(field: str, unit_id: str) -> FieldError:
    return FieldError(field, "unit.not_found", {"id": unit_id})


def inactive(field: str, unit: Mapping[str, Any]) -> FieldError:
    state = unit["status"]
    return FieldError(
        field, "unit.inactive", {"id": unit["unit_id"], "state": Localized(lambda lang: t(f"unit.state.{state}", lang))}
    )


# -- planning changes -------------------------------------------------------------------------
def change(kind: str, actor: str, reason: str, **detail: Any) -> dict[str, Any]:
    return {"kind": kind, "by": actor, "reason": reason, "detail": detail}


def new_unit(
    *,
    unit_id: str,
    name_vi: str,
    name_en: str,
    unit_type: str,
    parent_id: str | None,
    email: str | None,
    valid_from: date | None,
    change: dict[str, Any],
    predecessors: list[str] | None = None,
) -> dict[str, Any]:
    since = valid_from.isoformat() if valid_from else None
    return {
        "unit_id": unit_id,
        "revision": 1,
        "name_vi": name_vi,
        "name_en": name_en,
        "unit_type": str(unit_type),
        "parent_id": parent_id,
        "status": ACTIVE,
        "valid_from": since,
        "valid_to": None,
        "predecessors": list(predecessors or []),
        "successors": [],
        "name_history": [{"name_vi": name_vi, "valid_from": since, "valid_to": None}],
        "email": email,
        "change": change,
    }


def bump(unit: Mapping[str, Any], change: dict[str, Any], **updates: Any) -> dict[str, Any]:
    return {**unit, **updates, "revision": unit["revision"] + 1, "change": change}


def ended(
    unit: Mapping[str, Any], status: str, effective: date, successors: list[str], change: dict[str, Any]
) -> dict[str, Any]:
    """A unit that ends the day before `effective` (merged or split), its name span closed."""
    last = day_before(effective).isoformat()
    history = [dict(span) for span in unit.get("name_history") or []]
    if history and history[-1].get("valid_to") is None:
        history[-1]["valid_to"] = last
    return bump(unit, change, status=status, valid_to=last, successors=successors, name_history=history)


def plan_put(
    unit_id: str,
    current: Mapping[str, Any] | None,
    body: UnitWrite,
    parent: Mapping[str, Any] | None,
    parent_of: Mapping[str, str | None],
    actor: str,
) -> dict[str, Any] | None:
    """The unit after PUT, or None when the body changes nothing."""
    fields = {
        "name_vi": body.name_vi,
        "name_en": body.name_en,
        "unit_type": str(body.unit_type),
        "parent_id": body.parent_id,
        "email": body.email,
        "valid_from": body.valid_from.isoformat() if body.valid_from else None,
    }
    if current is not None:
        changed = [k for k, v in fields.items() if current.get(k) != v]
        if not changed:
            return None
        if body.expected_revision is not None and body.expected_revision != current["revision"]:
            refuse([FieldError("expected_revision", "unit.revision_conflict", {"current": current["revision"]})])
        if current["status"] != ACTIVE:
            refuse([inactive("unit_id", current)])
    errors = []
    parent_id = body.parent_id
    if parent_id is not None and (current is None or parent_id != current.get("parent_id")):
        if parent_id == unit_id:
            raise cycle_error("parent_id", unit_id, parent_id, [unit_id, unit_id])
        if parent is None:
            errors.append(not_found("parent_id", parent_id))
        elif parent["status"] != ACTIVE:
            errors.append(inactive("parent_id", parent))
        else:
            cycle = find_cycle({**parent_of, unit_id: parent_id}, unit_id)
            if cycle:
                raise cycle_error("parent_id", unit_id, parent_id, cycle)
    refuse(errors)
    if current is None:
        return new_unit(
            unit_id=unit_id,
            name_vi=body.name_vi,
            name_en=body.name_en,
            unit_type=body.unit_type,
            parent_id=parent_id,
            email=body.email,
            valid_from=body.valid_from,
            change=change("created", actor, body.reason),
        )
    history = [dict(span) for span in current.get("name_history") or []]
    if history:
        history[-1]["name_vi"] = body.name_vi  # a correction of the current name, not a rename
        if "valid_from" in changed and len(history) == 1:
            history[0]["valid_from"] = fields["valid_from"]
    detail = {k: {"from": current.get(k), "to": fields[k]} for k in changed}
    return bump(current, change("updated", actor, body.reason, **detail), **fields, name_history=history)


def plan_rename(unit: Mapping[str, Any], body: UnitRename, actor: str) -> dict[str, Any]:
    if unit["status"] != ACTIVE:
        refuse([inactive("unit_id", unit)])
    refuse(check_rename(unit, body.name_vi, body.name_en, body.effective))
    detail = {"from": unit["name_vi"], "to": body.name_vi, "effective": body.effective.isoformat()}
    return bump(
        unit,
        change("renamed", actor, body.reason, **detail),
        name_vi=body.name_vi,
        name_en=body.name_en,
        name_history=renamed_history(unit, body.name_vi, body.effective),
    )


def merge_parent(body: UnitMerge, sources: Mapping[str, Mapping[str, Any] | None]) -> str | None:
    """The successor's parent: as given; else an absorbing source keeps its own and a new unit
    takes the first source's."""
    into = body.into
    if "parent_id" in into.model_fields_set:
        return into.parent_id
    base = sources.get(into.unit_id) or sources.get(body.sources[0]) or {}
    parent_id: str | None = base.get("parent_id")
    return parent_id


def plan_merge(
    body: UnitMerge,
    sources: Mapping[str, Mapping[str, Any] | None],
    into_current: Mapping[str, Any] | None,
    parent: Mapping[str, Any] | None,
    parent_of: Mapping[str, str | None],
    children: list[Mapping[str, Any]],
    actor: str,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(successor, every unit written, campaign participant mapping) of a merge.
    `sources` holds the loaded source units (None: unknown), `into_current` the unit that
    already has the successor's id, `parent` the successor's parent, `parent_of` the parents
    along the parent's chain, `children` the units whose parent is a source."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    found: dict[str, Mapping[str, Any]] = {}  # the sources that exist, by id
    for i, sid in enumerate(body.sources):
        if sid in seen:
            errors.append(FieldError(f"sources.{i}", "unit.merge_self", {"id": sid}))
            continue
        seen.add(sid)
        unit = sources.get(sid)
        if unit is None:
            errors.append(not_found(f"sources.{i}", sid))
        elif unit["status"] != ACTIVE:
            errors.append(inactive(f"sources.{i}", unit))
        else:
            found[sid] = unit
            late = check_effective("effective", unit, body.effective)
            if late:
                errors.append(late)
    refuse(errors)
    source_ids = unique(body.sources)
    if len(source_ids) < 2:
        refuse([FieldError("sources", "unit.merge_self", {"id": source_ids[0]})])
    into = body.into
    xid = into.unit_id
    absorbing = sources.get(xid) if xid in source_ids else None
    if absorbing is None:
        if into_current is not None:
            errors.append(FieldError("into.unit_id", "unit.exists", {"id": xid}))
        for name in ("name_vi", "unit_type"):
            if getattr(into, name) is None:
                errors.append(FieldError(f"into.{name}", "field.missing"))
    parent_id = merge_parent(body, sources)
    if parent_id is not None:
        if parent_id in source_ids:
            errors.append(FieldError("into.parent_id", "unit.parent_ends", {"id": parent_id}))
        elif parent is None:
            errors.append(not_found("into.parent_id", parent_id))
        elif parent["status"] != ACTIVE:
            errors.append(inactive("into.parent_id", parent))
    refuse(errors)
    # active children of the sources move under the successor: the tree must stay a tree
    moving = [c for c in children if c["unit_id"] not in source_ids and c["unit_id"] != xid and c["status"] == ACTIVE]
    if parent_id is not None:
        planned = {**parent_of, **{c["unit_id"]: xid for c in moving}, xid: parent_id}
        cycle = find_cycle(planned, xid)
        if cycle:
            raise cycle_error("into.parent_id", xid, parent_id, cycle)

    detail = {"sources": source_ids, "into": xid, "effective": body.effective.isoformat()}
    merged = change("merged", actor, body.reason, **detail)
    written: list[dict[str, Any]] = []
    for sid in source_ids:
        if sid != xid:
            written.append(ended(found[sid], "merged", body.effective, [xid], merged))
    since = body.effective.isoformat()
    if absorbing is None:
        # refused above when missing: a new successor needs both
        assert into.name_vi is not None and into.unit_type is not None
        successor = new_unit(
            unit_id=xid,
            name_vi=into.name_vi,
            name_en=into.name_en or "",
            unit_type=into.unit_type,
            parent_id=parent_id,
            email=into.email,
            valid_from=body.effective,
            predecessors=source_ids,
            change=merged,
        )
    else:
        name_vi = into.name_vi or absorbing["name_vi"]
        history = (
            renamed_history(absorbing, name_vi, body.effective)
            if name_vi != absorbing["name_vi"]
            else [dict(span) for span in absorbing.get("name_history") or []]
        )
        own = [p for p in absorbing.get("predecessors") or []]
        successor = bump(
            absorbing,
            {**merged, "detail": {**detail, "previous_valid_from": absorbing.get("valid_from")}},
            name_vi=name_vi,
            name_en=into.name_en if into.name_en is not None else absorbing.get("name_en", ""),
            unit_type=str(into.unit_type or absorbing["unit_type"]),
            parent_id=parent_id,
            email=into.email if "email" in into.model_fields_set else absorbing.get("email"),
            valid_from=since,
            predecessors=unique(own + [s for s in source_ids if s != xid]),
            name_history=history,
        )
    written.append(successor)
    for child in moving:
        moved = {"parent_id": {"from": child.get("parent_id"), "to": xid}, "merge": detail}
        written.append(bump(child, change("updated", actor, body.reason, **moved), parent_id=xid))
    mapping = {sid: [participant_of(successor)] for sid in source_ids}
    return successor, written, mapping


def plan_split(
    source: Mapping[str, Any],
    body: UnitSplit,
    existing: Mapping[str, Mapping[str, Any] | None],
    parents: Mapping[str, Mapping[str, Any] | None],
    actor: str,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(the ended source, every unit written, campaign participant mapping) of a split.
    `existing` holds units that already have a successor's id, `parents` the successors'
    parents (None: unknown)."""
    sid = source["unit_id"]
    if source["status"] != ACTIVE:
        refuse([inactive("unit_id", source)])
    errors: list[FieldError] = []
    late = check_effective("effective", source, body.effective)
    if late:
        errors.append(late)
    seen: set[str] = set()
    for i, target in enumerate(body.into):
        tid = target.unit_id
        if tid == sid:
            errors.append(FieldError(f"into.{i}.unit_id", "unit.split_self", {"id": sid}))
        elif tid in seen:
            errors.append(FieldError(f"into.{i}.unit_id", "unit.duplicate", {"id": tid}))
        elif existing.get(tid) is not None:
            errors.append(FieldError(f"into.{i}.unit_id", "unit.exists", {"id": tid}))
        seen.add(tid)
        pid = split_parent(source, target)
        if pid is None:
            continue
        parent = parents.get(pid)
        if pid == sid:
            errors.append(FieldError(f"into.{i}.parent_id", "unit.parent_ends", {"id": pid}))
        elif parent is None:
            errors.append(not_found(f"into.{i}.parent_id", pid))
        elif parent["status"] != ACTIVE:
            errors.append(inactive(f"into.{i}.parent_id", parent))
    refuse(errors)
    ids = [t.unit_id for t in body.into]
    detail = {"source": sid, "into": ids, "effective": body.effective.isoformat()}
    split = change("split", actor, body.reason, **detail)
    successors = [
        new_unit(
            unit_id=t.unit_id,
            name_vi=t.name_vi,
            name_en=t.name_en,
            unit_type=t.unit_type or source["unit_type"],
            parent_id=split_parent(source, t),
            email=t.email,
            valid_from=body.effective,
            predecessors=[sid],
            change=split,
        )
        for t in body.into
    ]
    ended_source = ended(source, "split", body.effective, ids, split)
    return ended_source, [ended_source, *successors], {sid: [participant_of(s) for s in successors]}


def split_parent(source: Mapping[str, Any], target: SplitTarget) -> str | None:
    return target.parent_id if "parent_id" in target.model_fields_set else source.get("parent_id")
