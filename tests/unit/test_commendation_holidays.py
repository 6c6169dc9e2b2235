"""Issue 11: holidays with names in the commendation configuration. A holiday is {date, name}; a
plain date is still accepted (name empty), in a request and in a stored document; a date given
twice, a name too long or of the wrong type is refused naming the field, in Vietnamese or English,
and nothing is written; names are stored NFC; working days keep counting the dates alone."""

import unicodedata
from datetime import date

import httpx
import pytest
from pydantic import ValidationError

from thidua_common.auth import Principal, Role
from thidua_common.http import create_app
from thidua_common.http.deps import get_principal
from thidua_common.settings import Settings
from thidua_intake import deps
from thidua_intake.commendation_config import rules, service
from thidua_intake.commendation_config.models import CommendationConfig, ConfigWrite, Holiday
from thidua_intake.commendation_config.views import router
from thidua_intake.reviews.queue import service as queue_service

from .service_fixtures import TENANT, fresh_uow
from .test_nomination_rules import award

QUOC_KHANH = {"date": "2026-09-02", "name": "Quốc khánh"}


def config(holidays: list) -> dict:
    return {"holidays": holidays, "award_kinds": [award().model_dump(mode="json")]}


# -- the model ---------------------------------------------------------------------------------------
def test_a_holiday_has_a_date_and_a_name_and_a_plain_date_is_a_holiday_without_one():
    body = ConfigWrite.model_validate(config([QUOC_KHANH, "2026-01-01"]))
    assert body.holidays == [Holiday(date=date(2026, 9, 2), name="Quốc khánh"), Holiday(date=date(2026, 1, 1))]
    assert body.holidays[1].name == ""


def test_a_name_is_stored_composed_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Giỗ Tổ Hùng Vương ")
    assert decomposed.strip() != "Giỗ Tổ Hùng Vương"  # the input really is decomposed
    [holiday] = ConfigWrite.model_validate(config([{"date": "2026-04-26", "name": decomposed}])).holidays
    assert holiday.name == "Giỗ Tổ Hùng Vương" and unicodedata.is_normalized("NFC", holiday.name)


@pytest.mark.parametrize(
    ("holiday", "field"),
    [
        ({"date": "2026-09-02", "name": "x" * 101}, "name"),
        ({"date": "2026-09-02", "name": 5}, "name"),
        ({"date": "2026-09-02", "name": "Quốc\nkhánh"}, "name"),
        ({"date": "02/09/2026", "name": "Quốc khánh"}, "date"),
        ({"date": 0, "name": "Quốc khánh"}, "date"),  # not a Unix timestamp
        ({"name": "Quốc khánh"}, "date"),
        ({"date": "2026-09-02", "name": "Quốc khánh", "extra": 1}, "extra"),
    ],
)
def test_a_bad_holiday_is_refused_at_its_field(holiday, field):
    with pytest.raises(ValidationError) as caught:
        ConfigWrite.model_validate(config([holiday]))
    assert [e["loc"] for e in caught.value.errors()] == [("holidays", 0, field)]


def test_a_date_given_twice_is_named_at_the_second():
    body = ConfigWrite.model_validate(config([QUOC_KHANH, "2026-01-01", {"date": "2026-09-02", "name": "Nghỉ"}]))
    [error] = rules.holiday_errors(body)
    assert (error.field, error.key, error.params) == ("holidays.2.date", "commendation.holiday_repeats",
                                                      {"date": "02/09/2026"})
    assert rules.holiday_errors(ConfigWrite.model_validate(config([QUOC_KHANH, "2026-09-03"]))) == []


def test_the_working_day_computations_get_the_dates():
    stored = CommendationConfig.model_validate({
        "tenant": TENANT, "revision": 1, "holidays": ["2026-01-01", QUOC_KHANH], "award_kinds": [award()],
        "escalate_to": ["board_officer"], "updated_at": "2026-01-01T00:00:00Z", "updated_by": "x",
    })  # fmt: skip
    assert stored.holiday_dates == {date(2026, 1, 1), date(2026, 9, 2)}


# -- the service ---------------------------------------------------------------------------------------
async def test_holidays_are_stored_by_date_with_their_names():
    uow = fresh_uow()
    body = ConfigWrite.model_validate(config([QUOC_KHANH, "2026-01-01"]))
    saved = await service.put(uow, TENANT, body, "can-bo-ban")
    doc = await uow.db.commendation_config.find_one({"_id": TENANT})
    assert doc["holidays"] == [{"date": "2026-01-01", "name": ""}, QUOC_KHANH]
    assert [h.model_dump(mode="json") for h in saved.holidays] == doc["holidays"]


async def test_a_document_stored_before_holidays_had_names_still_reads():
    uow = fresh_uow()
    await uow.db.commendation_config.insert_one({
        "_id": TENANT, "tenant": TENANT, "revision": 3, "holidays": ["2026-04-30", "2026-05-01"],
        "award_kinds": [award().model_dump(mode="json")], "escalate_to": ["board_officer"],
        "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "x",
    })  # fmt: skip
    found = await service.get(uow.db, TENANT)
    assert found is not None and [(h.date, h.name) for h in found.holidays] == [
        (date(2026, 4, 30), ""), (date(2026, 5, 1), "")]  # fmt: skip


async def test_the_review_queue_reads_named_and_plain_holidays():
    uow = fresh_uow()
    await uow.db.commendation_config.insert_one({"_id": TENANT, "holidays": [QUOC_KHANH, "2026-04-30"]})
    assert await queue_service._holidays(uow.db, TENANT) == {date(2026, 9, 2), date(2026, 4, 30)}


# -- the API ---------------------------------------------------------------------------------------
@pytest.fixture
def api():
    uow = fresh_uow()
    app = create_app("intake-test", Settings())
    app.include_router(router)

    async def board() -> Principal:
        return Principal(subject="can-bo-ban", tenant=TENANT, roles=frozenset({Role.board_officer}))

    async def the_uow():
        return uow

    async def the_db():
        return uow.db

    app.dependency_overrides[get_principal] = board
    app.dependency_overrides[deps.get_uow] = the_uow
    app.dependency_overrides[deps.get_db] = the_db
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake.test")
    return client, uow


async def test_the_api_stores_named_holidays_and_answers_them(api):
    client, _ = api
    answer = await client.put("/api/v1/config/commendation", json=config([QUOC_KHANH, "2026-01-01"]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["holidays"] == [{"date": "2026-01-01", "name": ""}, QUOC_KHANH]
    read = await client.get("/api/v1/config/commendation")
    assert read.json()["holidays"] == [{"date": "2026-01-01", "name": ""}, QUOC_KHANH]


async def test_the_api_refuses_a_repeated_date_in_vietnamese_or_english_and_writes_nothing(api):
    client, uow = api
    twice = config([QUOC_KHANH, {"date": "2026-09-02", "name": "Nghỉ bù"}])
    answer = await client.put("/api/v1/config/commendation", json=twice)
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "holidays.1.date"
    assert error["reason"] == "Ngày 02/09/2026 đã có trong lịch nghỉ lễ; mỗi ngày chỉ khai báo một lần."
    english = await client.put("/api/v1/config/commendation", json=twice, headers={"Accept-Language": "en"})
    assert english.json()["errors"][0]["reason"] == "02/09/2026 is already in the holidays; each date is given once."
    assert await uow.db.commendation_config.find_one({"_id": TENANT}) is None


async def test_the_api_refuses_a_name_with_a_line_break_in_vietnamese_or_english(api):
    client, uow = api
    body = config([{"date": "2026-09-02", "name": "Quốc\nkhánh"}])
    answer = await client.put("/api/v1/config/commendation", json=body)
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "holidays.0.name"
    assert error["reason"] == "Tên ngày lễ không được chứa ký tự điều khiển (như xuống dòng)."
    english = await client.put("/api/v1/config/commendation", json=body, headers={"Accept-Language": "en"})
    assert english.json()["errors"][0]["reason"] == "A holiday's name may not hold control characters (such as a line break)."
    assert await uow.db.commendation_config.find_one({"_id": TENANT}) is None


async def test_the_api_refuses_a_name_too_long_at_its_field(api):
    client, uow = api
    answer = await client.put("/api/v1/config/commendation", json=config([{"date": "2026-09-02", "name": "x" * 101}]))
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "holidays.0.name" and error["reason"].startswith("Quá dài")
    assert await uow.db.commendation_config.find_one({"_id": TENANT}) is None


# -- the demo data ---------------------------------------------------------------------------------
def test_the_demo_tenant_has_the_named_vietnamese_public_holidays():
    from thidua_devstack.commendation_data import commendation_config

    body = ConfigWrite.model_validate(commendation_config())
    assert rules.holiday_errors(body) == []
    named = {h.date: h.name for h in body.holidays}
    assert all(named.values())  # every demo holiday has its name
    assert named[date(2026, 1, 1)] == "Tết Dương lịch"
    assert named[date(2026, 2, 17)].startswith("Tết Nguyên đán")  # mùng 1 Tết Bính Ngọ
    assert "Giỗ Tổ Hùng Vương" in named[date(2026, 4, 27)]
    assert "30/4" in named[date(2026, 4, 30)] and "1/5" in named[date(2026, 5, 1)]
    assert named[date(2026, 9, 2)] == "Quốc khánh" and "Quốc khánh" in named[date(2026, 9, 1)]
