"""The reviews' "today": the date in Việt Nam, or in development and tests a date the settings
name (THIDUA_REVIEW_TODAY) so that a review date can be reached without waiting for it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from thidua_common.settings import Settings

from ..settings import ReportingSettings

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def today(settings: Settings, own: ReportingSettings) -> date:
    if own.review_today is not None and settings.environment == "development":
        return own.review_today
    return datetime.now(VN).date()


def may_override(settings: Settings, own: ReportingSettings) -> bool:
    """Whether a request may name its own 'today' (never in production)."""
    return own.review_clock_override and settings.environment == "development"
