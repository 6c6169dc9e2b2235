from typing import Any

from pymongo import AsyncMongoClient

from ..settings import Settings


def make_client(settings: Settings) -> AsyncMongoClient[dict[str, Any]]:
    return AsyncMongoClient(settings.mongo_uri, tz_aware=True, uuidRepresentation="standard")
