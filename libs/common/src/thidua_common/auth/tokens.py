"""JWT handling with PyJWT. The accepted algorithm is fixed by configuration and never read from
the token header, which closes the 'alg: none' and key-confusion attacks."""

import time
from datetime import UTC, datetime, timedelta

import jwt

from ..settings import Settings
from .principal import Principal, Role


class AuthError(Exception):
    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def mint_token(
    settings: Settings,
    *,
    subject: str,
    tenant: str,
    roles: list[str],
    unit_id: str | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "tenant": tenant,
        "roles": [Role(r).value for r in roles],
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
    }
    if unit_id:
        claims["unit"] = unit_id
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def decode_token(settings: Settings, token: str) -> Principal:
    """The caller a bearer token names. A token already verified is answered from memory until it
    expires: a unit's reporting tool sends the same token with every request, and verifying it
    again each time was a measurable share of intake's CPU per submission."""
    key = (token, settings.jwt_secret, settings.jwt_algorithm, settings.jwt_audience, settings.jwt_issuer)
    known = _verified.get(key)
    if known is not None and time.time() < known[1]:
        return known[0]
    principal, expires = _verify(settings, token)
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()  # simpler than LRU; refilled by the next requests
    _verified[key] = (principal, expires)
    return principal


_VERIFIED_MAX = 10_000
_verified: dict[tuple, tuple[Principal, float]] = {}


def _verify(settings: Settings, token: str) -> tuple[Principal, float]:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("auth.expired") from None
    except jwt.PyJWTError as exc:
        raise AuthError("auth.invalid", reason=str(exc)) from None
    try:
        return Principal(
            subject=claims["sub"],
            tenant=claims["tenant"],
            roles=frozenset(Role(r) for r in claims.get("roles", [])),
            unit_id=claims.get("unit"),
        ), float(claims["exp"])
    except (KeyError, ValueError) as exc:
        raise AuthError("auth.invalid", reason=f"claim {exc}") from None


def principal_for_api_key(settings: Settings, key: str) -> Principal:
    """API keys for systems: THIDUA_API_KEYS="key=tenant:role,role;key2=..."."""
    for entry in filter(None, (e.strip() for e in settings.api_keys.split(";"))):
        known, _, grant = entry.partition("=")
        if known and _constant_time_equal(known, key):
            tenant, _, roles = grant.partition(":")
            return Principal(
                subject=f"api-key:{known[:4]}…",
                tenant=tenant,
                roles=frozenset(Role(r) for r in (roles or "system").split(",")),
                kind="system",
            )
    raise AuthError("auth.bad_api_key")


def _constant_time_equal(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())
