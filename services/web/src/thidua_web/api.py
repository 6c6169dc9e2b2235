"""Intake's and reporting's public APIs as the signed-in user (their access token as Bearer). The
console reads no database: every figure on its pages comes through here, every change goes there."""

from typing import Any

import httpx


class ApiFailed(Exception):
    """A call that did not succeed: `status` (None when the API could not be reached) and, for a
    refusal (4xx), the API's own message and field errors, already in the user's language."""

    def __init__(self, status: int | None, body: Any = None):
        super().__init__(f"API answered {status}")
        self.status = status
        self.body = body if isinstance(body, dict) else {}

    @property
    def message(self) -> str:
        return str(self.body.get("message") or "")

    @property
    def errors(self) -> list[dict[str, str]]:
        """[{"field": "values.tc-1", "message": "..."}] as the API names them."""
        found = self.body.get("errors")
        return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []

    @property
    def refused(self) -> bool:
        """The API said no to what was asked (shown on the form), as opposed to failing."""
        return self.status is not None and self.status in (400, 409, 413, 415, 422)


class Api:
    """One of the platform's HTTP APIs. Every method takes the caller's access token and language."""

    def __init__(self, base_url: str, http: httpx.AsyncClient):
        self.base_url = base_url.rstrip("/")
        self.http = http

    async def request(
        self,
        method: str,
        path: str,
        token: str,
        lang: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,  # issue 13: a long call (an import) sets its own; else the client's
    ) -> httpx.Response:
        """The answer when it is a 2xx; raises ApiFailed otherwise."""
        sent = {"Authorization": f"Bearer {token}", "Accept-Language": lang, **(headers or {})}
        clean = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            extra: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
            response = await self.http.request(
                method, f"{self.base_url}{path}", params=clean, json=json, files=files, data=data, headers=sent, **extra
            )
        except httpx.HTTPError as exc:
            raise ApiFailed(None) from exc
        if not 200 <= response.status_code < 300:
            try:
                body = response.json()
            except ValueError:
                body = None
            raise ApiFailed(response.status_code, body)
        return response

    async def get(self, path: str, token: str, lang: str, **params: Any) -> Any:
        return _json(await self.request("GET", path, token, lang, params=params))

    async def post(self, path: str, token: str, lang: str, body: Any = None, **kwargs: Any) -> Any:
        return _json(await self.request("POST", path, token, lang, json=body, **kwargs))

    async def put(self, path: str, token: str, lang: str, body: Any = None, **kwargs: Any) -> Any:
        return _json(await self.request("PUT", path, token, lang, json=body, **kwargs))

    async def patch(self, path: str, token: str, lang: str, body: Any = None, **kwargs: Any) -> Any:
        return _json(await self.request("PATCH", path, token, lang, json=body, **kwargs))


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise ApiFailed(response.status_code) from exc
