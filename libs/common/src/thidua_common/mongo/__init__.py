"""MongoDB access through PyMongo's async API (AsyncMongoClient)."""

from .client import make_client, mark_processed

__all__ = ["make_client", "mark_processed"]
