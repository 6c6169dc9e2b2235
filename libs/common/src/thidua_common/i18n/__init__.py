"""Vietnamese first, English available: message catalogue and number/date formatting."""

from .collation import vi_sort_key
from .format import format_date, format_datetime, format_number, format_period
from .messages import Language, Localized, negotiate, t

__all__ = [
    "Language",
    "Localized",
    "format_date",
    "format_datetime",
    "format_number",
    "format_period",
    "negotiate",
    "t",
    "vi_sort_key",
]
