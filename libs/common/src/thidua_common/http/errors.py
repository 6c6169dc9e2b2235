from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..contracts.period import PERIOD, YEAR_MAX, YEAR_MIN
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


class ErrorItem(BaseModel):
    field: str
    reason: str
    code: str


class ErrorBody(BaseModel):
    """The body of every 4xx answer (see .app): a sentence, the fields at fault, the correlation id."""

    message: str
    errors: list[ErrorItem]
    correlation_id: str | None


# declared on every operation, so the OpenAPI says what an error answer looks like (FastAPI would
# otherwise document 422 with its own body, which these services never send)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "request body not readable (not UTF-8 text) / không đọc được nội dung yêu cầu"),
        (401, "missing or invalid credentials / thiếu hoặc sai thông tin xác thực"),
        (403, "not allowed / không được phép"),
        (404, "not found / không tìm thấy"),
        (409, "conflict with the current state / xung đột với trạng thái hiện tại"),
        (413, "request body too large / nội dung quá lớn"),
        (422, "invalid request / dữ liệu không hợp lệ"),
    )
}


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
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == PERIOD:
        return FieldError(name, "period.format", {"min": YEAR_MIN, "max": YEAR_MAX})
    if kind in ("bool_type", "bool_parsing"):
        return FieldError(name, "field.bool")
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"):
        return FieldError(name, "field.date")
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
