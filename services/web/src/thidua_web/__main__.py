import uvicorn

from thidua_common.logging import configure_logging
from thidua_common.settings import get_settings
from thidua_common.startup import refuse_unsafe_start


def main() -> None:
    settings = get_settings()
    configure_logging("web", settings.log_level)
    refuse_unsafe_start(settings, "web", http_api=False)
    if not settings.oidc_issuer:
        raise SystemExit("refusing to start: THIDUA_OIDC_ISSUER is empty (the console signs in through OIDC)")
    uvicorn.run(
        "thidua_web.main:app", host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
