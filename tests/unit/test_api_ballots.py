"""issue 11: ballots — intake's ballot routes over HTTP (the real router, the fake unit of work):
every refusal is a 4xx naming the field in Vietnamese (English on request), never a 500: a bad
choice, a closed vote, a caller who is not a council member, a member of the nominee's unit."""

import httpx
import pytest
from fastapi import Depends

from thidua_common.auth import mint_token
from thidua_common.http import create_app
from thidua_common.settings import Settings
from thidua_intake.access import refuse_read_only_writes
from thidua_intake.deps import get_db, get_uow
from thidua_intake.nominations.ballot_views import router

from .service_fixtures import TENANT
from .test_service_ballots import at_vote, configured

SETTINGS = Settings(jwt_secret="unit-test-secret-that-is-32-bytes!!")


def bearer(subject: str, *roles: str, unit: str | None = None) -> dict:
    token = mint_token(SETTINGS, subject=subject, tenant=TENANT, roles=list(roles), unit_id=unit)
    return {"Authorization": f"Bearer {token}"}


MEMBER1, MEMBER2 = bearer("thanh-vien-1", "council_member"), bearer("thanh-vien-2", "council_member")
OWN_UNIT = bearer("thanh-vien-3", "council_member", unit="so-noi-vu")
BOARD = bearer("can-bo-ban", "board_officer")
LEADER = bearer("lanh-dao", "unit_leader", unit="so-khac")
AUDITOR = bearer("kiem-toan", "auditor")


@pytest.fixture
async def api():
    uow = await configured(3)
    nid = await at_vote(uow)
    app = create_app("test", SETTINGS)
    app.include_router(router, dependencies=[Depends(refuse_read_only_writes)])

    async def fake_uow():
        return uow

    async def fake_db():
        return uow.db

    app.dependency_overrides[get_uow] = fake_uow
    app.dependency_overrides[get_db] = fake_db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client, nid, uow


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


async def test_members_vote_see_the_tally_and_the_board_closes(api):
    client, nid, uow = api
    url = f"/api/v1/nominations/{nid}"
    first = await client.put(f"{url}/ballot", json={"choice": "yes", "comment": "Đồng ý"}, headers=MEMBER1)
    assert first.status_code == 200, first.text
    assert first.json()["mine"]["choice"] == "yes" and first.json()["cast"] == 1
    again = await client.put(f"{url}/ballot", json={"choice": "yes", "comment": "Đồng ý"}, headers=MEMBER1)
    assert again.status_code == 200 and again.json()["cast"] == 1
    await client.put(f"{url}/ballot", json={"choice": "no"}, headers=MEMBER2)
    tally = (await client.get(f"{url}/ballots", headers=BOARD)).json()
    assert {k: tally[k] for k in ("cast", "yes", "no", "abstain", "members", "threshold", "open")} == {
        "cast": 2, "yes": 1, "no": 1, "abstain": 0, "members": 3, "threshold": 0.8, "open": True,
    }
    assert tally["mine"] is None
    assert (await client.get(f"{url}/ballots", headers=LEADER)).status_code == 403
    closed = await client.post(f"{url}/ballots/close", json={}, headers=BOARD)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "failed" and "1/3" in closed.json()["stages"][-1]["reason"]
    late = await client.put(f"{url}/ballot", json={"choice": "yes"}, headers=MEMBER2)
    assert late.status_code == 409 and fields(late) == ["stage"]
    assert late.json()["message"].startswith("Cuộc biểu quyết hồ sơ này đã kết thúc")


async def test_refusals_name_the_field_in_the_callers_language(api):
    client, nid, _ = api
    url = f"/api/v1/nominations/{nid}"
    bad = await client.put(f"{url}/ballot", json={"choice": "co-le"}, headers=MEMBER1)
    assert bad.status_code == 422 and fields(bad) == ["choice"]
    assert "pydantic" not in bad.text.lower()
    outsider = await client.put(f"{url}/ballot", json={"choice": "yes"}, headers=BOARD)
    assert outsider.status_code == 403 and fields(outsider) == ["choice"]
    assert outsider.json()["message"].startswith("Chỉ thành viên Hội đồng")
    own = await client.put(f"{url}/ballot", json={"choice": "yes"}, headers=OWN_UNIT)
    assert own.status_code == 403 and fields(own) == ["nominee.unit_id"]
    assert "xung đột lợi ích" in own.json()["message"]
    english = await client.put(f"{url}/ballot", json={"choice": "yes"}, headers={**OWN_UNIT, "Accept-Language": "en"})
    assert english.json()["message"].startswith("Conflict-of-interest rule")
    none = await client.post(f"{url}/ballots/close", json={}, headers=BOARD)
    assert none.status_code == 409 and fields(none) == ["ballots"]
    member_closes = await client.post(f"{url}/ballots/close", json={}, headers=MEMBER1)
    assert member_closes.status_code == 403
    read_only = await client.put(f"{url}/ballot", json={"choice": "yes"}, headers=AUDITOR)
    assert read_only.status_code == 403
    unknown = await client.get("/api/v1/nominations/khong-co/ballots", headers=BOARD)
    assert unknown.status_code == 404
    extra = await client.post(f"{url}/ballots/close", json={"members": 9}, headers=BOARD)
    assert extra.status_code == 422 and fields(extra) == ["members"]
