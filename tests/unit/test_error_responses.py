"""Refusals that FastAPI and Starlette make themselves (an unreadable body, no such route, a
wrong method) have the common error shape in the caller's language, and the OpenAPI documents
the error answers every operation can give with that shape."""

import httpx
from pydantic import BaseModel

from thidua_common.http import create_app
from thidua_common.settings import Settings


class Body(BaseModel):
    name: str


def _app():
    app = create_app("test", Settings())

    @app.post("/things")
    async def make(body: Body) -> dict:
        return {"name": body.name}

    return app


async def _call(method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://test") as client:
        return await client.request(method, path, **kwargs)


async def test_a_body_that_is_not_utf8_is_a_400_in_the_common_shape():
    response = await _call("POST", "/things", content=b"\xff\xfe{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors", "correlation_id"} and body["errors"] == []
    assert body["message"] == "Không đọc được nội dung yêu cầu: phải là JSON viết bằng UTF-8."
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    english = await _call("POST", "/things", content=b"\xff", headers={"Content-Type": "application/json",
                                                                        "Accept-Language": "en"})
    assert english.json()["message"] == "The request body cannot be read: it must be JSON written in UTF-8."


async def test_no_route_and_wrong_method_in_the_common_shape():
    missing = await _call("GET", "/nothing-here")
    assert missing.status_code == 404 and missing.json()["message"] == "Không có địa chỉ này."
    wrong = await _call("DELETE", "/things")
    assert wrong.status_code == 405 and wrong.json()["message"] == "Địa chỉ này không nhận phương thức HTTP đó."
    assert "allow" in {k.lower() for k in wrong.headers}


def test_the_openapi_declares_the_error_answers_with_their_shape():
    spec = _app().openapi()
    responses = spec["paths"]["/things"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "422"} <= set(responses)
    for status in ("400", "401", "403", "404", "409", "413", "422"):
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    shape = spec["components"]["schemas"]["ErrorBody"]
    assert set(shape["required"]) == {"message", "errors", "correlation_id"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
