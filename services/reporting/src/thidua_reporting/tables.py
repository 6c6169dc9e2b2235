"""Issue 13 (Excel both ways): the console's tables as files. Every table route that answers JSON
for a page (leaderboard, scorecard, progress, timeliness) also answers `?format=xlsx|csv|json`
through the report-format plugins (..formats): the same rows the page shows, flattened to one line
per table row, with the headers in the reader's language. Pure, apart from `file_response`."""

from typing import Any

from fastapi import Request, Response

from thidua_common.errors import Invalid

from .formats import Column, load_formats

LEADERBOARD = [
    Column("rank", "Hạng", "Rank", "integer"),
    Column("cluster_rank", "Hạng trong cụm", "Rank in cluster", "integer"),
    Column("unit_id", "Mã đơn vị", "Unit code"),
    Column("unit_name", "Đơn vị", "Unit"),
    Column("cluster_name", "Cụm, khối thi đua", "Cluster"),
    Column("score", "Điểm xếp hạng", "Ranked score", "number"),
    Column("total", "Tổng điểm", "Total", "number"),
    Column("max_total", "Điểm tối đa", "Maximum", "number"),
    Column("periods_reported", "Số kỳ đã báo cáo", "Periods reported", "integer"),
    Column("periods_due", "Số kỳ phải báo cáo", "Periods due", "integer"),
]

SCORECARD = [
    Column("period_label", "Kỳ báo cáo", "Period"),
    Column("criterion_id", "Mã tiêu chí", "Criterion code"),
    Column("criterion_name", "Tiêu chí", "Criterion"),
    Column("value", "Kết quả", "Result", "number"),
    Column("target", "Chỉ tiêu", "Target", "number"),
    Column("points", "Điểm", "Points", "number"),
    Column("max_points", "Điểm tối đa", "Maximum", "number"),
    Column("explanation", "Giải thích", "Explanation"),
]

PROGRESS = [
    Column("criterion_name", "Tiêu chí", "Criterion"),
    Column("unit_of_measure", "Đơn vị tính", "Unit of measure"),
    Column("period_label", "Kỳ báo cáo", "Period"),
    Column("target", "Kế hoạch", "Plan", "number"),
    Column("value", "Thực hiện", "Achieved", "number"),
    Column("achieved_pct", "Tỷ lệ đạt (%)", "Achieved (%)", "percent"),
    Column("points", "Điểm", "Points", "number"),
    Column("max_points", "Điểm tối đa", "Maximum", "number"),
]

TIMELINESS = [
    Column("stage", "Bước", "Stage"),
    Column("count", "Số hồ sơ đã qua", "Nominations through it", "integer"),
    Column("in_stage_now", "Đang ở bước này", "In it now", "integer"),
    Column("average_working_days", "Số ngày làm việc trung bình", "Average working days", "number"),
    Column("max_working_days", "Số ngày làm việc dài nhất", "Longest working days", "number"),
    Column("overdue", "Số hồ sơ quá hạn", "Overdue", "integer"),
]


def leaderboard_rows(board: Any) -> list[dict]:
    return [s.model_dump() for s in board.standings]


def scorecard_rows(card: Any) -> list[dict]:
    return [
        {"period_label": p.period_label, **line.model_dump()}
        for p in card.periods
        for line in p.criteria
        if not p.withdrawn
    ]


def progress_rows(progress: Any) -> list[dict]:
    return [
        {"criterion_name": c.criterion_name, "unit_of_measure": c.unit_of_measure, **point.model_dump()}
        for c in progress.criteria
        for point in c.series
    ]


def file_response(
    request: Request, format: str, rows: list[dict], columns: list[Column], lang: str, filename: str
) -> Response:
    """The rows as a file in `format` (a report-format plugin), or a 422 naming the formats."""
    if not hasattr(request.app.state, "report_formats"):
        request.app.state.report_formats = load_formats()
    formats = request.app.state.report_formats
    plugin = formats.get(format)
    if plugin is None:
        raise Invalid("report.format_unknown", format=format, available=", ".join(sorted(formats)))
    body = plugin.render(rows, columns, lang)
    return Response(
        body,
        media_type=plugin.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{plugin.file_extension}"'},
    )
