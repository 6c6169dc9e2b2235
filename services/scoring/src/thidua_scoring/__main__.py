def main() -> None:
    from faust import Worker

    from thidua_common.startup import refuse_unsafe_start

    from .app import app, settings

    refuse_unsafe_start(settings, "scoring", http_api=False)
    Worker(app, loglevel=settings.log_level).execute_from_commandline()


if __name__ == "__main__":
    main()
