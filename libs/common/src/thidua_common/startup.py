"""Start-up checks of the configuration, run by each service's entry point before it serves:
outside development a service refuses to start with a secret anybody can read, and says why in
one structured log line per problem (exit code 78, EX_CONFIG), instead of starting silently.
Issue 10: outside development intake and reporting also need an OIDC issuer reached over HTTPS
(tokens of the identity provider are the only ones production accepts)."""

from dataclasses import dataclass
from urllib.parse import urlparse

from .auth.api_keys import ApiKeyConfigError, load_api_keys
from .logging import get_logger
from .settings import DEV_JWT_SECRET, Settings

log = get_logger(__name__)

EXIT_CONFIG = 78
MIN_SECRET_BYTES = 32
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # plain HTTP to a provider on the same host (local stack)


@dataclass(frozen=True)
class Problem:
    setting: str
    reason: str
    fix: str
    always: bool = False  # refused in development too (the configuration cannot be used at all)


def problems(settings: Settings, *, http_api: bool) -> list[Problem]:
    """What is wrong for a service with (intake, reporting) or without (scoring, notify) an HTTP API."""
    found: list[Problem] = []
    # issue 10: production verifies only the tokens of an OIDC provider; the HS256 secret then signs
    # nothing anybody can use, and is checked only where HS256 tokens may still be accepted
    hs256_accepted = settings.environment == "development" or not settings.oidc_issuer
    if http_api:
        if hs256_accepted and settings.jwt_secret == DEV_JWT_SECRET:
            found.append(
                Problem(
                    "THIDUA_JWT_SECRET",
                    "it is the public development secret: anybody can mint tokens for any tenant",
                    "set THIDUA_JWT_SECRET to at least 32 random bytes (e.g. openssl rand -base64 48)",
                )
            )
        elif hs256_accepted and len(settings.jwt_secret.encode()) < MIN_SECRET_BYTES:
            found.append(
                Problem(
                    "THIDUA_JWT_SECRET",
                    f"it is shorter than {MIN_SECRET_BYTES} bytes, too short for HS256",
                    "set THIDUA_JWT_SECRET to at least 32 random bytes (e.g. openssl rand -base64 48)",
                )
            )
        found.extend(_oidc_problems(settings))
        try:
            load_api_keys(settings.api_keys)
        except ApiKeyConfigError as exc:
            found.append(Problem("THIDUA_API_KEYS", str(exc), "make keys and entries with thidua-api-key", True))
    elif settings.api_keys.strip():
        found.append(
            Problem(
                "THIDUA_API_KEYS",
                "this service has no HTTP API and must hold no API keys",
                "remove THIDUA_API_KEYS from this service's environment",
            )
        )
    found.extend(kafka_problems(settings))
    return found


def kafka_problems(settings: Settings) -> list[Problem]:
    """Issue 12: kafka — outside development every Kafka client authenticates (SASL/SCRAM), so the
    broker's ACLs know which service it is; without SASL any client on the network could write."""
    fix = "set THIDUA_KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SASL_PLAINTEXT) and the service's own user and password"
    if settings.environment == "development":
        return []  # the local stack may still run a plaintext broker (it runs SASL by default)
    if not settings.kafka_security_protocol.startswith("SASL_"):
        return [Problem("THIDUA_KAFKA_SECURITY_PROTOCOL", "Kafka without SASL: the broker cannot tell who writes", fix)]
    if not settings.kafka_sasl_username or not settings.kafka_sasl_password:
        return [
            Problem(
                "THIDUA_KAFKA_SASL_USERNAME",
                "SASL without a user name or password",
                "set THIDUA_KAFKA_SASL_USERNAME and THIDUA_KAFKA_SASL_PASSWORD",
                True,
            )
        ]
    return []


def _oidc_problems(settings: Settings) -> list[Problem]:
    fix = "set THIDUA_OIDC_ISSUER to the identity provider's issuer URL (docs/operations.md, Identity)"
    if not settings.oidc_issuer:
        # in development: the HS256 tokens of thidua-token only (a warning); in production: refused
        return [Problem("THIDUA_OIDC_ISSUER", "no OIDC issuer: only HS256 development tokens could sign in", fix)]
    found = []
    for setting, url in (
        ("THIDUA_OIDC_ISSUER", settings.oidc_issuer),
        ("THIDUA_OIDC_JWKS_URL", settings.oidc_jwks_url),
    ):
        parsed = urlparse(url)
        if url and parsed.scheme != "https" and not (parsed.scheme == "http" and parsed.hostname in LOOPBACK):
            # keys fetched over plain HTTP could be swapped on the way: anyone could then sign tokens
            found.append(Problem(setting, "the provider is reached without HTTPS", "use the provider's https:// URL"))
    return found


def refuse_unsafe_start(settings: Settings, service: str, *, http_api: bool) -> None:
    """Log every problem; exit unless none is left to refuse (development tolerates the secrets)."""
    refused = False
    for problem in problems(settings, http_api=http_api):
        refuse = problem.always or settings.environment != "development"
        if refuse:
            message = f"refusing to start: {problem.setting}: {problem.reason}"
        else:
            message = f"accepted only because THIDUA_ENVIRONMENT=development: {problem.setting}: {problem.reason}"
        (log.error if refuse else log.warning)(
            message, service=service, environment=settings.environment, setting=problem.setting, fix=problem.fix
        )
        refused = refused or refuse
    if refused:
        raise SystemExit(EXIT_CONFIG)
