"""The whole-campaign ranking compares units over the periods every unit was due to report, with
missing reports counted as the campaign says (thidua_reporting.leaderboard.basis)."""

from datetime import date

import pytest

from thidua_common.contracts.period import period_bounds, period_of, periods_between
from thidua_reporting.leaderboard.basis import due_periods, unit_basis
from thidua_reporting.leaderboard.ranking import Standing, rank

START, END = date(2018, 1, 1), date(2018, 12, 31)
LATER = date(2026, 1, 1)


def test_periods_between_follow_the_frequency_and_overlap():
    assert periods_between(START, END, "quarter") == ["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"]
    assert periods_between(date(2018, 2, 15), date(2018, 4, 1), "month") == ["2018-02", "2018-03", "2018-04"]
    assert periods_between(date(2016, 6, 1), date(2018, 1, 1), "year") == ["2016", "2017", "2018"]
    assert period_of(date(2018, 11, 30), "quarter") == "2018-Q4"
    assert period_bounds("2018-Q4") == (date(2018, 10, 1), date(2018, 12, 31), "quarter")
    assert period_bounds("2100-12") == (date(2100, 12, 1), date(2100, 12, 31), "month")


def test_due_periods_run_to_the_latest_reported_period_that_has_ended():
    assert due_periods(START, END, "quarter", {"2018-Q3", "2018-Q1"}, LATER) == ["2018-Q1", "2018-Q2", "2018-Q3"]
    # nothing reported: nothing due yet
    assert due_periods(START, END, "quarter", set(), LATER) == []


def test_a_period_still_running_is_not_due_even_when_someone_reported_it():
    today = date(2018, 8, 15)  # in Q3
    assert due_periods(START, END, "quarter", {"2018-Q1", "2018-Q3"}, today) == ["2018-Q1"]
    # its last day is not over either
    assert due_periods(START, END, "quarter", {"2018-Q2"}, date(2018, 6, 30)) == []
    assert due_periods(START, END, "quarter", {"2018-Q2"}, date(2018, 7, 1)) == ["2018-Q1", "2018-Q2"]


def test_the_case_of_the_issue_missing_counted_as_zero():
    # A reported two periods (76,36 a period), B three (70,85 a period); three were due
    a = {"2018-Q1": 80.0, "2018-Q2": 72.72}
    b = {"2018-Q1": 70.0, "2018-Q2": 71.0, "2018-Q3": 71.54}
    due = due_periods(START, END, "quarter", {*a, *b}, LATER)
    got_a, got_b = unit_basis(a, due, "zero"), unit_basis(b, due, "zero")
    assert (got_a.total, got_b.total) == (152.72, 212.54)
    assert got_a.score == round(152.72 / 3, 4) and got_b.score == round(212.54 / 3, 4)
    assert got_b.score > got_a.score  # A did not report a due period: it counts 0


def test_the_case_of_the_issue_missing_excluded_ranks_the_better_unit_first():
    a = {"2018-Q1": 80.0, "2018-Q2": 72.72}
    b = {"2018-Q1": 70.0, "2018-Q2": 71.0, "2018-Q3": 71.54}
    due = due_periods(START, END, "quarter", {*a, *b}, LATER)
    got_a, got_b = unit_basis(a, due, "excluded"), unit_basis(b, due, "excluded")
    assert got_a.score == 76.36 and got_b.score == round(212.54 / 3, 4)
    ranked = rank([Standing("a", "A", None, got_a.total, 0, 2, score=got_a.score),
                   Standing("b", "B", None, got_b.total, 0, 3, score=got_b.score)])
    assert [(s.unit_id, s.rank) for s in ranked] == [("a", 1), ("b", 2)]


def test_an_early_report_does_not_count_before_its_period_is_due():
    # B reported the running quarter early; with its total added B would lead
    a = {"2018-Q1": 90.0, "2018-Q2": 90.0}
    b = {"2018-Q1": 80.0, "2018-Q2": 80.0, "2018-Q3": 80.0}
    today = date(2018, 8, 1)
    due = due_periods(START, END, "quarter", {*a, *b}, today)
    assert due == ["2018-Q1", "2018-Q2"]
    got_b = unit_basis(b, due, "zero")
    assert got_b.total == 160 and got_b.counted == {"2018-Q1", "2018-Q2"}
    assert unit_basis(a, due, "zero").score > got_b.score


@pytest.mark.parametrize("missing", ["zero", "excluded"])
def test_a_unit_that_reported_nothing_scores_zero(missing):
    assert unit_basis({}, ["2018-Q1"], missing).score == 0
    assert unit_basis({"2018-Q1": 5.0}, [], missing).score == 0


def test_ranking_uses_the_score_when_given_and_the_total_otherwise():
    rows = [Standing("x", "X", None, total=200, max_total=0, periods_reported=3, score=66.0),
            Standing("y", "Y", None, total=150, max_total=0, periods_reported=2, score=75.0)]
    assert [s.unit_id for s in rank(rows)] == ["y", "x"]
    rows = [Standing("x", "X", None, total=200, max_total=0, periods_reported=3),
            Standing("y", "Y", None, total=150, max_total=0, periods_reported=2)]
    assert [s.unit_id for s in rank(rows)] == ["x", "y"]
