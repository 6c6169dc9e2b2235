"""Tokens of an OpenID Connect provider (Keycloak locally, a province's own SSO in production),
verified against the provider's published keys (JWKS).

- The accepted algorithms are fixed here (RS256, ES256) and each key verifies only with the
  algorithm of its own type: the token header never chooses. `alg: none`, HS* (including an HS256
  token "signed" with the public key, the key-confusion attack) and a header naming RS256 over an
  EC key are all refused.
- Keys are fetched with httpx's async client, so a fetch never blocks the event loop of the
  service; concurrent requests needing keys wait on one shared fetch. The keys are kept for
  THIDUA_OIDC_JWKS_CACHE_SECONDS; a token naming an unknown `kid` (the provider rotated its keys)
  triggers a refetch, at most once per THIDUA_OIDC_JWKS_REFETCH_SECONDS so that made-up kids
  cannot turn the service into a flood of requests to the provider. When a refresh fails, the keys
  already known stay in use (an outage of the provider does not log everybody out at once).
- Where the platform's claims are is configuration (dotted paths, e.g. `realm_access.roles`), so
  that another provider works without code: see docs/operations.md."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from ..logging import get_logger
from ..settings import Settings

log = get_logger(__name__)

# the only algorithms an OIDC token may use, by key type; never taken from the token header
ALGORITHM_OF_KEY_TYPE = {"RSA": "RS256", "EC": "ES256"}
ALGORITHMS = tuple(ALGORITHM_OF_KEY_TYPE.values())
MAX_DOCUMENT_BYTES = 256 * 1024  # a JWKS or discovery document larger than this is not one

Fetch = Callable[[str], Awaitable[Any]]  # URL -> decoded JSON document


class KeysUnavailable(Exception):
    """The provider's keys could not be fetched and none are known: no token can be verified."""


class UnknownKey(Exception):
    """The token names a key the provider does not publish (even after a refetch)."""


@dataclass(frozen=True)
class VerificationKey:
    algorithm: str  # the one algorithm this key verifies (from its key type)
    key: Any  # a cryptography public key object


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`realm_access.roles`), or None when any step is missing. A claim
    whose own name contains a dot (some providers use URLs as claim names) is found whole first."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


def parse_jwks(document: Any) -> dict[str | None, VerificationKey]:
    """The signing keys of a JWKS document by kid. Keys that are not for signatures, of another
    type or curve, or announcing another algorithm are left out (never an error: a provider may
    publish encryption keys next to its signing keys)."""
    keys: dict[str | None, VerificationKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("not a JWKS document (no 'keys' list)")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        algorithm = ALGORITHM_OF_KEY_TYPE.get(str(entry.get("kty")))
        if algorithm is None or entry.get("alg", algorithm) != algorithm:
            continue
        if algorithm == "ES256" and entry.get("crv") != "P-256":
            continue
        try:
            reader = RSAAlgorithm if algorithm == "RS256" else ECAlgorithm
            key = reader.from_jwk(json.dumps(entry))
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            log.warning("OIDC key skipped: unreadable", kid=str(entry.get("kid")))
            continue
        kid = entry.get("kid")
        keys[kid if isinstance(kid, str) else None] = VerificationKey(algorithm, key)
    return keys


async def http_fetch(url: str, timeout: float = 5.0) -> Any:
    """A JSON document over HTTP(S), without following redirects, of bounded size."""
    body = bytearray()
    async with (
        httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
        client.stream("GET", url, headers={"Accept": "application/json"}) as response,
    ):
        if response.status_code != 200:
            raise ValueError(f"{url} answered {response.status_code}")
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > MAX_DOCUMENT_BYTES:  # read no further
                raise ValueError(f"{url} answered a document over {MAX_DOCUMENT_BYTES} bytes")
    return json.loads(body)


NO_KEY_RETRY_SECONDS = 1.0


@dataclass
class JwksCache:
    """The keys of one provider. `fetch` is injected (tests use an in-memory provider)."""

    issuer: str
    jwks_url: str = ""  # empty: taken from the issuer's discovery document
    fetch: Fetch = http_fetch
    ttl_seconds: float = 3600.0
    refetch_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    keys: dict[str | None, VerificationKey] = field(default_factory=dict)
    fetched_at: float | None = None  # last successful fetch
    attempted_at: float | None = None  # last fetch, successful or not
    fetches: int = 0
    _inflight: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    async def key_for(self, kid: str | None) -> VerificationKey:
        now = self.clock()
        stale = self.fetched_at is None or now - self.fetched_at >= self.ttl_seconds
        unknown = self._lookup(kid) is None
        if (stale or unknown) and self.may_refetch(now):
            await self.refresh()
        found = self._lookup(kid)
        if found is not None:
            return found
        if not self.keys:
            raise KeysUnavailable(self.issuer)
        raise UnknownKey(kid)

    def may_refetch(self, now: float) -> bool:
        """At most one fetch per `refetch_seconds`; while no key is known at all (the provider was
        not up yet when the service started), one per `NO_KEY_RETRY_SECONDS`: nothing can be
        verified until then, and the fetch is shared by every request waiting for it."""
        interval = self.refetch_seconds if self.keys else min(self.refetch_seconds, NO_KEY_RETRY_SECONDS)
        return self.attempted_at is None or now - self.attempted_at >= interval

    def _lookup(self, kid: str | None) -> VerificationKey | None:
        if kid is None and len(self.keys) == 1:  # a provider with one key may leave kid out
            return next(iter(self.keys.values()))
        return self.keys.get(kid)

    async def refresh(self) -> None:
        """One fetch at a time, shared by every request waiting for it (within one event loop)."""
        task = self._inflight
        if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
            task = self._inflight = asyncio.ensure_future(self._fetch_keys())
        await asyncio.shield(task)

    async def _fetch_keys(self) -> None:
        self.attempted_at = self.clock()
        self.fetches += 1
        try:
            url = self.jwks_url or await self._discover()
            keys = parse_jwks(await self.fetch(url))
        except Exception as exc:  # any failure of the provider: keep the keys already known
            log.warning("OIDC keys not refreshed", issuer=self.issuer, error=type(exc).__name__, detail=str(exc)[:200])
            return
        if not keys:
            log.warning("OIDC key set has no usable signing key", issuer=self.issuer)
            return
        self.keys, self.fetched_at = keys, self.clock()
        log.info("OIDC keys fetched", issuer=self.issuer, kids=sorted(str(k) for k in keys))

    async def _discover(self) -> str:
        document = await self.fetch(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if not isinstance(document, dict):
            raise ValueError("the discovery document is not a JSON object")
        # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was asked for
        if document.get("issuer") != self.issuer:
            raise ValueError(f"the discovery document names issuer {document.get('issuer')!r}")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
            raise ValueError("the discovery document has no jwks_uri")
        self.jwks_url = jwks_uri
        return jwks_uri


_caches: dict[tuple[str, str], JwksCache] = {}


def cache_for(settings: Settings) -> JwksCache:
    """The key cache of the configured provider (one per process and provider)."""
    key = (settings.oidc_issuer, settings.oidc_jwks_url)
    cache = _caches.get(key)
    if cache is None:
        timeout = settings.oidc_http_timeout_seconds

        async def fetch(url: str) -> Any:
            return await http_fetch(url, timeout)

        cache = _caches[key] = JwksCache(
            issuer=settings.oidc_issuer,
            jwks_url=settings.oidc_jwks_url,
            fetch=fetch,
            ttl_seconds=settings.oidc_jwks_cache_seconds,
            refetch_seconds=settings.oidc_jwks_refetch_seconds,
        )
    return cache


def use_cache(settings: Settings, cache: JwksCache) -> None:
    """Install a key cache for the configured provider (tests inject an in-memory provider)."""
    _caches[(settings.oidc_issuer, settings.oidc_jwks_url)] = cache


async def verified_claims(settings: Settings, token: str, cache: JwksCache | None = None) -> dict[str, Any]:
    """The claims of a token signed by one of the provider's keys, for the configured issuer and
    audience; PyJWT's errors propagate (the caller names the reason). Requires exp, iat, sub."""
    cache = cache or cache_for(settings)
    header = jwt.get_unverified_header(token)
    kid = header.get("kid")
    if header.get("alg") not in ALGORITHMS:
        raise jwt.InvalidAlgorithmError(str(header.get("alg")))
    if kid is not None and not isinstance(kid, str):
        raise jwt.DecodeError("kid")
    key = await cache.key_for(kid)
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=[key.algorithm],
        audience=settings.oidc_audience,
        issuer=settings.oidc_issuer,
        options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        leeway=settings.oidc_leeway_seconds,
    )
    return claims


def prefetch(settings: Settings) -> asyncio.Future[None] | None:
    """Fetch the provider's keys as the service starts, in the background (a provider that is down
    must not stop the start), so the first user's request does not wait for the fetch."""
    if not settings.oidc_issuer:
        return None
    return asyncio.ensure_future(cache_for(settings).refresh())


def readiness_checks(settings: Settings) -> dict[str, Callable[[], Awaitable[object]]]:
    """{"oidc_keys": check} when a provider is configured: without its keys nobody signed in can be
    served (API keys still can), so it degrades the service; the check refetches no more often than
    a request would (JwksCache.may_refetch)."""
    if not settings.oidc_issuer:
        return {}
    cache = cache_for(settings)

    async def oidc_keys() -> object:
        if not cache.keys and cache.may_refetch(cache.clock()):
            await cache.refresh()
        if not cache.keys:
            raise KeysUnavailable(cache.issuer)
        return {"keys": len(cache.keys)}

    return {"oidc_keys": oidc_keys}
