"""This feature's page texts (merged by thidua_web.i18n; a key defined twice is an error)."""

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "ntf_nav": "Thông báo",
        "ntf_title": "Thông báo của tôi",
        "ntf_unread": "{n} thông báo chưa đọc",
        "ntf_unread_badge": "{n} chưa đọc",
        "ntf_new": "Mới",
        "ntf_none": "Chưa có thông báo nào.",
        "ntf_mark_all": "Đánh dấu tất cả là đã đọc",
        "ntf_open": "Xem báo cáo",
        # issue 11: nomnotice
        "ntf_open_nomination": "Xem hồ sơ đề nghị khen thưởng",
    },
    "en": {
        "ntf_nav": "Notifications",
        "ntf_title": "My notifications",
        "ntf_unread": "{n} unread notifications",
        "ntf_unread_badge": "{n} unread",
        "ntf_new": "New",
        "ntf_none": "No notification yet.",
        "ntf_mark_all": "Mark all as read",
        "ntf_open": "Open the submission",
        # issue 11: nomnotice
        "ntf_open_nomination": "Open the nomination",
    },
}
LABELS: dict[str, dict[str, str]] = {"vi": {}, "en": {}}
