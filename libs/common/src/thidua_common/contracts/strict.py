"""Field types for request bodies that accept exactly what their JSON Schema says.

FastAPI validates a parsed JSON body in pydantic's lax Python mode, where `0` passes as a boolean
(false) and as a date (1970-01-01, a Unix timestamp): `"effective": 0` renamed a province as of
1970. A whole model in strict mode would refuse valid input instead (an ISO date string or an
enum value is not a `date` or an enum member in Python mode), so only these fields are strict.
"""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, StrictBool
from pydantic_core import PydanticCustomError


def _date_as_text(value: Any) -> Any:
    # a date object (from code, not JSON) or text that pydantic then parses as YYYY-MM-DD;
    # numbers (Unix timestamps), booleans and the rest are refused
    if isinstance(value, str) or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


JsonDate = Annotated[date, BeforeValidator(_date_as_text)]
"""A date given as `YYYY-MM-DD` text, as the schema says (`"type": "string", "format": "date"`)."""

JsonBool = StrictBool
"""`true` or `false` only: not 0, 1, "yes" or "off"."""

__all__ = ["JsonBool", "JsonDate"]
