"""What every FastAPI entrypoint shares: errors that name the field and reason in the caller's
language, correlation ids, a body-size limit and authentication dependencies."""

from .app import create_app
from .deps import CurrentPrincipal, Lang, require_roles
from .errors import ApiError, FieldError

__all__ = ["ApiError", "CurrentPrincipal", "FieldError", "Lang", "create_app", "require_roles"]
