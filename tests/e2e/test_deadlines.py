"""Issue 15: deadlines through the real stack, with a controllable clock (POST /api/v1/deadlines/check
with `as_of`, development only): a period ends, the units are reminded (a digest mail, an inbox
entry), the due date passes and the ladder climbs one step per check (unit reporter, unit leader,
cluster head, the board); a late report stops its unit's ladder and counts as late in reporting's
timeliness figures."""

import uuid
from datetime import date

import httpx

from thidua_common.deadlines import DEFAULT_REPORT_LADDER, step_day

from .conftest import eventually, launch_and_run, mails, reporter, small_campaign, submission, token

BOARD_MAIL = "ban-tdkt@thidua.local"  # THIDUA_ESCALATION_EMAIL's default


async def _call(stack, service, method, path, headers, body=None):
    async with httpx.AsyncClient(base_url=stack.url(service), timeout=60) as client:
        return await client.request(method, path, json=body, headers=headers)


async def _check(stack, board, cid, as_of: date) -> dict:
    r = await _call(stack, "intake", "POST", "/api/v1/deadlines/check", board,
                    {"as_of": as_of.isoformat(), "campaign_id": cid})
    assert r.status_code == 200, r.text
    return r.json()


def _digest_lines(stack, to: str, cid: str) -> list[str]:
    return [line for m in mails(stack, to) for line in m["text"].splitlines() if cid in line or "Phong trào" in line]


async def test_the_ladder_climbs_to_the_board_and_a_late_report_stops_it(stack, settings, board):
    cid = f"pt-han-{uuid.uuid4().hex[:6]}"
    body = small_campaign(cid, units=3)
    body.update(start="2018-01-01", end="2018-12-31", report_due_working_days=10)
    body["clusters"][0]["leadership"] = [{"year": 2018, "head_unit_id": "don-vi-3"}]
    for p in body["participants"]:
        p["cluster_id"] = "khoi-huyen"
    r = await _call(stack, "intake", "PUT", f"/api/v1/campaigns/{cid}", board, body)
    assert r.status_code == 200, r.text
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=60) as client:
        await launch_and_run(client, cid, board)

    # every party sees the periods' due dates; a unit only its own reports
    r = await _call(stack, "intake", "GET", f"/api/v1/campaigns/{cid}/deadlines", reporter(settings, "don-vi-1"))
    assert r.status_code == 200, r.text
    view = r.json()
    q1 = next(p for p in view["periods"] if p["period"] == "2018-Q1")
    assert q1["ends_on"] == "2018-03-31"
    assert {u["unit_id"] for u in view["units"]} == {"don-vi-1"}
    due = date.fromisoformat(q1["due_on"])
    config = await _call(stack, "intake", "GET", "/api/v1/config/commendation", board)
    holidays = {date.fromisoformat(h["date"]) for h in config.json().get("holidays", [])} if config.status_code == 200 else set()
    days = [step_day(s, due, holidays) for s in DEFAULT_REPORT_LADDER]

    # the day before the reminder's: nothing; on it: each unit's reporter is reminded, once
    assert (await _check(stack, board, cid, q1_end := date(2018, 3, 31)))["reminders"] == 0
    assert q1_end < days[0]
    assert (await _check(stack, board, cid, days[0]))["reminders"] == 3
    assert (await _check(stack, board, cid, days[0]))["reminders"] == 0
    unit1 = f"don-vi-1@{cid}.test"
    reminded = await eventually(lambda: [m for m in mails(stack, unit1) if "Nhắc việc" in m["subject"]], timeout=60)
    assert len(reminded) == 1 and "Báo cáo kỳ 2018-Q1 của Đơn vị số 1" in reminded[0]["text"]
    assert "còn 2 ngày làm việc" in reminded[0]["text"]

    async def inbox(unit: str) -> list[dict]:
        headers = {"Authorization": f"Bearer {token(settings, ['unit_reporter'], unit)}"}
        r = await _call(stack, "reporting", "GET", "/api/v1/notifications?limit=200", headers)
        return [i for i in r.json()["items"] if i["campaign_id"] == cid] if r.status_code == 200 else []

    entries = await eventually(lambda: inbox("don-vi-1"), timeout=60)
    assert entries[0]["kind"] == "deadline.reminder" and "Sắp đến hạn báo cáo" in entries[0]["title"]

    # the first late day: the reporters are told again (step 1)
    assert (await _check(stack, board, cid, days[1]))["escalations"] == 3
    # units 2 and 3 report (late): their ladders stop
    for unit in ("don-vi-2", "don-vi-3"):
        r = await _call(stack, "intake", "POST", "/api/v1/submissions", reporter(settings, unit),
                        submission(cid, unit, "2018-Q1"))
        assert r.status_code == 202, r.text
    # then one check per step: the unit's leader, the cluster's head (don-vi-3 in 2018), the board
    steps = []
    for day in days[2:]:
        steps.append((await _check(stack, board, cid, day))["escalations"])
    assert steps == [1, 1, 1]
    assert (await _check(stack, board, cid, days[-1]))["escalations"] == 0  # each step once
    head = await eventually(
        lambda: [m for m in mails(stack, f"don-vi-3@{cid}.test") if "quá hạn" in m["text"] and "Đơn vị số 1" in m["text"]
                 and "cụm trưởng" in m["text"]], timeout=60)
    assert head
    to_board = await eventually(
        lambda: [m for m in mails(stack, BOARD_MAIL) if f"Đơn vị số 1 (phong trào «Phong trào thử nghiệm {cid}»)" in m["text"]],
        timeout=60)
    assert "Ban Thi đua – Khen thưởng" in to_board[0]["text"]
    assert not [m for m in mails(stack, BOARD_MAIL) if f"Đơn vị số 2 (phong trào «Phong trào thử nghiệm {cid}»)" in m["text"]]
    # the board's inbox shows the escalation
    board_items = await eventually(lambda: _board_inbox(stack, board, cid), timeout=60)
    assert board_items[0]["kind"] == "deadline.escalated"

    # don-vi-1 reports at last: late, and counted as late
    r = await _call(stack, "intake", "POST", "/api/v1/submissions", reporter(settings, "don-vi-1"),
                    submission(cid, "don-vi-1", "2018-Q1"))
    assert r.status_code == 202, r.text
    r = await _call(stack, "intake", "GET", f"/api/v1/campaigns/{cid}/deadlines", board)
    status = {(u["unit_id"], u["period"]): u for u in r.json()["units"]}
    assert status[("don-vi-1", "2018-Q1")]["late"] and status[("don-vi-1", "2018-Q1")]["steps_fired"] == [0, 1, 2, 3, 4]
    assert status[("don-vi-2", "2018-Q1")]["steps_fired"] == [0, 1]

    async def timeliness():
        r = await _call(stack, "reporting", "GET", f"/api/v1/campaigns/{cid}/timeliness", board)
        if r.status_code != 200:
            return None
        units = {u["unit_id"]: u for u in r.json()["units"]}
        return r.json() if units and all(units[f"don-vi-{i}"]["late"] == 1 for i in (1, 2, 3)) else None

    figures = await eventually(timeliness, timeout=90)
    unit1_figures = next(u for u in figures["units"] if u["unit_id"] == "don-vi-1")
    assert (unit1_figures["on_time"], unit1_figures["late"], unit1_figures["missing"]) == (0, 1, 3)
    assert unit1_figures["on_time_rate"] == 0.0
    assert figures["clusters"][0]["late"] == 3
    assert {e["role"] for e in figures["escalations"] if e["kind"] == "deadline.escalated"} >= {
        "unit_leader", "cluster_head", "board_officer"}


async def _board_inbox(stack, board, cid):
    r = await _call(stack, "reporting", "GET", "/api/v1/notifications?limit=200", board)
    return [i for i in r.json()["items"] if i["campaign_id"] == cid and i["kind"].startswith("deadline")] if r.status_code == 200 else []
