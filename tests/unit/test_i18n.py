"""thidua_common.i18n: Vietnamese number and date formats, language negotiation, the catalogue."""

import string
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from thidua_common.i18n import format_date, format_datetime, format_number, format_period, negotiate, t
from thidua_common.i18n.messages import MESSAGES


@pytest.mark.parametrize(
    "value, decimals, vi, en",
    [
        (1234.5, 2, "1.234,5", "1,234.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (88, 2, "88", "88"),
        (88.0, 2, "88", "88"),
        (100, 2, "100", "100"),
        (1000, 2, "1.000", "1,000"),
        (0, 2, "0", "0"),
        (0.5, 2, "0,5", "0.5"),
        (0.05, 2, "0,05", "0.05"),
        (617.25, 2, "617,25", "617.25"),
        (-1234.5, 2, "-1.234,5", "-1,234.5"),
        (1234.6, 0, "1.235", "1,235"),
        (10, 0, "10", "10"),
        (2.123456, 4, "2,1235", "2.1235"),
        (1e9, 2, "1.000.000.000", "1,000,000,000"),
    ],
)
def test_format_number(value, decimals, vi, en):
    assert format_number(value, decimals) == vi
    assert format_number(value, decimals, lang="vi") == vi
    assert format_number(value, decimals, lang="en") == en


def test_format_number_never_shows_negative_zero():
    assert format_number(-0.001) == "0"
    assert format_number(-0.0) == "0"


def test_format_date():
    assert format_date(date(2018, 7, 1)) == "01/07/2018"
    assert format_date(date(2018, 12, 31), "vi") == "31/12/2018"
    assert format_date(date(2018, 7, 1), "en") == "2018-07-01"


def test_format_datetime_is_in_vietnam_time():
    # 17:30 UTC on 1 July is 00:30 on 2 July in Hà Nội (UTC+7)
    moment = datetime(2018, 7, 1, 17, 30, tzinfo=UTC)
    assert format_datetime(moment) == "00:30 02/07/2018"
    assert format_datetime(moment, "en") == "2018-07-02 00:30"
    assert format_datetime(datetime(2018, 7, 2, 0, 30, tzinfo=timezone(timedelta(hours=7)))) == "00:30 02/07/2018"


@pytest.mark.parametrize(
    "period, vi, en",
    [
        ("2018", "năm 2018", "2018"),
        ("2018-Q1", "quý I/2018", "Q1 2018"),
        ("2018-Q2", "quý II/2018", "Q2 2018"),
        ("2018-Q3", "quý III/2018", "Q3 2018"),
        ("2018-Q4", "quý IV/2018", "Q4 2018"),
        ("2018-05", "tháng 05/2018", "05/2018"),
        ("2018-12", "tháng 12/2018", "12/2018"),
    ],
)
def test_format_period(period, vi, en):
    assert format_period(period) == vi
    assert format_period(period, "en") == en


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, "vi"),
        ("", "vi"),
        ("vi", "vi"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en", "en"),
        ("EN-gb", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("fr-FR, de", "vi"),
        ("*", "vi"),
        ("  en-AU ; q=1", "en"),
    ],
)
def test_negotiate(header, expected):
    assert negotiate(header) == expected


def test_negotiate_falls_back_to_the_configured_default():
    assert negotiate(None, "en") == "en"
    assert negotiate("fr", "en") == "en"
    assert negotiate("vi", "en") == "vi"


@pytest.mark.parametrize("header", ["en;q=0.1, vi;q=0.9", "en;q=0, vi", "en;q=0"])
def test_negotiate_honours_quality_values(header):
    assert negotiate(header) == "vi"


def test_t_renders_and_falls_back_to_vietnamese():
    assert t("field.missing") == "Thiếu trường bắt buộc."
    assert t("field.missing", "en") == "Field required."
    assert t("field.missing", "fr") == "Thiếu trường bắt buộc."
    assert t("campaign.unknown", "en", id="pt-1") == "No campaign 'pt-1'."
    with pytest.raises(KeyError):
        t("no.such.key")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_catalogue_has_both_languages_with_the_same_placeholders(key):
    entry = MESSAGES[key]
    assert set(entry) == {"vi", "en"}
    assert entry["vi"].strip() and entry["en"].strip()
    assert _fields(entry["vi"]) == _fields(entry["en"])


def test_no_message_key_is_written_twice_in_the_catalogue():
    # a dict literal keeps the last of two equal keys silently: two features each adding
    # "health.degraded" once left one of them rendering the other's text (and failing on it)
    import ast
    from pathlib import Path

    import thidua_common.i18n.messages as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    catalogue = next(
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict)
        and any(getattr(t, "id", None) == "MESSAGES" for t in getattr(node, "targets", [getattr(node, "target", None)]))
    )
    keys = [k.value for k in catalogue.keys if isinstance(k, ast.Constant)]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    assert repeated == []
    assert len(keys) == len(MESSAGES)
