"""Start-up checks of the configuration, run by each service's entry point before it serves:
outside development a service refuses to start with a secret anybody can read, and says why in
one structured log line per problem (exit code 78, EX_CONFIG), instead of starting silently."""

from dataclasses import dataclass

from .auth.api_keys import ApiKeyConfigError, load_api_keys
from .logging import get_logger
from .settings import DEV_JWT_SECRET, Settings

log = get_logger(__name__)

EXIT_CONFIG = 78
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Problem:
    setting: str
    reason: str
    fix: str
    always: bool = False  # refused in development too (the configuration cannot be used at all)


def problems(settings: Settings, *, http_api: bool) -> list[Problem]:
    """What is wrong for a service with (intake, reporting) or without (scoring, notify) an HTTP API."""
    found: list[Problem] = []
    if http_api:
        if settings.jwt_secret == DEV_JWT_SECRET:
            found.append(
                Problem(
                    "THIDUA_JWT_SECRET",
                    "it is the public development secret: anybody can mint tokens for any tenant",
                    "set THIDUA_JWT_SECRET to at least 32 random bytes (e.g. openssl rand -base64 48)",
                )
            )
        elif len(settings.jwt_secret.encode()) < MIN_SECRET_BYTES:
            found.append(
                Problem(
                    "THIDUA_JWT_SECRET",
                    f"it is shorter than {MIN_SECRET_BYTES} bytes, too short for HS256",
                    "set THIDUA_JWT_SECRET to at least 32 random bytes (e.g. openssl rand -base64 48)",
                )
            )
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
