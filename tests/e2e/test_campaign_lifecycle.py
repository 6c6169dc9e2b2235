"""A campaign moves draft → launched → running → reviewing → closed through intake's API; every
step is a new revision on the campaigns topic, anything else is refused and changes nothing, and
only an open campaign takes submissions (over HTTP or on the inbound topic)."""

import json
import uuid

import httpx
from pymongo import AsyncMongoClient

from thidua_common.contracts.registry import CAMPAIGN_DEFINED

from .conftest import eventually, read_topic, reporter, small_campaign, submission, token
from .helpers import call, dead_letter_reason, inbound_submission


async def new_draft(stack, board) -> str:
    campaign_id = f"lc-{uuid.uuid4().hex[:8]}"
    response = await call(stack, "PUT", f"/api/v1/campaigns/{campaign_id}", board, small_campaign(campaign_id))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "draft" and response.json()["revision"] == 1
    return campaign_id


async def set_status(stack, board, campaign_id, status, reason="", **headers) -> httpx.Response:
    return await call(
        stack, "POST", f"/api/v1/campaigns/{campaign_id}/status", {**board, **headers},
        {"status": status, "reason": reason},
    )


async def current(stack, board, campaign_id) -> dict:
    response = await call(stack, "GET", f"/api/v1/campaigns/{campaign_id}", board)
    assert response.status_code == 200
    return response.json()


async def campaign_events(settings, campaign_id, count) -> list[dict]:
    async def probe():
        records = await read_topic(
            settings, "campaigns",
            lambda r: (e := json.loads(r.value))["type"] == CAMPAIGN_DEFINED and e["subject"] == campaign_id,
            timeout=5,
        )
        return records if len(records) >= count else None

    return [json.loads(r.value) for r in await eventually(probe, timeout=30)]


async def stored_submissions(settings, campaign_id) -> int:
    mongo = AsyncMongoClient(settings.mongo_uri)
    try:
        return await mongo[settings.db_name("intake")].submissions.count_documents({"campaign_id": campaign_id})
    finally:
        await mongo.close()


async def test_the_legal_path_from_draft_to_closed_is_announced_step_by_step(stack, settings, board):
    cid = await new_draft(stack, board)
    steps = [
        ("launched", "Phát động theo Công văn 2457/UBND-NC"),
        ("running", "Các đơn vị đã đăng ký thi đua"),
        ("reviewing", "Sơ kết giữa kỳ"),
        ("running", "Sơ kết xong, tiếp tục triển khai"),
        ("reviewing", "Tổng kết phong trào"),
        ("closed", "Đã ban hành quyết định khen thưởng"),
    ]
    previous = "draft"
    for revision, (status, reason) in enumerate(steps, start=2):
        response = await set_status(stack, board, cid, status, reason)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == status and body["revision"] == revision
        assert body["change"] == {"kind": "status", "by": "board", "reason": reason,
                                  "detail": {"from": previous, "to": status}}
        assert body["criteria_version"] == 1  # a status change leaves the criteria alone
        previous = status

    events = await campaign_events(settings, cid, 1 + len(steps))
    assert [e["data"]["revision"] for e in events] == list(range(1, len(steps) + 2))
    assert [e["data"]["status"] for e in events] == ["draft"] + [s for s, _ in steps]
    assert [e["data"]["change"]["kind"] for e in events] == ["created"] + ["status"] * len(steps)
    assert events[-1]["data"]["change"]["detail"] == {"from": "reviewing", "to": "closed"}
    assert events[-1]["data"]["change"]["reason"] == "Đã ban hành quyết định khen thưởng"
    # the whole definition travels with each status change
    assert [c["id"] for c in events[-1]["data"]["criteria"]] == ["ho-thoat-ngheo", "nha-dai-doan-ket"]
    assert len(events[-1]["data"]["participants"]) == 4

    # closed: no edits, no further status, no submissions
    edit = await call(stack, "PUT", f"/api/v1/campaigns/{cid}", board, {**small_campaign(cid), "name_vi": "Đổi tên"})
    assert edit.status_code == 409, edit.text
    assert "«đã kết thúc» (closed)" in edit.json()["message"]
    reopen = await set_status(stack, board, cid, "running")
    assert reopen.status_code == 409
    refused = await call(stack, "POST", "/api/v1/submissions", reporter(settings, "don-vi-1"), submission(cid, "don-vi-1"))
    assert refused.status_code == 409, refused.text
    assert refused.json()["errors"][0]["field"] == "campaign_id"
    assert "«đã kết thúc» (closed)" in refused.json()["message"]
    after = await current(stack, board, cid)
    assert after["revision"] == 7 and after["status"] == "closed" and after["name_vi"] != "Đổi tên"
    assert await stored_submissions(settings, cid) == 0


async def test_illegal_transitions_are_refused_and_change_nothing(stack, settings, board):
    cid = await new_draft(stack, board)
    for status in ("running", "reviewing", "closed", "draft"):
        response = await set_status(stack, board, cid, status, "Thử chuyển sai")
        assert response.status_code == 409, (status, response.text)
        answer = response.json()
        assert "«nháp» (draft)" in answer["message"]
        assert answer["errors"][0]["field"] == "status" and answer["errors"][0]["code"] == "campaign.transition"
    answer = (await set_status(stack, board, cid, "closed")).json()
    assert answer["message"] == (
        "Không thể chuyển phong trào từ trạng thái «nháp» (draft) sang «đã kết thúc» (closed); "
        "từ trạng thái hiện tại chỉ có thể chuyển sang: «đã phát động» (launched)."
    )
    english = await set_status(stack, board, cid, "running", **{"Accept-Language": "en"})
    assert english.json()["message"].startswith("The campaign cannot move from «nháp» (draft) to «đang triển khai»")
    assert (await current(stack, board, cid))["revision"] == 1

    assert (await set_status(stack, board, cid, "launched")).status_code == 200
    again = await set_status(stack, board, cid, "launched")
    assert again.status_code == 409 and "«đã phát động» (launched)" in again.json()["message"]
    assert (await set_status(stack, board, cid, "reviewing")).status_code == 409
    state = await current(stack, board, cid)
    assert state["revision"] == 2 and state["status"] == "launched"

    # wrong input, wrong role, unknown campaign, stale revision
    assert (await set_status(stack, board, cid, "finished")).status_code == 422
    unit = reporter(settings, "don-vi-1")
    assert (await call(stack, "POST", f"/api/v1/campaigns/{cid}/status", unit, {"status": "running"})).status_code == 403
    assert (await set_status(stack, board, f"khong-co-{cid}", "launched")).status_code == 404
    stale = await call(stack, "POST", f"/api/v1/campaigns/{cid}/status", board,
                       {"status": "running", "expected_revision": 1})
    assert stale.status_code == 409 and stale.json()["message"].startswith("Phong trào đã được cập nhật (phiên bản 2)")
    assert (await current(stack, board, cid))["revision"] == 2

    # an edit keeps the status; only the two accepted changes (and the edit) reached the topic
    edit = await call(stack, "PUT", f"/api/v1/campaigns/{cid}", board, {**small_campaign(cid), "reason": "Bổ sung"})
    assert edit.status_code == 200 and edit.json()["status"] == "launched" and edit.json()["revision"] == 3
    events = await campaign_events(settings, cid, 3)
    assert [(e["data"]["revision"], e["data"]["status"], e["data"]["change"]["kind"]) for e in events] == [
        (1, "draft", "created"), (2, "launched", "status"), (3, "launched", "updated")
    ]


async def test_a_draft_campaign_takes_no_submissions_until_launched(stack, settings, board):
    cid = await new_draft(stack, board)
    headers = reporter(settings, "don-vi-2")
    refused = await call(stack, "POST", "/api/v1/submissions", headers, submission(cid, "don-vi-2"))
    assert refused.status_code == 409, refused.text
    assert refused.json()["message"].startswith("Phong trào đang ở trạng thái «nháp» (draft), không nhận báo cáo")
    assert await stored_submissions(settings, cid) == 0

    assert (await set_status(stack, board, cid, "launched")).status_code == 200
    accepted = await call(stack, "POST", "/api/v1/submissions", headers, submission(cid, "don-vi-2"))
    assert accepted.status_code == 202, accepted.text
    assert await stored_submissions(settings, cid) == 1


async def test_inbound_submissions_for_a_campaign_that_is_not_open_are_dead_lettered(stack, settings, board):
    cid = await new_draft(stack, board)
    reason = await dead_letter_reason(settings, inbound_submission(cid, "don-vi-3"))
    assert reason["code"] == "campaign.not_open"
    assert "«nháp» (draft)" in reason["message"]
    assert reason["errors"][0]["field"] == "campaign_id"
    assert await stored_submissions(settings, cid) == 0


async def test_only_the_board_changes_the_status(stack, settings, board):
    cid = await new_draft(stack, board)
    for roles in (["cluster_head"], ["council_member"], ["unit_leader"]):
        headers = {"Authorization": f"Bearer {token(settings, roles, 'don-vi-1')}"}
        response = await call(stack, "POST", f"/api/v1/campaigns/{cid}/status", headers, {"status": "launched"})
        assert response.status_code == 403, roles
    assert (await current(stack, board, cid))["status"] == "draft"
