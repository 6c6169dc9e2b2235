from dataclasses import dataclass, field
from typing import Any

from ..i18n import Localized, format_number, t


@dataclass
class FieldError:
    field: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> dict[str, str]:
        return {"field": self.field, "reason": t(self.key, lang, **self.params), "code": self.key}


class ApiError(Exception):
    """A 4xx answer: `key` is a message-catalogue key; `errors` name fields and reasons."""

    def __init__(self, status: int, key: str, errors: list[FieldError] | None = None, **params: Any):
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params
        self.errors = errors or []


_RANGE = {
    "greater_than": "> {gt}",
    "greater_than_equal": "≥ {ge}",
    "less_than": "< {lt}",
    "less_than_equal": "≤ {le}",
}


def from_pydantic(error: dict[str, Any]) -> FieldError:
    """Translate one pydantic error into a catalogue message (Vietnamese by default)."""
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    name = ".".join(loc) or "(body)"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return FieldError(name, "field.missing")
    if kind == "extra_forbidden":
        return FieldError(name, "field.extra")
    if kind == "json_invalid":
        return FieldError(name, "request.bad_json", {"reason": ctx.get("error", error.get("msg", ""))})
    if kind == "finite_number":  # Infinity or NaN (issue 8: liveness)
        return FieldError(name, "field.finite")
    if kind == "string_pattern_mismatch":
        return FieldError(name, "field.pattern", {"pattern": ctx.get("pattern", "")})
    if kind in ("string_too_short", "too_short"):
        return FieldError(name, "field.too_short")
    if kind in ("string_too_long", "too_long"):
        return FieldError(name, "field.too_long")
    if kind in _RANGE:
        bound = next(iter(ctx.values()), "")
        op = _RANGE[kind].split(" ")[0]
        detail = (
            Localized(lambda lang, b=bound, o=op: f"{o} {format_number(b, 2, lang)}")
            if isinstance(bound, int | float)
            else f"{op} {bound}"
        )
        return FieldError(name, "field.range", {"detail": detail})
    if kind.startswith("url_"):
        return FieldError(name, "field.url")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return FieldError(name, "field.type", {"detail": error.get("msg", kind)})
    return FieldError(name, "field.other", {"detail": error.get("msg", kind)})
