"""The console's page texts in Vietnamese (default) and English. The language comes from the
`lang` cookie (the switch in the header), else Accept-Language."""

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
        "language": "Ngôn ngữ",
        "error_title": "Đã có lỗi",
        "error_403": "Bạn không có quyền xem trang này.",
        "error_404": "Không tìm thấy trang này.",
        "error_api": "Không lấy được dữ liệu từ hệ thống. Vui lòng thử lại sau.",
        "error_sign_in": "Đăng nhập không thành công. Vui lòng đăng nhập lại.",
        "error_csrf": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
        "back_home": "Về trang chủ",
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
        "language": "Language",
        "error_title": "Something went wrong",
        "error_403": "You may not see this page.",
        "error_404": "This page does not exist.",
        "error_api": "The data could not be fetched. Please try again later.",
        "error_sign_in": "Sign-in failed. Please sign in again.",
        "error_csrf": "The form expired or is invalid. Please reload the page and try again.",
        "back_home": "Back to the home page",
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
    },
}


def label(code: object, lang: str) -> str:
    text = str(code)
    return LABELS.get(lang, LABELS["vi"]).get(text, text)


def language(request: Request) -> str:
    chosen = request.cookies.get("lang")
    if chosen in LANGS:
        return chosen
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].split(";")[0].strip().lower()
    return "en" if first.startswith("en") else "vi"


def texts(lang: str) -> dict[str, str]:
    return TEXTS[lang if lang in LANGS else "vi"]
