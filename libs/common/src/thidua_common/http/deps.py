from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..auth import AuthError, Principal, Role
from ..auth.oidc import KeysUnavailable
from ..auth.tokens import authenticate, principal_for_api_key
from ..i18n import Language, Localized, format_number, negotiate
from .errors import ApiError, FieldError

# The two ways to authenticate, declared for the OpenAPI schema: every route that needs a caller
# names them (`security`), so /docs has an "Authorize" button and "Try it out" sends the token or
# key. auto_error=False and their results unused: get_principal reads the headers itself, so a
# missing, bad or oversized credential gets our answer (401 with the catalogue's message, 431),
# never FastAPI's English 403.
BEARER = HTTPBearer(auto_error=False, scheme_name="bearerAuth", bearerFormat="JWT",
                    description="JWT của người dùng / a user's JWT: `Authorization: Bearer <token>`")
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="apiKeyAuth",
                       description="Khoá API của hệ thống tích hợp / an integration's API key (`X-API-Key`)")


# async: FastAPI runs a plain `def` dependency in a thread pool, one thread hop per dependency per request
async def get_principal(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
    _api_key: Annotated[str | None, Security(API_KEY)],
) -> Principal:
    settings = request.app.state.settings
    authorization = request.headers.get("authorization", "")
    api_key = request.headers.get("x-api-key")
    # before anything parses them: an oversized credential is refused whole, never decoded or hashed
    for name, value in (("Authorization", authorization), ("X-API-Key", api_key or "")):
        if len(value) > settings.max_auth_header_bytes:
            limit = settings.max_auth_header_bytes
            raise ApiError(431, "auth.header_too_large", header=name,
                           limit=Localized(lambda lang: format_number(limit, 0, lang)))
    if authorization.lower().startswith("bearer "):
        try:
            principal = await authenticate(settings, authorization[7:].strip())
        except KeysUnavailable:  # issue 10: the identity provider's keys cannot be had; the token may be fine
            raise ApiError(503, "auth.keys_unavailable") from None
    elif api_key:
        principal = principal_for_api_key(settings, api_key)
    else:
        raise AuthError("auth.missing")
    # a caller with no role can do nothing, reading included: decode_token refuses such a token
    # (401, "grants no role") and an API key always holds at least one role
    return principal


async def get_language(request: Request) -> Language:
    return negotiate(request.headers.get("accept-language"), request.app.state.settings.default_language)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
Lang = Annotated[Language, Depends(get_language)]


def require_roles(*roles: Role) -> Any:  # what Depends() gives: a dependency marker
    """Dependency factory: 403 unless the caller holds one of the roles."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(*roles):
            raise ApiError(403, "auth.role", roles=", ".join(sorted(principal.roles)) or "—")
        return principal

    return Depends(check)


def ensure_tenant(principal: Principal, tenant: str) -> None:
    if principal.tenant != tenant:
        raise ApiError(
            403,
            "auth.tenant",
            [FieldError("tenant", "auth.tenant", {"own": principal.tenant, "other": tenant})],
            own=principal.tenant,
            other=tenant,
        )
