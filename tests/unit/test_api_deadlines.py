"""Issue 15: intake's deadline routes over HTTP (the real router, the fake unit of work): the check
as of another day only where the deployment allows a clock override (422 naming `as_of`, in
Vietnamese or English), the board only; a unit's roles read their own unit's deadlines."""

from datetime import date

import httpx
import pytest
from fastapi import Depends

from thidua_common.auth import mint_token
from thidua_common.http import create_app
from thidua_common.settings import Settings
from thidua_intake.access import refuse_read_only_writes
from thidua_intake.deadlines.views import router
from thidua_intake.deps import get_db, get_uow

from .service_fixtures import TENANT, fresh_uow
from .test_service_deadlines import stored

SECRET = "unit-test-secret-that-is-32-bytes!!"


def bearer(settings, *roles: str, unit: str | None = None) -> dict:
    return {"Authorization": f"Bearer {mint_token(settings, subject='x', tenant=TENANT, roles=list(roles), unit_id=unit)}"}


async def client_for(settings):
    uow = fresh_uow()
    await stored(uow)
    app = create_app("test", settings)
    app.include_router(router, dependencies=[Depends(refuse_read_only_writes)])

    async def fake_uow():
        return uow

    async def fake_db():
        return uow.db

    app.dependency_overrides[get_uow] = fake_uow
    app.dependency_overrides[get_db] = fake_db
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.parametrize(("lang", "text"), [("vi", "môi trường phát triển"), ("en", "only in development")])
async def test_as_of_is_refused_without_the_clock_override(lang, text):
    settings = Settings(jwt_secret=SECRET, nomination_clock_override=False)
    async with await client_for(settings) as client:
        r = await client.post("/api/v1/deadlines/check", json={"as_of": "2018-04-11"},
                              headers={**bearer(settings, "board_officer"), "Accept-Language": lang})
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["field"] == "as_of" and text in error["reason"]


async def test_the_board_runs_the_check_as_of_a_day_and_a_unit_reads_its_own_deadlines():
    settings = Settings(jwt_secret=SECRET, nomination_clock_override=True)
    async with await client_for(settings) as client:
        refused = await client.post("/api/v1/deadlines/check", json={}, headers=bearer(settings, "unit_reporter",
                                                                                         unit="huyen-cu-jut"))
        assert refused.status_code == 403
        r = await client.post("/api/v1/deadlines/check", json={"as_of": "2018-04-11", "campaign_id": "pt-cai-cach"},
                              headers=bearer(settings, "board_officer"))
        assert r.status_code == 200 and r.json()["reminders"] == 2
        bad = await client.post("/api/v1/deadlines/check", json={"campaign_id": "không hợp lệ"},
                                headers=bearer(settings, "board_officer"))
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "campaign_id"
        mine = await client.get("/api/v1/campaigns/pt-cai-cach/deadlines",
                                headers=bearer(settings, "unit_reporter", unit="huyen-cu-jut"))
        assert mine.status_code == 200
        assert {u["unit_id"] for u in mine.json()["units"]} == {"huyen-cu-jut"}
        assert mine.json()["periods"][0]["due_on"] == date(2018, 4, 13).isoformat()
        unknown = await client.get("/api/v1/campaigns/khong-co/deadlines", headers=bearer(settings, "board_officer"))
        assert unknown.status_code == 404
