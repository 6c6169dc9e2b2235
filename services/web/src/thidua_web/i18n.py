"""The console's page texts in Vietnamese (default) and English. The language comes from the
`lang` cookie (the switch in the header), else Accept-Language.

The texts of the frame (header, sign-in, errors) are here; each feature package keeps its own in
`<feature>/texts.py` (`TEXTS` and optionally `LABELS`, same shape), merged here once. A key
defined twice is an error at start, not a silent override."""

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from fastapi import Request

LANGS = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "app": "Thi Đua – Khen thưởng",
        "skip": "Bỏ qua, đến nội dung chính",
        "sign_in": "Đăng nhập",
        "sign_out": "Đăng xuất",
        "welcome": "Chào mừng đến với hệ thống Thi Đua",
        "welcome_text": "Đăng nhập bằng tài khoản do Ban Thi đua – Khen thưởng cấp để xem các phong trào thi đua của đơn vị.",
        "you": "Thông tin của bạn",
        "name": "Họ và tên",
        "username": "Tên đăng nhập",
        "unit": "Đơn vị",
        "tenant": "Địa phương",
        "roles": "Vai trò",
        "none": "—",
        "my_campaigns": "Phong trào thi đua của tôi",
        "no_campaigns": "Chưa có phong trào thi đua nào.",
        "campaign": "Phong trào",
        "status": "Trạng thái",
        "dates": "Thời gian",
        "frequency": "Kỳ báo cáo",
        "participants": "Số đơn vị tham gia",
        "standing": "Xếp hạng của đơn vị",
        "standing_value": "Hạng {rank}/{total} · {score} điểm",
        "not_ranked": "Đơn vị chưa có trong bảng xếp hạng",
        "standing_loading": "Đang tải xếp hạng…",
        "standing_unavailable": "Chưa lấy được xếp hạng",
        "not_taking_part": "Đơn vị không tham gia",
        "language": "Ngôn ngữ",
        "error_title": "Đã có lỗi",
        "error_403": "Bạn không có quyền xem trang này.",
        "error_404": "Không tìm thấy trang này.",
        "error_api": "Không lấy được dữ liệu từ hệ thống. Vui lòng thử lại sau.",
        "error_sign_in": "Đăng nhập không thành công. Vui lòng đăng nhập lại.",
        "error_csrf": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
        "back_home": "Về trang chủ",
        "error_refused": "Yêu cầu không được chấp nhận.",
        "nav": "Điều hướng chính",
        "nav_home": "Trang chủ",
    },
    "en": {
        "app": "Thi Đua – Emulation and commendation",
        "skip": "Skip to main content",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "welcome": "Welcome to Thi Đua",
        "welcome_text": "Sign in with the account your commendation board gave you to see your unit's campaigns.",
        "you": "About you",
        "name": "Name",
        "username": "Username",
        "unit": "Unit",
        "tenant": "Province",
        "roles": "Roles",
        "none": "—",
        "my_campaigns": "My campaigns",
        "no_campaigns": "No campaign yet.",
        "campaign": "Campaign",
        "status": "Status",
        "dates": "Dates",
        "frequency": "Reporting period",
        "participants": "Participating units",
        "standing": "My unit's standing",
        "standing_value": "Rank {rank}/{total} · {score} points",
        "not_ranked": "Your unit is not on the leaderboard yet",
        "standing_loading": "Loading the standing…",
        "standing_unavailable": "The standing could not be fetched",
        "not_taking_part": "Your unit does not take part",
        "language": "Language",
        "error_title": "Something went wrong",
        "error_403": "You may not see this page.",
        "error_404": "This page does not exist.",
        "error_api": "The data could not be fetched. Please try again later.",
        "error_sign_in": "Sign-in failed. Please sign in again.",
        "error_csrf": "The form expired or is invalid. Please reload the page and try again.",
        "back_home": "Back to the home page",
        "error_refused": "The request was not accepted.",
        "nav": "Main navigation",
        "nav_home": "Home",
    },
}


# codes the APIs return, shown as words (an unknown code is shown as it is)
LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "draft": "Dự thảo",
        "launched": "Đã phát động",
        "running": "Đang diễn ra",
        "reviewing": "Đang xét duyệt",
        "closed": "Đã kết thúc",
        "month": "Hằng tháng",
        "quarter": "Hằng quý",
        "year": "Hằng năm",
        "channel_http": "Trên Hệ thống Thi Đua (trang web hoặc API)",
        "channel_kafka": "Do hệ thống khác gửi đến",
    },
    "en": {
        "draft": "Draft",
        "launched": "Launched",
        "running": "Running",
        "reviewing": "Under review",
        "closed": "Closed",
        "month": "Monthly",
        "quarter": "Quarterly",
        "year": "Yearly",
        "channel_http": "In Thi Đua (the console or the API)",
        "channel_kafka": "Sent by another system",
    },
}


def _merge(into: dict[str, dict[str, str]], part: dict[str, dict[str, str]], where: str) -> None:
    for lang, table in part.items():
        twice = set(into.setdefault(lang, {})) & set(table)
        if twice:
            raise RuntimeError(f"{where} defines {sorted(twice)} again")
        into[lang].update(table)


@cache
def tables() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(texts, labels) of the frame and of every feature package, per language."""
    all_texts: dict[str, dict[str, str]] = {}
    all_labels: dict[str, dict[str, str]] = {}
    _merge(all_texts, TEXTS, __name__)
    _merge(all_labels, LABELS, __name__)
    for found in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if not found.ispkg:
            continue
        try:
            module = importlib.import_module(f"{__package__}.{found.name}.texts")
        except ModuleNotFoundError:
            continue
        _merge(all_texts, getattr(module, "TEXTS", {}), module.__name__)
        _merge(all_labels, getattr(module, "LABELS", {}), module.__name__)
    for lang in LANGS:  # a text missing in English is shown in Vietnamese rather than crash a page
        all_texts[lang] = {**all_texts["vi"], **all_texts.get(lang, {})}
    return all_texts, all_labels


def label(code: object, lang: str) -> str:
    text = str(code)
    labels = tables()[1]
    return labels.get(lang, labels["vi"]).get(text, text)


def language(request: Request) -> str:
    chosen = request.cookies.get("lang")
    if chosen in LANGS:
        return chosen
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].split(";")[0].strip().lower()
    return "en" if first.startswith("en") else "vi"


def texts(lang: str) -> dict[str, str]:
    return tables()[0][lang if lang in LANGS else "vi"]
