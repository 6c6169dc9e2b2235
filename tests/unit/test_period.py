"""The period pattern and the year bounds are one rule: every year YEAR_MIN..YEAR_MAX, no other."""

import re

import pytest
from pydantic import BaseModel, ValidationError

from thidua_common.contracts.campaign import ClusterLeadership
from thidua_common.contracts.period import PERIOD, YEAR_MAX, YEAR_MIN
from thidua_common.contracts.strict import JsonBool, JsonDate
from thidua_common.http.errors import from_pydantic


def test_the_pattern_accepts_exactly_the_years_between_the_bounds():
    accepted = [year for year in range(10000) if re.match(PERIOD, f"{year:04d}")]
    assert accepted == list(range(YEAR_MIN, YEAR_MAX + 1))


@pytest.mark.parametrize("period", ["2000", "2100", "2018-Q4", "2018-12", "2100-Q4", "2100-12", "2016-01"])
def test_periods_in_range_match(period):
    assert re.match(PERIOD, period)


@pytest.mark.parametrize("period", ["0000", "9999-Q4", "9999-12", "1999-12", "2101", "2018-Q5", "2018-13", "2018-00",
                                    "18-Q1"])
def test_periods_out_of_range_or_malformed_do_not(period):
    assert not re.match(PERIOD, period)


def test_cluster_leadership_years_use_the_same_bounds():
    ClusterLeadership(year=YEAR_MIN, head_unit_id="a")
    ClusterLeadership(year=YEAR_MAX, head_unit_id="a")
    with pytest.raises(ValidationError):
        ClusterLeadership(year=YEAR_MAX + 1, head_unit_id="a")


class Body(BaseModel):
    day: JsonDate | None = None
    on: JsonBool = True


@pytest.mark.parametrize("value", [0, 1, 20250701, 1.5, True, [], {}])
def test_a_date_is_text_never_a_timestamp(value):
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"day": value})
    assert from_pydantic(caught.value.errors()[0]).key == "field.date"


def test_a_date_as_text_still_parses():
    assert str(Body.model_validate({"day": "2025-07-01"}).day) == "2025-07-01"
    assert Body.model_validate({"day": None}).day is None
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"day": "2025-13-01"})
    assert from_pydantic(caught.value.errors()[0]).key == "field.date"


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_boolean_is_true_or_false_only(value):
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"on": value})
    assert from_pydantic(caught.value.errors()[0]).key == "field.bool"
    assert Body.model_validate({"on": False}).on is False


def test_the_schema_still_says_string_date_and_boolean():
    props = Body.model_json_schema()["properties"]
    assert {"type": "string", "format": "date"} in props["day"]["anyOf"]
    assert props["on"]["type"] == "boolean"


def test_a_period_out_of_range_is_named_with_its_own_message():

    from pydantic import Field  # noqa: PLC0415

    class Q(BaseModel):
        period: str = Field(pattern=PERIOD)

    with pytest.raises(ValidationError) as caught:
        Q.model_validate({"period": "9999-Q4"})
    error = from_pydantic(caught.value.errors()[0])
    assert (error.field, error.key) == ("period", "period.format")
    assert error.render("vi")["reason"] == "Kỳ báo cáo phải có dạng YYYY, YYYY-Qn hoặc YYYY-MM, với năm từ 2000 đến 2100."
