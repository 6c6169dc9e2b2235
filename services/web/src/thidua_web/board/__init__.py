"""Dashboards for the board: timeliness of reports and reviews, the nomination pipeline, award statistics (issue 11)."""
