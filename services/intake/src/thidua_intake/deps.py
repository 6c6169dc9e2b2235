"""Annotated dependencies of the HTTP entrypoints."""

from typing import Annotated

from fastapi import Depends, Request
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.settings import Settings

from .outbox.relay import OutboxRelay


# async: FastAPI runs a plain `def` dependency in a thread pool, one thread hop per dependency per request
async def get_db(request: Request) -> AsyncDatabase:
    return request.app.state.db


async def get_client(request: Request) -> AsyncMongoClient:
    return request.app.state.mongo


async def get_relay(request: Request) -> OutboxRelay:
    return request.app.state.relay


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


Db = Annotated[AsyncDatabase, Depends(get_db)]
Mongo = Annotated[AsyncMongoClient, Depends(get_client)]
Relay = Annotated[OutboxRelay, Depends(get_relay)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
