def main() -> None:
    from faust import Worker

    from .app import app, settings

    Worker(app, loglevel=settings.log_level).execute_from_commandline()


if __name__ == "__main__":
    main()
