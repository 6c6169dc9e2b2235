"""The console as an OIDC client (Authorization Code + PKCE S256), server side: discovery, the
authorization URL, the code exchange, refresh and the end-session URL. Tokens are fetched over
the back channel (TLS to the issuer in production), so the ID token's claims are read there
without a second signature check (OIDC Core 3.1.3.7); its nonce, issuer and audience are checked."""

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from .sessions import Tokens


class SignInFailed(Exception):
    """The provider refused or answered something unusable (shown as the error page)."""


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    end_session: str | None


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a JWT received from the issuer over the back channel (not re-verified)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise SignInFailed("unreadable token") from exc
    return dict(claims)


def check_id_token(claims: dict[str, Any], issuer: str, client_id: str, nonce: str) -> None:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if claims.get("iss") != issuer or client_id not in audiences or claims.get("nonce") != nonce:
        raise SignInFailed("ID token of another issuer, client or sign-in")


class OidcClient:
    def __init__(self, issuer: str, client_id: str, redirect_uri: str, scope: str, http: httpx.AsyncClient):
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.http = http
        self._endpoints: Endpoints | None = None

    async def endpoints(self) -> Endpoints:
        if self._endpoints is None:
            try:
                response = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
                response.raise_for_status()
                doc = response.json()
                self._endpoints = Endpoints(
                    doc["authorization_endpoint"], doc["token_endpoint"], doc.get("end_session_endpoint")
                )
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                raise SignInFailed("discovery failed") from exc
        return self._endpoints

    async def authorization_url(self, state: str, nonce: str, challenge: str, lang: str) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "ui_locales": lang,
        }
        return f"{(await self.endpoints()).authorization}?{urlencode(params)}"

    async def exchange(self, code: str, verifier: str) -> Tokens:
        return await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": verifier,
            }
        )

    async def refresh(self, refresh_token: str) -> Tokens:
        return await self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def end_session_url(self, id_token: str | None, post_logout_redirect_uri: str) -> str | None:
        endpoint = (await self.endpoints()).end_session
        if not endpoint:
            return None
        params = {"client_id": self.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        if id_token:
            params["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(params)}"

    async def _token_request(self, form: dict[str, str]) -> Tokens:
        endpoint = (await self.endpoints()).token
        try:
            response = await self.http.post(endpoint, data={**form, "client_id": self.client_id})
        except httpx.HTTPError as exc:
            raise SignInFailed("token endpoint unreachable") from exc
        if response.status_code != 200:
            raise SignInFailed(f"token endpoint answered {response.status_code}")
        try:
            body = response.json()
            return Tokens(
                access_token=body["access_token"],
                refresh_token=body.get("refresh_token"),
                id_token=body.get("id_token"),
                expires_at=time.time() + float(body.get("expires_in", 60)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SignInFailed("unusable token response") from exc
