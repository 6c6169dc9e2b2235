"""Domain errors: what rules and services raise when a request cannot be carried out. They say
what is wrong (a message-catalogue key, the fields at fault, the message's parameters) and never
how it is answered: the HTTP app maps each class to a status once (.http.app), the inbound
consumer dead-letters it with the same key and message. A parameter that depends on the reader's
language (a date, a number, a word) is a `Localized`, rendered where the language is known."""

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from .i18n import t


@dataclass
class FieldError:
    field: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def render(self, lang: str) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason(lang), "code": self.key}

    def reason(self, lang: str) -> str:
        """The reason alone, in `lang` (`Localized(error.reason)` makes it another message's parameter)."""
        return t(self.key, lang, **self.params)


class DomainError(Exception):
    """`key` is a message-catalogue key; `errors` name fields and reasons; `params` fill the message."""

    def __init__(self, key: str, errors: list[FieldError] | None = None, **params: Any):
        super().__init__(key)
        self.key = key
        self.params = params
        self.errors = errors or []

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


class Invalid(DomainError):
    """The request itself is wrong: a field breaks a rule (HTTP 422)."""


class NotFound(DomainError):
    """What the request names does not exist, or not for this caller (HTTP 404)."""


class Conflict(DomainError):
    """The request is well-formed but the current state refuses it (HTTP 409)."""


class Forbidden(DomainError):
    """The caller may not do this, whatever the state (HTTP 403)."""


class TooLarge(DomainError):
    """What the request carries is over its size limit (HTTP 413)."""


class Unsupported(DomainError):
    """What the request carries is of a type not accepted (HTTP 415)."""


T = TypeVar("T")


def found(value: T | None, key: str, **params: Any) -> T:
    """`value`, or NotFound(key, **params) where a lookup found nothing."""
    if value is None:
        raise NotFound(key, **params)
    return value


__all__ = [
    "Conflict",
    "DomainError",
    "FieldError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "TooLarge",
    "Unsupported",
    "found",
]
