"""The HTTP layer's side of issue 8: credentials headers are bounded before anything parses them,
correlation ids are bounded and never echoed when refused, refusals never carry library text."""

import json

import httpx
import pytest

from thidua_common.auth import mint_token
from thidua_common.auth.api_keys import config_entry, new_key
from thidua_common.http import CurrentPrincipal, create_app
from thidua_common.settings import Settings

KEY = new_key()
SETTINGS = Settings(
    jwt_secret="unit-test-secret-that-is-32-bytes!!",
    api_keys=json.dumps([config_entry(KEY, name="he-thong", tenant="daknong", roles=["system"])]),
)


def client() -> httpx.AsyncClient:
    app = create_app("test", SETTINGS)

    @app.get("/who")
    async def who(principal: CurrentPrincipal) -> dict:
        return {"subject": principal.subject, "tenant": principal.tenant}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_good_token_and_a_good_key_pass():
    token = mint_token(SETTINGS, subject="a", tenant="daknong", roles=["auditor"])
    async with client() as c:
        assert (await c.get("/who", headers={"Authorization": f"Bearer {token}"})).json()["subject"] == "a"
        assert (await c.get("/who", headers={"X-API-Key": KEY})).json() == {"subject": "he-thong", "tenant": "daknong"}


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
async def test_oversized_credentials_are_refused_before_parsing(header):
    value = ("Bearer " if header == "Authorization" else "") + "a" * 9000
    async with client() as c:
        response = await c.get("/who", headers={header: value})
        english = await c.get("/who", headers={header: value, "Accept-Language": "en"})
    assert response.status_code == 431
    assert response.json()["message"] == f"Trường tiêu đề {header} quá dài (tối đa 8.192 byte)."
    assert english.json()["message"] == f"The {header} header is too long (at most 8,192 bytes)."
    assert "aaaa" not in response.text


async def test_a_credential_just_under_the_limit_is_parsed_and_refused_as_invalid():
    async with client() as c:
        response = await c.get("/who", headers={"Authorization": "Bearer " + "a" * 8000})
    assert response.status_code == 401
    assert response.json()["message"] == "Mã thông báo không hợp lệ: mã sai cấu trúc."


async def test_a_bad_signature_is_told_without_pyjwt_text():
    other = Settings(jwt_secret="another-secret-that-is-also-32-bytes")
    token = mint_token(other, subject="a", tenant="daknong", roles=["auditor"])
    async with client() as c:
        vi = await c.get("/who", headers={"Authorization": f"Bearer {token}"})
        en = await c.get("/who", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert vi.status_code == en.status_code == 401
    assert vi.json()["message"] == "Mã thông báo không hợp lệ: chữ ký không đúng."
    assert en.json()["message"] == "Invalid token: the signature does not match."
    assert "Signature verification failed" not in vi.text + en.text


@pytest.mark.parametrize(
    "incoming", ["x" * 129, "a b", "a\tb", "<script>", "id/with/slashes", "ümlaut", "x" * 100_000]
)
async def test_unacceptable_correlation_ids_are_replaced_and_never_echoed(incoming, caplog):
    async with client() as c:
        response = await c.get("/who", headers={"X-Correlation-ID": incoming.encode()})
    assert response.status_code == 401
    cid = response.headers["X-Correlation-ID"]
    assert cid != incoming and len(cid) == 32 and response.json()["correlation_id"] == cid
    assert incoming not in response.text


@pytest.mark.parametrize("incoming", ["x" * 128, "a", "abc-123_4.5:6", "550e8400-e29b-41d4-a716-446655440000"])
async def test_acceptable_correlation_ids_are_kept(incoming):
    async with client() as c:
        response = await c.get("/who", headers={"X-Correlation-ID": incoming})
    assert response.headers["X-Correlation-ID"] == incoming == response.json()["correlation_id"]


async def test_an_oversized_body_answer_does_not_echo_a_bad_correlation_id():
    async with client() as c:
        response = await c.post("/who", content=b"x" * (SETTINGS.max_body_bytes + 1),
                                headers={"X-Correlation-ID": "y" * 500})
    assert response.status_code == 413
    assert "y" * 129 not in response.text and "y" * 129 not in response.headers["X-Correlation-ID"]


async def test_openapi_declares_bearer_and_api_key_on_routes_that_need_a_caller_and_not_on_others():
    """Swagger UI's "Authorize" button and "Try it out" with a token need the schemes declared."""
    app = create_app("test", SETTINGS)

    @app.get("/who")
    async def who(principal: CurrentPrincipal) -> dict:
        return {"subject": principal.subject}

    @app.get("/open")
    async def open_route() -> dict:
        return {}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        schema = (await c.get("/openapi.json")).json()
        # the declaration changes nothing of the answers: ours, never FastAPI's English 403
        missing = await c.get("/who")
        basic = await c.get("/who", headers={"Authorization": "Basic YTpi"})
        oversized_key = await c.get("/who", headers={"X-API-Key": "k" * 9000})
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                     "description": schemes["bearerAuth"]["description"]}
    assert schemes["apiKeyAuth"]["type"] == "apiKey" and schemes["apiKeyAuth"]["in"] == "header"
    assert schemes["apiKeyAuth"]["name"] == "X-API-Key"
    # either one will do (OpenAPI: a list of alternatives)
    assert schema["paths"]["/who"]["get"]["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]
    assert "security" not in schema["paths"]["/open"]["get"] and "security" not in schema
    for path in ("/healthz", "/readyz", "/metrics", "/docs"):
        assert path not in schema["paths"]  # no credentials there, and out of the schema
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["message"] == "Thiếu thông tin xác thực: cần mã thông báo Bearer hoặc khóa API."
    assert basic.status_code == 401 and basic.json()["message"] == missing.json()["message"]
    assert oversized_key.status_code == 431
