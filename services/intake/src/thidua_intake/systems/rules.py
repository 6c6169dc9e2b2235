"""What an outside system may publish (pure): its scope is tenants, each with all its units or a
list of them, and event kinds. A record outside it is dead-lettered with reason `scope`."""

from dataclasses import dataclass, field
from typing import Any

from thidua_common.contracts.registry import EVENT_TYPES
from thidua_common.errors import FieldError

ALL_UNITS = "*"

# kind name (what an operator types) -> CloudEvents type, for every event type of the inbound topic:
# the third part of the type (vn.thidua.submission.submitted.v1 is the kind "submission")
KINDS: dict[str, str] = {
    event_type.split(".")[2]: event_type for event_type, spec in EVENT_TYPES.items() if spec.topic == "inbound"
}


@dataclass(frozen=True)
class System:
    name: str
    contact: str
    units: dict[str, list[str]]  # tenant -> unit ids, or [ALL_UNITS]
    kinds: list[str]
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # issue 12: inbound kinds — the reviewer role an outside review system acts in (kind `review`):
    # ("board", unit or None) or ("cluster", the unit whose cluster it heads); None: it reviews nothing
    review_as: tuple[str, str | None] | None = None

    @property
    def actor(self) -> str:
        """How the system appears as submitter and in the audit trail."""
        return f"system:{self.name}"

    @property
    def home_tenant(self) -> str:
        """The tenant whose audit chain records the system's refused events (its first)."""
        return next(iter(self.units))

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "System":
        review = doc.get("review_as")
        review_as = (review["level"], review.get("unit_id")) if review else None
        units, kinds = dict(doc.get("units", {})), list(doc.get("kinds", []))
        return cls(doc["_id"], doc.get("contact", ""), units, kinds, review_as=review_as)

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"_id": self.name, "contact": self.contact, "units": self.units, "kinds": self.kinds}
        if self.review_as is not None:
            doc["review_as"] = {"level": self.review_as[0], "unit_id": self.review_as[1]}
        return doc


def parse_units(tenants: list[str], units: list[str], all_units: bool) -> dict[str, list[str]]:
    """The CLI's --tenant/--unit/--all-units as a scope; raises ValueError saying what is wrong."""
    if not tenants:
        raise ValueError("name at least one --tenant")
    if all_units == bool(units):
        raise ValueError("give either --all-units or one --unit per allowed unit")
    if all_units:
        return {t: [ALL_UNITS] for t in tenants}
    scope: dict[str, list[str]] = {t: [] for t in tenants}
    for unit in units:
        tenant, _, unit_id = unit.rpartition("/")
        if not tenant:
            if len(tenants) > 1:
                raise ValueError(f"--unit {unit}: with several tenants write tenant/unit")
            tenant = tenants[0]
        if tenant not in scope:
            raise ValueError(f"--unit {unit}: tenant {tenant} is not one of --tenant")
        scope[tenant].append(unit_id)
    empty = [t for t, ids in scope.items() if not ids]
    if empty:
        raise ValueError(f"no --unit for tenant {', '.join(empty)}")
    return scope


def parse_kinds(kinds: list[str]) -> list[str]:
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown:
        raise ValueError(f"--kind must be one of {', '.join(sorted(KINDS))} (got {', '.join(unknown) or 'none'})")
    return sorted(set(kinds))


def scope_errors(system: System, tenant: str, event_type: str, unit_id: Any) -> list[FieldError]:
    """Why an event lies outside the system's scope (empty: inside). Checked before the payload is
    validated: a system learns nothing about tenants or units it may not report for."""
    errors: list[FieldError] = []
    allowed_types = {KINDS[k] for k in system.kinds if k in KINDS}
    if event_type not in allowed_types:
        errors.append(FieldError("type", "scope.kind", {"type": event_type, "system": system.name}))
    units = system.units.get(tenant)
    if units is None:
        errors.append(FieldError("tenant", "scope.tenant", {"tenant": tenant, "system": system.name}))
    elif ALL_UNITS not in units and unit_id not in units:
        errors.append(FieldError("data.unit_id", "scope.unit", {"id": str(unit_id), "system": system.name}))
    return errors


# issue 12: inbound kinds — the reviewer role of an outside review system
REVIEW_LEVELS = ("board", "cluster")


def parse_review_as(value: str | None, kinds: list[str]) -> tuple[str, str | None] | None:
    """The CLI's --review-as: `board`, `board:<unit>` (the board's own unit, which it then never
    reviews) or `cluster:<unit>` (the unit whose cluster it heads). Required with --kind review."""
    if value is None:
        if "review" in kinds:
            raise ValueError("--kind review needs --review-as board, board:<unit> or cluster:<unit>")
        return None
    level, _, unit = value.partition(":")
    if level not in REVIEW_LEVELS or (level == "cluster" and not unit):
        raise ValueError(f"--review-as {value}: give board, board:<unit> or cluster:<unit>")
    if "review" not in kinds:
        raise ValueError("--review-as is for a system with --kind review")
    return level, unit or None


def units_named(event_type: str, data: dict[str, Any]) -> list[Any]:
    """Every unit an event names, read from its raw payload (the scope is checked before the
    payload is validated): a unit register change names its sources and successors too. The
    first is data.unit_id (None when missing: then no unit of the system's)."""
    named: list[Any] = [data.get("unit_id")]
    if event_type == KINDS.get("unit"):
        merge, split = data.get("merge"), data.get("split")
        if isinstance(merge, dict):
            sources, into = merge.get("sources"), merge.get("into")
            named += sources if isinstance(sources, list) else []
            named += [into.get("unit_id")] if isinstance(into, dict) else []
        if isinstance(split, dict) and isinstance(split.get("into"), list):
            named += [s.get("unit_id") for s in split["into"] if isinstance(s, dict)]
    first, others = named[0], [u for u in named[1:] if u != named[0]]
    return [first, *dict.fromkeys(str(u) for u in others)]


def event_scope_errors(system: System, tenant: str, event_type: str, data: dict[str, Any]) -> list[FieldError]:
    """scope_errors for every unit the event names, and, for a review decision, the reviewer role
    the system must have been granted."""
    first, *others = units_named(event_type, data)
    errors = scope_errors(system, tenant, event_type, first)
    for unit_id in others:
        errors += [e for e in scope_errors(system, tenant, event_type, unit_id) if e.key == "scope.unit"]
    if event_type == KINDS.get("review") and "review" in system.kinds and system.review_as is None:
        errors.append(FieldError("type", "scope.reviewer", {"system": system.name}))
    return errors
