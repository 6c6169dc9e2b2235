import uvicorn

from thidua_common.logging import configure_logging
from thidua_common.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging("reporting", settings.log_level)
    uvicorn.run(
        "thidua_reporting.main:app", host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
