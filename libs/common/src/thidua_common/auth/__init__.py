"""Authentication (JWT bearer tokens, API keys for systems) and the roles of the domain."""

from .principal import Principal, Role
from .tokens import AuthError, decode_token, mint_token

__all__ = ["AuthError", "Principal", "Role", "decode_token", "mint_token"]
