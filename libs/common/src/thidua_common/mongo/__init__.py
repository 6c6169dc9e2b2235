"""MongoDB access through PyMongo's async API (AsyncMongoClient). Each service owns its database."""

from .client import make_client

__all__ = ["make_client"]
