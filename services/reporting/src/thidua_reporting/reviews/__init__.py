"""Issue 13: review reports on schedule (báo cáo sơ kết / tổng kết)."""
