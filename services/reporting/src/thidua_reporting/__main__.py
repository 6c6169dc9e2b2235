import uvicorn

from thidua_common.logging import configure_logging
from thidua_common.settings import get_settings
from thidua_common.startup import refuse_unsafe_start

from .streams import hub

# after the streams are told to end, how long open responses get before uvicorn cancels them
GRACEFUL_SHUTDOWN_SECONDS = 10


class Server(uvicorn.Server):
    """uvicorn waits for open responses before it shuts the application down, and a live-update
    stream never ends by itself: the signal that stops the server first tells every stream to end
    (within a poll interval), so a shutdown does not hang on them."""

    def handle_exit(self, sig, frame) -> None:
        hub.exiting()
        super().handle_exit(sig, frame)


def main() -> None:
    settings = get_settings()
    configure_logging("reporting", settings.log_level)
    refuse_unsafe_start(settings, "reporting", http_api=True)
    config = uvicorn.Config(
        "thidua_reporting.main:app",
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    Server(config).run()


if __name__ == "__main__":
    main()
