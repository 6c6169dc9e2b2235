"""Bad input over HTTP gets a 4xx that names the field and the reason (in Vietnamese unless the
caller prefers English) and leaves nothing half-written: checked against the real intake service,
its database and the reporting leaderboard."""

import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import timedelta

import httpx
import pytest
from pymongo import AsyncMongoClient

from thidua_common.auth import mint_token

from .conftest import TENANT, eventually, reporter, reporting_get, small_campaign, submission, token

SUBMISSIONS = "/api/v1/submissions"
LIMIT = 256 * 1024  # THIDUA_MAX_BODY_BYTES default
API_KEY = "dev-system-key"  # configured by the stack as daknong:system


# --- helpers ---------------------------------------------------------------------------------------


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def alg_none_token(settings) -> str:
    now = int(time.time())
    claims = {"sub": "ke-gian", "tenant": TENANT, "roles": ["board_officer"], "iss": settings.jwt_issuer,
              "aud": settings.jwt_audience, "iat": now, "exp": now + 600}
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


def other_secret_token(settings) -> str:
    other = settings.model_copy(update={"jwt_secret": "not-the-secret-of-this-stack-32bytes"})
    return mint_token(other, subject="ke-gian", tenant=TENANT, roles=["board_officer"])


def expired_token(settings) -> str:
    return mint_token(settings, subject="cu", tenant=TENANT, roles=["unit_reporter"], unit_id="don-vi-1",
                      ttl=timedelta(seconds=-5))


async def intake(stack, method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        return await client.request(method, path, **kwargs)


def assert_error(response: httpx.Response, status: int, correlation_id: str | None = None) -> dict:
    """The common shape of every error: message, errors [{field, reason, code}], correlation_id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert {"message", "errors", "correlation_id"} <= set(body), body
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "reason", "code"}, error
        assert all(isinstance(v, str) and v.strip() for v in error.values()), error
    assert body["correlation_id"], body
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    if correlation_id:
        assert body["correlation_id"] == correlation_id
    return body


def error_for(body: dict, field: str) -> dict:
    matches = [e for e in body["errors"] if e["field"] == field]
    assert matches, f"no error names field {field!r}: {body['errors']}"
    return matches[0]


# --- the bad requests ------------------------------------------------------------------------------


@dataclass
class Bad:
    """One bad request to POST /api/v1/submissions and what the answer must say."""

    build: Callable  # (campaign_id, settings) -> httpx request kwargs
    status: int
    field: str | None = None
    code: str | None = None
    reason: str | None = None  # exact reason (Vietnamese unless lang="en")
    reason_starts: str | None = None
    message: tuple[str, ...] = ()  # substrings of the message
    lang: str | None = None
    headers_out: dict = dc_field(default_factory=dict)


def body_with(cid, unit="don-vi-1", drop=(), **changes) -> dict:
    body = {**submission(cid, unit), **changes}
    return {k: v for k, v in body.items() if k not in drop}


def as_reporter(settings, body, unit="don-vi-1", **headers) -> dict:
    return {"json": body, "headers": {**reporter(settings, unit), **headers}}


def raw(settings, text: str | bytes, unit="don-vi-1") -> dict:
    return {"content": text, "headers": {**reporter(settings, unit), "Content-Type": "application/json"}}


async def chunked_body(size: int):
    yield b'{"tenant": "daknong", "note": "'
    sent = 0
    while sent < size:
        yield b"x" * 16384
        sent += 16384
    yield b'"}'


BAD: dict[str, Bad] = {
    "malformed-json": Bad(
        # the body as a whole and where it breaks: never a "field" named after the character offset
        lambda cid, s: raw(s, '{"tenant": "daknong", "campaign_id": '), 422, "(body)", "request.bad_json",
        "Nội dung yêu cầu không phải JSON hợp lệ (lỗi ở ký tự thứ 38).",
    ),
    "malformed-json-en": Bad(
        lambda cid, s: raw(s, "{'tenant': 'daknong'}"), 422, "(body)", "request.bad_json",
        "The request body is not valid JSON (error at character 2).", lang="en",
    ),
    "body-not-an-object": Bad(lambda cid, s: raw(s, "[1, 2, 3]"), 422, "(body)", "field.type"),
    "missing-period": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, drop=["period"])), 422, "period", "field.missing",
        "Thiếu trường bắt buộc.",
    ),
    "missing-period-en": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, drop=["period"])), 422, "period", "field.missing",
        "Field required.", lang="en", message=("The request is invalid.",),
    ),
    "missing-values": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, drop=["values"])), 422, "values", "field.missing",
        "Thiếu trường bắt buộc.",
    ),
    "missing-tenant": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, drop=["tenant"])), 422, "tenant", "field.missing",
    ),
    "mistyped-value": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={"ho-thoat-ngheo": "nhiều"})), 422,
        "values.ho-thoat-ngheo", "field.type", "Sai kiểu dữ liệu: cần số.",
    ),
    "mistyped-value-en": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={"ho-thoat-ngheo": "nhiều"})), 422,
        "values.ho-thoat-ngheo", "field.type", "Wrong type: expected a number.", lang="en",
    ),
    "mistyped-values": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values=[80, 12])), 422, "values", "field.type",
    ),
    "empty-values": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={})), 422, "values", "field.too_short",
        "Quá ngắn hoặc rỗng.",
    ),
    "unknown-field": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, diem_tong=100)), 422, "diem_tong", "field.extra",
        "Trường không được phép.",
    ),
    "bad-evidence-url": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, evidence=[{"url": "javascript:alert(1)"}])), 422,
        "evidence.0.url", "field.url",
    ),
    "note-too-long": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, note="ghi chú " * 300)), 422, "note", "field.too_long",
        "Quá dài.",
    ),
    "bad-period-format": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, period="2018-Q5")), 422, "period", "period.format",
        "Kỳ báo cáo phải có dạng YYYY, YYYY-Qn hoặc YYYY-MM, với năm từ 2000 đến 2100.",
    ),
    "bad-period-month": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, period="2018-13")), 422, "period", "period.format",
    ),
    "bad-period-slash": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, period="Q2/2018")), 422, "period", "period.format",
    ),
    "period-wrong-frequency": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, period="2018-05")), 422, "period", "period.frequency",
        "Kỳ báo cáo '2018-05' không đúng tần suất báo cáo của phong trào (quý).",
    ),
    "period-outside-campaign": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, period="2021-Q1")), 422, "period", "period.outside",
        "Kỳ báo cáo 2021-Q1 nằm ngoài thời gian của phong trào (01/01/2016 – 31/12/2020).",
    ),
    "unknown-campaign": Bad(
        lambda cid, s: as_reporter(s, body_with(f"khong-ton-tai-{cid}")), 422, "campaign_id", "campaign.unknown",
        reason_starts="Không có phong trào thi đua 'khong-ton-tai-",
    ),
    "unknown-campaign-en": Bad(
        lambda cid, s: as_reporter(s, body_with(f"khong-ton-tai-{cid}")), 422, "campaign_id", "campaign.unknown",
        reason_starts="No campaign 'khong-ton-tai-", lang="en",
    ),
    "malformed-campaign-id": Bad(
        lambda cid, s: as_reporter(s, body_with("pt 1/../x")), 422, "campaign_id", "field.pattern",
    ),
    "unknown-unit": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, unit="xa-khong-co"), unit="xa-khong-co"), 422, "unit_id",
        "unit.unknown", "Đơn vị 'xa-khong-co' không tham gia phong trào này.",
    ),
    "unknown-criterion": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={"ho-thoat-ngheo": 5, "so-cay-xanh": 3})), 422,
        "values.so-cay-xanh", "criterion.unknown",
        "Tiêu chí 'so-cay-xanh' không có trong bảng tiêu chí của phong trào.",
    ),
    "negative-value": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={"ho-thoat-ngheo": -1})), 422,
        "values.ho-thoat-ngheo", "value.range", "Giá trị -1 nằm ngoài khoảng cho phép [0; 10.000].",
    ),
    "value-above-max": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={"nha-dai-doan-ket": 500.5})), 422,
        "values.nha-dai-doan-ket", "value.range", "Giá trị 500,5 nằm ngoài khoảng cho phép [0; 500].",
    ),
    "value-above-max-en": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, values={"nha-dai-doan-ket": 501})), 422,
        "values.nha-dai-doan-ket", "value.range", "Value 501 is outside the allowed range [0, 500].", lang="en",
    ),
    "idempotency-key-too-long": Bad(
        lambda cid, s: as_reporter(s, body_with(cid), **{"Idempotency-Key": "k" * 201}), 422, "Idempotency-Key",
        "field.too_long",
    ),
    "wrong-tenant": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, tenant="other")), 403, "tenant", "auth.tenant",
        message=("daknong", "other"),
    ),
    "other-units-report": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, unit="don-vi-2"), unit="don-vi-1"), 403, "unit_id",
        "auth.unit", "Bạn chỉ được báo cáo cho đơn vị 'don-vi-1', không phải 'don-vi-2'.",
        message=("don-vi-1", "don-vi-2"),
    ),
    "other-units-report-en": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, unit="don-vi-2"), unit="don-vi-1"), 403, "unit_id",
        "auth.unit", "You may only report for unit 'don-vi-1', not 'don-vi-2'.", lang="en",
        message=("You may only report for unit 'don-vi-1', not 'don-vi-2'.",),
    ),
    "no-credentials": Bad(
        lambda cid, s: {"json": body_with(cid)}, 401,
        message=("Thiếu thông tin xác thực: cần mã thông báo Bearer hoặc khóa API.",),
        headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "no-credentials-en": Bad(
        lambda cid, s: {"json": body_with(cid)}, 401, lang="en",
        message=("Missing credentials: a Bearer token or an API key is required.",),
        headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "basic-auth-is-not-a-credential": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": {"Authorization": "Basic ZG9uLXZpLTE6MTIz"}}, 401,
        headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "expired-token": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(expired_token(s))}, 401,
        message=("Mã thông báo đã hết hạn.",), headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "expired-token-en": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(expired_token(s))}, 401, lang="en",
        message=("The token has expired.",),
    ),
    "token-signed-with-another-secret": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(other_secret_token(s))}, 401,
        message=("Mã thông báo không hợp lệ: chữ ký không đúng.",), headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "token-alg-none": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(alg_none_token(s))}, 401,
        message=("Mã thông báo không hợp lệ",), headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "token-garbage": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer("khong.phai.jwt")}, 401,
        message=("Mã thông báo không hợp lệ",),
    ),
    "role-may-not-submit": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(token(s, ["auditor"], "don-vi-1"))}, 403,
        message=("auditor", "không được phép"),
    ),
    "council-may-not-submit": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(token(s, ["council_member", "chairperson"]))},
        403, message=("chairperson", "council_member"),
    ),
    "reporter-token-without-unit": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": bearer(token(s, ["unit_reporter"]))}, 403, "unit_id",
        "auth.unit",
    ),
    "bad-api-key": Bad(
        lambda cid, s: {"json": body_with(cid), "headers": {"X-API-Key": "dev-system-key-2"}}, 401,
        message=("Khóa API không hợp lệ.",), headers_out={"WWW-Authenticate": "Bearer"},
    ),
    "api-key-of-another-tenant": Bad(
        lambda cid, s: {"json": body_with(cid, tenant="lamdong"), "headers": {"X-API-Key": API_KEY}}, 403,
        "tenant", "auth.tenant",
    ),
}

OVERSIZED: dict[str, Bad] = {
    "oversized-body": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, note="x" * (LIMIT + 1))), 413,
        message=("Nội dung yêu cầu quá lớn", "tối đa 262.144 byte"),
    ),
    "oversized-body-en": Bad(
        lambda cid, s: as_reporter(s, body_with(cid, note="x" * (LIMIT + 1))), 413, lang="en",
        message=("Request body too large", "at most 262,144"),
    ),
    "oversized-chunked-body": Bad(
        lambda cid, s: {"content": chunked_body(LIMIT + 1), "headers": {**reporter(s, "don-vi-1"),
                                                                         "Content-Type": "application/json"}},
        413, message=("Nội dung yêu cầu quá lớn",),
    ),
}



async def send(stack, settings, campaign_id: str, bad: Bad, correlation_id: str | None = None) -> httpx.Response:
    kwargs = bad.build(campaign_id, settings)
    headers = dict(kwargs.pop("headers", {}))
    if bad.lang:
        headers["Accept-Language"] = bad.lang
    if correlation_id:
        headers["X-Correlation-ID"] = correlation_id
    return await intake(stack, "POST", SUBMISSIONS, headers=headers, **kwargs)


def check_answer(response: httpx.Response, bad: Bad, correlation_id: str | None, shape: bool = True) -> dict:
    if shape:
        body = assert_error(response, bad.status, correlation_id)
    else:
        assert response.status_code == bad.status, response.text
        body = response.json()
        assert isinstance(body["message"], str) and isinstance(body["errors"], list)
    for part in bad.message:
        assert part in body["message"], body
    for name, value in bad.headers_out.items():
        assert response.headers.get(name) == value
    if bad.field:
        error = error_for(body, bad.field)
        if bad.code:
            assert error["code"] == bad.code, error
        if bad.reason:
            assert error["reason"] == bad.reason, error
        if bad.reason_starts:
            assert error["reason"].startswith(bad.reason_starts), error
    elif bad.code:
        assert any(e["code"] == bad.code for e in body["errors"]), body
        if bad.reason_starts:
            assert any(e["reason"].startswith(bad.reason_starts) for e in body["errors"]), body
    if bad.status in (401, 403) and not bad.field:
        assert body["errors"] == []
    return body


async def intake_records(settings, campaign_id: str) -> dict[str, list]:
    """What intake stored about a campaign: its submissions and its outbox records."""
    mongo = AsyncMongoClient(settings.mongo_uri)
    try:
        db = mongo[settings.db_name("intake")]
        submissions = await db.submissions.find({"campaign_id": campaign_id}).to_list()
        outbox = await db.outbox.find({"key": {"$regex": f"^[^/]+/{campaign_id}(/|$)"}}).to_list()
        campaigns = await db.campaigns.find({"campaign_id": campaign_id}).to_list()
        return {"submissions": submissions, "outbox": outbox, "campaigns": campaigns}
    finally:
        await mongo.close()


@pytest.fixture
async def before(settings, campaign) -> dict:
    """What intake holds about the test's campaign before any bad request: its definition and the
    events that announce it, and no submission."""
    records = await intake_records(settings, campaign["id"])
    assert len(records["campaigns"]) == 1 and records["outbox"] and records["submissions"] == []
    assert {r["topic"] for r in records["outbox"]} == {"campaigns"}
    return records


def assert_unchanged(after: dict, before: dict) -> None:
    """No submission, no new queued event, the campaign definition untouched."""
    assert after["submissions"] == []
    assert [r["_id"] for r in after["outbox"]] == [r["_id"] for r in before["outbox"]]
    assert after["campaigns"] == before["campaigns"]


# --- one test per bad request ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", list(BAD)
)
async def test_bad_submission_is_refused_with_field_and_reason(stack, settings, campaign, before, name):
    bad = BAD[name]
    correlation_id = f"loi-{uuid.uuid4().hex}"
    response = await send(stack, settings, campaign["id"], bad, correlation_id)
    check_answer(response, bad, correlation_id)
    assert_unchanged(await intake_records(settings, campaign["id"]), before)




@pytest.mark.parametrize(
    "name", list(OVERSIZED)
)
async def test_oversized_body_is_refused_with_413(stack, settings, campaign, before, name):
    bad = OVERSIZED[name]
    response = await send(stack, settings, campaign["id"], bad)
    check_answer(response, bad, None, shape=False)
    assert_unchanged(await intake_records(settings, campaign["id"]), before)


@pytest.mark.parametrize("name", ["oversized-body", "oversized-chunked-body"])
async def test_oversized_body_error_has_the_common_shape(stack, settings, campaign, name):
    correlation_id = f"qua-lon-{uuid.uuid4().hex}"
    response = await send(stack, settings, campaign["id"], OVERSIZED[name], correlation_id)
    assert_error(response, 413, correlation_id)


async def test_body_just_under_the_limit_is_parsed(stack, settings, campaign):
    # a body just under the limit reaches validation (and here fails on the note's length, not its size)
    body = body_with(campaign["id"], note="")
    padding = LIMIT - len(json.dumps(body).encode()) - 64
    body["note"] = "x" * padding
    response = await intake(stack, "POST", SUBMISSIONS, json=body, headers=reporter(settings, "don-vi-1"))
    assert len(response.request.content) < LIMIT
    error_for(assert_error(response, 422), "note")


async def test_english_range_reason_uses_english_numbers(stack, settings, campaign):
    body = body_with(campaign["id"], values={"ho-thoat-ngheo": 10001})
    response = await intake(stack, "POST", SUBMISSIONS, json=body,
                            headers={**reporter(settings, "don-vi-1"), "Accept-Language": "en"})
    error = error_for(assert_error(response, 422), "values.ho-thoat-ngheo")
    assert error["reason"] == "Value 10,001 is outside the allowed range [0, 10,000]."


async def test_reporter_without_a_unit_is_told_so_without_none(stack, settings, campaign):
    response = await intake(stack, "POST", SUBMISSIONS, json=body_with(campaign["id"]),
                            headers=bearer(token(settings, ["unit_reporter"])))
    error = error_for(assert_error(response, 403), "unit_id")
    assert "None" not in error["reason"], error


async def test_every_bad_field_is_named_in_one_answer(stack, settings, campaign, before):
    body = body_with(campaign["id"], unit="xa-khong-co", period="2025-Q1",
                     values={"ho-thoat-ngheo": -3, "nha-dai-doan-ket": 501, "so-cay-xanh": 1})
    response = await intake(stack, "POST", SUBMISSIONS, json=body, headers={"X-API-Key": API_KEY})
    answer = assert_error(response, 422)
    assert answer["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert sorted((e["field"], e["code"]) for e in answer["errors"]) == [
        ("period", "period.outside"),
        ("unit_id", "unit.unknown"),
        ("values.ho-thoat-ngheo", "value.range"),
        ("values.nha-dai-doan-ket", "value.range"),
        ("values.so-cay-xanh", "criterion.unknown"),
    ]
    assert_unchanged(await intake_records(settings, campaign["id"]), before)


async def test_good_api_key_may_submit(stack, settings, campaign):
    body = body_with(campaign["id"], unit="don-vi-3")
    response = await intake(stack, "POST", SUBMISSIONS, json=body,
                            headers={"X-API-Key": API_KEY, "Accept-Language": "en"})
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "accepted" and accepted["submission_id"] and accepted["event_id"]
    assert accepted["message"] == "Submission accepted; it will be scored shortly."
    records = await intake_records(settings, campaign["id"])
    [stored] = records["submissions"]
    assert stored["_id"] == accepted["submission_id"] and stored["unit_id"] == "don-vi-3"
    # the actor is the key's configured name, never a part of the key
    assert stored["tenant"] == TENANT and stored["submitted_by"] == "dev-system"
    assert API_KEY not in stored["submitted_by"]


# --- all of them, then look for traces --------------------------------------------------------------


async def test_bad_requests_leave_nothing_half_written(stack, settings, board, campaign, before):
    cid = campaign["id"]
    for name, bad in {**BAD, **OVERSIZED}.items():
        response = await send(stack, settings, cid, bad)
        # the exact status of each is checked above; here: refused, whatever the reason
        assert 400 <= response.status_code < 500, (name, response.text)

    assert_unchanged(await intake_records(settings, cid), before)
    assert (await intake_records(settings, f"khong-ton-tai-{cid}"))["submissions"] == []

    # a good submission afterwards flows through: the leaderboard then shows it and only it
    sentinel = await intake(stack, "POST", SUBMISSIONS, json=body_with(cid, unit="don-vi-4"),
                            headers={"X-API-Key": API_KEY})
    assert sentinel.status_code == 202, sentinel.text

    async def sentinel_scored():
        board_json = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard", board)
        return board_json if any(s["reported"] for s in board_json["standings"]) else None

    standings = {s["unit_id"]: s for s in (await eventually(sentinel_scored))["standings"]}
    assert standings["don-vi-4"]["reported"] and standings["don-vi-4"]["total"] == 88
    for unit in ("don-vi-1", "don-vi-2", "don-vi-3"):
        assert not standings[unit]["reported"], standings[unit]
        assert standings[unit]["total"] == 0 and standings[unit]["periods_reported"] == 0

    records = await intake_records(settings, cid)
    assert [s["unit_id"] for s in records["submissions"]] == ["don-vi-4"]
    new_events = [r for r in records["outbox"] if r["_id"] not in {b["_id"] for b in before["outbox"]}]
    assert [r["topic"] for r in new_events] == ["submissions"]
    event = json.loads(new_events[0]["value"])
    assert (event["tenant"], event["data"]["campaign_id"], event["data"]["unit_id"]) == (TENANT, cid, "don-vi-4")
    assert event["data"]["submission_id"] == sentinel.json()["submission_id"]


# --- campaign definitions ----------------------------------------------------------------------------


def campaign_body(campaign_id: str, **changes) -> dict:
    return {**small_campaign(campaign_id), **changes}


INVALID_CAMPAIGNS = {
    "end-before-start": (
        lambda cid: campaign_body(cid, start="2020-12-31", end="2016-01-01"), "Ngày kết thúc trước ngày bắt đầu."
    ),
    "duplicate-criterion": (
        lambda cid: campaign_body(cid, criteria=[small_campaign(cid)["criteria"][0]] * 2),
        "Trùng mã tiêu chí 'ho-thoat-ngheo'."
    ),
    "unknown-cluster": (
        lambda cid: campaign_body(cid, participants=[
            {**small_campaign(cid)["participants"][0], "cluster_id": "khoi-doanh-nghiep"}
        ]),
        "khoi-doanh-nghiep",
    ),
    "duplicate-participant": (
        lambda cid: campaign_body(cid, participants=[small_campaign(cid)["participants"][0]] * 2),
        "Đơn vị 'don-vi-1' được khai báo tham gia nhiều lần.",
    ),
}


async def get_campaign(stack, board, campaign_id) -> httpx.Response:
    return await intake(stack, "GET", f"/api/v1/campaigns/{campaign_id}", headers=board)


@pytest.mark.parametrize("name", list(INVALID_CAMPAIGNS))
async def test_invalid_campaign_is_refused_and_nothing_changes(stack, settings, board, campaign, before, name):
    build, says = INVALID_CAMPAIGNS[name]
    cid = campaign["id"]
    response = await intake(stack, "PUT", f"/api/v1/campaigns/{cid}", json=build(cid), headers=board)
    answer = assert_error(response, 422)
    assert any(says in e["reason"] for e in answer["errors"]), answer
    current = (await get_campaign(stack, board, cid)).json()
    assert current["revision"] == before["campaigns"][0]["revision"] and current["start"] == "2016-01-01"
    assert len(current["criteria"]) == 2 and len(current["participants"]) == 4
    assert_unchanged(await intake_records(settings, cid), before)

    # and a new campaign with that body is not created at all
    new_id = f"pt-moi-{uuid.uuid4().hex[:8]}"
    response = await intake(stack, "PUT", f"/api/v1/campaigns/{new_id}", json=build(new_id), headers=board)
    assert_error(response, 422)
    assert_error(await get_campaign(stack, board, new_id), 404)
    assert await intake_records(settings, new_id) == {"submissions": [], "outbox": [], "campaigns": []}


async def test_campaign_missing_fields_are_named(stack, board):
    new_id = f"pt-moi-{uuid.uuid4().hex[:8]}"
    body = campaign_body(new_id)
    del body["start"]
    body["criteria"] = [{**body["criteria"][0], "max_points": 0}]
    response = await intake(stack, "PUT", f"/api/v1/campaigns/{new_id}", json=body, headers=board)
    answer = assert_error(response, 422)
    assert error_for(answer, "start")["code"] == "field.missing"
    assert error_for(answer, "criteria.0.max_points")["code"] == "field.range"
    assert_error(await get_campaign(stack, board, new_id), 404)


@pytest.mark.parametrize("roles", [["unit_reporter"], ["unit_leader"], ["auditor"], ["system"]])
async def test_only_board_officers_may_put_a_campaign(stack, settings, board, campaign, before, roles):
    cid = campaign["id"]
    headers = {**bearer(token(settings, roles, "don-vi-1")), "Accept-Language": "vi"}
    changed = campaign_body(cid, name_vi="Đổi tên trái phép")
    answer = assert_error(await intake(stack, "PUT", f"/api/v1/campaigns/{cid}", json=changed, headers=headers), 403)
    assert roles[0] in answer["message"] and "không được phép" in answer["message"]
    new_id = f"pt-moi-{uuid.uuid4().hex[:8]}"
    assert_error(await intake(stack, "PUT", f"/api/v1/campaigns/{new_id}", json=campaign_body(new_id),
                              headers=headers), 403)
    current = (await get_campaign(stack, board, cid)).json()
    assert current["revision"] == before["campaigns"][0]["revision"] and current["name_vi"] == campaign["name_vi"]
    assert_error(await get_campaign(stack, board, new_id), 404)
    assert await intake_records(settings, new_id) == {"submissions": [], "outbox": [], "campaigns": []}
    assert_unchanged(await intake_records(settings, cid), before)


async def test_put_campaign_without_credentials(stack, settings, board, campaign, before):
    cid = campaign["id"]
    response = await intake(stack, "PUT", f"/api/v1/campaigns/{cid}", json=campaign_body(cid, name_vi="Không ai"))
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_unchanged(await intake_records(settings, cid), before)


# --- issue 8: input that crashed the service (a 500 each before) -------------------------------------

OUT_OF_RANGE_PERIODS = ["0000", "9999-Q4", "9999-12", "1999-Q1", "2101"]


async def test_audit_from_seq_beyond_64_bits_is_refused(stack, board):
    # MongoDB cannot hold 2^64: the driver raised and the service answered 500
    response = await intake(stack, "GET", "/api/v1/audit", params={"from_seq": str(2**64)},
                            headers={**board, "Accept-Language": "en"})
    assert error_for(assert_error(response, 422), "from_seq")["code"] == "field.range"
    largest = await intake(stack, "GET", "/api/v1/audit", params={"from_seq": str(2**63 - 1)}, headers=board)
    assert largest.status_code == 200 and largest.json() == [], largest.text


@pytest.mark.parametrize("period", OUT_OF_RANGE_PERIODS)
async def test_submission_period_with_a_year_out_of_range_is_refused(stack, settings, campaign, before, period):
    body = submission(campaign["id"], "don-vi-1", period)
    response = await intake(stack, "POST", SUBMISSIONS, json=body, headers=reporter(settings, "don-vi-1"))
    error = error_for(assert_error(response, 422), "period")
    assert error["code"] == "period.format"
    assert error["reason"] == "Kỳ báo cáo phải có dạng YYYY, YYYY-Qn hoặc YYYY-MM, với năm từ 2000 đến 2100."
    assert_unchanged(await intake_records(settings, campaign["id"]), before)


@pytest.mark.parametrize("period", OUT_OF_RANGE_PERIODS)
async def test_rating_period_with_a_year_out_of_range_is_refused(stack, board, campaign, period):
    body = {"unit_id": "don-vi-1", "period": period, "ratings": {"ho-thoat-ngheo": 1}}
    response = await intake(stack, "POST", f"/api/v1/campaigns/{campaign['id']}/ratings", json=body,
                            headers={**board, "Accept-Language": "en"})
    error = error_for(assert_error(response, 422), "period")
    assert error["code"] == "period.format"
    assert error["reason"] == "A period is YYYY, YYYY-Qn or YYYY-MM, with a year from 2000 to 2100."


@pytest.mark.parametrize("period", OUT_OF_RANGE_PERIODS)
async def test_target_change_period_with_a_year_out_of_range_is_refused(stack, settings, campaign, period):
    registrations = f"/api/v1/campaigns/{campaign['id']}/registrations/don-vi-1"
    headers = reporter(settings, "don-vi-1")
    first = {"targets": [{"criterion_id": "ho-thoat-ngheo", "value": 50}]}
    assert (await intake(stack, "PUT", registrations, json=first, headers=headers)).status_code in (200, 201)
    patch = {"criterion_id": "ho-thoat-ngheo", "period": period, "value": 70, "reason": "Điều chỉnh theo thực tế"}
    response = await intake(stack, "PATCH", f"{registrations}/targets", json=patch, headers=headers)
    assert error_for(assert_error(response, 422), "period")["code"] == "period.format"
    # the whole registration with such a period is refused the same way
    whole = {"targets": [{"criterion_id": "ho-thoat-ngheo", "period": period, "value": 50}], "reason": "Điều chỉnh"}
    response = await intake(stack, "PUT", registrations, json=whole, headers=headers)
    assert error_for(assert_error(response, 422), "targets.0.period")["code"] == "period.format"


async def test_rename_effective_zero_is_refused_not_read_as_1970(stack, board):
    unit_id = f"tinh-{uuid.uuid4().hex[:6]}"
    created = await intake(stack, "PUT", f"/api/v1/units/{unit_id}", headers=board,
                           json={"name_vi": "Tỉnh Đắk Nông", "unit_type": "province", "valid_from": "2004-01-01"})
    assert created.status_code == 200, created.text
    rename = {"name_vi": "Tỉnh Lâm Đồng", "effective": 0, "reason": "Nghị quyết sáp nhập"}
    response = await intake(stack, "POST", f"/api/v1/units/{unit_id}/rename", json=rename, headers=board)
    error = error_for(assert_error(response, 422), "effective")
    assert (error["code"], error["reason"]) == ("field.date", "Phải là một ngày dạng YYYY-MM-DD.")
    for bad in (True, 20250701, 1.5):
        response = await intake(stack, "POST", f"/api/v1/units/{unit_id}/rename", headers=board,
                                json={**rename, "effective": bad})
        assert error_for(assert_error(response, 422), "effective")["code"] == "field.date"
    # valid_from of a unit too, and nothing changed
    response = await intake(stack, "PUT", f"/api/v1/units/{unit_id}", headers=board,
                            json={"name_vi": "Tỉnh Khác", "unit_type": "province", "valid_from": 0})
    assert error_for(assert_error(response, 422), "valid_from")["code"] == "field.date"
    unit = (await intake(stack, "GET", f"/api/v1/units/{unit_id}", headers=board)).json()
    assert unit["name_vi"] == "Tỉnh Đắk Nông" and unit["valid_from"] == "2004-01-01", unit
    # the date as the schema writes it still works
    response = await intake(stack, "POST", f"/api/v1/units/{unit_id}/rename", headers=board,
                            json={**rename, "effective": "2025-07-01"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("active", [0, 1, "true", "yes"])
async def test_flag_active_must_be_a_boolean(stack, board, active):
    unit_id = f"dv-{uuid.uuid4().hex[:6]}"
    flag = {"unit_id": unit_id, "kind": "discipline", "active": active, "reason": "Vi phạm quy chế"}
    response = await intake(stack, "POST", "/api/v1/config/commendation/flags", json=flag,
                            headers={**board, "Accept-Language": "en"})
    error = error_for(assert_error(response, 422), "active")
    assert (error["code"], error["reason"]) == ("field.bool", "Must be true or false.")
    listed = await intake(stack, "GET", "/api/v1/config/commendation/flags", params={"unit": unit_id}, headers=board)
    assert listed.status_code == 200 and listed.json() == [], listed.text


async def test_a_body_that_is_not_utf8_is_refused_in_the_common_shape(stack, settings, campaign, before):
    # FastAPI's own refusal was {"detail": "There was an error parsing the body"}, undocumented
    response = await intake(stack, "POST", SUBMISSIONS, content=b"\xff\xfe{\"period\": 1}",
                            headers={**reporter(settings, "don-vi-1"), "Content-Type": "application/json"})
    body = assert_error(response, 400)
    assert body["message"] == "Không đọc được nội dung yêu cầu: phải là JSON viết bằng UTF-8."
    assert_unchanged(await intake_records(settings, campaign["id"]), before)


@pytest.mark.parametrize("field, value", [("start", "0004-01-01"), ("end", "8413-12-31"),
                                          ("final_review", "1999-12-31")])
async def test_campaign_dates_outside_the_platform_years_are_refused(stack, board, field, value):
    # the fuzzer stored a campaign from year 0004 to 8413: its periods outside 2000–2100 were
    # silently dropped from every leaderboard
    campaign_id = f"pt-{uuid.uuid4().hex[:8]}"
    body = {**small_campaign(campaign_id), field: value}
    path = f"/api/v1/campaigns/{campaign_id}"
    for lang, reason in (("vi", "Ngày phải thuộc các năm từ 2000 đến 2100."),
                         ("en", "The date must fall within the years 2000 to 2100.")):
        response = await intake(stack, "PUT", path, json=body, headers={**board, "Accept-Language": lang})
        error = error_for(assert_error(response, 422), field)
        assert (error["code"], error["reason"]) == ("campaign.date_range", reason)
    assert (await intake(stack, "GET", path, headers=board)).status_code == 404
