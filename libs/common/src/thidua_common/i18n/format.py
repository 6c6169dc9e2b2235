"""Vietnamese formats: 1.234,5 for numbers and dd/mm/yyyy for dates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def format_number(value: float, decimals: int = 2, lang: str = "vi") -> str:
    value = round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    if value == 0:
        value = 0.0
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
