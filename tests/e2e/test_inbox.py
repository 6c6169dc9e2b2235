"""issue 10, reporting's inbox ("my notifications") through the real stack: intake's submission
steps reach reporting over the submissions topic and become notifications for whom they concern
(the cluster head of a new report, the unit of a return, the board of an appeal), in Vietnamese or
English, never for another unit; read marks are the caller's own."""

import httpx

from .conftest import eventually, reporter, submission, token
from .helpers import call, head, running_campaign
from .test_reviews import reviewed_campaign, step


async def inbox(stack, headers: dict, campaign_id: str, lang: str = "vi", **params) -> dict:
    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=30) as client:
        r = await client.get("/api/v1/notifications", params={"limit": 200, **params},
                             headers={**headers, "Accept-Language": lang})
    assert r.status_code == 200, r.text
    body = r.json()
    return {**body, "items": [i for i in body["items"] if i["campaign_id"] == campaign_id]}


async def mark(stack, headers: dict, body: dict) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=30) as client:
        return await client.post("/api/v1/notifications/read", json=body, headers=headers)


async def test_a_return_reaches_the_units_inbox_in_both_languages_and_no_other_unit(stack, settings, board):
    cid = await running_campaign(stack, board, "hop", reviewed_campaign)
    sent = await call(stack, "POST", "/api/v1/submissions", reporter(settings, "don-vi-3"), submission(cid, "don-vi-3"))
    assert sent.status_code == 202, sent.text
    sid = sent.json()["submission_id"]

    # the new report is for the cluster's head (don-vi-1) and deputy (don-vi-3 is the reporting unit itself)
    lead = head(settings, "don-vi-1")
    told = await eventually(lambda: _kinds(inbox(stack, lead, cid), "submission.received"), timeout=30)
    assert told[0]["title"] == "Báo cáo mới chờ thẩm định: Đơn vị số 3, quý II/2018" and told[0]["submission_id"] == sid
    assert (await inbox(stack, head(settings, "don-vi-3"), cid))["items"] == []  # nobody reviews their own unit

    returned = await call(stack, "POST", step(sid, "review"), lead,
                          {"decision": "return", "reasons": {"nha-dai-doan-ket": "Thiếu danh sách hộ được hỗ trợ"}})
    assert returned.status_code == 201, returned.text
    unit = reporter(settings, "don-vi-3")
    (vi,) = await eventually(lambda: _kinds(inbox(stack, unit, cid), "submission.reviewed"), timeout=30)
    assert vi["title"] == "Báo cáo quý II/2018 bị trả lại để bổ sung" and vi["read"] is False
    assert "Nhà đại đoàn kết (Thiếu danh sách hộ được hỗ trợ)" in vi["body"]
    assert f"«Phong trào thử nghiệm {cid}»" in vi["body"] and vi["created_at"].endswith("Z")
    (en,) = _only(await inbox(stack, unit, cid, "en"), "submission.reviewed")
    assert en["id"] == vi["id"] and en["title"] == "Report for Q2 2018 returned for correction"
    assert f"“Test campaign {cid}”" in en["body"] and "cluster head" in en["body"]
    for other in (reporter(settings, "don-vi-1"), reporter(settings, "don-vi-5"), board):
        assert _only(await inbox(stack, other, cid), "submission.reviewed") == []

    # marking read: another unit's mark changes nothing; the unit's own does, for that person only
    someone_else = await mark(stack, reporter(settings, "don-vi-1"), {"ids": [vi["id"]]})
    assert someone_else.status_code == 200
    assert _only(await inbox(stack, unit, cid), "submission.reviewed")[0]["read"] is False
    person = {"Authorization": f"Bearer {token(settings, ['unit_reporter'], 'don-vi-3', subject='reporter-3')}"}
    before = (await inbox(stack, person, cid))["unread"]
    r = await mark(stack, person, {"ids": [vi["id"]]})
    assert r.status_code == 200 and r.json() == {"unread": before - 1}
    assert _only(await inbox(stack, person, cid), "submission.reviewed")[0]["read"] is True
    assert _only(await inbox(stack, person, cid, unread="true"), "submission.reviewed") == []
    assert _only(await inbox(stack, unit, cid), "submission.reviewed")[0]["read"] is False  # another person
    r = await mark(stack, person, {"all": True})
    assert r.status_code == 200 and r.json() == {"unread": 0}
    bad = await mark(stack, {**person, "Accept-Language": "en"}, {"ids": []})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ids"
    assert "notification ids" in bad.json()["errors"][0]["reason"]

    # the unit appeals: the board is told
    appealed = await call(stack, "POST", step(sid, "appeal"), unit, {"reason": "Danh sách đã nộp kèm báo cáo"})
    assert appealed.status_code == 201, appealed.text
    (appeal,) = await eventually(lambda: _kinds(inbox(stack, board, cid), "submission.appealed"), timeout=30)
    assert appeal["title"] == "Khiếu nại mới: Đơn vị số 3, quý II/2018"
    assert "Lý do: Danh sách đã nộp kèm báo cáo" in appeal["body"]


async def _kinds(pending, kind: str) -> list[dict] | None:
    return _only(await pending, kind) or None


def _only(body: dict, kind: str) -> list[dict]:
    return [i for i in body["items"] if i["kind"] == kind]

