import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from ..contracts.period import PERIOD, YEAR_MAX, YEAR_MIN
from ..errors import FieldError as FieldError  # re-exported: older imports name it here
from ..i18n import Localized, format_number, t


class ApiError(Exception):
    """A 4xx answer decided at the HTTP edge itself (a header too large, a wrong tenant in the
    token): rules and services raise the domain errors of ..errors instead, mapped to a status
    by .app. `key` is a message-catalogue key; `errors` name fields and reasons."""

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

# What a type error expected, as a catalogue key (type.*). pydantic's own `msg` is English and
# its `input` is the caller's data: neither is ever put in an answer.
_EXPECTED = {
    "string": "type.string", "str": "type.string", "bytes": "type.string",
    "int": "type.integer", "float": "type.number", "decimal": "type.number", "complex": "type.number",
    "bool": "type.boolean",
    "dict": "type.object", "model": "type.object", "model_attributes": "type.object", "dataclass": "type.object",
    "mapping": "type.object",
    "list": "type.list", "tuple": "type.list", "set": "type.list", "frozen_set": "type.list", "iterable": "type.list",
    "date": "type.date", "date_from_datetime": "type.date",
    "datetime": "type.datetime", "datetime_from_date": "type.datetime", "time": "type.time",
    "time_delta": "type.duration", "uuid": "type.uuid", "url": "type.url", "enum": "type.choice",
}

# pydantic-core's other error types, each a whole catalogue message of its own
_KINDS = {
    "missing": "field.missing",
    "extra_forbidden": "field.extra",
    "string_pattern_mismatch": "field.pattern",
    "string_too_short": "field.too_short",
    "too_short": "field.too_short",
    "string_too_long": "field.too_long",
    "too_long": "field.too_long",
    "finite_number": "field.finite",
    "int_from_float": "field.integer",
    "multiple_of": "field.multiple_of",
    "timezone_aware": "field.timezone",
    "timezone_naive": "field.timezone",
    "date_past": "field.date_past", "date_future": "field.date_future",
    "datetime_past": "field.date_past", "datetime_future": "field.date_future",
    "frozen_instance": "field.read_only", "frozen_field": "field.read_only",
    "unique_items": "field.unique",
    "union_tag_invalid": "field.choice_unknown", "union_tag_not_found": "field.missing",
    "decimal_max_digits": "field.too_long", "decimal_max_places": "field.too_long",
    "decimal_whole_digits": "field.too_long",
    "string_unicode": "field.text",
}

# A model validator raises catalogue_error(key, **params): the message comes from the catalogue in
# the reader's language instead of a sentence fixed when the validator was written.
CATALOGUE_ERROR = "thidua_catalogue"


def catalogue_error(key: str, **params: object) -> PydanticCustomError:
    """For validators: `raise catalogue_error("campaign.end_before_start")`."""
    return PydanticCustomError(CATALOGUE_ERROR, key, {"key": key, **params})


def _field_name(loc: list[Any]) -> str:
    # errors of the whole body (a model validator, a body that is not an object) have no field
    return ".".join(str(p) for p in loc) or "(body)"


def _choices(expected: object) -> str:
    # pydantic's ctx["expected"] reads "'a', 'b' or 'c'": keep the values, drop its English "or"
    values = re.findall(r"'([^']*)'", str(expected))
    return ", ".join(values)


def from_pydantic(error: Mapping[str, Any]) -> FieldError:
    """Translate one pydantic error into a catalogue message (Vietnamese by default). Only the
    error's type, location and bounds are used: never its `msg` or `input`."""
    loc = [p for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "json_invalid":
        position = next((p for p in reversed(loc) if isinstance(p, int)), None)
        if position is None:
            return FieldError("(body)", "request.bad_json_nowhere")
        return FieldError(
            "(body)", "request.bad_json",
            {"position": Localized(lambda lang: format_number(position + 1, 0, lang))},
        )
    name = _field_name(loc)
    if kind == CATALOGUE_ERROR and isinstance(ctx.get("key"), str):
        return FieldError(name, ctx["key"], {k: v for k, v in ctx.items() if k != "key"})
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == PERIOD:
        return FieldError(name, "period.format", {"min": YEAR_MIN, "max": YEAR_MAX})
    if kind in ("bool_type", "bool_parsing"):
        return FieldError(name, "field.bool")
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"):
        return FieldError(name, "field.date")
    if kind == "string_pattern_mismatch":
        return FieldError(name, "field.pattern", {"pattern": ctx.get("pattern", "")})
    if kind in ("literal_error", "enum"):
        choices = _choices(ctx.get("expected", ""))
        if not choices:
            return FieldError(name, "field.choice_unknown")
        return FieldError(name, "field.choice", {"choices": choices})
    if kind in _KINDS:
        return FieldError(name, _KINDS[kind])
    if kind in _RANGE:
        bound = next(iter(ctx.values()), "")
        op = _RANGE[kind].split(" ")[0]
        detail = (
            Localized(lambda lang: f"{op} {format_number(bound, 2, lang)}")
            if isinstance(bound, int | float)
            else f"{op} {bound}"
        )
        return FieldError(name, "field.range", {"detail": detail})
    if kind.startswith("url_"):
        return FieldError(name, "field.url")
    for suffix in ("_type", "_parsing"):
        if kind.endswith(suffix):
            expected = _EXPECTED.get(kind.removesuffix(suffix), "type.value")
            return FieldError(name, "field.type", {"expected": Localized(partial(t, expected))})
    return FieldError(name, "field.other")
