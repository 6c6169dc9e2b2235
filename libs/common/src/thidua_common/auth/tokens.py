"""JWT handling with PyJWT. The accepted algorithm is fixed by configuration and never read from
the token header, which closes the 'alg: none' and key-confusion attacks.

A token is accepted only when it is signed, current, names a well-formed tenant (and unit), holds
at least one known role and lives no longer than THIDUA_JWT_MAX_LIFETIME_SECONDS (exp - iat): a
stolen long-lived token is a standing key to a province's data. Refusals carry a catalogue key for
the reason, never PyJWT's own English message."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from ..i18n import Localized, t
from ..ids import is_id
from ..settings import Settings
from . import oidc
from .api_keys import ApiKeyConfigError, digest, load_api_keys
from .principal import Principal, Role


class AuthError(Exception):
    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def _reason(key: str, **params: object) -> AuthError:
    """auth.invalid with its reason rendered in the reader's language (a catalogue key too)."""
    return AuthError("auth.invalid", reason=Localized(lambda lang: t(key, lang, **params)), reason_code=key, **params)


def mint_token(
    settings: Settings,
    *,
    subject: str,
    tenant: str,
    roles: list[str],
    unit_id: str | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """A token the services accept: refuses (ValueError) what they would refuse."""
    if not roles:
        raise ValueError("a token needs at least one role")
    if not is_id(tenant) or (unit_id is not None and not is_id(unit_id)):
        raise ValueError("tenant and unit must match thidua_common.ids.ID")
    if ttl.total_seconds() > settings.jwt_max_lifetime_seconds:
        raise ValueError(f"lifetime above THIDUA_JWT_MAX_LIFETIME_SECONDS ({settings.jwt_max_lifetime_seconds} s)")
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
    key = (
        token,
        settings.jwt_secret,
        settings.jwt_algorithm,
        settings.jwt_audience,
        settings.jwt_issuer,
        settings.jwt_max_lifetime_seconds,
    )
    if (known := _recall(key)) is not None:
        return known
    principal, expires = _verify(settings, token)
    _remember(key, principal, expires)
    return principal


_VERIFIED_MAX = 10_000
_verified: dict[tuple[object, ...], tuple[Principal, float]] = {}


def _recall(key: tuple[object, ...]) -> Principal | None:
    """The caller of a token verified before (same token, same settings), until it expires."""
    known = _verified.get(key)
    return known[0] if known is not None and time.time() < known[1] else None


def _remember(key: tuple[object, ...], principal: Principal, expires: float) -> None:
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()  # simpler than LRU; refilled by the next requests
    _verified[key] = (principal, expires)


_JWT_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.InvalidSignatureError, "auth.reason.signature"),
    (jwt.InvalidAudienceError, "auth.reason.audience"),
    (jwt.InvalidIssuerError, "auth.reason.issuer"),
    (jwt.ImmatureSignatureError, "auth.reason.not_yet_valid"),
    (jwt.InvalidAlgorithmError, "auth.reason.algorithm"),
    (jwt.DecodeError, "auth.reason.malformed"),
)


def _verify(settings: Settings, token: str) -> tuple[Principal, float]:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("auth.expired") from None
    except jwt.MissingRequiredClaimError as exc:
        raise _reason("auth.reason.missing_claim", claim=exc.claim) from None
    except jwt.InvalidIssuedAtError:
        raise _reason("auth.reason.claim", claim="iat") from None
    except jwt.PyJWTError as exc:
        key = next((k for kind, k in _JWT_REASONS if isinstance(exc, kind)), "auth.reason.other")
        raise _reason(key) from None
    return _principal(settings, claims), float(claims["exp"])


async def authenticate(settings: Settings, token: str) -> Principal:
    """The caller a bearer token names, on a request path (issue 10). With an OIDC issuer
    configured, a token whose `iss` is that issuer is verified against the provider's keys
    (auth/oidc.py); any other token is an HS256 development token, accepted only with
    THIDUA_ENVIRONMENT=development. Without an issuer, only HS256 tokens exist: a configuration
    the services refuse to start with in production (thidua_common.startup)."""
    if not settings.oidc_issuer:
        return decode_token(settings, token)
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        raise _reason("auth.reason.malformed") from None
    if issuer != settings.oidc_issuer:
        if settings.environment == "development":
            return decode_token(settings, token)
        raise _reason("auth.reason.issuer")
    key = (
        token,
        "oidc",
        settings.oidc_issuer,
        settings.oidc_audience,
        settings.oidc_tenant,
        settings.oidc_tenant_claim,
        settings.oidc_unit_claim,
        settings.oidc_roles_claim,
        settings.jwt_max_lifetime_seconds,
    )
    if (known := _recall(key)) is not None:
        return known
    try:
        claims = await oidc.verified_claims(settings, token)
    except oidc.UnknownKey:
        raise _reason("auth.reason.unknown_key") from None
    except jwt.ExpiredSignatureError:
        raise AuthError("auth.expired") from None
    except jwt.MissingRequiredClaimError as exc:
        raise _reason("auth.reason.missing_claim", claim=exc.claim) from None
    except jwt.InvalidIssuedAtError:
        raise _reason("auth.reason.claim", claim="iat") from None
    except jwt.PyJWTError as exc:
        raise _reason(next((k for kind, k in _JWT_REASONS if isinstance(exc, kind)), "auth.reason.other")) from None
    principal = _principal(
        settings,
        claims,
        tenant_claim=settings.oidc_tenant_claim,
        unit_claim=settings.oidc_unit_claim,
        roles_claim=settings.oidc_roles_claim,
        fixed_tenant=settings.oidc_tenant or None,
        from_provider=True,
    )
    _remember(key, principal, float(claims["exp"]))
    return principal


def _principal(
    settings: Settings,
    claims: dict[str, Any],
    *,
    tenant_claim: str = "tenant",
    unit_claim: str = "unit",
    roles_claim: str = "roles",
    fixed_tenant: str | None = None,
    from_provider: bool = False,
) -> Principal:
    """The same rules for every token. An OIDC provider's role claim lists the provider's own roles
    too (Keycloak's offline_access, a province SSO's groups): those grant nothing here and are left
    out; the platform's own tokens may name platform roles only."""
    subject = claims.get("sub")
    tenant = fixed_tenant or oidc.claim_at(claims, tenant_claim)
    unit = oidc.claim_at(claims, unit_claim)
    roles = oidc.claim_at(claims, roles_claim)
    if from_provider:
        unit = _single(unit)
        if isinstance(roles, str):
            roles = [roles]
        if isinstance(roles, list):
            roles = [r for r in roles if r in _ROLE_NAMES]
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 256:
        raise _reason("auth.reason.claim", claim="sub")
    if not is_id(tenant):
        raise _reason("auth.reason.claim", claim="tenant")
    if unit is not None and not is_id(unit):
        raise _reason("auth.reason.claim", claim="unit")
    if not isinstance(roles, list) or not roles:
        raise _reason("auth.reason.no_roles")
    try:
        granted = frozenset(Role(r) for r in roles)
    except (TypeError, ValueError):
        raise _reason("auth.reason.claim", claim="roles") from None
    iat, exp = claims["iat"], claims["exp"]
    if not isinstance(iat, int | float) or exp - iat > settings.jwt_max_lifetime_seconds:
        raise _reason("auth.reason.lifetime", hours=f"{settings.jwt_max_lifetime_seconds / 3600:g}")
    # a provider's client-credentials token (another system) acts as a system, like an API key
    kind = "system" if from_provider and Role.system in granted else "user"
    return Principal(subject=subject, tenant=tenant, roles=granted, unit_id=unit, kind=kind)


_ROLE_NAMES = frozenset(role.value for role in Role)


def _single(value: Any) -> Any:
    """Providers often emit a user attribute as a list: one value is that value."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def principal_for_api_key(settings: Settings, key: str, now: datetime | None = None) -> Principal:
    """A system's API key: only its SHA-256 digest is configured (THIDUA_API_KEYS, see
    auth/api_keys.py); the caller is named by the key's configured name, never by the key."""
    try:
        grants = load_api_keys(settings.api_keys)
    except ApiKeyConfigError:  # refused at start-up (thidua_common.startup); never a 500 here
        raise AuthError("auth.bad_api_key") from None
    grant = grants.get(digest(key))
    if grant is None:
        raise AuthError("auth.bad_api_key")
    if grant.expires is not None and (now or datetime.now(UTC)) >= grant.expires:
        raise AuthError("auth.api_key_expired")
    return Principal(
        subject=grant.name, tenant=grant.tenant, roles=frozenset(grant.roles), unit_id=grant.unit, kind="system"
    )
