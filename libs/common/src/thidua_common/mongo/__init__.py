"""MongoDB access through PyMongo's async API (AsyncMongoClient). Each service owns its database."""

from .client import make_client
from .query import given

__all__ = ["given", "make_client"]
