"""Issue 11: the texts of the editor's «Xem thử điểm» page (merged into editor/texts.py's TEXTS)."""

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "ed_pv_link": "Xem thử điểm",
        "ed_pv_draft_button": "Xem thử điểm bản nháp",
        "ed_pv_title": "Xem thử điểm",
        "ed_pv_back": "← Về trang soạn phong trào",
        "ed_pv_help_saved": "Chấm thử theo bộ tiêu chí đã lưu của phong trào.",
        "ed_pv_help_draft": "Chấm thử theo bộ tiêu chí của bản nháp đang soạn (chưa lưu).",
        "ed_pv_help": "Nhập một kết quả mẫu cho từng tiêu chí lá (để trống: không báo cáo) và, nếu muốn, chỉ tiêu "
        "riêng của đơn vị (để trống: chỉ tiêu của tiêu chí). Điểm do dịch vụ chấm điểm tính đúng như với một "
        "báo cáo thật; không có gì được lưu.",
        "ed_pv_sample": "Kết quả mẫu",
        "ed_pv_criterion": "Tiêu chí",
        "ed_pv_value": "Kết quả mẫu",
        "ed_pv_target": "Chỉ tiêu",
        "ed_pv_group": "Nhóm: cộng điểm các tiêu chí con",
        "ed_pv_submit": "Chấm thử",
        "ed_pv_result": "Kết quả chấm thử",
        "ed_pv_total": "Tổng điểm",
        "ed_pv_points": "Điểm / tối đa",
        "ed_pv_explanation": "Cách tính",
        "ed_pv_none": "—",
        "ed_pv_target_sample": "chỉ tiêu mẫu",
        "ed_pv_refused": "Chưa chấm thử được: hãy sửa các ô được đánh dấu.",
        "ed_pv_err_number": "Phải là một số (ví dụ 12 hoặc 7,5).",
    },
    "en": {
        "ed_pv_link": "Preview scoring",
        "ed_pv_draft_button": "Preview the draft's scoring",
        "ed_pv_title": "Scoring preview",
        "ed_pv_back": "← Back to the campaign editor",
        "ed_pv_help_saved": "Scores a sample against the campaign's saved criteria.",
        "ed_pv_help_draft": "Scores a sample against the criteria of the draft being edited (not saved).",
        "ed_pv_help": "Type a sample result for each leaf criterion (empty: not reported) and, if you like, the "
        "unit's own target (empty: the criterion's target). The scoring service computes the points exactly as "
        "for a real submission; nothing is saved.",
        "ed_pv_sample": "Sample results",
        "ed_pv_criterion": "Criterion",
        "ed_pv_value": "Sample result",
        "ed_pv_target": "Target",
        "ed_pv_group": "Group: the sum of its sub-criteria",
        "ed_pv_submit": "Score the sample",
        "ed_pv_result": "Preview result",
        "ed_pv_total": "Total",
        "ed_pv_points": "Points / maximum",
        "ed_pv_explanation": "How it was computed",
        "ed_pv_none": "—",
        "ed_pv_target_sample": "sample target",
        "ed_pv_refused": "The sample could not be scored: please correct the marked fields.",
        "ed_pv_err_number": "Must be a number (e.g. 12 or 7.5).",
    },
}
