"""Verification safety found in issue 8, through the real stack: an approved period is locked (a
later submission no longer silently replaces verified results, over HTTP or Kafka); a reviewer
reopens it with a reason (audited, announced, its verified score withdrawn) and never for its
own unit; a higher level's return opens it too; an approval and a new submission racing each
other never both win; a cluster head reviewing a unit that left the campaign gets a 403 that
says why (it was a 500, `coroutine raised StopIteration`)."""

import asyncio
import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from pymongo import AsyncMongoClient

from thidua_common.contracts.registry import SUBMISSION_REOPENED

from .conftest import TENANT, eventually, read_topic, reporter, reporting_get, small_campaign, submission, token
from .helpers import call, dead_letter_reason, inbound_submission, running_campaign

HEAD, UNIT, OTHER_HEAD = "don-vi-1", "don-vi-3", "don-vi-2"  # don-vi-1 heads khối huyện (don-vi-3's), don-vi-2 khối sở


def safety_campaign(campaign_id: str) -> dict:
    body = small_campaign(campaign_id)
    body["clusters"][0]["leadership"] = [{"year": 2018, "head_unit_id": HEAD}]
    body["clusters"][1]["leadership"] = [{"year": 2018, "head_unit_id": OTHER_HEAD}]
    return body


@pytest.fixture
async def cid(stack, board):
    return await running_campaign(stack, board, "vs", safety_campaign)


def as_role(settings, role: str, unit: str | None = None, lang: str = "vi") -> dict:
    return {"Authorization": f"Bearer {token(settings, [role], unit)}", "Accept-Language": lang}


async def submit(stack, headers, cid, unit=UNIT, period="2018-Q2", **values) -> httpx.Response:
    return await call(stack, "POST", "/api/v1/submissions", headers, submission(cid, unit, period, **values))


async def submitted(stack, settings, cid, unit=UNIT, period="2018-Q2", **values) -> str:
    response = await submit(stack, reporter(settings, unit), cid, unit, period, **values)
    assert response.status_code == 202, response.text
    return response.json()["submission_id"]


def step(submission_id: str, action: str) -> str:
    return f"/api/v1/submissions/{submission_id}/{action}"


async def verified(stack, board, cid, period="2018-Q2") -> set[str]:
    """The units with a verified score for the period."""
    body = await reporting_get(stack, f"/api/v1/campaigns/{cid}/leaderboard?status=verified&period={period}", board)
    return {s["unit_id"] for s in (body or {}).get("standings", []) if s["reported"]}


async def test_an_approved_period_is_locked_until_a_reviewer_reopens_it_with_a_reason(stack, settings, board, cid):
    first = await submitted(stack, settings, cid, **{"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 8})
    approved = await call(stack, "POST", step(first, "review"), as_role(settings, "cluster_head", HEAD),
                          {"decision": "approve"})
    assert approved.status_code == 201, approved.text
    await eventually(lambda: _has(verified(stack, board, cid), UNIT))

    # a later submission no longer replaces the approved one: from the unit, the board or a system
    for headers in (reporter(settings, UNIT), board):
        late = await submit(stack, headers, cid, **{"ho-thoat-ngheo": 99, "nha-dai-doan-ket": 10})
        assert late.status_code == 409, late.text
        assert late.json()["message"] == (
            f"Kết quả kỳ 2018-Q2 của đơn vị '{UNIT}' đã được phê duyệt (báo cáo '{first}') nên kỳ này đã khóa, "
            "không nhận báo cáo mới. Muốn thay đổi, đề nghị cấp đã phê duyệt mở lại báo cáo đó (nêu lý do) "
            "rồi gửi báo cáo mới."
        )
    english = await submit(stack, {**reporter(settings, UNIT), "Accept-Language": "en"}, cid)
    assert english.status_code == 409 and english.json()["message"].startswith(
        f"The results of unit '{UNIT}' for 2018-Q2 were approved (submission '{first}'), so the period is locked")
    other_period = await submit(stack, reporter(settings, UNIT), cid, period="2018-Q3")
    assert other_period.status_code == 202, other_period.text

    # reopening: never one's own unit, only the approving level or higher, always with a reason
    reason = {"reason": "Phát hiện số liệu nhà đại đoàn kết chưa khớp biên bản"}
    for own in (as_role(settings, "board_officer", UNIT), as_role(settings, "cluster_head", UNIT)):
        refused = await call(stack, "POST", step(first, "reopen"), own, reason)
        assert refused.status_code == 403, refused.text
        assert refused.json()["message"] == (
            "Quy tắc xung đột lợi ích: không ai được mở lại báo cáo đã phê duyệt của chính đơn vị mình "
            f"(bạn thao tác cho đơn vị '{UNIT}')."
        )
    other_cluster = await call(stack, "POST", step(first, "reopen"), as_role(settings, "cluster_head", OTHER_HEAD), reason)
    assert other_cluster.status_code == 403, other_cluster.text
    assert (await call(stack, "POST", step(first, "reopen"), reporter(settings, UNIT), reason)).status_code == 403
    short = await call(stack, "POST", step(first, "reopen"), as_role(settings, "cluster_head", HEAD), {"reason": "sai"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"

    reopened = await call(stack, "POST", step(first, "reopen"), as_role(settings, "cluster_head", HEAD), reason)
    assert reopened.status_code == 201, reopened.text
    assert reopened.json()["status"] == "pending"
    assert reopened.json()["message"].startswith("Đã mở lại báo cáo")
    again = await call(stack, "POST", step(first, "reopen"), board, reason)
    assert again.status_code == 409 and again.json()["message"] == (
        "Chỉ mở lại được báo cáo đã phê duyệt; báo cáo này chờ thẩm định.")

    # scoring withdraws the verified score; the review starts anew; the step is audited and announced
    await eventually(lambda: _lacks(verified(stack, board, cid), UNIT))
    shown = (await call(stack, "GET", f"/api/v1/submissions/{first}", board)).json()["review"]
    assert shown["status"] == "pending" and [h["step"] for h in shown["history"]] == ["review", "reopen"]
    assert shown["history"][-1]["reason"] == reason["reason"]

    async def announced():
        found = await read_topic(settings, "submissions", lambda r: (e := json.loads(r.value))["type"] == SUBMISSION_REOPENED
                                 and e["data"]["submission_id"] == first, timeout=3)
        return found and json.loads(found[0].value)

    event = await eventually(announced, timeout=30)
    assert (event["data"]["level"], event["data"]["approved_level"]) == ("cluster", "cluster")

    async def audited():
        r = await call(stack, "GET", f"/api/v1/audit?subject={cid}/{UNIT}/2018-Q2", as_role(settings, "auditor"))
        return [rec for rec in r.json() if rec["action"] == SUBMISSION_REOPENED] if r.status_code == 200 else None

    [record] = await eventually(audited, timeout=30)
    assert record["reason"] == reason["reason"] and record["actor"].startswith("test-")

    # the period is open again: a new submission is taken, reviewed and verified
    second = await submitted(stack, settings, cid, **{"ho-thoat-ngheo": 85, "nha-dai-doan-ket": 9})
    assert (await call(stack, "POST", step(second, "review"), board, {"decision": "approve"})).status_code == 201
    await eventually(lambda: _has(verified(stack, board, cid), UNIT))
    card = await reporting_get(stack, f"/api/v1/campaigns/{cid}/units/{UNIT}/scorecard?status=verified", board)
    assert [p["submission_id"] for p in card["periods"] if p["period"] == "2018-Q2"] == [second]


async def test_an_approved_period_refuses_inbound_submissions_too(stack, settings, board, cid):
    first = await submitted(stack, settings, cid)
    assert (await call(stack, "POST", step(first, "review"), board, {"decision": "approve"})).status_code == 201
    reason = await dead_letter_reason(settings, inbound_submission(cid, UNIT))
    assert reason["code"] == "submission.period_approved" and first in reason["message_en"]


async def test_a_higher_level_return_opens_the_period_again(stack, settings, board, cid):
    first = await submitted(stack, settings, cid)
    assert (await call(stack, "POST", step(first, "review"), as_role(settings, "cluster_head", HEAD),
                       {"decision": "approve"})).status_code == 201
    assert (await submit(stack, reporter(settings, UNIT), cid)).status_code == 409
    returned = await call(stack, "POST", step(first, "review"), board,
                          {"decision": "return", "reasons": {"ho-thoat-ngheo": "Thiếu danh sách hộ thoát nghèo"}})
    assert returned.status_code == 201, returned.text
    again = await call(stack, "POST", step(first, "resubmit"), reporter(settings, UNIT), {"values": {"ho-thoat-ngheo": 70}})
    assert again.status_code == 202, again.text


async def test_an_approval_and_a_new_submission_at_the_same_moment_never_both_win(stack, settings, board, cid):
    """Before, the later submission silently replaced the approved one; now exactly one wins: the
    approval (and the submission is refused as locked) or the submission (and the approval is
    refused because a newer submission exists)."""
    outcomes = []
    for period in ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4", "2019-Q1", "2019-Q2"):
        first = await submitted(stack, settings, cid, period=period)
        approve, late = await asyncio.gather(
            call(stack, "POST", step(first, "review"), board, {"decision": "approve"}),
            submit(stack, reporter(settings, UNIT), cid, period=period, **{"ho-thoat-ngheo": 50}),
        )
        pair = (approve.status_code, late.status_code)
        assert pair in ((201, 409), (409, 202)), (period, approve.text, late.text)
        winner = first if pair == (201, 409) else late.json()["submission_id"]
        shown = (await call(stack, "GET", f"/api/v1/submissions/{winner}", board)).json()["review"]
        assert shown["superseded_by"] is None
        assert shown["status"] == ("approved" if pair == (201, 409) else "pending")
        outcomes.append(pair)
    assert len(outcomes) == 6


async def test_a_cluster_head_reviewing_a_unit_that_left_the_campaign_is_told_why(stack, settings, board, cid):
    sid = await submitted(stack, settings, cid)
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        current = (await client.get(f"/api/v1/campaigns/{cid}", headers=board)).json()
        body = {k: current[k] for k in small_campaign(cid)}
        body["participants"] = [p for p in body["participants"] if p["unit_id"] != UNIT]
        body["reason"] = "Đơn vị rút khỏi phong trào"
        left = await client.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)
        assert left.status_code == 200, left.text
    approve = {"decision": "approve"}
    for lang, message in (
        ("vi", f"Đơn vị '{UNIT}' không còn tham gia phong trào nên không thuộc cụm, khối thi đua nào: "
               "chỉ Ban Thi đua – Khen thưởng được thẩm định báo cáo này."),
        ("en", f"Unit '{UNIT}' no longer takes part in the campaign, so it belongs to no cluster: "
               "only the commendation board may review this submission."),
    ):
        refused = await call(stack, "POST", step(sid, "review"), as_role(settings, "cluster_head", HEAD, lang), approve)
        assert refused.status_code == 403, refused.text  # was 500: coroutine raised StopIteration
        assert refused.json()["message"] == message
    assert (await call(stack, "POST", step(sid, "review"), board, approve)).status_code == 201


async def test_approvals_recorded_before_the_lock_lock_their_period_when_intake_starts(stack, settings, board, cid):
    """An approval stored by an earlier version has no period lock: intake adds it once, at start."""
    first = await submitted(stack, settings, cid, period="2018-Q1")
    assert (await call(stack, "POST", step(first, "review"), board, {"decision": "approve"})).status_code == 201
    superseded = await submitted(stack, settings, cid, period="2018-Q3")
    assert (await call(stack, "POST", step(superseded, "review"), board, {"decision": "approve"})).status_code == 201
    mongo = AsyncMongoClient(settings.mongo_uri)
    db = mongo[settings.db_name("intake")]
    try:
        # as an earlier version left them: no lock, no migration done; and for 2018-Q3 a later
        # submission that replaced the approved one (the old behaviour), which must stay open
        await db.periods.delete_many({"tenant": TENANT, "campaign_id": cid})
        await db.migrations.delete_many({})
        await db.submissions.insert_one({**(await db.submissions.find_one({"_id": superseded})),
                                         "_id": str(uuid.uuid4()), "submitted_at": datetime.now(UTC)})
        stack.stop_service("intake")
        stack.start_services(("intake",))
        assert (await db.migrations.find_one({"_id": "period-locks"}))["locked"] >= 1
    finally:
        await mongo.close()
    locked = await submit(stack, reporter(settings, UNIT), cid, period="2018-Q1")
    assert locked.status_code == 409 and first in locked.json()["message"], locked.text
    assert (await submit(stack, reporter(settings, UNIT), cid, period="2018-Q3")).status_code == 202


async def _has(found, unit) -> bool:
    return unit in await found


async def _lacks(found, unit) -> bool:
    return unit not in await found
