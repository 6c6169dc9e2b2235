"""This feature's page texts (merged by thidua_web.i18n; a key defined twice is an error)."""

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "sf_title": "Biểu mẫu thống kê (TT 02/2023)",
        "sf_intro": "Báo cáo thống kê thi đua, khen thưởng theo Thông tư số 02/2023/TT-BNV của đơn vị báo cáo "
        "trong năm đã chọn, tính từ phong trào và khen thưởng trên hệ thống (hạn nộp: ngày 15 tháng 12).",
        "sf_form": "Biểu mẫu",
        "sf_year": "Năm báo cáo",
        "sf_xlsx": "Tải bản Excel (XLSX)",
        "sf_pdf": "Tải bản PDF",
        "sf_0601": "Biểu 0601.N – Số phong trào thi đua",
        "sf_0602": "Biểu 0602.N – Số lượng khen thưởng cấp Nhà nước",
        "sf_0603": "Biểu 0603.N – Số lượng khen thưởng cấp bộ, ban, ngành, tỉnh",
        "sf_bad_form": "Hãy chọn một trong các biểu 0601, 0602, 0603.",
        "sf_bad_year": "Năm phải là số có bốn chữ số từ 2000 đến 2100.",
        "sf_bad_format": "Định dạng tệp phải là XLSX hoặc PDF.",
        "sf_failed": "Chưa tải được biểu mẫu: {reason}",
    },
    "en": {
        "sf_title": "Statistical forms (Circular 02/2023)",
        "sf_intro": "The emulation and commendation statistics of Circular 02/2023/TT-BNV for the reporting "
        "unit and the chosen year, computed from the platform's campaigns and awards (due 15 December).",
        "sf_form": "Form",
        "sf_year": "Reporting year",
        "sf_xlsx": "Download Excel (XLSX)",
        "sf_pdf": "Download PDF",
        "sf_0601": "Form 0601.N – Emulation campaigns",
        "sf_0602": "Form 0602.N – State-level awards",
        "sf_0603": "Form 0603.N – Ministry and province-level awards",
        "sf_bad_form": "Choose one of the forms 0601, 0602, 0603.",
        "sf_bad_year": "The year must be four digits from 2000 to 2100.",
        "sf_bad_format": "The file type must be XLSX or PDF.",
        "sf_failed": "The form could not be downloaded: {reason}",
    },
}
