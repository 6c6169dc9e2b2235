"""issue 11, nomnotice: a nomination returned by a stage, failed at the council's vote, or decided
reaches the units. Reporting's inbox: addressed to the nominee's unit and the nominating unit,
once per event, only for the revision whose change made it so, rendered in the reader's language
with the reasons; notify: a mail to the unit with the reasons (Vietnamese by default), at the
address any campaign lists for it, skipped when none does."""

import uuid
from datetime import UTC, datetime

import pytest

from thidua_common.auth import Principal, Role
from thidua_common.contracts import new_event
from thidua_common.contracts.nomination import NominationChanged, NominationStatus, notice_status
from thidua_common.contracts.registry import CAMPAIGN_DEFINED, NOMINATION_CHANGED
from thidua_notify.compose import nomination_notice_message
from thidua_notify.service import NotifyService
from thidua_reporting.inbox import addressing, service
from thidua_reporting.inbox.render import Names, render
from thidua_reporting.projection.projector import Projector

from .fake_uow import FakeDatabase

T = "daknong"
NID = "nom-1"
ENTERED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
LEFT = datetime(2026, 11, 5, 3, 4, tzinfo=UTC)  # 10:04 on 5 November in Vietnam
REASON = "Thiếu biên bản họp xét của đơn vị"
VOTE_REASON = "Tỷ lệ phiếu đồng ý 1/3 (33,3%) thấp hơn ngưỡng 50%"


def nomination(status: str = "returned", change: str = "returned", **extra) -> dict:
    stages = [
        {"stage": "tiep-nhan", "entered_at": ENTERED.isoformat(), "left_at": ENTERED.isoformat(), "outcome": "passed"},
        {"stage": "tham-dinh", "entered_at": ENTERED.isoformat()},
    ]
    if status in ("returned", "failed", "decided"):
        reason = {"returned": REASON, "failed": VOTE_REASON, "decided": ""}[status]
        stages[-1] |= {"left_at": LEFT.isoformat(), "outcome": status, "by": "officer", "reason": reason}
    return {
        "nomination_id": NID,
        "revision": 3,
        "award_kind": "bang-khen-chu-tich-tinh-tap-the",
        "award_name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
        "nominee": {"kind": "collective", "unit_id": "huyen-cu-jut"},
        "nominated_by": "leader",
        "nominating_unit_id": "huyen-dak-mil",
        "year": 2026,
        "status": status,
        "stage": None if status == "decided" else "tham-dinh",
        "stages": stages,
        "change": {"kind": change, "by": "officer", "reason": stages[-1].get("reason") or ""},
        **extra,
    }


FAILED_VOTE = {"members": 3, "yes": 1, "no": 2, "abstain": 0, "threshold": 0.5, "passed": False}
DECISION = {"number": "1234/QĐ-UBND", "date": "2026-11-20", "signer": "Chủ tịch UBND tỉnh"}


def event(data: dict, event_id: str | None = None):
    return new_event(type=NOMINATION_CHANGED, source="/test", tenant=T, data=NominationChanged.model_validate(data),
                     id=event_id)


def campaign(email: str | None = "vanphong@cujut.daknong.gov.vn") -> dict:
    return {
        "campaign_id": "pt-1", "revision": 1, "criteria_version": 1, "name_vi": "Phong trào", "launched_by": "UBND",
        "kind": "regular", "start": "2026-01-01", "end": "2026-12-31", "reporting_frequency": "quarter",
        "criteria": [{"id": "c", "name_vi": "Tiêu chí", "max_points": 10, "target": 1}], "clusters": [],
        "participants": [{"unit_id": "huyen-cu-jut", "name_vi": "Huyện Cư Jút", "unit_type": "district",
                          **({"email": email} if email else {})}],
    }


def person(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject=f"p-{uuid.uuid4().hex[:6]}", tenant=T, roles=frozenset(roles), unit_id=unit)


@pytest.fixture
async def projector():
    p = Projector(FakeDatabase())  # type: ignore[arg-type]
    await p.setup()
    await p.apply(new_event(type=CAMPAIGN_DEFINED, source="/test", tenant=T, data=_campaign_model(campaign())))
    return p


def _campaign_model(data: dict):
    from thidua_common.contracts.registry import payload_model

    return payload_model(CAMPAIGN_DEFINED).model_validate(data)


async def inbox_of(p: Projector, who: Principal, lang: str = "vi") -> dict:
    tags = addressing.caller_tags(who)
    return await service.inbox(p.db, T, tags, who.subject, unread_only=False, limit=50, after=None, lang=lang)


# -- which revisions are told ----------------------------------------------------------------------
def test_only_the_revision_that_returned_failed_or_decided_it_is_told():
    told = lambda **kw: notice_status(NominationChanged.model_validate(nomination(**kw)))  # noqa: E731
    assert told() == NominationStatus.returned
    assert told(status="failed", change="voted", vote=FAILED_VOTE) == NominationStatus.failed
    assert told(status="decided", change="decided", decision=DECISION) == NominationStatus.decided
    assert told(status="in_progress", change="passed") is None
    assert told(status="in_progress", change="voted") is None  # a vote that passed
    assert told(status="in_progress", change="created") is None
    assert told(status="withdrawn", change="withdrawn") is None
    # a later revision that keeps the status (a unit merged, a record corrected) is not a new return
    assert told(status="returned", change="units_merged") is None


def test_a_nominations_notice_is_for_both_units_each_once():
    assert addressing.nomination_audience("huyen-cu-jut", "huyen-dak-mil") == ["unit:huyen-cu-jut",
                                                                               "unit:huyen-dak-mil"]
    assert addressing.nomination_audience("huyen-cu-jut", "huyen-cu-jut") == ["unit:huyen-cu-jut"]
    assert addressing.nomination_audience("huyen-cu-jut", None) == ["unit:huyen-cu-jut"]


# -- reporting's inbox -----------------------------------------------------------------------------
async def test_a_return_reaches_both_units_leaders_and_reporters_once_with_the_reason(projector):
    e = event(nomination())
    await projector.apply(e)
    await projector.apply(e)  # redelivered: still one notification
    leader = person(Role.unit_leader, unit="huyen-cu-jut")
    vi = await inbox_of(projector, leader)
    assert vi["unread"] == 1
    (item,) = vi["items"]
    assert item["id"] == e.id and item["kind"] == "nomination.returned" and item["nomination_id"] == NID
    assert item["unit_id"] == "huyen-cu-jut" and item["submission_id"] is None and item["period"] is None
    assert item["created_at"] == "2026-11-05T03:04:00Z"
    assert item["title"] == "Hồ sơ đề nghị khen thưởng bị trả lại: Bằng khen của Chủ tịch UBND tỉnh – tập thể Huyện Cư Jút"
    assert item["body"] == (
        "Hồ sơ đề nghị «Bằng khen của Chủ tịch UBND tỉnh» năm 2026 cho tập thể Huyện Cư Jút đã bị trả lại ở bước "
        "«tham-dinh» lúc 10:04 05/11/2026; đơn vị bổ sung, hoàn thiện hồ sơ rồi gửi lại. Lý do: " + REASON
    )
    (en,) = (await inbox_of(projector, leader, "en"))["items"]
    assert en["title"] == "Nomination returned: Bằng khen của Chủ tịch UBND tỉnh – the collective Huyện Cư Jút"
    assert en["body"].endswith("complete the dossier and submit it again. Reason: " + REASON)
    # the nominating unit's reporter reads it too; another unit, the board and an auditor do not
    assert len((await inbox_of(projector, person(Role.unit_reporter, unit="huyen-dak-mil")))["items"]) == 1
    for other in (person(Role.unit_leader, unit="huyen-krong-no"), person(Role.board_officer), person(Role.auditor)):
        assert (await inbox_of(projector, other))["items"] == []


async def test_a_failed_vote_carries_the_vote_and_its_reason_in_both_languages(projector):
    await projector.apply(event(nomination(status="failed", change="voted", vote=FAILED_VOTE)))
    (item,) = (await inbox_of(projector, person(Role.unit_leader, unit="huyen-cu-jut")))["items"]
    assert item["kind"] == "nomination.failed"
    assert item["title"].startswith("Hồ sơ đề nghị khen thưởng không được thông qua: ")
    assert f"Lý do: {VOTE_REASON}. Kết quả biểu quyết" in item["body"]
    assert ("Kết quả biểu quyết: 1/3 phiếu đồng ý, 2 không đồng ý, 0 không biểu quyết; ngưỡng cần đạt 50%."
            in item["body"])
    (en,) = (await inbox_of(projector, person(Role.unit_leader, unit="huyen-cu-jut"), "en"))["items"]
    assert "Vote: 1/3 in favour, 2 against, 0 abstaining; 50% needed." in en["body"]


async def test_a_decision_names_the_decision(projector):
    await projector.apply(event(nomination(status="decided", change="decided", decision=DECISION)))
    (item,) = (await inbox_of(projector, person(Role.unit_reporter, unit="huyen-cu-jut")))["items"]
    assert item["kind"] == "nomination.decided"
    assert item["title"] == ("Quyết định khen thưởng 1234/QĐ-UBND: Bằng khen của Chủ tịch UBND tỉnh – "
                             "tập thể Huyện Cư Jút")
    assert item["body"] == ("Theo Quyết định số 1234/QĐ-UBND ngày 20/11/2026 do Chủ tịch UBND tỉnh ký, tập thể "
                            "Huyện Cư Jút được tặng «Bằng khen của Chủ tịch UBND tỉnh» năm 2026.")


async def test_changes_that_are_no_return_failure_or_decision_tell_nobody(projector):
    for status, change in (("in_progress", "created"), ("in_progress", "passed"), ("in_progress", "commented"),
                           ("withdrawn", "withdrawn"), ("returned", "units_merged")):
        await projector.apply(event(nomination(status=status, change=change)))
    assert (await inbox_of(projector, person(Role.unit_leader, unit="huyen-cu-jut")))["items"] == []
    # the awards projection still holds the nomination (its handler is not replaced)
    assert await projector.db.nominations.find_one({"_id": f"{T}/{NID}"}) is not None


def test_an_individuals_nomination_names_the_person_and_the_unit():
    doc = {"kind": "nomination.returned", "created_at": LEFT, "period": None,
           "facts": {"award_name_vi": "Chiến sĩ thi đua cơ sở", "year": 2026, "person_name": "Nguyễn Thị Hoà",
                     "position": "Chủ tịch", "stage": "tham-dinh", "reason": ""}}
    title, body = render(doc, Names(campaign="", unit="Huyện Cư Jút"), "vi")
    assert title.endswith("Nguyễn Thị Hoà, Chủ tịch (Huyện Cư Jút)") and "Lý do" not in body


# -- notify ---------------------------------------------------------------------------------------
def test_the_returned_mail_gives_the_stage_and_the_reason_in_vietnamese():
    n = NominationChanged.model_validate(nomination())
    subject, body = nomination_notice_message(n, "Huyện Cư Jút", "Huyện Cư Jút")
    assert subject == ("[Thi Đua] Hồ sơ đề nghị khen thưởng bị trả lại: Bằng khen của Chủ tịch UBND tỉnh – "
                       "tập thể Huyện Cư Jút")
    assert body.startswith("Kính gửi Huyện Cư Jút,\n\nHồ sơ đề nghị khen thưởng «Bằng khen của Chủ tịch UBND tỉnh» "
                           "năm 2026 cho tập thể Huyện Cư Jút đã bị trả lại ở bước «tham-dinh» lúc 10:04 05/11/2026.")
    assert f"Lý do: {REASON}" in body and f"Mã hồ sơ: {NID}." in body and "biểu quyết" not in body
    subject_en, body_en = nomination_notice_message(n, "Cu Jut", "Cu Jut", "en")
    assert subject_en.startswith("[Thi Đua] Nomination returned: ") and f"Reason: {REASON}" in body_en


def test_the_failed_mail_gives_the_vote():
    n = NominationChanged.model_validate(nomination(status="failed", change="voted", vote=FAILED_VOTE))
    subject, body = nomination_notice_message(n, "Huyện Đắk Mil")  # the nominating unit: the nominee by its id
    assert subject.startswith("[Thi Đua] Hồ sơ đề nghị khen thưởng không được thông qua: ")
    assert "cho tập thể huyen-cu-jut không được thông qua ở bước «tham-dinh»" in body
    assert f"Lý do: {VOTE_REASON}" in body
    assert "Kết quả biểu quyết: 1/3 phiếu đồng ý, 2 không đồng ý, 0 không biểu quyết (ngưỡng cần đạt 50%)." in body


class Outbox:
    def __init__(self):
        self.sent = []

    async def send(self, message):
        self.sent.append(message)


async def notify_with(campaigns: list[dict]) -> NotifyService:
    class Settings:
        notify_max_attempts, notify_backoff_seconds = 3, 1

    svc = NotifyService(FakeDatabase(), {"email": Outbox()}, publisher=None, settings=Settings())  # type: ignore[arg-type]
    for c in campaigns:
        await svc.apply(new_event(type=CAMPAIGN_DEFINED, source="/test", tenant=T, data=_campaign_model(c)))
    return svc


async def test_notify_mails_a_return_once_to_the_unit_at_the_address_of_any_campaign():
    svc = await notify_with([campaign()])
    e = event(nomination())  # names no campaign: the unit is found in any campaign that lists it
    for _ in range(2):
        await svc.apply(e)
    while await svc.dispatch_one():
        pass
    (sent,) = svc.channels["email"].sent
    assert sent.recipient == "vanphong@cujut.daknong.gov.vn" and f"Lý do: {REASON}" in sent.body
    delivery = await svc.db.deliveries.find_one({"_id": f"{e.id}:email"})
    assert delivery["status"] == "sent"


async def test_notify_mails_no_pass_and_leaves_a_decision_to_its_award_event():
    svc = await notify_with([campaign()])
    for data in (nomination(status="in_progress", change="passed"),
                 nomination(status="decided", change="decided", decision=DECISION),
                 nomination(status="returned", change="units_merged")):
        await svc.apply(event(data))
    assert await svc.db.deliveries.count_documents({}) == 0


async def test_notify_skips_a_failure_when_no_campaign_gives_either_unit_an_address():
    svc = await notify_with([campaign(email=None)])
    e = event(nomination(status="failed", change="voted", vote=FAILED_VOTE))
    await svc.apply(e)
    while await svc.dispatch_one():
        pass
    assert svc.channels["email"].sent == []
    delivery = await svc.db.deliveries.find_one({"_id": f"{e.id}:email"})
    assert delivery["status"] == "skipped"


async def test_reportings_inbox_api_answers_a_nominations_notice(projector):
    """The API's response model takes a notice without campaign or period (it answered 500 before)."""
    import httpx

    from thidua_common.auth import mint_token
    from thidua_common.http import create_app
    from thidua_common.settings import Settings
    from thidua_reporting.inbox.views import router

    settings = Settings(environment="development")
    app = create_app("reporting", settings)
    app.include_router(router)
    app.state.db = projector.db
    await projector.apply(event(nomination()))
    token = mint_token(settings, subject="s-1", tenant=T, roles=["unit_leader"], unit_id="huyen-cu-jut")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r.test") as client:
        r = await client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}",
                                                               "Accept-Language": "en"})
    assert r.status_code == 200, r.text
    (item,) = r.json()["items"]
    assert (item["kind"], item["nomination_id"], item["campaign_id"], item["period"]) == (
        "nomination.returned", NID, None, None)
    assert item["title"].startswith("Nomination returned: ")
