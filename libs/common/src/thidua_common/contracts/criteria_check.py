"""Can a criteria tree be scored? Pure checks shared by intake (a 422 before the definition is
accepted) and scoring (a campaign that fails them is quarantined, not retried forever).

Each problem is a FieldError naming the field as the request body does (`criteria.0.params.threshold`,
`criteria.1.children.0.min_value`) with a catalogue key whose message names the criterion."""

import math
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..http.errors import FieldError, from_pydantic
from ..i18n import Localized, format_number
from .campaign import Criterion

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_PARAM_DEPTH = 8
NUMBERS = ("max_points", "target", "min_value", "max_value")


def walk(criteria: list[Criterion], prefix: str = "criteria") -> Iterator[tuple[str, Criterion]]:
    """Every node with its path as the request body names it."""
    for index, node in enumerate(criteria):
        path = f"{prefix}.{index}"
        yield path, node
        yield from walk(node.children, f"{path}.children")


def criteria_problems(
    criteria: list[Criterion],
    param_models: Mapping[str, type[BaseModel]],
    *,
    strict: bool = True,
    max_total: float | None = None,
) -> list[FieldError]:
    """Problems of a criteria tree. `strict` (intake): also an unknown scorer, an unknown
    parameter and min_value above max_value. Not strict (scoring, for definitions accepted
    before these checks existed): only what would make scoring fail (a parameter a scorer cannot
    use, a value MongoDB cannot store); an unknown scorer scores 0 with its own explanation."""
    problems: list[FieldError] = []
    if max_total is not None and not math.isfinite(max_total):
        problems.append(FieldError("max_total", "field.finite"))
    for path, node in walk(criteria):
        # finite numbers only: an Infinity or NaN crosses Kafka as null, or as JSON no strict
        # reader accepts (checked here rather than in the contract model, so that consumers
        # other than scoring keep reading such an event as they always did)
        problems += [
            FieldError(f"{path}.{name}", "field.finite")
            for name in NUMBERS
            if (value := getattr(node, name)) is not None and not math.isfinite(value)
        ]
        unstorable = list(storable(node.params))
        problems += [
            FieldError(f"{path}.params{where}", key, {"id": node.id, **params}) for where, key, params in unstorable
        ]
        # a parameter already named above is not named again by its scorer's model
        named = {where.split(".")[1] for where, _, _ in unstorable if where} | {
            params["name"] for _, key, params in unstorable if key == "criterion.param_key"
        }
        if strict and node.min_value > node.max_value:  # (False when either is NaN: named above)
            problems.append(
                FieldError(
                    f"{path}.min_value",
                    "criterion.min_above_max",
                    {"id": node.id, "min": _number(node.min_value), "max": _number(node.max_value)},
                )
            )
        if not node.is_leaf:
            continue
        model = param_models.get(node.scorer or "")
        if model is None:
            if strict:
                problems.append(
                    FieldError(
                        f"{path}.scorer",
                        "criterion.scorer_unknown",
                        {"id": node.id, "scorer": node.scorer or "", "known": ", ".join(sorted(param_models))},
                    )
                )
            continue
        try:
            model.model_validate(node.params)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error.get("loc", ())
                if (not strict and error.get("type") == "extra_forbidden") or (loc and _shown(loc[0]) in named):
                    continue
                where = ".".join(_shown(p) for p in loc)
                inner = param_reason(error)
                problems.append(
                    FieldError(
                        f"{path}.params" + (f".{where}" if where else ""),
                        "criterion.param_invalid",
                        {
                            "id": node.id,
                            "scorer": node.scorer,
                            "param": where or "params",
                            "detail": Localized(inner.reason),
                        },
                    )
                )
    return problems


def _shown(part: object) -> str:
    """A path part as it can be shown (a control character escaped)."""
    return repr(part)[1:-1][:40] if isinstance(part, str) else str(part)


def _number(value: float) -> Localized:
    return Localized(lambda lang: format_number(value, 4, lang))


def param_reason(error: Mapping[str, Any]) -> FieldError:
    """A parameter's pydantic error as a catalogue message, without pydantic's English wording
    (the parameter models are strict: a wrong type is a number expected, or a form expected)."""
    kind = error.get("type", "")
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        return FieldError("", "field.number")
    if kind.endswith("_type") or kind.endswith("_parsing") or kind in ("value_error", "assertion_error"):
        return FieldError("", "field.shape")
    return from_pydantic({**error, "loc": ()})


def storable(value: Any, where: str = "", depth: int = 0) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Where a parameter value is something MongoDB cannot store (an integer beyond 64 bits, a key
    with a NUL byte or starting with '$') or too deeply nested: (path suffix, key, params)."""
    if depth > MAX_PARAM_DEPTH:
        yield where, "criterion.param_too_deep", {"depth": MAX_PARAM_DEPTH}
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield where, "criterion.param_not_finite", {}
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield where, "criterion.param_int_range", {}
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or "\x00" in key or key.startswith("$"):
                yield where, "criterion.param_key", {"name": _shown(key) if isinstance(key, str) else repr(key)}
            else:
                yield from storable(item, f"{where}.{_shown(key)}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from storable(item, f"{where}.{index}", depth + 1)
