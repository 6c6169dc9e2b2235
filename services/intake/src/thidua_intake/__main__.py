import uvicorn

from thidua_common.logging import configure_logging
from thidua_common.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging("intake", settings.log_level)
    uvicorn.run(
        "thidua_intake.main:app", host=settings.http_host, port=settings.http_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
