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


def test_json_invalid_names_the_request_body_and_where():
    # FastAPI's loc of a json_invalid error is the character offset (12): never a field "12"
    error = from_pydantic(
        {"type": "json_invalid", "loc": ("body", 12), "msg": "JSON decode error", "input": {},
         "ctx": {"error": "Expecting value"}}
    )
    assert error.render("vi") == {"field": "(body)", "code": "request.bad_json",
                                  "reason": "Nội dung yêu cầu không phải JSON hợp lệ (lỗi ở ký tự thứ 13)."}
    assert error.render("en")["reason"] == "The request body is not valid JSON (error at character 13)."


def test_json_invalid_far_into_the_body_uses_the_languages_numbers():
    error = from_pydantic({"type": "json_invalid", "loc": ("body", 12344), "msg": "x", "ctx": {"error": "y"}})
    assert error.render("vi")["reason"].endswith("(lỗi ở ký tự thứ 12.345).")
    assert error.render("en")["reason"].endswith("(error at character 12,345).")


def test_whole_body_errors_are_named_body():
    # a model validator that fails (e.g. end before start) has no field of its own
    campaign = {
        "name_vi": "Phong trào", "launched_by": "UBND tỉnh", "start": "2020-01-01", "end": "2019-01-01",
        "criteria": [{"id": "a", "name_vi": "A", "max_points": 10}],
    }
    error = one(CampaignWrite, campaign)
    assert error == {"field": "(body)", "code": "campaign.end_before_start",
                     "reason": "Ngày kết thúc trước ngày bắt đầu."}
    assert one(CampaignWrite, campaign, "en")["reason"] == "The end date precedes the start date."


def test_query_and_header_prefixes_are_dropped():
    assert from_pydantic({"type": "missing", "loc": ("query", "period")}).field == "period"
    assert from_pydantic({"type": "missing", "loc": ("header", "Idempotency-Key")}).field == "Idempotency-Key"
    assert from_pydantic({"type": "missing", "loc": ("path", "campaign_id")}).field == "campaign_id"


def test_unknown_kinds_fall_back_to_other_without_the_library_message():
    error = from_pydantic({"type": "something_new", "loc": ("body", "x"), "msg": "Something new happened",
                           "input": "<secret>"})
    assert error.render("vi") == {"field": "x", "reason": "Giá trị không hợp lệ.", "code": "field.other"}
    assert error.render("en") == {"field": "x", "reason": "Invalid value.", "code": "field.other"}


# issue 8: no pydantic text or input in any answer, and every answer in one language


class Everything(BaseModel):
    text: str = "a"
    whole: int = 1
    number: float = 1.0
    flag: bool = True
    day: "date" = None  # noqa: F821 (resolved below)
    moment: "AwareDatetime" = None  # noqa: F821
    items: list[int] = []
    obj: dict[str, int] = {}
    kind: "Literal['draft', 'launched']" = "draft"  # noqa: F821
    finite: float = Field(1.0, allow_inf_nan=False)
    uid: "UUID" = None  # noqa: F821


from datetime import date  # noqa: E402
from typing import Literal  # noqa: E402
from uuid import UUID  # noqa: E402

from pydantic import AwareDatetime  # noqa: E402

Everything.model_rebuild()

VIETNAMESE_ONLY = ("expected", "Input should", "valid", "field required", "value is not")


@pytest.mark.parametrize(
    "field, value, code, vi, en",
    [
        ("text", 12, "field.type", "Sai kiểu dữ liệu: cần chuỗi ký tự.", "Wrong type: expected a string."),
        ("whole", "nhiều", "field.type", "Sai kiểu dữ liệu: cần số nguyên.", "Wrong type: expected a whole number."),
        ("whole", 1.5, "field.integer", "Phải là số nguyên.", "Must be a whole number."),
        ("number", "x", "field.type", "Sai kiểu dữ liệu: cần số.", "Wrong type: expected a number."),
        ("flag", "perhaps", "field.bool", "Phải là true hoặc false.", "Must be true or false."),
        ("day", "2018-13-45", "field.date", "Phải là một ngày dạng YYYY-MM-DD.", "Must be a date written YYYY-MM-DD."),
        ("moment", "2018-01-01T00:00:00", "field.timezone", "Thời điểm phải ghi rõ múi giờ.",
         "The date-time needs its time zone."),
        ("items", "abc", "field.type", "Sai kiểu dữ liệu: cần danh sách.", "Wrong type: expected a list."),
        ("obj", [1], "field.type", "Sai kiểu dữ liệu: cần đối tượng JSON.", "Wrong type: expected a JSON object."),
        ("kind", "closed", "field.choice", "Giá trị không nằm trong danh sách cho phép: draft, launched.",
         "Not one of the allowed values: draft, launched."),
        ("finite", float("inf"), "field.finite", "Phải là một số hữu hạn (không nhận Infinity, NaN).",
         "Must be a finite number (no Infinity or NaN)."),
        ("uid", "not-a-uuid", "field.type", "Sai kiểu dữ liệu: cần mã UUID.", "Wrong type: expected a UUID."),
    ],
)
def test_pydantic_errors_read_from_the_catalogue(field, value, code, vi, en):
    assert one(Everything, {field: value}) == {"field": field, "reason": vi, "code": code}
    assert one(Everything, {field: value}, "en") == {"field": field, "reason": en, "code": code}


def test_no_error_echoes_the_input_or_pydantics_message():
    secret = "bí-mật-<script>"
    body = {**GOOD, "tenant": secret, "unit_id": {"x": secret}, "values": {"a": secret}, "period": [secret],
            "note": 5, "nope": secret}
    for lang in ("vi", "en"):
        for error in errors_of(SubmissionCreate, body, lang):
            assert secret not in str(error) and "input" not in str(error).lower()
            assert "Input should" not in error["reason"]
    for error in errors_of(SubmissionCreate, body, "vi"):
        assert not any(word in error["reason"] for word in VIETNAMESE_ONLY), error


def test_model_validator_messages_come_from_the_catalogue_in_each_language():
    body = {"name_vi": "Phong trào", "launched_by": "UBND tỉnh", "start": "2016-01-01", "end": "2020-12-31",
            "criteria": [{"id": "a", "name_vi": "A", "max_points": 10}, {"id": "a", "name_vi": "B", "max_points": 5}]}
    assert one(CampaignWrite, body)["reason"] == "Trùng mã tiêu chí 'a'."
    assert one(CampaignWrite, body, "en")["reason"] == "Criterion id 'a' repeats."
    body["criteria"].pop()
    body["participants"] = [{"unit_id": "u1", "name_vi": "U", "unit_type": "district", "cluster_id": "khong-co"}]
    assert one(CampaignWrite, body)["reason"] == "Không có cụm/khối thi đua 'khong-co'."


def test_tenant_uses_the_one_id_pattern():
    from thidua_common.ids import ID

    error = one(SubmissionCreate, {**GOOD, "tenant": "Bad Tenant!"})
    assert (error["field"], error["code"]) == ("tenant", "field.pattern")
    assert ID in error["reason"]
    SubmissionCreate.model_validate({**GOOD, "tenant": "Dak.Nong_2"})


def test_api_error_carries_status_key_params_and_field_errors():
    error = ApiError(422, "request.invalid", [FieldError("unit_id", "unit.unknown", {"id": "x"})])
    assert (error.status, error.key, error.params) == (422, "request.invalid", {})
    assert [e.render("en") for e in error.errors] == [
        {"field": "unit_id", "reason": "Unit 'x' does not take part in this campaign.", "code": "unit.unknown"}
    ]
    assert ApiError(403, "auth.tenant", own="a", other="b").params == {"own": "a", "other": "b"}
