"""Issue 9: the unit service on a fake unit of work: a rename rewrites the campaigns the unit takes
part in, with their events, and drops exactly those from the validated-campaign cache once
committed (before, every change of a unit dropped every cached campaign from the units feature)."""

from datetime import date

from thidua_intake.campaigns import cache
from thidua_intake.campaigns import service as campaigns
from thidua_intake.units import service as units
from thidua_intake.units.models import UnitRename, UnitWrite

from .service_fixtures import CAMPAIGN, TENANT, UNIT, fresh_uow, store_campaign


async def test_a_rename_rewrites_its_campaigns_and_drops_only_those_from_the_cache():
    uow = fresh_uow()
    await store_campaign(uow)
    await units.put(uow, TENANT, UNIT, UnitWrite(name_vi="Huyện Cư Jút", unit_type="district",
                                                 valid_from=date(2010, 1, 1)), "can-bo")
    assert [e["type"] for e in uow.events()] == ["vn.thidua.unit.changed.v1"]
    assert await campaigns.definition(uow.db, TENANT, CAMPAIGN) is not None  # cached now
    cache.definitions["other/campaign"] = cache.definitions[f"{TENANT}/{CAMPAIGN}"]
    result = await units.rename(uow, TENANT, UNIT, UnitRename(name_vi="Thị xã Cư Jút", effective=date(2024, 1, 1),
                                                              reason="Nghị quyết 1"), "can-bo")
    assert [(c.campaign_id, c.revision) for c in result.campaigns] == [(CAMPAIGN, 4)]
    assert [e["type"] for e in uow.events()][1:] == ["vn.thidua.unit.changed.v1", "vn.thidua.campaign.defined.v1"]
    assert f"{TENANT}/{CAMPAIGN}" not in cache.definitions and "other/campaign" in cache.definitions
    renamed = await campaigns.definition(uow.db, TENANT, CAMPAIGN)
    assert next(p.name_vi for p in renamed.participants if p.unit_id == UNIT) == "Thị xã Cư Jút"
