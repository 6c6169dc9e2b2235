"""Registrations (đăng ký thi đua) with targets whose every change carries a reason and stays in
the history, and reviewer ratings by the board or a cluster's head, through the real stack."""

import json
import uuid

import pytest

from thidua_common.contracts.registry import RATING_GIVEN, REGISTRATION_CHANGED

from .conftest import TENANT, eventually, read_topic, reporter, small_campaign, submission, token
from .helpers import call, clusters_2018, head, running_campaign

TITLE = "Cờ thi đua của UBND tỉnh"


def rated_campaign(campaign_id: str) -> dict:
    """small_campaign's four units, its criteria grouped, plus a leaf that the cluster head rates.
    Odd units are in khoi-huyen (head don-vi-1, deputy don-vi-3 in 2018), even ones in khoi-so
    (head don-vi-2 in 2018)."""
    body = small_campaign(campaign_id)
    body["criteria"] = [
        {"id": "ket-qua", "name_vi": "Kết quả giảm nghèo", "max_points": 70, "children": [
            {**body["criteria"][0], "max_points": 40},
            {**body["criteria"][1], "max_points": 30},
        ]},
        {"id": "danh-gia", "name_vi": "Đánh giá của cụm trưởng", "max_points": 30, "scorer": "reviewer_rating",
         "params": {"scale": 5}},
    ]
    body["clusters"] = clusters_2018()
    return body


@pytest.fixture
async def rated(stack, board):
    return await running_campaign(stack, board, "dk", rated_campaign)


def registration_path(cid, unit):
    return f"/api/v1/campaigns/{cid}/registrations/{unit}"


async def events(settings, event_type, campaign_id, count) -> list:
    async def probe():
        records = await read_topic(
            settings, "campaigns",
            lambda r: (e := json.loads(r.value))["type"] == event_type and e["data"]["campaign_id"] == campaign_id,
            timeout=5,
        )
        return records if len(records) >= count else None

    return await eventually(probe, timeout=30)


async def test_a_unit_registers_and_revises_a_target_with_a_reason_kept_in_history(stack, settings, rated):
    unit = reporter(settings, "don-vi-1")
    path = registration_path(rated, "don-vi-1")
    body = {
        "targets": [
            {"criterion_id": "ho-thoat-ngheo", "period": None, "value": 100},
            {"criterion_id": "nha-dai-doan-ket", "period": "2018-Q2", "value": 12},
        ],
        "titles": [TITLE],
    }
    first = await call(stack, "PUT", path, unit, body)
    assert first.status_code == 200, first.text
    registered = first.json()
    assert registered["revision"] == 1 and registered["change"]["kind"] == "registered"
    assert registered["titles"] == [TITLE] and registered["history"] == []
    repeat = await call(stack, "PUT", path, unit, body)
    assert repeat.status_code == 200 and repeat.json()["revision"] == 1  # nothing changed, nothing emitted

    # a target change needs a reason of at least five characters
    change = {"criterion_id": "ho-thoat-ngheo", "period": None, "value": 120}
    missing = await call(stack, "PATCH", f"{path}/targets", unit, change)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    short = await call(stack, "PATCH", f"{path}/targets", unit, {**change, "reason": "  ok  "})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"
    assert (await call(stack, "GET", path, unit)).json()["revision"] == 1

    reason = "Rà soát giữa kỳ: thêm 20 hộ đủ điều kiện thoát nghèo"
    patched = await call(stack, "PATCH", f"{path}/targets", unit, {**change, "reason": reason})
    assert patched.status_code == 200, patched.text
    reg = patched.json()
    assert reg["revision"] == 2
    assert {(t["criterion_id"], t["period"]): t["value"] for t in reg["targets"]} == {
        ("ho-thoat-ngheo", None): 120, ("nha-dai-doan-ket", "2018-Q2"): 12
    }
    [entry] = reg["history"]
    assert (entry["criterion_id"], entry["period"], entry["old"], entry["new"], entry["reason"]) == (
        "ho-thoat-ngheo", None, 100, 120, reason
    )
    assert entry["by"] and entry["at"]

    [record] = [r for r in await events(settings, REGISTRATION_CHANGED, rated, 2)
                if json.loads(r.value)["data"]["change"]["kind"] == "target"]
    assert record.key.decode() == f"{TENANT}/{rated}"
    event = json.loads(record.value)
    assert event["type"] == REGISTRATION_CHANGED and event["subject"] == f"{rated}/don-vi-1"
    data = event["data"]
    assert data["unit_id"] == "don-vi-1" and data["revision"] == 2
    assert data["change"]["reason"] == reason and data["change"]["by"] == entry["by"]
    assert data["change"]["detail"] == {"criterion_id": "ho-thoat-ngheo", "period": None, "old": 100, "new": 120}
    assert data["history"] == [entry]

    # the whole registration again: a changed value needs a reason, a registered target cannot vanish
    changed = {**body, "targets": [body["targets"][0] | {"value": 130}, body["targets"][1]]}
    no_reason = await call(stack, "PUT", path, unit, changed)
    assert no_reason.status_code == 422 and [e["field"] for e in no_reason.json()["errors"]] == ["reason"]
    dropped = await call(stack, "PUT", path, unit, {**body, "targets": body["targets"][:1], "reason": "Bỏ chỉ tiêu"})
    assert dropped.status_code == 422
    assert dropped.json()["errors"][0]["code"] == "registration.target_removed"
    updated = await call(stack, "PUT", path, unit, {**changed, "reason": "Điều chỉnh theo nghị quyết HĐND"})
    assert updated.status_code == 200, updated.text
    reg = updated.json()
    assert reg["revision"] == 3 and reg["change"]["kind"] == "updated"
    assert [(h["old"], h["new"]) for h in reg["history"]] == [(100, 120), (120, 130)]

    listed = await call(stack, "GET", f"/api/v1/campaigns/{rated}/registrations", unit)
    assert [(r["unit_id"], r["revision"]) for r in listed.json()] == [("don-vi-1", 3)]
    await events(settings, REGISTRATION_CHANGED, rated, 3)


async def test_only_the_unit_itself_or_the_board_registers_it(stack, settings, board, rated):
    body = {"targets": [{"criterion_id": "ho-thoat-ngheo", "value": 90}], "titles": [TITLE]}
    other = await call(stack, "PUT", registration_path(rated, "don-vi-1"), reporter(settings, "don-vi-2"), body)
    assert other.status_code == 403, other.text
    assert other.json()["message"] == "Bạn chỉ được thao tác cho đơn vị 'don-vi-2', không phải 'don-vi-1'."
    patch = {"criterion_id": "ho-thoat-ngheo", "value": 1, "reason": "Không phải đơn vị mình"}
    assert (await call(stack, "PATCH", registration_path(rated, "don-vi-1") + "/targets",
                       reporter(settings, "don-vi-2"), patch)).status_code == 403
    assert (await call(stack, "PUT", registration_path(rated, "don-vi-1"), head(settings, "don-vi-1"),
                       body)).status_code == 403  # a cluster head does not register units
    assert (await call(stack, "GET", registration_path(rated, "don-vi-1"), board)).status_code == 404

    leader = {"Authorization": f"Bearer {token(settings, ['unit_leader'], 'don-vi-1')}"}
    assert (await call(stack, "PUT", registration_path(rated, "don-vi-1"), leader, body)).status_code == 200
    by_board = await call(stack, "PUT", registration_path(rated, "don-vi-2"), board, body)
    assert by_board.status_code == 200 and by_board.json()["change"]["by"] == "board"


async def test_registrations_are_checked_against_the_campaign(stack, settings, board, rated):
    unit = reporter(settings, "don-vi-3")
    path = registration_path(rated, "don-vi-3")
    bad = await call(stack, "PUT", path, unit, {"targets": [
        {"criterion_id": "ket-qua", "value": 10},  # a group
        {"criterion_id": "danh-gia", "value": 4},  # rated by reviewers
        {"criterion_id": "ho-thoat-ngheo", "period": "2018", "value": 10},  # campaign reports quarterly
        {"criterion_id": "ho-thoat-ngheo", "period": "2021-Q1", "value": 10},  # after the campaign
        {"criterion_id": "nha-dai-doan-ket", "value": 501},  # above max_value
        {"criterion_id": "khong-co", "value": 1},
    ]})
    assert bad.status_code == 422
    assert {e["field"]: e["code"] for e in bad.json()["errors"]} == {
        "targets.0.criterion_id": "criterion.not_leaf",
        "targets.1.criterion_id": "target.reviewer_rated",
        "targets.2.period": "period.frequency",
        "targets.3.period": "period.outside",
        "targets.4.value": "value.range",
        "targets.5.criterion_id": "criterion.unknown",
    }
    outsider = await call(stack, "PUT", registration_path(rated, "khong-tham-gia"), board, {"targets": []})
    assert outsider.status_code == 422 and outsider.json()["errors"][0]["field"] == "unit_id"
    unregistered = await call(stack, "PATCH", f"{path}/targets", unit,
                              {"criterion_id": "ho-thoat-ngheo", "value": 5, "reason": "Chưa đăng ký"})
    assert unregistered.status_code == 404
    assert (await call(stack, "GET", path, unit)).status_code == 404


async def test_registration_needs_a_launched_or_running_campaign(stack, settings, board):
    cid = f"dk-{uuid.uuid4().hex[:8]}"
    assert (await call(stack, "PUT", f"/api/v1/campaigns/{cid}", board, rated_campaign(cid))).status_code == 200
    body = {"targets": [{"criterion_id": "ho-thoat-ngheo", "value": 90}]}
    draft = await call(stack, "PUT", registration_path(cid, "don-vi-1"), reporter(settings, "don-vi-1"), body)
    assert draft.status_code == 409, draft.text
    assert "«nháp» (draft)" in draft.json()["message"] and "đăng ký" in draft.json()["message"]
    for status in ("launched", "running", "reviewing"):
        r = await call(stack, "POST", f"/api/v1/campaigns/{cid}/status", board, {"status": status})
        assert r.status_code == 200
    reviewing = await call(stack, "PUT", registration_path(cid, "don-vi-1"), reporter(settings, "don-vi-1"), body)
    assert reviewing.status_code == 409 and "«đang sơ kết/tổng kết» (reviewing)" in reviewing.json()["message"]


async def test_reviewer_ratings_by_the_board_and_the_cluster_head(stack, settings, board, rated):
    path = f"/api/v1/campaigns/{rated}/ratings"
    rating = {"unit_id": "don-vi-3", "period": "2018-Q2", "ratings": {"danh-gia": 4.5},
              "comment": "Phối hợp tốt trong cụm"}
    by_board = await call(stack, "POST", path, board, rating)
    assert by_board.status_code == 201, by_board.text
    assert by_board.json()["by"] == "board" and by_board.json()["ratings"] == {"danh-gia": 4.5}
    by_head = await call(stack, "POST", path, head(settings, "don-vi-1"), {**rating, "ratings": {"danh-gia": 4}})
    assert by_head.status_code == 201, by_head.text

    [record] = [r for r in await events(settings, RATING_GIVEN, rated, 2)
                if json.loads(r.value)["id"] == by_head.json()["event_id"]]
    assert record.key.decode() == f"{TENANT}/{rated}"
    data = json.loads(record.value)["data"]
    assert (data["unit_id"], data["period"], data["ratings"]) == ("don-vi-3", "2018-Q2", {"danh-gia": 4})
    listed = await call(stack, "GET", f"{path}?unit_id=don-vi-3&period=2018-Q2", board)
    assert [r["ratings"]["danh-gia"] for r in listed.json()] == [4.5, 4]

    # the head of another cluster, a year without leadership, the unit itself: refused with a reason
    other_cluster = await call(stack, "POST", path, head(settings, "don-vi-2"), rating)
    assert other_cluster.status_code == 403
    assert other_cluster.json()["message"] == (
        "Chỉ đơn vị cụm trưởng hoặc cụm phó của cụm 'khoi-huyen' năm 2018 mới được chấm đơn vị 'don-vi-3'."
    )
    other_year = await call(stack, "POST", path, head(settings, "don-vi-1"), {**rating, "period": "2019-Q1"})
    assert other_year.status_code == 403 and "năm 2019" in other_year.json()["message"]
    own = await call(stack, "POST", path, head(settings, "don-vi-3"), rating)
    assert own.status_code == 403 and own.json()["message"] == (
        "Quy tắc xung đột lợi ích: không ai được chấm điểm thẩm định cho chính đơn vị mình (bạn thao tác cho đơn vị 'don-vi-3')."
    )
    assert (await call(stack, "POST", path, reporter(settings, "don-vi-1"), rating)).status_code == 403

    # only reviewer-rated leaves, within their scale
    wrong_leaf = await call(stack, "POST", path, board, {**rating, "ratings": {"ho-thoat-ngheo": 3}})
    assert wrong_leaf.status_code == 422
    [error] = wrong_leaf.json()["errors"]
    assert error["field"] == "ratings.ho-thoat-ngheo" and error["code"] == "rating.not_reviewer"
    too_high = await call(stack, "POST", path, board, {**rating, "ratings": {"danh-gia": 6}})
    assert too_high.status_code == 422
    assert too_high.json()["errors"][0] == {
        "field": "ratings.danh-gia", "code": "value.range",
        "reason": "Giá trị 6 nằm ngoài khoảng cho phép [0; 5].",
    }
    listed = await call(stack, "GET", f"{path}?unit_id=don-vi-3", board)
    assert len(listed.json()) == 2  # the refused ones left nothing behind


async def test_a_unit_cannot_report_a_reviewer_rated_leaf(stack, settings, rated):
    body = submission(rated, "don-vi-4", **{"ho-thoat-ngheo": 80, "danh-gia": 5})
    response = await call(stack, "POST", "/api/v1/submissions", reporter(settings, "don-vi-4"), body)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "values.danh-gia"
    assert error["reason"].lower().startswith("tiêu chí này do cán bộ thẩm định chấm")
