"""Verification of submissions (kiểm tra, thẩm định) through the real stack: a reviewer approves,
returns with a reason per criterion (the unit resubmits only those) or rejects; a unit appeals
once to the next level; scoring counts a result as verified only after approval."""

import json
import uuid

import pytest

from thidua_common.contracts.registry import APPEAL_DECIDED, SUBMISSION_APPEALED, SUBMISSION_REVIEWED

from .conftest import TENANT, eventually, read_topic, reporter, reporting_get, small_campaign, submission, token
from .helpers import call, clusters_2018, head, running_campaign


def reviewed_campaign(campaign_id: str) -> dict:
    """Odd units in khoi-huyen (head don-vi-1, deputy don-vi-3 in 2018), even ones in khoi-so (head don-vi-2).
    Scored by the cluster-leader rule, so that a unit's score depends on which members count."""
    body = small_campaign(campaign_id)
    body["criteria"] = [{**c, "scorer": "cluster_leader"} for c in body["criteria"]]
    body["clusters"] = clusters_2018()
    return body


@pytest.fixture
async def cid(stack, board):
    return await running_campaign(stack, board, "td", reviewed_campaign)


async def submit(stack, settings, cid, unit, **values) -> str:
    response = await call(stack, "POST", "/api/v1/submissions", reporter(settings, unit), submission(cid, unit, **values))
    assert response.status_code == 202, response.text
    return response.json()["submission_id"]


def step(submission_id: str, action: str) -> str:
    return f"/api/v1/submissions/{submission_id}/{action}"


async def verified(stack, board, cid) -> dict[str, float]:
    """unit → total on the verified leaderboard (units that have a verified score only)."""
    body = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?status=verified&period=2018-Q2", board)
    return {s["unit_id"]: s["total"] for s in (body or {}).get("standings", []) if s["reported"]}


async def events_of(settings, cid, event_type, count=1) -> list[dict]:
    async def probe():
        records = await read_topic(
            settings, "submissions",
            lambda r: (e := json.loads(r.value))["type"] == event_type and e["data"]["campaign_id"] == cid,
            timeout=3,
        )
        assert all(r.key.decode() == f"{TENANT}/{cid}" for r in records)  # the submissions' key: order holds
        return [json.loads(r.value) for r in records] if len(records) >= count else None

    return await eventually(probe, timeout=30)


async def test_a_cluster_lead_approves_and_only_then_the_unit_counts_as_verified(stack, settings, board, cid):
    first = await submit(stack, settings, cid, "don-vi-3")
    await submit(stack, settings, cid, "don-vi-4")  # never reviewed
    approve = {"decision": "approve"}

    other_cluster = await call(stack, "POST", step(first, "review"), head(settings, "don-vi-2"), approve)
    assert other_cluster.status_code == 403 and other_cluster.json()["errors"] == []
    assert other_cluster.json()["message"] == (
        "Chỉ đơn vị cụm trưởng hoặc cụm phó của cụm 'khoi-huyen' năm 2018 mới được thẩm định báo cáo của đơn vị 'don-vi-3'."
    )
    own = await call(stack, "POST", step(first, "review"), head(settings, "don-vi-3"), approve)
    assert own.status_code == 403 and "don-vi-3" in own.json()["message"]
    assert (await call(stack, "POST", step(first, "review"), reporter(settings, "don-vi-1"), approve)).status_code == 403
    missing = await call(stack, "POST", step(str(uuid.uuid4()), "review"), head(settings, "don-vi-1"), approve)
    assert missing.status_code == 404

    done = await call(stack, "POST", step(first, "review"), head(settings, "don-vi-1"), approve)
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "approved"
    again = await call(stack, "POST", step(first, "review"), {**head(settings, "don-vi-1"), "Accept-Language": "en"}, approve)
    assert again.status_code == 409
    assert again.json()["message"] == (
        "The submission was already reviewed by the cluster head (approved); it cannot be reviewed again at this level."
    )

    totals = await eventually(lambda: verified(stack, board, cid))
    assert set(totals) == {"don-vi-3"} and totals["don-vi-3"] > 0
    provisional = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?period=2018-Q2", board)
    assert {s["unit_id"] for s in provisional["standings"] if s["reported"]} == {"don-vi-3", "don-vi-4"}

    [event] = await events_of(settings, cid, SUBMISSION_REVIEWED)
    data = event["data"]
    assert (data["submission_id"], data["unit_id"], data["decision"], data["level"]) == (first, "don-vi-3", "approve", "cluster")
    assert data["values"] == {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 12}
    shown = (await call(stack, "GET", f"/api/v1/submissions/{first}", reporter(settings, "don-vi-3"))).json()
    assert shown["review"]["status"] == "approved" and shown["review"]["level"] == "cluster"
    assert [h["step"] for h in shown["review"]["history"]] == ["review"]
    assert (await call(stack, "GET", f"/api/v1/submissions/{first}", reporter(settings, "don-vi-4"))).status_code == 403


async def test_returned_criteria_alone_are_resubmitted_then_approved(stack, settings, board, cid):
    first = await submit(stack, settings, cid, "don-vi-1")
    unknown = await call(stack, "POST", step(first, "review"), board,
                         {"decision": "return", "reasons": {"khong-co": "Không rõ"}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "reasons.khong-co"
    reason = "Thiếu danh sách nhà đại đoàn kết đã bàn giao"
    returned = await call(stack, "POST", step(first, "review"), board,
                          {"decision": "return", "reasons": {"nha-dai-doan-ket": reason}})
    assert returned.status_code == 201, returned.text

    unit = reporter(settings, "don-vi-1")
    extra = await call(stack, "POST", step(first, "resubmit"), unit, {"values": {"nha-dai-doan-ket": 15, "ho-thoat-ngheo": 90}})
    assert extra.status_code == 422
    assert [(e["field"], e["code"]) for e in extra.json()["errors"]] == [("values.ho-thoat-ngheo", "resubmit.not_returned_criterion")]
    lacking = await call(stack, "POST", step(first, "resubmit"), unit, {"values": {}})
    assert [e["field"] for e in lacking.json()["errors"]] == ["values.nha-dai-doan-ket"]
    other = await call(stack, "POST", step(first, "resubmit"), reporter(settings, "don-vi-3"), {"values": {"nha-dai-doan-ket": 15}})
    assert other.status_code == 403

    again = await call(stack, "POST", step(first, "resubmit"), unit, {"values": {"nha-dai-doan-ket": 15}, "note": "Đã bổ sung"})
    assert again.status_code == 202, again.text
    second = again.json()["submission_id"]
    assert second != first
    shown = (await call(stack, "GET", f"/api/v1/submissions/{second}", unit)).json()
    assert shown["values"] == {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 15}
    assert shown["review"]["status"] == "pending" and shown["review"]["resubmission_of"] == first
    old = (await call(stack, "GET", f"/api/v1/submissions/{first}", unit)).json()["review"]
    assert old["status"] == "returned" and old["reasons"] == {"nha-dai-doan-ket": reason} and old["superseded_by"] == second
    stale = await call(stack, "POST", step(first, "resubmit"), unit, {"values": {"nha-dai-doan-ket": 16}})
    assert stale.status_code == 409

    assert await verified(stack, board, cid) == {}
    assert (await call(stack, "POST", step(second, "review"), board, {"decision": "approve"})).status_code == 201
    totals = await eventually(lambda: verified(stack, board, cid))
    assert set(totals) == {"don-vi-1"}
    card = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/don-vi-1/scorecard?status=verified", board)
    assert [p["submission_id"] for p in card["periods"]] == [second]


async def provisional(stack, board, cid, unit) -> float | None:
    body = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?period=2018-Q2", board)
    return next((s["total"] for s in (body or {}).get("standings", []) if s["unit_id"] == unit and s["reported"]), None)


async def test_a_rejection_is_appealed_once_and_the_board_overturns_it(stack, settings, board, cid):
    # don-vi-2 leads khoi-so, so don-vi-4 (over target on both criteria) is not given full points
    leader = await submit(stack, settings, cid, "don-vi-2", **{"ho-thoat-ngheo": 200, "nha-dai-doan-ket": 20})
    first = await submit(stack, settings, cid, "don-vi-4", **{"ho-thoat-ngheo": 120, "nha-dai-doan-ket": 15})
    await eventually(lambda: _equals(provisional(stack, board, cid, "don-vi-4"), 66))
    # a rejected result counts nowhere: don-vi-4 is now the only member compared, hence the leader
    rejected = await call(stack, "POST", step(leader, "review"), board, {"decision": "reject", "reason": "Không có minh chứng"})
    assert rejected.status_code == 201, rejected.text
    await eventually(lambda: _equals(provisional(stack, board, cid, "don-vi-4"), 100))
    # and the rejected unit's own score is withdrawn, not left standing on the leaderboard
    assert await provisional(stack, board, cid, "don-vi-2") is None

    lead = head(settings, "don-vi-2")
    assert (await call(stack, "POST", step(first, "review"), lead, {"decision": "reject"})).status_code == 422
    rejected = await call(stack, "POST", step(first, "review"), lead, {"decision": "reject", "reason": "Số liệu không khớp"})
    assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"

    async def withdrawn():
        return await provisional(stack, board, cid, "don-vi-4") is None

    await eventually(withdrawn)

    unit = reporter(settings, "don-vi-4")
    assert (await call(stack, "POST", step(first, "appeal"), unit, {"reason": "sai"})).status_code == 422
    appealed = await call(stack, "POST", step(first, "appeal"), unit, {"reason": "Số liệu có biên bản xác nhận của xã"})
    assert appealed.status_code == 201, appealed.text
    second = await call(stack, "POST", step(first, "appeal"), unit, {"reason": "Đề nghị xem xét lại lần nữa"})
    assert second.status_code == 409
    assert second.json()["message"] == "Mỗi quyết định chỉ được khiếu nại một lần; báo cáo này đã được khiếu nại."

    overturn = {"outcome": "overturned", "decision": "approve", "reason": "Biên bản xác nhận hợp lệ"}
    chair = {"Authorization": f"Bearer {token(settings, ['chairperson'])}"}
    assert (await call(stack, "POST", step(first, "appeal/decision"), chair, overturn)).status_code == 403
    decided = await call(stack, "POST", step(first, "appeal/decision"), board, overturn)
    assert decided.status_code == 201, decided.text
    assert decided.json()["status"] == "approved"
    assert (await call(stack, "POST", step(first, "appeal/decision"), board, overturn)).status_code == 409

    totals = await eventually(lambda: verified(stack, board, cid))
    assert set(totals) == {"don-vi-4"}
    review = (await call(stack, "GET", f"/api/v1/submissions/{first}", board)).json()["review"]
    assert review["status"] == "approved" and review["level"] == "board"
    assert review["appeal"]["status"] == "decided" and review["appeal"]["outcome"] == "overturned"
    assert [h["step"] for h in review["history"]] == ["review", "appeal", "appeal_decision"]
    [appeal] = await events_of(settings, cid, SUBMISSION_APPEALED)
    assert (appeal["data"]["against"], appeal["data"]["from_level"], appeal["data"]["to_level"]) == ("reject", "cluster", "board")
    [final] = await events_of(settings, cid, APPEAL_DECIDED)
    assert (final["data"]["outcome"], final["data"]["decision"], final["data"]["level"]) == ("overturned", "approve", "board")


async def _equals(total, expected) -> bool:
    return (await total) == expected


async def test_a_resubmission_repeated_with_its_idempotency_key_gets_the_first_answer(stack, settings, board, cid):
    # a client that lost the answer sends again: it must get the same submission, not a second one
    # (nor an empty answer: the unit-of-work refactor once returned nothing for a replay)
    first = await submit(stack, settings, cid, "don-vi-2")
    returned = await call(stack, "POST", step(first, "review"), board,
                          {"decision": "return", "reasons": {"nha-dai-doan-ket": "Thiếu biên bản bàn giao"}})
    assert returned.status_code == 201, returned.text
    unit = {**reporter(settings, "don-vi-2"), "Idempotency-Key": f"bo-sung-{uuid.uuid4().hex[:8]}"}
    body = {"values": {"nha-dai-doan-ket": 14}}
    answers = [await call(stack, "POST", step(first, "resubmit"), unit, body) for _ in range(2)]
    assert [a.status_code for a in answers] == [202, 202], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["resubmission_of"] == first
