"""Reporting's public API as the signed-in user (their access token as Bearer). The console reads
no database: every figure on its pages comes through here."""

from typing import Any

import httpx


class ApiFailed(Exception):
    def __init__(self, status: int | None):
        super().__init__(f"API answered {status}")
        self.status = status


class Reporting:
    def __init__(self, base_url: str, http: httpx.AsyncClient):
        self.base_url = base_url.rstrip("/")
        self.http = http

    async def _get(self, path: str, token: str, lang: str, **params: str) -> Any:
        try:
            response = await self.http.get(
                f"{self.base_url}{path}",
                params=params,
                headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
            )
        except httpx.HTTPError as exc:
            raise ApiFailed(None) from exc
        if response.status_code != 200:
            raise ApiFailed(response.status_code)
        try:
            return response.json()
        except ValueError as exc:
            raise ApiFailed(response.status_code) from exc

    async def campaigns(self, token: str, lang: str) -> list[dict[str, Any]]:
        return list(await self._get("/api/v1/campaigns", token, lang))

    async def leaderboard(self, campaign_id: str, token: str, lang: str) -> dict[str, Any]:
        return dict(await self._get(f"/api/v1/campaigns/{campaign_id}/leaderboard", token, lang))
