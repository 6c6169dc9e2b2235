"""Issue 10: the review queue and a unit's periods (intake's GET /api/v1/submissions) through the
real stack: a cluster head's queue holds the new submissions of its cluster, not another
cluster's, not its own unit's; a return moves the submission to the unit; a unit sees its own
unit only; pages follow each other by cursor; bad parameters are 422s naming the field."""

import pytest
from pymongo import AsyncMongoClient

from .conftest import TENANT, reporter, small_campaign
from .helpers import call, clusters_2018, head, running_campaign


def queued_campaign(campaign_id: str) -> dict:
    """Odd units in khoi-huyen (head don-vi-1, deputy don-vi-3 in 2018), even ones in khoi-so (head don-vi-2)."""
    return {**small_campaign(campaign_id), "clusters": clusters_2018()}


@pytest.fixture
async def cid(stack, board):
    return await running_campaign(stack, board, "hang-doi", queued_campaign)


async def submit(stack, settings, cid, unit) -> str:
    body = {"tenant": "daknong", "campaign_id": cid, "unit_id": unit, "period": "2018-Q2",
            "values": {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 12}}
    response = await call(stack, "POST", "/api/v1/submissions", reporter(settings, unit), body)
    assert response.status_code == 202, response.text
    return response.json()["submission_id"]


async def listed(stack, headers, query: str) -> dict:
    response = await call(stack, "GET", f"/api/v1/submissions?{query}", headers)
    assert response.status_code == 200, response.text
    return response.json()


def units(page: dict) -> list[str]:
    return [item["unit_id"] for item in page["items"]]


async def test_a_cluster_heads_queue_and_the_units_view_follow_the_review(stack, settings, board, cid):
    ids = {unit: await submit(stack, settings, cid, unit) for unit in ("don-vi-1", "don-vi-2", "don-vi-3", "don-vi-4")}
    lead = head(settings, "don-vi-1")

    queue = await listed(stack, lead, f"campaign_id={cid}&queue=true")
    assert units(queue) == ["don-vi-3"] and queue["next"] is None  # not don-vi-1 (its own), not khoi-so
    [item] = queue["items"]
    assert {k: item[k] for k in ("submission_id", "period", "status", "level", "awaiting", "reasons", "appeal",
                                 "resubmission_of", "overdue", "age_days", "channel")} == {
        "submission_id": ids["don-vi-3"], "period": "2018-Q2", "status": "pending", "level": None,
        "awaiting": "cluster", "reasons": {}, "appeal": None, "resubmission_of": None, "overdue": False,
        "age_days": 0, "channel": "http"}
    assert item["submitted_at"].endswith("Z") and len(item["due_date"]) == 10 and item["submitted_by"]
    assert units(await listed(stack, head(settings, "don-vi-2"), f"campaign_id={cid}&queue=true")) == ["don-vi-4"]
    # without queue: the units of its cluster, its own included, newest first
    assert units(await listed(stack, lead, f"campaign_id={cid}")) == ["don-vi-3", "don-vi-1"]

    reason = "Thiếu danh sách nhà đại đoàn kết đã bàn giao"
    returned = await call(stack, "POST", f"/api/v1/submissions/{ids['don-vi-3']}/review", lead,
                          {"decision": "return", "reasons": {"nha-dai-doan-ket": reason}})
    assert returned.status_code == 201, returned.text
    assert (await listed(stack, lead, f"campaign_id={cid}&queue=true"))["items"] == []
    unit = reporter(settings, "don-vi-3")
    [mine] = (await listed(stack, unit, f"campaign_id={cid}"))["items"]
    assert (mine["status"], mine["level"], mine["awaiting"], mine["reasons"], mine["overdue"]) == (
        "returned", "cluster", "unit", {"nha-dai-doan-ket": reason}, False)
    assert units(await listed(stack, unit, f"campaign_id={cid}&unit_id=don-vi-3&queue=true")) == ["don-vi-3"]

    other = await call(stack, "GET", f"/api/v1/submissions?campaign_id={cid}&unit_id=don-vi-2", unit)
    assert other.status_code == 403
    assert other.json()["message"] == "Bạn chỉ được thao tác cho đơn vị 'don-vi-3', không phải 'don-vi-2'."
    assert other.json()["errors"][0]["field"] == "unit_id"
    outside = await call(stack, "GET", f"/api/v1/submissions?campaign_id={cid}&unit_id=don-vi-2", {**lead, "Accept-Language": "en"})
    assert outside.status_code == 403
    assert outside.json()["message"] == ("You may only see the submissions of the units of the clusters that unit "
                                         "'don-vi-1' heads or deputises; unit 'don-vi-2' is not in them.")

    # the board's queue: every pending submission, oldest first; the returned one is the unit's
    assert units(await listed(stack, board, f"campaign_id={cid}&queue=true")) == ["don-vi-1", "don-vi-2", "don-vi-4"]

    # the resubmission replaces the returned one in the list and is the head's to review again
    again = await call(stack, "POST", f"/api/v1/submissions/{ids['don-vi-3']}/resubmit", unit,
                       {"values": {"nha-dai-doan-ket": 15}})
    assert again.status_code == 202, again.text
    [back] = (await listed(stack, lead, f"campaign_id={cid}&queue=true"))["items"]
    assert (back["submission_id"], back["resubmission_of"], back["awaiting"]) == (
        again.json()["submission_id"], ids["don-vi-3"], "cluster")


async def test_pages_follow_each_other_by_cursor(stack, settings, board, cid):
    submitted = [await submit(stack, settings, cid, unit) for unit in ("don-vi-1", "don-vi-2", "don-vi-3", "don-vi-4")]
    first = await listed(stack, board, f"campaign_id={cid}&limit=3")
    assert len(first["items"]) == 3 and first["next"]
    second = await listed(stack, board, f"campaign_id={cid}&limit=3&after={first['next']}")
    assert second["next"] is None
    seen = [i["submission_id"] for i in first["items"] + second["items"]]
    assert seen == list(reversed(submitted))  # newest first, each once
    oldest = await listed(stack, board, f"campaign_id={cid}&queue=true&limit=2")
    rest = await listed(stack, board, f"campaign_id={cid}&queue=true&limit=2&after={oldest['next']}")
    assert [i["submission_id"] for i in oldest["items"] + rest["items"]] == submitted and rest["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=201", "limit"), ("status=done", "status"), ("queue=maybe", "queue"),
     ("period=2018-Q5", "period"), ("unit_id=Don%20Vi", "unit_id"), ("after=khong-phai-con-tro", "after")],
)
async def test_bad_parameters_are_refused_naming_the_field(stack, board, query, field):
    response = await call(stack, "GET", f"/api/v1/submissions?{query}", {**board, "Accept-Language": "en"})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert response.json()["message"] == "The request is invalid."


async def test_periods_submitted_before_the_list_existed_are_listed_after_intake_starts(stack, settings, board, cid):
    """Periods written by an earlier version have no listing fields (the oldest no period document
    at all): intake writes them once, at start."""
    ids = {unit: await submit(stack, settings, cid, unit) for unit in ("don-vi-1", "don-vi-2")}
    returned = await call(stack, "POST", f"/api/v1/submissions/{ids['don-vi-2']}/review", board,
                          {"decision": "return", "reasons": {"ho-thoat-ngheo": "Thiếu danh sách hộ thoát nghèo"}})
    assert returned.status_code == 201, returned.text
    mongo = AsyncMongoClient(settings.mongo_uri)
    db = mongo[settings.db_name("intake")]
    try:
        await db.periods.delete_many({"tenant": TENANT, "campaign_id": cid})
        await db.migrations.delete_many({"_id": "period-listing"})
        assert (await listed(stack, board, f"campaign_id={cid}"))["items"] == []
        stack.stop_service("intake")
        stack.start_services(("intake",))
        assert (await db.migrations.find_one({"_id": "period-listing"}))["written"] >= 2
    finally:
        await mongo.close()
    items = {i["unit_id"]: i for i in (await listed(stack, board, f"campaign_id={cid}"))["items"]}
    assert (items["don-vi-1"]["submission_id"], items["don-vi-1"]["status"]) == (ids["don-vi-1"], "pending")
    assert (items["don-vi-2"]["status"], items["don-vi-2"]["awaiting"]) == ("returned", "unit")
    # and a new submission still finds its period unlocked
    assert await submit(stack, settings, cid, "don-vi-1")
