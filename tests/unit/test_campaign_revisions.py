"""Issue 11 (revisions): intake keeps every saved revision of a campaign's definition, written in the
unit of work of the change itself, and answers them at GET /api/v1/campaigns/{cid}/revisions[/{n}]."""

import httpx
import pytest
from pymongo.errors import DuplicateKeyError

from thidua_common.auth import Principal, Role
from thidua_common.contracts.campaign import CampaignStatus
from thidua_common.errors import Conflict
from thidua_common.http import create_app
from thidua_common.http.deps import get_principal
from thidua_common.settings import Settings
from thidua_intake.campaigns import revisions
from thidua_intake.campaigns import service as campaigns
from thidua_intake.campaigns.models import CampaignWrite, StatusChange
from thidua_intake.campaigns.revisions_views import router
from thidua_intake.deps import get_db

from .fake_uow import FakeUnitOfWork
from .service_fixtures import CAMPAIGN, TENANT, fresh_uow, store_campaign

BOARD = "board-officer.so-noi-vu"


def body(**overrides) -> CampaignWrite:
    fields = {
        "name_vi": "Phong trào cải cách hành chính",
        "launched_by": "UBND tỉnh",
        "start": "2018-01-01",
        "end": "2018-12-31",
        "criteria": [{"id": "dung-han", "name_vi": "Tỷ lệ hồ sơ đúng hạn", "max_points": 40, "target": 98}],
        "participants": [{"unit_id": "huyen-cu-jut", "name_vi": "Huyện Cư Jút", "unit_type": "district"}],
    }
    return CampaignWrite.model_validate({**fields, **overrides})


async def saved_three_times(uow: FakeUnitOfWork) -> None:
    await campaigns.put(uow, TENANT, "pt-moi", body(reason="Tạo mới"), "an")
    await campaigns.put(uow, TENANT, "pt-moi", body(name_vi="Phong trào đổi tên", reason="Đổi tên",
                                                      expected_revision=1), "binh")
    await campaigns.set_status(uow, TENANT, "pt-moi", StatusChange(status=CampaignStatus.launched,
                                                                    reason="Phát động"), "chi")


async def test_each_change_writes_its_revision_in_the_same_unit_of_work():
    uow = fresh_uow()
    await saved_three_times(uow)
    assert uow.transactions == 3
    found = await revisions.page(uow.db, TENANT, "pt-moi")
    assert found["history_from"] == 1 and found["current"] == 3 and found["next"] is None
    assert [(r["revision"], r["saved_by"], r["kind"], r["reason"]) for r in found["items"]] == [
        (3, "chi", "status", "Phát động"),
        (2, "binh", "updated", "Đổi tên"),
        (1, "an", "created", "Tạo mới"),
    ]
    assert found["items"][0]["detail"] == {"from": "draft", "to": "launched"}
    assert all(r["saved_at"] for r in found["items"]) and "definition" not in found["items"][0]
    first, second = [await revisions.one(uow.db, TENANT, "pt-moi", n) for n in (1, 2)]
    assert first["definition"]["name_vi"] == "Phong trào cải cách hành chính"
    assert second["definition"]["name_vi"] == "Phong trào đổi tên" and second["definition"]["revision"] == 2
    assert (await revisions.one(uow.db, TENANT, "pt-moi", 3))["definition"]["status"] == "launched"


async def test_a_refused_change_writes_no_revision():
    uow = fresh_uow()
    await campaigns.put(uow, TENANT, "pt-moi", body(), "an")
    with pytest.raises(Conflict):  # edited revision 7, the campaign is at 1
        await campaigns.put(uow, TENANT, "pt-moi", body(name_vi="Khác hẳn", expected_revision=7), "an")
    with pytest.raises(Conflict):  # draft → closed is no lifecycle step
        await campaigns.set_status(uow, TENANT, "pt-moi", StatusChange(status=CampaignStatus.closed), "an")
    found = await revisions.page(uow.db, TENANT, "pt-moi")
    assert [r["revision"] for r in found["items"]] == [1]
    assert await uow.db.campaign_revisions.count_documents({}) == 1


async def test_a_retried_request_writes_its_revision_once():
    uow = fresh_uow()
    await campaigns.put(uow, TENANT, "pt-moi", body(), "an")
    change = body(name_vi="Tên mới", expected_revision=1)
    await campaigns.put(uow, TENANT, "pt-moi", change, "an")
    with pytest.raises(Conflict):  # the same request again (its answer was lost): refused, nothing written
        await campaigns.put(uow, TENANT, "pt-moi", change, "an")
    assert sorted([r["revision"] async for r in uow.db.campaign_revisions.find({})]) == [1, 2]


async def test_a_retried_transaction_writes_its_revision_once():
    """The real unit of work runs `work` again after a transient error; a record of the same revision
    written twice is a duplicate key (its id is the revision), never a second record."""
    uow = fresh_uow()
    await campaigns.put(uow, TENANT, "pt-moi", body(), "an")
    doc = await uow.db.campaigns.find_one({"_id": f"{TENANT}/pt-moi"})
    with pytest.raises(DuplicateKeyError):
        await revisions.record(uow.db, None, doc, None)
    assert await uow.db.campaign_revisions.count_documents({}) == 1


async def test_a_units_merge_writes_a_revision_of_each_campaign_it_changes():
    from datetime import date

    from thidua_intake.units import service as units
    from thidua_intake.units.models import UnitRename, UnitWrite

    uow = fresh_uow()
    await campaigns.put(uow, TENANT, "pt-moi", body(), "an")
    await units.put(uow, TENANT, "huyen-cu-jut", UnitWrite(name_vi="Huyện Cư Jút", unit_type="district",
                                                             valid_from=date(2010, 1, 1)), "an")
    await units.rename(uow, TENANT, "huyen-cu-jut", UnitRename(name_vi="Thị xã Cư Jút", effective=date(2024, 1, 1),
                                                                 reason="Nghị quyết 1"), "binh")
    found = await revisions.page(uow.db, TENANT, "pt-moi")
    assert [r["revision"] for r in found["items"]] == [2, 1]
    renamed = await revisions.one(uow.db, TENANT, "pt-moi", 2)
    assert renamed["definition"]["participants"][0]["name_vi"] == "Thị xã Cư Jút"


async def test_a_campaign_saved_before_the_history_has_its_current_revision_as_the_only_known_one():
    uow = fresh_uow()
    await store_campaign(uow)  # revision 3, stored without history
    found = await revisions.page(uow.db, TENANT, CAMPAIGN)
    assert found["history_from"] == 3 and [r["revision"] for r in found["items"]] == [3]
    assert found["items"][0]["saved_at"] is None
    assert (await revisions.one(uow.db, TENANT, CAMPAIGN, 3))["definition"]["revision"] == 3
    await campaigns.set_status(uow, TENANT, CAMPAIGN, StatusChange(status=CampaignStatus.reviewing), "an")
    after = await revisions.page(uow.db, TENANT, CAMPAIGN)
    assert after["history_from"] == 3 and [r["revision"] for r in after["items"]] == [4, 3]
    assert (await revisions.one(uow.db, TENANT, CAMPAIGN, 3))["definition"]["status"] == "running"


async def test_pages_newest_first_with_a_cursor():
    uow = fresh_uow()
    await campaigns.put(uow, TENANT, "pt-moi", body(), "an")
    for n in range(1, 5):
        await campaigns.put(uow, TENANT, "pt-moi", body(reason=f"lần {n}", expected_revision=n), "an")
    first = await revisions.page(uow.db, TENANT, "pt-moi", limit=2)
    assert [r["revision"] for r in first["items"]] == [5, 4] and first["next"] == 4
    second = await revisions.page(uow.db, TENANT, "pt-moi", limit=2, after=first["next"])
    assert [r["revision"] for r in second["items"]] == [3, 2] and second["next"] == 2
    last = await revisions.page(uow.db, TENANT, "pt-moi", limit=2, after=second["next"])
    assert [r["revision"] for r in last["items"]] == [1] and last["next"] is None


# -- through HTTP: access, 404, 422 -----------------------------------------------------------------
def _app(uow: FakeUnitOfWork, principal: Principal):
    app = create_app("test", Settings())
    app.include_router(router)
    app.dependency_overrides[get_db] = lambda: uow.db
    app.dependency_overrides[get_principal] = lambda: principal
    return app


async def _get(uow: FakeUnitOfWork, path: str, principal: Principal, lang: str = "vi") -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(uow, principal))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake.test") as client:
        return await client.get(path, headers={"Accept-Language": lang})


def _who(*roles: Role, tenant: str = TENANT, unit: str | None = None) -> Principal:
    return Principal(subject="someone", tenant=tenant, roles=frozenset(roles), unit_id=unit)


async def test_read_like_the_campaign_by_every_role_of_the_tenant_and_by_no_other_tenant():
    uow = fresh_uow()
    await saved_three_times(uow)
    for principal in (_who(Role.board_officer), _who(Role.unit_reporter, unit="huyen-cu-jut"), _who(Role.auditor)):
        listed = await _get(uow, "/api/v1/campaigns/pt-moi/revisions?limit=2", principal)
        assert listed.status_code == 200, listed.text
        assert [r["revision"] for r in listed.json()["items"]] == [3, 2] and listed.json()["next"] == 2
        one = await _get(uow, "/api/v1/campaigns/pt-moi/revisions/2", principal)
        assert one.status_code == 200 and one.json()["definition"]["name_vi"] == "Phong trào đổi tên"
    elsewhere = await _get(uow, "/api/v1/campaigns/pt-moi/revisions", _who(Role.board_officer, tenant="lamdong"))
    assert elsewhere.status_code == 404 and elsewhere.json()["message"] == "Không có phong trào thi đua 'pt-moi'."


async def test_an_unknown_revision_is_a_404_with_the_catalogue_message_in_each_language():
    uow = fresh_uow()
    await saved_three_times(uow)
    vi = await _get(uow, "/api/v1/campaigns/pt-moi/revisions/9", _who(Role.board_officer))
    assert vi.status_code == 404
    assert vi.json()["message"] == (
        "Phong trào 'pt-moi' không có phiên bản 9 trong lịch sử đã lưu (lịch sử có từ phiên bản 1 đến 3)."
    )
    en = await _get(uow, "/api/v1/campaigns/pt-moi/revisions/9", _who(Role.board_officer), "en")
    assert en.json()["message"] == "Campaign 'pt-moi' has no revision 9 in its saved history (the history holds " \
        "revisions 1 to 3)."


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"), ("after=0", "after"), ("after=abc", "after")],
)
async def test_a_bad_query_is_a_422_naming_the_field(query: str, field: str):
    uow = fresh_uow()
    await saved_three_times(uow)
    answer = await _get(uow, f"/api/v1/campaigns/pt-moi/revisions?{query}", _who(Role.board_officer))
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    bad = await _get(uow, "/api/v1/campaigns/pt-moi/revisions/0", _who(Role.board_officer))
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["revision"]
