import uvicorn

from thidua_common.logging import configure_logging
from thidua_common.settings import get_settings
from thidua_common.startup import refuse_unsafe_start


def main() -> None:
    settings = get_settings()
    configure_logging("intake", settings.log_level)
    refuse_unsafe_start(settings, "intake", http_api=True)
    uvicorn.run(
        "thidua_intake.main:app",
        host=settings.http_host,
        port=settings.http_port,
        # several processes share the port; each runs the lifespan (relay, inbound consumer,
        # overdue check), which are safe side by side (lease, consumer group, idempotent markers)
        workers=settings.http_workers,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
