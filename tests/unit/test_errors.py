"""thidua_common.http.errors: pydantic errors become {field, reason, code} in the caller's language."""

import pytest
from pydantic import BaseModel, Field, ValidationError

from thidua_common.http import ApiError, FieldError
from thidua_common.http.errors import from_pydantic
from thidua_intake.campaigns.models import CampaignWrite
from thidua_intake.submissions.models import SubmissionCreate

GOOD = {
    "tenant": "daknong",
    "campaign_id": "pt-1",
    "unit_id": "huyen-cu-jut",
    "period": "2018-Q2",
    "values": {"ho-thoat-ngheo": 80},
    "evidence": [{"url": "https://vanban.daknong.test/a.pdf"}],
}


def errors_of(model, body, lang="vi", prefix=("body",)):
    with pytest.raises(ValidationError) as info:
        model.model_validate(body)
    out = []
    for e in info.value.errors():
        # as FastAPI reports them: the location starts with "body"
        out.append(from_pydantic({**e, "loc": (*prefix, *e["loc"])}).render(lang))
    return out


def one(model, body, lang="vi"):
    errors = errors_of(model, body, lang)
    assert len(errors) == 1, errors
    return errors[0]


def test_the_good_body_is_valid():
    SubmissionCreate.model_validate(GOOD)


def test_missing_field():
    body = {k: v for k, v in GOOD.items() if k != "period"}
    assert one(SubmissionCreate, body) == {"field": "period", "reason": "Thiếu trường bắt buộc.",
                                           "code": "field.missing"}
    assert one(SubmissionCreate, body, "en")["reason"] == "Field required."


def test_extra_field():
    assert one(SubmissionCreate, {**GOOD, "diem": 100}) == {
        "field": "diem", "reason": "Trường không được phép.", "code": "field.extra"}


def test_pattern_mismatch_names_the_pattern():
    error = one(SubmissionCreate, {**GOOD, "campaign_id": "pt 1"})
    assert error["field"] == "campaign_id" and error["code"] == "field.pattern"
    assert error["reason"].startswith("Sai định dạng (mẫu ^")


def test_a_malformed_period_says_what_a_period_is():
    error = one(SubmissionCreate, {**GOOD, "period": "2018-Q5"})
    assert error["field"] == "period" and error["code"] == "period.format"
    assert error["reason"] == "Kỳ báo cáo phải có dạng YYYY, YYYY-Qn hoặc YYYY-MM, với năm từ 2000 đến 2100."


def test_wrong_type_inside_a_dict_names_the_key():
    error = one(SubmissionCreate, {**GOOD, "values": {"ho-thoat-ngheo": "nhiều"}})
    assert error["field"] == "values.ho-thoat-ngheo"
    assert error["code"] == "field.type"
    assert error["reason"].startswith("Sai kiểu dữ liệu: ")
    assert one(SubmissionCreate, {**GOOD, "values": {"ho-thoat-ngheo": "nhiều"}}, "en")["reason"].startswith(
        "Wrong type: ")


def test_wrong_type_of_a_whole_field():
    error = one(SubmissionCreate, {**GOOD, "values": [1, 2]})
    assert (error["field"], error["code"]) == ("values", "field.type")


def test_nested_list_item_path_and_url():
    error = one(SubmissionCreate, {**GOOD, "evidence": [GOOD["evidence"][0], {"url": "ftp://x/y"}]})
    assert error == {"field": "evidence.1.url", "reason": "Không phải địa chỉ URL hợp lệ.", "code": "field.url"}


def test_too_short_and_too_long():
    assert one(SubmissionCreate, {**GOOD, "values": {}}) == {
        "field": "values", "reason": "Quá ngắn hoặc rỗng.", "code": "field.too_short"}
    assert one(SubmissionCreate, {**GOOD, "note": "x" * 2001}) == {
        "field": "note", "reason": "Quá dài.", "code": "field.too_long"}


class Limits(BaseModel):
    gt: int = Field(1, gt=0)
    ge: int = Field(1, ge=1)
    lt: int = Field(0, lt=10)
    le: int = Field(0, le=1000)


@pytest.mark.parametrize(
    "field, value, detail",
    [("gt", 0, "> 0"), ("ge", 0, "≥ 1"), ("lt", 10, "< 10"), ("le", 1001, "≤ 1.000")],  # Vietnamese thousands separator
)
def test_range_errors(field, value, detail):
    assert one(Limits, {field: value}) == {
        "field": field, "reason": f"Giá trị ngoài phạm vi cho phép: {detail}.", "code": "field.range"}


def test_range_error_in_english():
    assert one(Limits, {"ge": 0}, "en")["reason"] == "Value out of range: ≥ 1."


def test_range_error_on_a_criterion_names_the_nested_field():
    body = {"name_vi": "Phong trào", "launched_by": "UBND tỉnh", "start": "2016-01-01", "end": "2020-12-31",
            "criteria": [{"id": "a", "name_vi": "A", "max_points": 10}, {"id": "b", "name_vi": "B", "max_points": 0}]}
    error = one(CampaignWrite, body)
    assert (error["field"], error["code"]) == ("criteria.1.max_points", "field.range")
    assert error["reason"].startswith("Giá trị ngoài phạm vi cho phép: > 0")


def test_range_bounds_of_float_fields_are_formatted_for_the_language():
    body = {"name_vi": "Phong trào", "launched_by": "UBND tỉnh", "start": "2016-01-01", "end": "2020-12-31",
            "criteria": [{"id": "a", "name_vi": "A", "max_points": 1000.5}]}
    assert one(CampaignWrite, body)["reason"] == "Giá trị ngoài phạm vi cho phép: ≤ 1.000."
    assert one(CampaignWrite, body, "en")["reason"] == "Value out of range: ≤ 1,000."


def test_every_error_is_reported_with_its_own_path():
    body = {"tenant": "Đắk Nông", "campaign_id": "pt-1", "unit_id": "", "values": {"a": "x"}, "nope": 1}
    fields = {(e["field"], e["code"]) for e in errors_of(SubmissionCreate, body)}
    assert fields == {
        ("tenant", "field.pattern"),
        ("unit_id", "field.pattern"),
        ("period", "field.missing"),
        ("values.a", "field.type"),
        ("nope", "field.extra"),
    }


def test_json_invalid():
    error = from_pydantic(
        {"type": "json_invalid", "loc": ("body", 12), "msg": "JSON decode error", "input": {},
         "ctx": {"error": "Expecting value"}}
    ).render("vi")
    assert error["code"] == "request.bad_json"
    assert error["reason"] == "Nội dung không phải JSON hợp lệ: Expecting value."


def test_whole_body_errors_are_named_body():
    # a model validator that fails (e.g. end before start) has no field of its own
    campaign = {
        "name_vi": "Phong trào", "launched_by": "UBND tỉnh", "start": "2020-01-01", "end": "2019-01-01",
        "criteria": [{"id": "a", "name_vi": "A", "max_points": 10}],
    }
    error = one(CampaignWrite, campaign)
    assert error["field"] == "(body)"
    assert error["code"] == "field.other"
    assert "ngày kết thúc trước ngày bắt đầu" in error["reason"]


def test_query_and_header_prefixes_are_dropped():
    assert from_pydantic({"type": "missing", "loc": ("query", "period")}).field == "period"
    assert from_pydantic({"type": "missing", "loc": ("header", "Idempotency-Key")}).field == "Idempotency-Key"
    assert from_pydantic({"type": "missing", "loc": ("path", "campaign_id")}).field == "campaign_id"


def test_unknown_kinds_fall_back_to_other_with_the_message():
    error = from_pydantic({"type": "something_new", "loc": ("body", "x"), "msg": "lạ quá"}).render("vi")
    assert error == {"field": "x", "reason": "Giá trị không hợp lệ: lạ quá.", "code": "field.other"}


def test_api_error_carries_status_key_params_and_field_errors():
    error = ApiError(422, "request.invalid", [FieldError("unit_id", "unit.unknown", {"id": "x"})])
    assert (error.status, error.key, error.params) == (422, "request.invalid", {})
    assert [e.render("en") for e in error.errors] == [
        {"field": "unit_id", "reason": "Unit 'x' does not take part in this campaign.", "code": "unit.unknown"}
    ]
    assert ApiError(403, "auth.tenant", own="a", other="b").params == {"own": "a", "other": "b"}
