"""Vietnamese formats: 1.234,5 for numbers and dd/mm/yyyy for dates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def format_number(value: float, decimals: int = 2, lang: str = "vi") -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_date(value: date, lang: str = "vi") -> str:
    return value.strftime("%d/%m/%Y" if lang == "vi" else "%Y-%m-%d")


def format_datetime(value: datetime, lang: str = "vi") -> str:
    local = value.astimezone(VN_TZ)
    return local.strftime("%H:%M %d/%m/%Y" if lang == "vi" else "%Y-%m-%d %H:%M")
