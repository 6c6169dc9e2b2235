"""Issue 13, Excel both ways (export): the shared XLSX writer (thidua_common.spreadsheets), the
reporting `xlsx` format plugin and the table flatteners of reporting's table routes."""

import io
from datetime import date, datetime

import openpyxl

from thidua_common.spreadsheets import XlsxColumn, read_table, write_xlsx
from thidua_reporting.awards.service import COLUMNS
from thidua_reporting.formats import load_formats
from thidua_reporting.tables import LEADERBOARD, file_response


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_numbers_stay_numbers_with_a_locale_independent_format_and_dates_are_dates():
    cols = [XlsxColumn("Đơn vị"), XlsxColumn("Điểm", "number"), XlsxColumn("Hạng", "integer"),
            XlsxColumn("Ngày", "date"), XlsxColumn("Lúc", "datetime")]
    ws = _sheet(write_xlsx(cols, [["Huyện Cư Jút", 1234.5, 3, date(2026, 1, 5), "2026-01-05T08:30:00+00:00"]]))
    assert [c.value for c in ws[1]] == ["Đơn vị", "Điểm", "Hạng", "Ngày", "Lúc"]
    name, score, rank, day, moment = ws[2]
    assert name.value == "Huyện Cư Jút"
    # stored as a number; `#,##0.0#` is shown 1.234,5 by a Vietnamese-locale Excel
    assert score.value == 1234.5 and score.data_type == "n" and score.number_format == "#,##0.0#"
    assert rank.value == 3 and rank.number_format == "#,##0"
    assert day.value == datetime(2026, 1, 5) and day.number_format == "dd/mm/yyyy" and day.is_date
    assert moment.value == datetime(2026, 1, 5, 8, 30) and moment.number_format == "dd/mm/yyyy hh:mm"
    assert ws.freeze_panes == "A2"


def test_text_that_could_start_a_formula_stays_text_and_negative_numbers_stay_numbers():
    cols = [XlsxColumn("Người ký"), XlsxColumn("Điểm", "number")]
    evil = ["=HYPERLINK(\"http://x\")", "+1+2", "-3+4", "@SUM(A1)", " =1+1"]
    ws = _sheet(write_xlsx(cols, [[e, -12.5] for e in evil]))
    for row, text in zip(ws.iter_rows(min_row=2), evil, strict=True):
        assert row[0].value == text and row[0].data_type == "s", text  # never a formula ("f")
        assert row[0].quotePrefix  # editing it in Excel keeps it text
        assert row[1].value == -12.5 and row[1].data_type == "n"


def test_control_characters_in_stored_text_are_left_out_instead_of_failing_the_workbook():
    ws = _sheet(write_xlsx([XlsxColumn("Tên")], [["Sở\x1d Nội\x14 vụ\x00"]]))
    assert ws["A2"].value == "Sở Nội vụ"


def test_the_xlsx_format_is_a_plugin_and_renders_award_history_with_vietnamese_headers():
    plugin = load_formats()["xlsx"]
    assert plugin.file_extension == "xlsx" and plugin.media_type.endswith("spreadsheetml.sheet")
    rows = [{"decision_date": date(2018, 12, 5), "decision_number": "=2457/QĐ-UBND", "year": 2018}]
    ws = _sheet(plugin.render(rows, COLUMNS, "vi"))
    assert ws["A1"].value == "Ngày quyết định" and ws["B1"].value == "Số quyết định"
    assert ws["A2"].value == datetime(2018, 12, 5) and ws["A2"].number_format == "dd/mm/yyyy"
    assert ws["B2"].value == "=2457/QĐ-UBND" and ws["B2"].data_type == "s"
    english = _sheet(plugin.render(rows, COLUMNS, "en"))
    assert english["A1"].value == "Decision date"


class _State:
    pass


class _App:
    state = _State()


class _Request:
    app = _App()


def test_file_response_names_the_file_and_refuses_an_unknown_format():
    response = file_response(_Request(), "xlsx", [{"rank": 1, "unit_name": "Huyện Cư Jút", "score": 9.5}],
                             LEADERBOARD, "vi", "xep-hang-c1")  # type: ignore[arg-type]
    assert response.headers["content-disposition"] == 'attachment; filename="xep-hang-c1.xlsx"'
    ws = _sheet(response.body)
    assert ws["A1"].value == "Hạng" and ws["A2"].value == 1 and ws["F2"].value == 9.5
    try:
        file_response(_Request(), "pdfx", [], LEADERBOARD, "vi", "x")  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - the domain error's key is what matters
        assert getattr(exc, "key", None) == "report.format_unknown"
    else:
        raise AssertionError("an unknown format was accepted")


def test_the_reader_reads_back_what_the_writer_wrote_and_csv_with_semicolons():
    data = write_xlsx([XlsxColumn("Mã"), XlsxColumn("Điểm", "number")], [["a", 1.5], ["b", 2]])
    headers, rows = read_table(data, "x.xlsx")
    assert headers == ["Mã", "Điểm"] and rows == [(2, ["a", 1.5]), (3, ["b", 2])]
    headers, rows = read_table("\ufeffMã;Tên\n\nu1;Huyện Cư Jút\n".encode(), "x.csv")
    assert headers == ["Mã", "Tên"] and rows == [(3, ["u1", "Huyện Cư Jút"])]


def test_the_reader_refuses_garbage_with_a_catalogue_key_never_a_crash():
    from thidua_common.spreadsheets import SheetUnreadable

    for data, name in ((b"PK\x03\x04garbage", "x.xlsx"), (b"a,b\n\"" + b"x" * 200_000, "x.csv"), (b"", "x.csv")):
        try:
            read_table(data, name)
        except SheetUnreadable as exc:
            assert exc.key in ("import.file_unreadable", "import.file_empty")
        else:
            raise AssertionError(name)
