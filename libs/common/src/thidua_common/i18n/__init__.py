"""Vietnamese first, English available: message catalogue and number/date formatting."""

from .format import format_date, format_datetime, format_number, format_period
from .messages import Language, negotiate, t

__all__ = ["Language", "format_date", "format_datetime", "format_number", "format_period", "negotiate", "t"]
