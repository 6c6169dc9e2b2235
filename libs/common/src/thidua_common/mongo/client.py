from pymongo import AsyncMongoClient

from ..settings import Settings


def make_client(settings: Settings) -> AsyncMongoClient:
    return AsyncMongoClient(settings.mongo_uri, tz_aware=True, uuidRepresentation="standard")
