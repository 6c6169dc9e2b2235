"""Nominations (đề nghị khen thưởng) through the real stack: the configured chain from filing to
decision, return and resubmission, the tenant's rules, the council's threshold, refusals that
change nothing, and overdue alerts. Each test configures its own tenant, so tests never share
configuration, awards or quotas."""

import asyncio
import hashlib
import json
import time
import uuid
from datetime import date, timedelta

import httpx
import pytest
from pymongo import AsyncMongoClient

from thidua_common.contracts.registry import AWARD_DECIDED, NOMINATION_CHANGED, NOMINATION_OVERDUE

from .conftest import eventually, log_lines, read_topic, token

LDTT, CSTD, BK = "lao-dong-tien-tien", "chien-si-thi-dua-co-so", "bang-khen-chu-tich-tinh"
UNIT = "so-noi-vu"


def stage(sid, role, days, kind):
    return {"id": sid, "name_vi": f"Bước {sid}", "role": role, "service_days": days, "kind": kind}


CHAIN = [
    stage("tiep-nhan", "board_officer", 0.5, "review"),
    stage("cong-khai", "board_officer", 0, "disclosure"),
    stage("hoi-dong", "council_member", 2, "vote"),
    stage("ky-quyet-dinh", "chairperson", 5, "decision"),
]


def config(disclosure_days: float = 0, first_stage_days: float = 0.5) -> dict:
    chain = [dict(CHAIN[0], service_days=first_stage_days), *CHAIN[1:]]
    return {
        "holidays": ["2026-01-01", "2026-02-16", "2026-02-17", "2026-04-30", "2026-09-02"],
        "award_kinds": [
            {"id": LDTT, "name_vi": "Lao động tiên tiến", "nominee_kind": "individual",
             "chain": [stage("quyet-dinh", "chairperson", 3, "decision")]},
            {"id": CSTD, "name_vi": "Chiến sĩ thi đua cơ sở", "nominee_kind": "individual", "chain": chain,
             "disclosure_days": disclosure_days, "vote_threshold": 0.8,
             "rules": [{"kind": "prerequisite", "requires_award_kind": LDTT, "consecutive_years": 2},
                       {"kind": "quota", "of_award_kind": LDTT, "max_share": 0.15},
                       {"kind": "freeze_on"}, {"kind": "no_double_award"}]},
            {"id": BK, "name_vi": "Bằng khen của Chủ tịch UBND tỉnh", "nominee_kind": "individual", "chain": chain,
             "disclosure_days": disclosure_days, "vote_threshold": 0.9, "rules": [{"kind": "no_double_award"}]},
        ],
    }


def document(kind: str) -> dict:
    return {"kind": kind, "name": f"{kind}.pdf", "url": f"https://vanban.test/{kind}.pdf", "sha256": "a" * 64,
            "size": 1024}


DOSSIER = [document(k) for k in ("cover_request", "achievement_report", "vote_minutes")]


def pdf_of(document: dict) -> bytes:
    """issue 11: the file uploaded for a document written as a reference (its bytes name it)."""
    return b"%PDF-1.4\n" + json.dumps(document, sort_keys=True).encode()


def person(pid: str) -> dict:
    return {"kind": "individual", "unit_id": UNIT, "person_id": pid, "person_name": f"Ông {pid}"}


class Tenant:
    """A fresh tenant with its configuration and a token per role."""

    def __init__(self, stack, settings):
        self.id = f"nt-{uuid.uuid4().hex[:8]}"
        self.client = httpx.AsyncClient(base_url=stack.url("intake"), timeout=30)
        self.headers = {
            role: {"Authorization": f"Bearer {token(settings, [role], unit, self.id, subject=f'{role}-1')}"}
            for role, unit in (("board_officer", None), ("council_member", None), ("chairperson", None),
                               ("unit_leader", UNIT))
        }

    async def call(self, method: str, path: str, role: str = "board_officer", body=None, lang: str = "vi"):
        headers = {**self.headers[role], "Accept-Language": lang}
        if method == "POST" and path.startswith("/nominations") and body and "documents" in body:
            unit = (body.get("nominee") or {}).get("unit_id") or UNIT
            body = {**body, "documents": await self.uploaded(body["documents"], role, unit)}
        return await self.client.request(method, f"/api/v1{path}", json=body, headers=headers)

    async def uploaded(self, documents: list[dict], role: str, unit: str) -> list[dict]:
        """issue 11: a dossier's documents are files uploaded to intake, named by their ids."""
        out = []
        for document in documents:
            files = {"file": (document["name"], pdf_of(document), "application/pdf")}
            data = {"unit_id": unit} if role == "board_officer" else {}
            r = await self.client.post("/api/v1/nominations/documents", headers=self.headers[role], files=files,
                                       data=data)
            assert r.status_code == 201, r.text
            out.append({"kind": document["kind"], "document_id": r.json()["document_id"]})
        return out

    async def configure(self, body: dict) -> None:
        response = await self.call("PUT", "/config/commendation", body=body)
        assert response.status_code == 200, response.text

    async def nominate(self, pid: str, award: str = BK, year: int = 2025, documents=DOSSIER, role="unit_leader"):
        body = {"award_kind": award, "nominee": person(pid), "year": year, "basis": "regular",
                "achievement": "Hoàn thành xuất sắc nhiệm vụ", "documents": documents}
        return await self.call("POST", "/nominations", role, body)

    async def act(self, nid: str, role: str, action: str, **body):
        return await self.call("POST", f"/nominations/{nid}/actions", role, {"action": action, **body})


@pytest.fixture
async def tenant(stack, settings):
    t = Tenant(stack, settings)
    yield t
    await t.client.aclose()


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def events_of(settings, nomination_id: str, count: int, event_type: str | None = None) -> list[dict]:
    def match(record) -> bool:
        event = json.loads(record.value)
        return event["subject"] == nomination_id and (event_type is None or event["type"] == event_type)

    async def probe():
        found = await read_topic(settings, "nominations", match, timeout=3)
        return [json.loads(r.value) for r in found] if len(found) >= count else None

    return await eventually(probe, timeout=30)


VOTE_OK = {"members": 10, "yes": 9, "no": 1, "abstain": 0}
DECISION = {"number": "1234/QĐ-UBND", "date": "2026-03-02", "signer": "Chủ tịch UBND tỉnh"}


async def test_a_nomination_passes_every_stage_to_a_decision(tenant, settings):
    await tenant.configure(config())
    n = ok(await tenant.nominate("nv-01"), 201)
    nid = n["nomination_id"]
    assert (n["status"], n["stage"], n["revision"]) == ("in_progress", "tiep-nhan", 1)
    assert n["due_on"] and n["stages"][0]["due_on"] == n["due_on"]
    n = ok(await tenant.act(nid, "board_officer", "pass", stage="tiep-nhan"))
    assert n["stage"] == "cong-khai" and n["stages"][0]["working_days"] == 0
    n = ok(await tenant.act(nid, "board_officer", "pass", stage="cong-khai"))  # a 0-day window is closed
    n = ok(await tenant.act(nid, "council_member", "vote", vote=VOTE_OK))
    assert n["stage"] == "ky-quyet-dinh" and n["vote"]["passed"] and n["vote"]["threshold"] == 0.9
    n = ok(await tenant.act(nid, "chairperson", "decide", decision=DECISION))
    assert (n["status"], n["stage"], n["decision"]["number"], n["revision"]) == ("decided", None, "1234/QĐ-UBND", 5)
    assert [s["outcome"] for s in n["stages"]] == ["passed", "passed", "passed", "decided"]

    awards = ok(await tenant.call("GET", f"/awards?unit={UNIT}"))
    assert [(a["award_kind"], a["year"], a["source"], a["nomination_id"]) for a in awards] == [(BK, 2025, "decided", nid)]
    assert ok(await tenant.call("GET", "/nominations?status=decided&award_kind=" + BK))[0]["nomination_id"] == nid

    events = await events_of(settings, nid, 6)
    changed = [e for e in events if e["type"] == NOMINATION_CHANGED]
    assert [e["data"]["change"]["kind"] for e in changed] == ["created", "passed", "passed", "voted", "decided"]
    assert all(e["tenant"] == tenant.id for e in events)
    decided = [e for e in events if e["type"] == AWARD_DECIDED]
    assert len(decided) == 1
    assert decided[0]["data"]["nominee"]["person_id"] == "nv-01" and decided[0]["data"]["decision"]["signer"]

    # decided: the same achievement cannot be nominated again
    again = await tenant.nominate("nv-01")
    assert again.status_code == 422 and "Đã được khen thưởng cho thành tích này" in again.json()["message"]


async def test_a_returned_nomination_comes_back_at_the_returning_stage_and_passes(tenant, settings):
    await tenant.configure(config())
    nid = ok(await tenant.nominate("nv-02"), 201)["nomination_id"]
    ok(await tenant.act(nid, "board_officer", "pass"))
    ok(await tenant.act(nid, "board_officer", "pass"))
    n = ok(await tenant.act(nid, "council_member", "return", reason="Biên bản họp xét chưa có chữ ký"))
    assert (n["status"], n["stage"]) == ("returned", "hoi-dong")
    refused = await tenant.act(nid, "council_member", "vote", vote=VOTE_OK)
    assert refused.status_code == 409
    # the unit corrects the dossier; a resubmission still needs every required document
    missing = await tenant.call("POST", f"/nominations/{nid}/resubmit", "unit_leader", {"documents": DOSSIER[:2]})
    assert missing.status_code == 422 and "vote_minutes" in missing.json()["message"]
    fixed = [*DOSSIER[:2], {**document("vote_minutes"), "sha256": "b" * 64}]
    n = ok(await tenant.call("POST", f"/nominations/{nid}/resubmit", "unit_leader",
                             {"documents": fixed, "reason": "Bổ sung biên bản có chữ ký"}))
    assert (n["status"], n["stage"], n["revision"]) == ("in_progress", "hoi-dong", 5)
    assert n["documents"][2]["sha256"] == hashlib.sha256(pdf_of(fixed[2])).hexdigest()  # counted by intake
    n = ok(await tenant.act(nid, "council_member", "vote", vote=VOTE_OK))
    n = ok(await tenant.act(nid, "chairperson", "decide", decision=DECISION))
    assert n["status"] == "decided"
    assert [s["outcome"] for s in n["stages"]] == ["passed", "passed", "returned", "passed", "decided"]
    assert len(await events_of(settings, nid, 1, AWARD_DECIDED)) == 1


async def test_the_rules_refuse_a_nomination_and_name_the_rule(tenant):
    await tenant.configure(config())
    holders = [{"award_kind": LDTT, "year": 2025, "nominee": person(f"nv-{i:02d}")} for i in range(1, 8)]
    earlier = [{"award_kind": LDTT, "year": 2024, "nominee": person(p)} for p in ("nv-01", "nv-03", "nv-04")]
    assert ok(await tenant.call("POST", "/awards/import", body={"awards": holders + earlier}))["imported"] == 10

    prerequisite = await tenant.nominate("nv-02", CSTD)
    assert prerequisite.status_code == 422
    assert "Chưa đủ 2 năm liên tục đạt Lao động tiên tiến" in prerequisite.json()["message"]
    assert prerequisite.json()["errors"][0]["code"] == "rule.prerequisite"

    missing = await tenant.nominate("nv-01", CSTD, documents=DOSSIER[:2])
    assert missing.status_code == 422 and "vote_minutes" in missing.json()["message"]

    # 7 holders × 15% = 1 place: of two nominations filed at the same moment, one gets it
    both = await asyncio.gather(tenant.nominate("nv-01", CSTD), tenant.nominate("nv-03", CSTD))
    assert sorted(r.status_code for r in both) == [201, 422], [r.text for r in both]
    quota = next(r for r in both if r.status_code == 422)
    assert "Vượt tỷ lệ 15%" in quota.json()["message"]
    english = await tenant.call("POST", "/nominations", "unit_leader", lang="en", body={
        "award_kind": CSTD, "nominee": person("nv-03"), "year": 2025, "documents": DOSSIER})
    assert "15%" in english.json()["message"] and "quota" in english.json()["message"]

    flag = {"unit_id": UNIT, "person_id": "nv-04", "kind": "discipline", "active": True, "reason": "Vi phạm quy chế"}
    ok(await tenant.call("POST", "/config/commendation/flags", body=flag))
    frozen = await tenant.nominate("nv-04", BK)
    assert frozen.status_code == 422 or frozen.status_code == 201  # BK has no freeze rule configured
    assert frozen.status_code == 201
    frozen = await tenant.nominate("nv-04", CSTD)
    assert frozen.status_code == 422 and "Đang bị xem xét kỷ luật" in frozen.json()["message"]

    other_unit = await tenant.call("POST", "/nominations", "unit_leader", body={
        "award_kind": BK, "nominee": {**person("nv-09"), "unit_id": "so-y-te"}, "year": 2025, "documents": DOSSIER})
    assert other_unit.status_code == 403
    assert len(ok(await tenant.call("GET", "/nominations"))) == 2

    # configuration, flags and imported awards change state without publishing events: they are
    # audited all the same, with who and why
    async def chained():  # by the outbox relay, moments after the changes
        trail = ok(await tenant.call("GET", "/audit"))
        return trail if any(r["action"] == "vn.thidua.commendation_flag.changed.v1" for r in trail) else None

    trail = await eventually(chained)
    actions = [(r["action"], r["actor"]) for r in trail]
    assert ("vn.thidua.commendation_config.changed.v1", "board_officer-1") in actions
    assert ("vn.thidua.awards.imported.v1", "board_officer-1") in actions
    flagged = next(r for r in trail if r["action"] == "vn.thidua.commendation_flag.changed.v1")
    assert flagged["reason"] == "Vi phạm quy chế" and flagged["actor"] == "board_officer-1"


async def test_a_vote_below_the_threshold_fails_with_the_reasons(tenant):
    await tenant.configure(config())
    nid = ok(await tenant.nominate("nv-05"), 201)["nomination_id"]
    ok(await tenant.act(nid, "board_officer", "pass"))
    ok(await tenant.act(nid, "board_officer", "pass"))
    n = ok(await tenant.act(nid, "council_member", "vote", vote={"members": 10, "yes": 8, "no": 2}))  # 80% < 90%
    assert n["status"] == "failed" and n["vote"]["passed"] is False
    assert "thấp hơn ngưỡng 90%" in n["stages"][-1]["reason"]
    assert (await tenant.act(nid, "chairperson", "decide", decision=DECISION)).status_code == 409
    assert ok(await tenant.call("GET", f"/awards?unit={UNIT}")) == []


async def test_bad_actions_get_a_clear_refusal_and_change_nothing(tenant):
    await tenant.configure(config())
    nid = ok(await tenant.nominate("nv-06"), 201)["nomination_id"]
    path = f"/nominations/{nid}"

    async def refused(status: int, role: str, action: str, code: str | None = None, **body):
        response = await tenant.act(nid, role, action, **body)
        assert response.status_code == status, response.text
        assert response.json()["message"]
        if code:
            assert code in [e["code"] for e in response.json()["errors"]] or status != 422
        assert ok(await tenant.call("GET", path))["revision"] == revision

    revision = 1
    await refused(409, "board_officer", "pass", stage="khong-co-buoc-nay")  # unknown stage
    await refused(409, "council_member", "vote", vote=VOTE_OK)  # no vote while vetting
    await refused(403, "council_member", "pass")  # not the stage's role
    await refused(422, "board_officer", "return", code="nomination.reason_required", reason="")
    ok(await tenant.act(nid, "board_officer", "pass"))
    revision = 2
    # the 0-day disclosure window has closed: no more comments
    await refused(409, "council_member", "comment", reason="Ý kiến sau hạn")
    ok(await tenant.act(nid, "board_officer", "pass"))
    revision = 3
    await refused(422, "council_member", "vote", vote={"members": 5, "yes": 4, "no": 3})
    await refused(409, "board_officer", "pass")  # a vote stage takes no pass
    assert (await tenant.call("GET", "/nominations/khong-co")).status_code == 404

    # an open window takes comments but cannot pass yet
    await tenant.configure(config(disclosure_days=10))
    nid = ok(await tenant.nominate("nv-07"), 201)["nomination_id"]
    path = f"/nominations/{nid}"
    ok(await tenant.act(nid, "board_officer", "pass"))
    n = ok(await tenant.act(nid, "council_member", "comment", reason="Đồng ý đề nghị"))
    assert n["comments"][0]["text"] == "Đồng ý đề nghị" and n["window_closes_on"]
    revision = n["revision"]
    await refused(409, "board_officer", "pass")


async def test_an_overdue_nomination_is_escalated_once_a_day(stack, tenant, settings):
    await tenant.configure(config(first_stage_days=0))
    n = ok(await tenant.nominate("nv-08"), 201)
    nid = n["nomination_id"]
    disclosed = ok(await tenant.nominate("nv-09"), 201)["nomination_id"]
    ok(await tenant.act(disclosed, "board_officer", "pass"))  # into a 0-day disclosure window
    later = (date.fromisoformat(n["due_on"]) + timedelta(days=10)).isoformat()
    result = ok(await tenant.call("POST", "/nominations/overdue-check", body={"as_of": later}))
    assert (result["emitted"], result["passed"]) == (1, 1)  # the closed window passed by itself
    passed = ok(await tenant.call("GET", f"/nominations/{disclosed}"))
    assert passed["stage"] == "hoi-dong" and passed["stages"][1]["by"] == "system"
    again = ok(await tenant.call("POST", "/nominations/overdue-check", body={"as_of": later}))
    assert (again["emitted"], again["passed"]) == (1, 0)  # only the council stage, now late too
    again = ok(await tenant.call("POST", "/nominations/overdue-check", body={"as_of": later}))
    assert again["emitted"] == 0  # once per nomination, stage and day
    assert ok(await tenant.call("POST", "/nominations/overdue-check", body={}))["emitted"] == 0  # not due yet today
    events = await events_of(settings, nid, 1, NOMINATION_OVERDUE)
    assert len(events) == 1
    data = events[0]["data"]
    assert data["stage"] == "tiep-nhan" and data["overdue_working_days"] >= 5
    assert data["stage_name_vi"] == "Bước tiep-nhan"  # the name the award kind's chain configures, for notify
    assert data["escalate_to"] == ["board_officer", "chairperson"]
    # the background check runs too (every 2 s in tests) and has not failed
    assert not [line for line in log_lines(stack, "intake") if line.get("message") == "overdue check failed"]
    await settle_notifications(settings, [nid, disclosed])


async def settle_notifications(settings, nomination_ids: list[str], timeout: float = 10.0) -> None:
    """Let notify finish what these alerts cause (escalation mails) before the next test, which
    may script the mail catcher's rejections. Nothing to wait for when notify ignores them."""
    mongo = AsyncMongoClient(settings.mongo_uri)
    deliveries = mongo[settings.db_name("notify")].deliveries
    query = {"event.data.nomination_id": {"$in": nomination_ids}, "status": {"$in": ["pending", "sending"]}}
    try:
        deadline = time.monotonic() + timeout
        await asyncio.sleep(0.5)  # the relay publishes and notify records a delivery
        while time.monotonic() < deadline and await deliveries.count_documents(query):
            await asyncio.sleep(0.2)
    finally:
        await mongo.close()
