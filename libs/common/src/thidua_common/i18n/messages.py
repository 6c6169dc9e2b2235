"""Every sentence a user reads, in Vietnamese (default) and English."""

from typing import Literal

Language = Literal["vi", "en"]

MESSAGES: dict[str, dict[str, str]] = {
    # authentication and authorisation
    "auth.missing": {
        "vi": "Thiếu thông tin xác thực: cần mã thông báo Bearer hoặc khóa API.",
        "en": "Missing credentials: a Bearer token or an API key is required.",
    },
    "auth.invalid": {"vi": "Mã thông báo không hợp lệ: {reason}.", "en": "Invalid token: {reason}."},
    "auth.expired": {"vi": "Mã thông báo đã hết hạn.", "en": "The token has expired."},
    "auth.bad_api_key": {"vi": "Khóa API không hợp lệ.", "en": "Invalid API key."},
    "auth.role": {
        "vi": "Vai trò của bạn ({roles}) không được phép thực hiện thao tác này.",
        "en": "Your roles ({roles}) may not perform this action.",
    },
    "auth.tenant": {
        "vi": "Bạn thuộc đơn vị quản lý '{own}', không được thao tác trên dữ liệu của '{other}'.",
        "en": "You belong to tenant '{own}' and may not act on '{other}'.",
    },
    "auth.unit": {
        "vi": "Bạn chỉ được báo cáo cho đơn vị '{own}', không phải '{other}'.",
        "en": "You may only report for unit '{own}', not '{other}'.",
    },
    # request validation
    "request.invalid": {"vi": "Dữ liệu gửi lên không hợp lệ.", "en": "The request is invalid."},
    "request.too_large": {
        "vi": "Nội dung yêu cầu quá lớn ({size} byte, tối đa {limit} byte).",
        "en": "Request body too large ({size} bytes, at most {limit}).",
    },
    "request.bad_json": {"vi": "Nội dung không phải JSON hợp lệ: {reason}.", "en": "Body is not valid JSON: {reason}."},
    "request.idempotency_conflict": {
        "vi": "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.",
        "en": "This Idempotency-Key was already used for a different request.",
    },
    "field.missing": {"vi": "Thiếu trường bắt buộc.", "en": "Field required."},
    "field.extra": {"vi": "Trường không được phép.", "en": "Unknown field."},
    "field.type": {"vi": "Sai kiểu dữ liệu: {detail}.", "en": "Wrong type: {detail}."},
    "field.pattern": {"vi": "Sai định dạng (mẫu {pattern}).", "en": "Wrong format (pattern {pattern})."},
    "field.too_short": {"vi": "Quá ngắn hoặc rỗng.", "en": "Too short or empty."},
    "field.too_long": {"vi": "Quá dài.", "en": "Too long."},
    "field.range": {"vi": "Giá trị ngoài phạm vi cho phép: {detail}.", "en": "Value out of range: {detail}."},
    "field.url": {"vi": "Không phải địa chỉ URL hợp lệ.", "en": "Not a valid URL."},
    "field.other": {"vi": "Giá trị không hợp lệ: {detail}.", "en": "Invalid value: {detail}."},
    # domain validation
    "campaign.unknown": {"vi": "Không có phong trào thi đua '{id}'.", "en": "No campaign '{id}'."},
    "campaign.revision_conflict": {
        "vi": "Phong trào đã được cập nhật (phiên bản {current}); hãy tải lại rồi thử lại.",
        "en": "The campaign changed (revision {current}); reload and retry.",
    },
    "unit.unknown": {
        "vi": "Đơn vị '{id}' không tham gia phong trào này.",
        "en": "Unit '{id}' does not take part in this campaign.",
    },
    "cluster.unknown": {"vi": "Không có cụm/khối thi đua '{id}'.", "en": "No cluster '{id}'."},
    "criterion.unknown": {
        "vi": "Tiêu chí '{id}' không có trong bảng tiêu chí của phong trào.",
        "en": "Criterion '{id}' is not in the campaign's criteria.",
    },
    "value.range": {
        "vi": "Giá trị {value} nằm ngoài khoảng cho phép [{min}; {max}].",
        "en": "Value {value} is outside the allowed range [{min}, {max}].",
    },
    "period.outside": {
        "vi": "Kỳ báo cáo {period} nằm ngoài thời gian của phong trào ({start} – {end}).",
        "en": "Period {period} lies outside the campaign ({start} – {end}).",
    },
    "period.frequency": {
        "vi": "Kỳ báo cáo '{period}' không đúng tần suất báo cáo của phong trào ({frequency}).",
        "en": "Period '{period}' does not match the campaign's reporting frequency ({frequency}).",
    },
    "event.type": {"vi": "Loại sự kiện '{type}' không được nhận ở đây.", "en": "Event type '{type}' is not accepted here."},
    "submission.accepted": {
        "vi": "Đã nhận báo cáo; điểm sẽ được tính trong giây lát.",
        "en": "Submission accepted; it will be scored shortly.",
    },
    # notifications
    "mail.score.subject": {
        "vi": "[Thi Đua] {unit}: kết quả {period} – {total}/{max} điểm",
        "en": "[Thi Đua] {unit}: results for {period} – {total}/{max} points",
    },
    "mail.score.body": {
        "vi": "Kính gửi {unit},\n\nBáo cáo kết quả {period} của đơn vị trong phong trào «{campaign}» "
        "đã được chấm điểm (tạm tính) lúc {time}.\n\nTổng điểm: {total}/{max} điểm.\n\n{lines}\n\n"
        "Điểm tạm tính sẽ được xác nhận sau khi thẩm định.\n\nTrân trọng,\nHệ thống Thi Đua",
        "en": "Dear {unit},\n\nYour results for {period} in the campaign “{campaign}” were scored "
        "(provisional) at {time}.\n\nTotal: {total}/{max} points.\n\n{lines}\n\n"
        "Provisional scores are confirmed after verification.\n\nRegards,\nThi Đua",
    },
}


def negotiate(accept_language: str | None, default: Language = "vi") -> Language:
    """Pick vi or en from an Accept-Language header; Vietnamese unless English is preferred."""
    if not accept_language:
        return default
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("vi"):
            return "vi"
        if tag.startswith("en"):
            return "en"
    return default


def t(key: str, lang: str = "vi", **params: object) -> str:
    entry = MESSAGES[key]
    return entry.get(lang, entry["vi"]).format(**params)
