"""Submissions (báo cáo kết quả): a unit's results for one period, validated and accepted."""
