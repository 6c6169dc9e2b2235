"""Annotated dependencies of the HTTP entrypoints."""

from typing import Annotated

from fastapi import Depends, Request
from pymongo.asynchronous.database import AsyncDatabase

from thidua_common.settings import Settings

from .uow import UnitOfWork


# async: FastAPI runs a plain `def` dependency in a thread pool, one thread hop per dependency per request
async def get_db(request: Request) -> AsyncDatabase:
    return request.app.state.db


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_uow(request: Request) -> UnitOfWork:
    """A unit of work per request: the services' one way to change anything (..uow)."""
    state = request.app.state
    return UnitOfWork(state.mongo, state.db, state.relay)


Db = Annotated[AsyncDatabase, Depends(get_db)]
Uow = Annotated[UnitOfWork, Depends(get_uow)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
