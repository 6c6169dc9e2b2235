"""Vietnamese formats: 1.234,5 for numbers and dd/mm/yyyy for dates."""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


_VI_MARKS = str.maketrans({",": ".", ".": ","})


@lru_cache(maxsize=65536)  # scores repeat the same targets and maxima over and over
def format_number(value: float, decimals: int = 2, lang: str = "vi") -> str:
    """1234.5 → "1.234,5" (vi) or "1,234.5" (en); trailing zeros dropped; never "-0".
    Called for every number of every explanation, so kept lean."""
    if value != value or value in (float("inf"), float("-inf")):
        return "—" if value != value else ("∞" if value > 0 else "-∞")
    value = round(value, decimals)
    if value == int(value):
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.translate(_VI_MARKS) if lang == "vi" else text


def format_date(value: date, lang: str = "vi") -> str:
    return value.strftime("%d/%m/%Y" if lang == "vi" else "%Y-%m-%d")


def format_datetime(value: datetime, lang: str = "vi") -> str:
    local = value.astimezone(VN_TZ)
    return local.strftime("%H:%M %d/%m/%Y" if lang == "vi" else "%Y-%m-%d %H:%M")


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def format_period(period: str, lang: str = "vi") -> str:
    """2018 → "năm 2018", 2018-Q2 → "quý II/2018", 2018-05 → "tháng 05/2018" (en: "Q2 2018", "05/2018")."""
    year = period[:4]
    if len(period) == 4:
        return f"năm {year}" if lang == "vi" else year
    if period[5] == "Q":
        q = period[6]
        return f"quý {_ROMAN[q]}/{year}" if lang == "vi" else f"Q{q} {year}"
    return f"tháng {period[5:7]}/{year}" if lang == "vi" else f"{period[5:7]}/{year}"
