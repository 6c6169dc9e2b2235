"""issue 10, reporting's inbox ("my notifications"), live-update versions and streams: who each
submission step and verified score is addressed to, one notification per event however often it is
delivered, rendered in the reader's language from stored facts, read marks per person and caller;
the per-campaign version the projector bumps, and the stream hub's bound and coalescing."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from thidua_common.auth import Principal, Role
from thidua_common.contracts import new_event
from thidua_common.contracts.registry import (
    APPEAL_DECIDED,
    CAMPAIGN_DEFINED,
    SCORE_COMPUTED,
    SUBMISSION_APPEALED,
    SUBMISSION_RECEIVED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
)
from thidua_common.errors import Invalid
from thidua_reporting.inbox import addressing, service
from thidua_reporting.inbox import projection as inbox
from thidua_reporting.inbox.render import Names, render
from thidua_reporting.projection.projector import Projector
from thidua_reporting.streams import versions
from thidua_reporting.streams.hub import StreamHub, Subscription, TooManyStreams

from .fake_uow import FakeDatabase

T = "daknong"
CID = "pt-hop"
AT = datetime(2018, 7, 2, 3, 4, tzinfo=UTC)


def campaign(revision: int = 1, leadership: list | None = None) -> dict:
    return {
        "campaign_id": CID, "revision": revision, "criteria_version": 1, "name_vi": "Phong trào Đoàn kết", "name_en": "Unity campaign",
        "launched_by": "UBND tỉnh", "kind": "regular", "start": "2018-01-01", "end": "2018-12-31",
        "reporting_frequency": "quarter",
        "criteria": [{"id": "ho-ngheo", "name_vi": "Số hộ thoát nghèo", "name_en": "Households out of poverty",
                      "max_points": 60, "target": 100}],
        "clusters": [{"id": "khoi-huyen", "name_vi": "Khối các huyện",
                      "leadership": leadership if leadership is not None else
                      [{"year": 2018, "head_unit_id": "don-vi-1", "deputy_unit_id": "don-vi-3"}]}],
        "participants": [
            {"unit_id": f"don-vi-{i}", "name_vi": f"Đơn vị số {i}", "unit_type": "district",
             "cluster_id": "khoi-huyen" if i != 4 else None}
            for i in range(1, 5)
        ],
    }


def event(kind: str, data: dict, event_id: str | None = None):
    return new_event(type=kind, source="/test", tenant=T, data=_model(kind).model_validate(data), id=event_id)


def _model(kind: str):
    from thidua_common.contracts.registry import payload_model

    return payload_model(kind)


def step(unit: str = "don-vi-2", **extra) -> dict:
    return {"submission_id": "s-1", "campaign_id": CID, "unit_id": unit, "period": "2018-Q2", **extra}


def returned(unit: str = "don-vi-2") -> dict:
    return step(unit, decision="return", level="cluster", reviewer="head", reason="",
                reasons={"ho-ngheo": "thiếu biên bản xác nhận"}, at=AT.isoformat())


def score(unit: str = "don-vi-2", status: str = "verified", revision: int = 1, withdrawn: bool = False) -> dict:
    return {"submission_id": "s-1", "campaign_id": CID, "unit_id": unit, "period": "2018-Q2", "criteria_version": 1,
            "revision": revision, "status": status, "withdrawn": withdrawn, "total": 48.5, "max_total": 60,
            "criteria": [], "submitted_at": AT.isoformat(), "computed_at": AT.isoformat()}


def person(*roles: Role, unit: str | None = None, subject: str | None = None) -> Principal:
    return Principal(subject=subject or f"p-{uuid.uuid4().hex[:6]}", tenant=T, roles=frozenset(roles), unit_id=unit)


@pytest.fixture
async def projector():
    p = Projector(FakeDatabase())  # type: ignore[arg-type]
    await p.setup()
    await p.apply(event(CAMPAIGN_DEFINED, campaign()))
    return p


async def inbox_of(p: Projector, who: Principal, lang: str = "vi", **kw) -> dict:
    options = {"unread_only": False, "limit": 50, "after": None, **kw}
    return await service.inbox(p.db, T, addressing.caller_tags(who), who.subject, lang=lang, **options)


# -- addressing -------------------------------------------------------------------------------------
def test_callers_read_by_unit_for_unit_roles_and_by_role_for_the_reviewers():
    assert addressing.caller_tags(person(Role.unit_reporter, unit="u1")) == ["unit:u1"]
    assert addressing.caller_tags(person(Role.unit_leader, unit="u1")) == ["unit:u1"]
    assert addressing.caller_tags(person(Role.cluster_head, unit="u1")) == ["cluster_head:u1"]
    assert addressing.caller_tags(person(Role.board_officer)) == ["role:board_officer"]
    assert addressing.caller_tags(person(Role.chairperson)) == ["role:chairperson"]
    assert addressing.caller_tags(person(Role.auditor)) == [] and addressing.caller_tags(person(Role.system)) == []
    key = Principal(subject="k", tenant=T, roles=frozenset({Role.system}), unit_id="u1", kind="system")
    assert addressing.caller_tags(key) == ["unit:u1"]  # an API key of one unit reads as that unit


def test_a_new_submission_goes_to_the_cluster_head_and_deputy_of_its_year_else_to_the_board():
    c = campaign()
    assert addressing.new_submission_audience(c, "don-vi-2", "2018-Q2") == ["cluster_head:don-vi-1",
                                                                             "cluster_head:don-vi-3"]
    # the head's own report: only the deputy may review it (nobody reviews their own unit)
    assert addressing.new_submission_audience(c, "don-vi-1", "2018-Q2") == ["cluster_head:don-vi-3"]
    assert addressing.new_submission_audience(c, "don-vi-2", "2019-Q1") == ["role:board_officer"]  # no lead in 2019
    assert addressing.new_submission_audience(c, "don-vi-4", "2018-Q2") == ["role:board_officer"]  # no cluster
    assert addressing.new_submission_audience(None, "don-vi-2", "2018-Q2") == ["role:board_officer"]  # not known yet
    assert addressing.appeal_audience("board", c, "don-vi-2", "2018-Q2") == ["role:board_officer"]
    assert addressing.appeal_audience("chair", c, "don-vi-2", "2018-Q2") == ["role:chairperson"]


# -- projection, idempotency, reading -----------------------------------------------------------------
async def test_a_return_reaches_its_unit_once_in_both_languages_and_no_other_unit(projector):
    e = event(SUBMISSION_REVIEWED, returned())
    await projector.apply(e)
    await projector.apply(e)  # redelivered: still one notification
    unit = person(Role.unit_reporter, unit="don-vi-2")
    vi = await inbox_of(projector, unit)
    assert vi["unread"] == 1 and vi["next"] is None and len(vi["items"]) == 1
    (item,) = vi["items"]
    assert item["id"] == e.id and item["kind"] == "submission.reviewed" and item["read"] is False
    assert (item["campaign_id"], item["unit_id"], item["period"], item["submission_id"]) == (
        CID, "don-vi-2", "2018-Q2", "s-1")
    assert item["created_at"] == "2018-07-02T03:04:00Z"
    assert item["title"] == "Báo cáo quý II/2018 bị trả lại để bổ sung"
    assert "Số hộ thoát nghèo (thiếu biên bản xác nhận)" in item["body"]
    assert "«Phong trào Đoàn kết»" in item["body"] and "cụm trưởng, khối trưởng" in item["body"]
    (en,) = (await inbox_of(projector, unit, "en"))["items"]
    assert en["title"] == "Report for Q2 2018 returned for correction"
    assert "Households out of poverty (thiếu biên bản xác nhận)" in en["body"] and "Unity campaign" in en["body"]
    for other in (person(Role.unit_reporter, unit="don-vi-3"), person(Role.board_officer),
                  person(Role.cluster_head, unit="don-vi-1"), person(Role.auditor)):
        assert (await inbox_of(projector, other))["items"] == [], other.roles


async def test_each_step_is_addressed_and_rendered(projector):
    await projector.apply(event(SUBMISSION_RECEIVED, step(values={"ho-ngheo": 80}, submitted_by="r",
                                                          submitted_at=AT.isoformat(), criteria_version=1)))
    await projector.apply(event(SUBMISSION_APPEALED, step(against="return", from_level="cluster", to_level="board",
                                                          reason="Đã có biên bản", by="r", at=AT.isoformat())))
    await projector.apply(event(SUBMISSION_APPEALED, step("don-vi-3", against="reject", from_level="board",
                                                          to_level="chair", reason="Không đồng ý", by="r",
                                                          at=AT.isoformat())))
    await projector.apply(event(APPEAL_DECIDED, step(outcome="overturned", decision="approve", level="board",
                                                     reason="Đủ minh chứng", by="b", at=AT.isoformat())))
    await projector.apply(event(SUBMISSION_REOPENED, step(level="board", approved_level="board",
                                                          reason="Sai số liệu", by="b", at=AT.isoformat())))
    head = (await inbox_of(projector, person(Role.cluster_head, unit="don-vi-3")))["items"]
    assert [i["kind"] for i in head] == ["submission.received"]
    assert head[0]["title"] == "Báo cáo mới chờ thẩm định: Đơn vị số 2, quý II/2018"
    board = (await inbox_of(projector, person(Role.board_officer), "en"))["items"]
    assert [i["kind"] for i in board] == ["submission.appealed"]
    assert board[0]["title"] == "New appeal: Đơn vị số 2, Q2 2018" and "Reason: Đã có biên bản" in board[0]["body"]
    chair = (await inbox_of(projector, person(Role.chairperson)))["items"]
    assert [i["unit_id"] for i in chair] == ["don-vi-3"] and "Chủ tịch UBND" in chair[0]["body"]
    unit = (await inbox_of(projector, person(Role.unit_leader, unit="don-vi-2")))["items"]
    assert sorted(i["kind"] for i in unit) == ["appeal.decided", "submission.reopened"]
    decided = next(i for i in unit if i["kind"] == "appeal.decided")
    assert decided["title"] == "Khiếu nại báo cáo quý II/2018: Sửa đổi quyết định"
    assert "phê duyệt báo cáo" in decided["body"] and "Lý do: Đủ minh chứng" in decided["body"]


async def test_verified_scores_reach_the_unit_and_provisional_ones_do_not(projector):
    await projector.apply(event(SCORE_COMPUTED, score(status="provisional")))
    await projector.apply(event(SCORE_COMPUTED, score()))
    await projector.apply(event(SCORE_COMPUTED, score(revision=2, withdrawn=True)))
    items = (await inbox_of(projector, person(Role.unit_reporter, unit="don-vi-2")))["items"]
    assert sorted(i["title"] for i in items) == ["Điểm đã thẩm định quý II/2018 không còn hiệu lực",
                                                 "Điểm đã thẩm định quý II/2018: 48,5/60 điểm"]
    assert {i["kind"] for i in items} == {"score.verified"}


async def test_read_marks_are_the_callers_own_and_only_on_their_own_notifications(projector):
    mine, theirs = event(SUBMISSION_REVIEWED, returned()), event(SUBMISSION_REVIEWED, returned("don-vi-3"))
    await projector.apply(mine)
    await projector.apply(theirs)
    reporter = person(Role.unit_reporter, unit="don-vi-2", subject="reporter-2")
    leader = person(Role.unit_leader, unit="don-vi-2", subject="leader-2")
    other = person(Role.unit_reporter, unit="don-vi-3", subject="reporter-3")
    # a unit cannot mark another's: the id of don-vi-3's notification changes nothing
    assert await service.mark_read(projector.db, T, addressing.caller_tags(reporter), reporter.subject,
                                   [theirs.id], False) == 1
    assert (await inbox_of(projector, other))["unread"] == 1
    assert await service.mark_read(projector.db, T, addressing.caller_tags(reporter), reporter.subject,
                                   [mine.id], False) == 0
    assert (await inbox_of(projector, reporter))["items"][0]["read"] is True
    assert (await inbox_of(projector, reporter, unread_only=True))["items"] == []
    assert (await inbox_of(projector, leader))["unread"] == 1  # the leader has not read it yet
    assert await service.mark_read(projector.db, T, addressing.caller_tags(leader), leader.subject, None, True) == 0
    await projector.apply(mine)  # a redelivery keeps the marks
    assert (await inbox_of(projector, leader))["unread"] == 0


async def test_pages_newest_first_with_a_cursor_and_a_bad_cursor_is_a_422(projector):
    for minute in range(5):
        data = returned()
        data["at"] = AT.replace(minute=minute).isoformat()
        await projector.apply(event(SUBMISSION_REVIEWED, data))
    unit = person(Role.unit_reporter, unit="don-vi-2")
    first = await inbox_of(projector, unit, limit=2)
    second = await inbox_of(projector, unit, limit=2, after=first["next"])
    third = await inbox_of(projector, unit, limit=2, after=second["next"])
    times = [i["created_at"][14:16] for page in (first, second, third) for i in page["items"]]
    assert times == ["04", "03", "02", "01", "00"] and third["next"] is None and first["unread"] == 5
    for bad in ("!!", "bm90IGpzb24", "WzEsMl0"):  # not base64, not JSON, not [time, id]
        with pytest.raises(Invalid) as caught:
            await inbox_of(projector, unit, after=bad)
        assert caught.value.errors[0].field == "after"
        assert "Con trỏ trang" in caught.value.errors[0].reason("vi")


def test_rendering_falls_back_to_ids_and_keeps_vietnamese_diacritics():
    doc = {"kind": "submission.reviewed", "period": "2018", "created_at": AT,
           "facts": {"decision": "reject", "level": "board", "reason": "Số liệu không khớp", "reasons": {}}}
    title, body = render(doc, Names(campaign="pt-x", unit="u"), "vi")
    assert title == "Báo cáo năm 2018 bị từ chối"
    assert body.endswith("Lý do: Số liệu không khớp") and "Ban Thi đua – Khen thưởng" in body and "«pt-x»" in body


# -- live-update versions and the stream hub --------------------------------------------------------------
async def test_the_projector_bumps_a_campaigns_version_when_its_board_changes(projector):
    db = projector.db
    assert await versions.current(db, T, CID) == 1  # the campaign's definition arrived
    await projector.apply(event(SCORE_COMPUTED, score(status="provisional", revision=2)))
    assert await versions.current(db, T, CID) == 2
    assert (await db.campaign_versions.find_one({"_id": f"{T}/{CID}"}))["period"] == "2018-Q2"
    await projector.apply(event(SCORE_COMPUTED, score(status="provisional", revision=1)))  # older: no change
    await projector.apply(event(CAMPAIGN_DEFINED, campaign()))  # same revision: no change
    assert await versions.current(db, T, CID) == 2
    await projector.apply(event(CAMPAIGN_DEFINED, campaign(revision=2)))
    assert await versions.current(db, T, CID) == 3
    assert (await db.campaign_versions.find_one({"_id": f"{T}/{CID}"}))["period"] is None


async def test_the_hub_tells_each_stream_once_per_poll_and_coalesces_several_changes(projector):
    db = projector.db
    hub = StreamHub(db, per_tenant=2)
    one = hub.open(T, CID, await versions.current(db, T, CID))
    await hub.poll_once()
    assert one.take() is None  # nothing new since it opened
    await versions.bump(db, T, CID, "2018-Q2")
    await hub.poll_once()
    assert one.wake.is_set() and one.take() == (2, "2018-Q2")
    await versions.bump(db, T, CID, "2018-Q2")
    await versions.bump(db, T, CID, "2018-Q3")
    await hub.poll_once()
    assert one.take() == (4, None)  # two changes in one poll: re-read the whole board


def test_the_hub_bounds_streams_per_tenant_and_gives_places_back():
    hub = StreamHub(None, per_tenant=2)  # type: ignore[arg-type]
    a, b = hub.open(T, CID, 0), hub.open(T, "other", 0)
    with pytest.raises(TooManyStreams):
        hub.open(T, CID, 0)
    hub.open("another-tenant", CID, 0)  # one tenant's streams never use up another's
    hub.release(a)
    hub.release(a)  # twice: still one place
    assert hub.open_streams(T) == 1
    hub.open(T, CID, 0)
    assert hub.open_streams(T) == 2 and b in hub.subscriptions[f"{T}/other"]


async def test_closing_the_hub_ends_every_stream():
    hub = StreamHub(None, per_tenant=5, poll_seconds=0.01)  # type: ignore[arg-type]
    sub: Subscription = hub.open(T, CID, 0)
    waiting = asyncio.create_task(sub.wake.wait())
    await hub.close()
    await asyncio.wait_for(waiting, 1)
    assert sub.closed and hub.open(T, CID, 0).closed  # a stream opened while closing ends at once


# -- the HTTP edge: inbox, stream and public board answers ------------------------------------------
@pytest.fixture
async def api(projector):
    import httpx

    from thidua_common.auth import mint_token
    from thidua_common.http import create_app
    from thidua_common.settings import Settings
    from thidua_reporting.inbox.views import router as inbox_router
    from thidua_reporting.public.views import router as public_router
    from thidua_reporting.settings import ReportingSettings
    from thidua_reporting.streams.views import router as stream_router

    settings = Settings(environment="development")
    app = create_app("reporting", settings)
    for router in (inbox_router, stream_router, public_router):
        app.include_router(router)
    app.state.db = projector.db
    app.state.reporting_settings = ReportingSettings(public_board_tenants=T, streams_per_tenant=1)
    app.state.stream_hub = StreamHub(projector.db, per_tenant=1)
    await projector.apply(event(SCORE_COMPUTED, score()))
    await projector.apply(event(SCORE_COMPUTED, score("don-vi-3", status="provisional")))

    def headers(*roles: str, unit: str | None = None, lang: str = "vi") -> dict:
        token = mint_token(settings, subject="s-1", tenant=T, roles=list(roles), unit_id=unit)
        return {"Authorization": f"Bearer {token}", "Accept-Language": lang}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r.test") as client:
        yield client, headers, app


async def test_the_inbox_endpoints_answer_and_refuse_bad_input_naming_the_field(api):
    client, headers, _ = api
    unit = headers("unit_reporter", unit="don-vi-2")
    r = await client.get("/api/v1/notifications", headers=unit)
    assert r.status_code == 200 and r.json()["unread"] == 1 and r.json()["items"][0]["kind"] == "score.verified"
    nid = r.json()["items"][0]["id"]
    for body, field in (({}, "all"), ({"ids": [nid], "all": True}, "ids"), ({"ids": []}, "ids"),
                        ({"all": "yes"}, "all"), ({"ids": ["x"] * 501}, "ids"), ({"all": True, "x": 1}, "x")):
        r = await client.post("/api/v1/notifications/read", json=body, headers=headers("unit_reporter", unit="don-vi-2",
                                                                                     lang="en"))
        assert r.status_code == 422, body
        assert [e["field"] for e in r.json()["errors"]] == [field], r.json()
    r = await client.get("/api/v1/notifications", params={"after": "%%%", "limit": 0}, headers=unit)
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"limit"}
    r = await client.get("/api/v1/notifications", params={"after": "%%%"}, headers=unit)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "after"
    r = await client.post("/api/v1/notifications/read", json={"ids": [nid]}, headers=unit)
    assert r.status_code == 200 and r.json() == {"unread": 0}
    assert (await client.get("/api/v1/notifications")).status_code == 401


async def test_the_stream_refuses_an_unknown_campaign_and_a_tenant_over_its_bound(api):
    client, headers, app = api
    board = headers("board_officer", lang="en")
    assert (await client.get("/api/v1/campaigns/pt-none/stream", headers=board)).status_code == 404
    app.state.stream_hub.open(T, CID, 0)  # the tenant's one place is taken
    r = await client.get(f"/api/v1/campaigns/{CID}/stream", headers=board)
    assert r.status_code == 429 and "1 live-update connections" in r.json()["message"]
    r = await client.get(f"/api/v1/campaigns/{CID}/stream", headers=headers("board_officer"))
    assert r.status_code == 429 and "kết nối cập nhật trực tiếp" in r.json()["message"]


async def test_the_public_board_shows_verified_standings_of_an_enabled_tenant_only(api):
    client, _, _ = api
    r = await client.get(f"/public/api/{T}/campaigns/{CID}/leaderboard")
    assert r.status_code == 200 and r.json()["status"] == "verified"
    reported = {s["unit_id"]: s["reported"] for s in r.json()["standings"]}
    assert reported["don-vi-2"] is True and reported["don-vi-3"] is False  # its provisional score is not public
    assert [c["campaign_id"] for c in (await client.get(f"/public/api/{T}/campaigns")).json()] == [CID]
    for path in ("/public/other", "/public/api/other/campaigns", f"/public/api/other/campaigns/{CID}/leaderboard",
                 f"/public/api/{T}/campaigns/pt-none/leaderboard", "/dashboard"):
        assert (await client.get(path)).status_code == 404, path
    r = await client.get("/public/other", headers={"Accept-Language": "en"})
    assert r.json()["message"] == "There is no public leaderboard for 'other'."


def test_reportings_openapi_documents_the_new_routes():
    """/docs reads /openapi.json: a route FastAPI cannot document made it a 500 (seen on the stream)."""
    from thidua_reporting.main import build_app

    spec = build_app().openapi()
    stream = spec["paths"]["/api/v1/campaigns/{campaign_id}/stream"]["get"]
    assert "text/event-stream" in stream["responses"]["200"]["content"] and "429" in stream["responses"]
    assert {"/api/v1/notifications", "/api/v1/notifications/read"} <= set(spec["paths"])
    # the public board's own API is not listed: every operation /docs lists needs a caller
    assert not any(p.startswith(("/dashboard", "/public")) for p in spec["paths"])


async def test_a_report_that_arrives_before_its_campaign_waits_for_it_to_be_addressed():
    # the campaigns and submissions topics have no order between them: a report seen first must
    # still reach its cluster's head once the campaign arrives, not fall to the board for good
    p = Projector(FakeDatabase())  # type: ignore[arg-type]
    await p.setup()
    received = event(SUBMISSION_RECEIVED, {**step(), "values": {"ho-ngheo": 80},
                                           "submitted_by": "r", "submitted_at": AT.isoformat(),
                                           "channel": "http", "criteria_version": 1})
    await p.apply(received)
    head = person(Role.cluster_head, unit="don-vi-1")
    board = person(Role.board_officer)
    assert (await inbox_of(p, head))["items"] == [] and (await inbox_of(p, board))["items"] == []
    await p.apply(event(CAMPAIGN_DEFINED, campaign()))
    [told] = (await inbox_of(p, head))["items"]
    assert told["kind"] == "submission.received" and told["id"] == received.id
    assert (await inbox_of(p, board))["items"] == []  # the board reviews after the cluster
    assert await inbox.readdress(p.db, T, CID) == 0  # nothing left waiting
