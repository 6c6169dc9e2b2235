import sys


def main() -> None:
    from .app import app, settings

    sys.argv = [sys.argv[0], "worker", "--loglevel", settings.log_level.lower(), "--without-web"]
    app.main()


if __name__ == "__main__":
    main()
