"""structlog JSON logging with a correlation id bound per request or per consumed event. Logs of
libraries (uvicorn, aiokafka, faust) go through the same JSON formatter, one object per line."""

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

CORRELATION_HEADER = "X-Correlation-ID"

_SHARED: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.EventRenamer("message"),
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
        )
    )
    return handler


def configure_logging(service: str, level: str = "INFO") -> None:
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    root.handlers = [json_handler()]
    root.setLevel(level.upper())
    logging.getLogger("aiokafka").setLevel("WARNING")
    structlog.contextvars.bind_contextvars(service=service)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


# What a caller may send as X-Correlation-ID: it is echoed in answers, written to every log line
# and carried on events (CloudEvents correlationid, at most 128), so anything else is replaced.
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def accepted_correlation_id(value: str | None) -> str | None:
    """The caller's correlation id if it is 1-128 characters of [A-Za-z0-9._:-], else None."""
    return value if value is not None and _CORRELATION_ID.fullmatch(value) else None


def current_correlation_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("correlation_id")


@contextmanager
def correlation_scope(correlation_id: str | None, **extra: object) -> Iterator[str]:
    """Bind a correlation id (and extra fields) to every log line in this scope; one that is not
    acceptable (accepted_correlation_id), e.g. from a Kafka header, is replaced by a new one."""
    cid = accepted_correlation_id(correlation_id) or new_correlation_id()
    with structlog.contextvars.bound_contextvars(correlation_id=cid, **extra):
        yield cid


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
