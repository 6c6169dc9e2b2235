"""Find filters built from optional request parameters."""

from typing import Any


def given(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that have a value: a parameter left out (None) filters nothing."""
    return {name: value for name, value in fields.items() if value is not None}
