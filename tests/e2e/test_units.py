"""The unit registry on the real stack: hierarchy, renames, merges (the 2025 reform merged
provinces and removed districts) and splits, the campaigns they take part in, and their events."""

import json
import uuid

import httpx
import pytest

from .conftest import TENANT, read_topic, reporter, small_campaign

UNITS = "/api/v1/units"


@pytest.fixture
def sfx():
    return uuid.uuid4().hex[:6]


@pytest.fixture
async def intake(stack):
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        yield client


async def put_unit(intake, board, unit_id, name_vi, unit_type="district", parent_id=None, **extra):
    body = {"name_vi": name_vi, "unit_type": unit_type, "parent_id": parent_id, "valid_from": "2004-01-01", **extra}
    r = await intake.put(f"{UNITS}/{unit_id}", json=body, headers=board)
    assert r.status_code == 200, r.text
    return r.json()


async def get_unit(intake, board, unit_id):
    r = await intake.get(f"{UNITS}/{unit_id}", headers=board)
    assert r.status_code == 200, r.text
    return r.json()


async def hierarchy(intake, board, sfx):
    """A province with three districts and a commune under the first."""
    ids = {k: f"{k}-{sfx}" for k in ("tinh", "cu-jut", "dak-mil", "krong-no", "xa-ea-po")}
    await put_unit(intake, board, ids["tinh"], "Tỉnh Đắk Nông", "province")
    await put_unit(intake, board, ids["cu-jut"], "Huyện Cư Jút", parent_id=ids["tinh"], email="cujut@daknong.test")
    await put_unit(intake, board, ids["dak-mil"], "Huyện Đắk Mil", parent_id=ids["tinh"])
    await put_unit(intake, board, ids["krong-no"], "Huyện Krông Nô", parent_id=ids["tinh"])
    await put_unit(intake, board, ids["xa-ea-po"], "Xã Ea Pô", "commune", parent_id=ids["cu-jut"])
    return ids


async def put_campaign(intake, board, campaign_id, participants):
    body = small_campaign(campaign_id)
    body["participants"] = [
        {"unit_id": uid, "name_vi": f"Tên cũ {uid}", "unit_type": "district", "cluster_id": cluster, "email": None}
        for uid, cluster in participants
    ]
    r = await intake.put(f"/api/v1/campaigns/{campaign_id}", json=body, headers=board)
    assert r.status_code == 200, r.text
    return r.json()


def unit_events(settings, unit_id, kind=None, timeout=20.0):
    key = f"{TENANT}/{unit_id}".encode()

    def wanted(rec):
        return rec.key == key and (kind is None or json.loads(rec.value)["data"]["change"]["kind"] == kind)

    return read_topic(settings, "units", wanted, timeout)


async def test_hierarchy_and_a_rename_that_keeps_the_id_and_the_history(stack, settings, board, intake, sfx):
    ids = await hierarchy(intake, board, sfx)
    r = await intake.get(
        UNITS, params={"parent": ids["tinh"], "type": "district"}, headers=reporter(settings, ids["cu-jut"])
    )
    assert r.status_code == 200  # any role of the tenant may read
    assert [u["unit_id"] for u in r.json()] == sorted([ids["cu-jut"], ids["dak-mil"], ids["krong-no"]])

    r = await intake.post(
        f"{UNITS}/{ids['cu-jut']}/rename",
        json={
            "name_vi": "Thị xã Cư Jút",
            "name_en": "Cu Jut Town",
            "effective": "2020-01-01",
            "reason": "NQ 869/NQ-UBTVQH14",
        },
        headers=board,
    )
    assert r.status_code == 200, r.text
    unit = await get_unit(intake, board, ids["cu-jut"])
    assert unit["unit_id"] == ids["cu-jut"] and unit["name_vi"] == "Thị xã Cư Jút" and unit["revision"] == 2
    assert unit["name_history"] == [
        {"name_vi": "Huyện Cư Jút", "valid_from": "2004-01-01", "valid_to": "2019-12-31"},
        {"name_vi": "Thị xã Cư Jút", "valid_from": "2020-01-01", "valid_to": None},
    ]
    events = await unit_events(settings, ids["cu-jut"], "renamed")
    data = json.loads(events[0].value)["data"]
    assert data["revision"] == 2 and data["change"]["reason"] == "NQ 869/NQ-UBTVQH14"
    assert data["name_history"][0]["valid_to"] == "2019-12-31"


async def test_merging_two_districts_moves_their_campaigns_to_the_successor(stack, settings, board, intake, sfx):
    ids = await hierarchy(intake, board, sfx)
    campaign_id = f"pt-hn-{sfx}"
    other_id = f"pt-khac-{sfx}"
    await put_campaign(
        intake,
        board,
        campaign_id,
        [(ids["cu-jut"], "khoi-huyen"), (ids["krong-no"], "khoi-huyen"), (ids["dak-mil"], "khoi-so")],
    )
    await put_campaign(intake, board, other_id, [(ids["krong-no"], "khoi-huyen")])
    successor = f"cu-jut-dak-mil-{sfx}"
    r = await intake.post(
        f"{UNITS}/merge",
        json={
            "sources": [ids["cu-jut"], ids["dak-mil"]],
            "into": {
                "unit_id": successor,
                "name_vi": "Huyện Cư Jút – Đắk Mil",
                "unit_type": "district",
                "email": "moi@daknong.test",
            },
            "effective": "2025-07-01",
            "reason": "Nghị quyết 1671/NQ-UBTVQH15 sắp xếp đơn vị hành chính",
        },
        headers=board,
    )
    assert r.status_code == 200, r.text
    assert r.json()["campaigns"] == [{"campaign_id": campaign_id, "revision": 2}]

    for source in (ids["cu-jut"], ids["dak-mil"]):
        unit = await get_unit(intake, board, source)
        assert unit["status"] == "merged" and unit["successors"] == [successor] and unit["valid_to"] == "2025-06-30"
    new = await get_unit(intake, board, successor)
    assert new["predecessors"] == [ids["cu-jut"], ids["dak-mil"]] and new["valid_from"] == "2025-07-01"
    assert new["parent_id"] == ids["tinh"]
    assert (await get_unit(intake, board, ids["xa-ea-po"]))["parent_id"] == successor  # the commune moved along

    r = await intake.get(f"{UNITS}/{successor}/lineage", headers=board)
    lineage = r.json()
    assert [(p["unit_id"], p["status"], p["effective"]) for p in lineage["predecessors"]] == [
        (ids["cu-jut"], "merged", "2025-07-01"),
        (ids["dak-mil"], "merged", "2025-07-01"),
    ]
    r = await intake.get(f"{UNITS}/{ids['cu-jut']}/lineage", headers=board)
    assert [s["unit_id"] for s in r.json()["successors"]] == [successor]

    r = await intake.get(f"/api/v1/campaigns/{campaign_id}", headers=board)
    campaign = r.json()
    assert campaign["revision"] == 2
    assert [(p["unit_id"], p["cluster_id"], p["name_vi"], p["email"]) for p in campaign["participants"]] == [
        (successor, "khoi-huyen", "Huyện Cư Jút – Đắk Mil", "moi@daknong.test"),
        (ids["krong-no"], "khoi-huyen", f"Tên cũ {ids['krong-no']}", None),
    ]
    other = (await intake.get(f"/api/v1/campaigns/{other_id}", headers=board)).json()
    assert other["revision"] == 1  # no source takes part: untouched

    key = f"{TENANT}/{campaign_id}".encode()
    defined = await read_topic(
        settings,
        "campaigns",
        lambda rec: rec.key == key and json.loads(rec.value)["data"].get("change", {}).get("kind") == "units_merged",
    )
    assert len(defined) == 1
    event = json.loads(defined[0].value)
    assert event["type"] == "vn.thidua.campaign.defined.v1" and event["data"]["revision"] == 2
    assert [p["unit_id"] for p in event["data"]["participants"]] == [successor, ids["krong-no"]]
    assert event["data"]["change"]["by"] == "board"
    assert event["data"]["change"]["detail"] == {
        "sources": [ids["cu-jut"], ids["dak-mil"]],
        "into": successor,
        "effective": "2025-07-01",
    }

    for unit_id, kind in (
        (ids["cu-jut"], "merged"),
        (ids["dak-mil"], "merged"),
        (successor, "merged"),
        (ids["xa-ea-po"], "updated"),
    ):
        events = await unit_events(settings, unit_id, kind)
        assert len(events) == 1, unit_id
        envelope = json.loads(events[0].value)
        assert envelope["type"] == "vn.thidua.unit.changed.v1" and envelope["tenant"] == TENANT
    merged = json.loads((await unit_events(settings, successor, "merged"))[0].value)["data"]
    assert merged["predecessors"] == [ids["cu-jut"], ids["dak-mil"]] and merged["status"] == "active"


async def test_a_split_gives_its_campaigns_every_successor(stack, settings, board, intake, sfx):
    ids = await hierarchy(intake, board, sfx)
    campaign_id = f"pt-tach-{sfx}"
    await put_campaign(intake, board, campaign_id, [(ids["dak-mil"], "khoi-so"), (ids["krong-no"], "khoi-huyen")])
    north, south = f"bac-{sfx}", f"nam-{sfx}"
    r = await intake.post(
        f"{UNITS}/{ids['krong-no']}/split",
        json={
            "into": [
                {"unit_id": north, "name_vi": "Xã Krông Nô Bắc", "unit_type": "commune"},
                {"unit_id": south, "name_vi": "Xã Krông Nô Nam", "unit_type": "commune"},
            ],
            "effective": "2025-07-01",
            "reason": "Bỏ cấp huyện",
        },
        headers=board,
    )
    assert r.status_code == 200, r.text
    source = await get_unit(intake, board, ids["krong-no"])
    assert source["status"] == "split" and source["successors"] == [north, south]
    for unit_id in (north, south):
        unit = await get_unit(intake, board, unit_id)
        assert unit["predecessors"] == [ids["krong-no"]] and unit["parent_id"] == ids["tinh"]
    campaign = (await intake.get(f"/api/v1/campaigns/{campaign_id}", headers=board)).json()
    assert [(p["unit_id"], p["cluster_id"]) for p in campaign["participants"]] == [
        (ids["dak-mil"], "khoi-so"),
        (north, "khoi-huyen"),
        (south, "khoi-huyen"),
    ]
    key = f"{TENANT}/{campaign_id}".encode()
    defined = await read_topic(
        settings,
        "campaigns",
        lambda rec: rec.key == key and json.loads(rec.value)["data"].get("change", {}).get("kind") == "units_split",
    )
    assert [p["unit_id"] for p in json.loads(defined[0].value)["data"]["participants"]] == [ids["dak-mil"], north, south]
    lineage = (await intake.get(f"{UNITS}/{ids['krong-no']}/lineage", headers=board)).json()
    assert [(s["unit_id"], s["effective"]) for s in lineage["successors"]] == [
        (north, "2025-07-01"),
        (south, "2025-07-01"),
    ]
    assert len(await unit_events(settings, north, "split")) == 1


async def test_refusals_change_nothing(stack, settings, board, intake, sfx):
    ids = await hierarchy(intake, board, sfx)
    campaign_id = f"pt-tu-choi-{sfx}"
    await put_campaign(intake, board, campaign_id, [(ids["cu-jut"], "khoi-huyen"), (ids["dak-mil"], "khoi-huyen")])
    merge = {
        "sources": [ids["cu-jut"], ids["dak-mil"]],
        "into": {"unit_id": f"hop-nhat-{sfx}", "name_vi": "Huyện hợp nhất", "unit_type": "district"},
        "effective": "2025-07-01",
        "reason": "Sắp xếp",
    }
    assert (await intake.post(f"{UNITS}/merge", json=merge, headers=board)).status_code == 200

    # merging a unit that is no longer active
    again = {
        **merge,
        "sources": [ids["cu-jut"], ids["krong-no"]],
        "into": {**merge["into"], "unit_id": f"lan-hai-{sfx}"},
    }
    r = await intake.post(f"{UNITS}/merge", json=again, headers=board)
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "sources.0"
    assert r.json()["errors"][0]["reason"] == f"Đơn vị '{ids['cu-jut']}' không còn hoạt động (trạng thái: đã hợp nhất)."
    r = await intake.post(f"{UNITS}/merge", json=again, headers={**board, "Accept-Language": "en"})
    assert r.json()["errors"][0]["reason"] == f"Unit '{ids['cu-jut']}' is no longer active (status: merged)."

    # merging a unit with itself
    r = await intake.post(
        f"{UNITS}/merge", json={**again, "sources": [ids["krong-no"], ids["krong-no"]]}, headers=board
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "unit.merge_self"

    # a cycle: the province under its own commune
    r = await intake.put(
        f"{UNITS}/{ids['tinh']}",
        json={
            "name_vi": "Tỉnh Đắk Nông",
            "unit_type": "province",
            "parent_id": ids["xa-ea-po"],
            "valid_from": "2004-01-01",
        },
        headers=board,
    )
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "parent_id" and error["code"] == "unit.cycle" and "vòng lặp" in error["reason"]

    # an unknown parent
    stray = f"lac-{sfx}"
    r = await intake.put(
        f"{UNITS}/{stray}",
        json={"name_vi": "Xã lạc", "unit_type": "commune", "parent_id": f"khong-co-{sfx}"},
        headers=board,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parent_id"
    assert r.json()["errors"][0]["reason"] == f"Không có đơn vị 'khong-co-{sfx}' trong danh mục đơn vị."

    # a rename that takes effect before the unit began
    r = await intake.post(
        f"{UNITS}/{ids['krong-no']}/rename",
        json={"name_vi": "Huyện mới", "effective": "2003-01-01", "reason": "x"},
        headers=board,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "effective"
    assert "01/01/2003" in r.json()["errors"][0]["reason"]

    # only the commendation board changes units
    r = await intake.put(
        f"{UNITS}/{stray}", json={"name_vi": "Xã lạc", "unit_type": "commune"}, headers=reporter(settings, stray)
    )
    assert r.status_code == 403

    # nothing changed
    assert (await get_unit(intake, board, ids["tinh"]))["revision"] == 1
    assert (await get_unit(intake, board, ids["tinh"]))["parent_id"] is None
    assert (await get_unit(intake, board, ids["krong-no"]))["revision"] == 1
    assert (await get_unit(intake, board, ids["cu-jut"]))["revision"] == 2
    assert (await intake.get(f"{UNITS}/{stray}", headers=board)).status_code == 404
    assert (await intake.get(f"{UNITS}/lan-hai-{sfx}", headers=board)).status_code == 404
    assert (await intake.get(f"/api/v1/campaigns/{campaign_id}", headers=board)).json()["revision"] == 2
    # and no event: a later change's event is on the topic, none of the refused ones before it
    marker = f"moc-{sfx}"
    await put_unit(intake, board, marker, "Đơn vị mốc", "other")
    assert await unit_events(settings, marker)
    ours = await read_topic(settings, "units", lambda rec: sfx in rec.key.decode())
    changes = sorted(
        (json.loads(rec.value)["data"]["unit_id"], json.loads(rec.value)["data"]["change"]["kind"]) for rec in ours
    )
    assert changes == sorted(
        [(ids[k], "created") for k in ids]
        + [(ids["cu-jut"], "merged"), (ids["dak-mil"], "merged"), (f"hop-nhat-{sfx}", "merged")]
        + [(ids["xa-ea-po"], "updated"), (marker, "created")]
    )


async def test_demo_units_load_under_the_province(stack, board, intake):
    from thidua_devstack.demo_data import PROVINCE, campaigns, units

    for unit_id, body in units():
        r = await intake.put(f"{UNITS}/{unit_id}", json=body, headers=board)
        assert r.status_code == 200, r.text
    children = (await intake.get(UNITS, params={"parent": PROVINCE[0]}, headers=board)).json()
    assert len(children) == len(units()) - 1
    participants = {p["unit_id"] for c in campaigns().values() for p in c["participants"]}
    assert participants <= {u["unit_id"] for u in children}
    # loading again changes nothing
    r = await intake.put(f"{UNITS}/{PROVINCE[0]}", json=units()[0][1], headers=board)
    assert r.json()["revision"] == 1
