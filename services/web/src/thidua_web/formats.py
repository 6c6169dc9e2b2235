"""Numbers and dates the Vietnamese way (1.234,5; 30/11/2026), English when chosen. Jinja filters:
`{{ value | number(lang) }}`, `{{ when | day(lang) }}`, `{{ when | moment(lang) }}`."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from thidua_common.contracts.period import PERIOD
from thidua_common.i18n.format import format_period

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_ID = re.compile(PERIOD)


def number(value: Any, lang: str = "vi", digits: int = 2) -> str:
    """1234.5 → «1.234,5» (vi) or "1,234.5" (en); trailing zeros dropped; not a number: as it is."""
    if value is None or value == "":
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{x:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:,.0f}"
    if lang == "en":
        return text
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def _parse(value: Any) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None


def day(value: Any, lang: str = "vi") -> str:
    """A date: 30/11/2026 (vi) or 2026-11-30 (en)."""
    parsed = _parse(value)
    if parsed is None:
        return str(value) if value else "—"
    if isinstance(parsed, datetime):
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)).astimezone(LOCAL).date()
    return parsed.strftime("%d/%m/%Y") if lang != "en" else parsed.isoformat()


def moment(value: Any, lang: str = "vi") -> str:
    """A time in Việt Nam's zone: 14:05 30/11/2026 (vi) or 2026-11-30 14:05 (en)."""
    parsed = _parse(value)
    if not isinstance(parsed, datetime):
        return day(value, lang)
    local = (parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)).astimezone(LOCAL)
    return local.strftime("%H:%M %d/%m/%Y") if lang != "en" else local.strftime("%Y-%m-%d %H:%M")


def period(value: Any, lang: str = "vi") -> str:
    """2026-Q1 → «quý I/2026» (en "Q1 2026"): the platform's one way (thidua_common format_period);
    anything else as it is."""
    text = str(value or "")
    if not PERIOD_ID.fullmatch(text):
        return text or "—"
    return format_period(text, lang)


FILTERS = {"number": number, "day": day, "moment": moment, "period": period}
