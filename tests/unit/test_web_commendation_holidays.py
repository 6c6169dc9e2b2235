"""Issue 11, holidays with names in the console (/commendation/holidays) against a fake intake: each
day is listed with its Vietnamese date, weekday and name (a plain date from intake shows as
unnamed; a stored <script> as text); a holiday is added with its name, a day already listed is
renamed in place; a name too long or with control characters is refused next to the name input
(nothing PUT, what was typed kept); intake's refusal of a holiday's name or date is placed next to
the input it names; the overview names the year's holidays."""

import unicodedata

import pytest

from thidua_web.commendation import models

from .test_web_commendation import CONFIG, HOLIDAYS_PUT, SCRIPT, CommendationFakes, refusal, signed
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)


@pytest.fixture
def fakes():
    return CommendationFakes()


def table(html: str) -> str:
    return html.split('id="cmd-holidays-table"')[1].split("</table>")[0]


# -- pure logic ------------------------------------------------------------------------------------
def test_the_holidays_are_read_named_or_plain_by_date():
    read = models.holiday_list({"holidays": ["2027-01-01", {"date": "2026-09-02", "name": "Quốc khánh"}, "x", 5]})
    assert read == [models.Holiday("2026-09-02", "Quốc khánh"), models.Holiday("2027-01-01", "")]


def test_a_name_is_composed_trimmed_and_bounded():
    assert models.holiday_name(unicodedata.normalize("NFD", " Quốc khánh ")) == ("Quốc khánh", None)
    assert models.holiday_name("x" * 101)[1] == "cmd_err_holiday_name"
    assert models.holiday_name("x" * 100)[1] is None
    assert models.holiday_name("Quốc\nkhánh")[1] == "cmd_err_holiday_name_chars"


def test_adding_a_day_already_listed_renames_it():
    days = [models.Holiday("2026-09-02"), models.Holiday("2027-01-01", "Tết")]
    assert models.with_holiday(days, models.Holiday("2026-09-02", "Quốc khánh")) == [
        models.Holiday("2026-09-02", "Quốc khánh"), models.Holiday("2027-01-01", "Tết")]  # fmt: skip


# -- the page ----------------------------------------------------------------------------------------
async def test_each_holiday_is_listed_with_its_name(client, fakes):
    fakes.config["holidays"] = [*CONFIG["holidays"], {"date": "2026-04-30", "name": f"Chiến thắng {SCRIPT}"}]
    await signed(client, fakes)
    html = (await client.get("/commendation/holidays", params={"year": "2026"})).text
    rows = table(html)
    assert '<th scope="col">Tên ngày lễ</th>' in rows
    assert 'data-day="2026-09-02"><th scope="row">02/09/2026</th><td>Thứ Tư</td>' in rows
    assert '<td class="cmd-holiday-name">Quốc khánh</td>' in rows
    assert SCRIPT not in html and "Chiến thắng &lt;script&gt;" in rows
    unnamed = table((await client.get("/commendation/holidays", params={"year": "2027"})).text)
    assert "01/01/2027" in unnamed and "(chưa đặt tên)" in unnamed
    assert 'for="cmd-holiday-name">Tên ngày lễ</label>' in html
    client.cookies.set("lang", "en")
    english = table((await client.get("/commendation/holidays", params={"year": "2026"})).text)
    assert '<th scope="col">Holiday name</th>' in english
    assert "Quốc khánh" in english  # the name is data: shown as the board wrote it


async def test_the_overview_names_this_years_holidays(client, fakes, monkeypatch):
    from datetime import date

    from thidua_web.commendation import views

    monkeypatch.setattr(views, "_today", lambda: date(2026, 11, 30))
    await signed(client, fakes)
    html = (await client.get("/commendation")).text
    assert "01/01/2026 (Tết Dương lịch), 02/09/2026 (Quốc khánh)" in html


async def test_a_holiday_is_added_with_its_name(client, fakes):
    csrf = await signed(client, fakes)
    typed = unicodedata.normalize("NFD", " Ngày Chiến thắng ")
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "30/04/2027", "name": typed, "reason": "Lễ 30/4", "revision": "7", "year": "2027"})
    assert answer.status_code == 303
    (body,) = fakes.written()
    assert body["holidays"] == [*HOLIDAYS_PUT, {"date": "2027-04-30", "name": "Ngày Chiến thắng"}]
    shown = table((await client.get(answer.headers["location"])).text)
    assert "30/04/2027" in shown and '<td class="cmd-holiday-name">Ngày Chiến thắng</td>' in shown


async def test_a_day_already_listed_is_renamed(client, fakes):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "01/01/2027", "name": "Tết Dương lịch", "revision": "7"})
    assert answer.status_code == 303
    (body,) = fakes.written()
    assert body["holidays"] == [*HOLIDAYS_PUT[:2], {"date": "2027-01-01", "name": "Tết Dương lịch"}]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("Q" * 101, "Tên ngày lễ dài quá 100 ký tự."),
     ("Quốc\u0007khánh", "Tên ngày lễ không được chứa ký tự điều khiển (như xuống dòng).")],
)
async def test_a_bad_name_is_refused_next_to_it_and_nothing_is_put(client, fakes, name, reason):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "30/04/2027", "name": name, "revision": "7"})
    assert answer.status_code == 422 and not fakes.written()
    field = answer.text[answer.text.index('id="cmd-holiday-name"'):]
    assert 'aria-invalid="true"' in field[:400]
    assert f'id="cmd-holiday-name-err">{reason}</span>' in answer.text
    assert 'value="30/04/2027"' in answer.text  # what was typed is kept


async def test_a_bad_day_and_a_bad_name_are_both_named(client, fakes):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "31/02/2027", "name": "Q" * 101, "revision": "7"})
    assert answer.status_code == 422 and not fakes.written()
    assert 'id="cmd-day-err">Ngày không hợp lệ' in answer.text and 'id="cmd-holiday-name-err">' in answer.text


async def test_intakes_refusal_of_the_name_or_the_date_is_placed_next_to_that_input(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = refusal("holidays.3.name", "Quá dài (tối đa 100 ký tự).")
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "30/04/2027", "name": "Ngày Chiến thắng", "revision": "7"})
    assert answer.status_code == 422
    assert 'id="cmd-holiday-name-err">Quá dài (tối đa 100 ký tự).</span>' in answer.text
    assert 'value="Ngày Chiến thắng"' in answer.text
    fakes.answer = refusal("holidays.3.date", "Ngày 30/04/2027 đã có trong lịch nghỉ lễ; mỗi ngày chỉ khai báo một lần.")
    answer = await client.post("/commendation/holidays", data={
        "csrf": csrf, "day": "30/04/2027", "name": "Ngày Chiến thắng", "revision": "7"})
    assert 'id="cmd-day-err">Ngày 30/04/2027 đã có trong lịch nghỉ lễ' in answer.text


def test_the_nominations_pages_count_working_days_with_named_holidays_too():
    from datetime import date

    from thidua_web.nominations import models as nomination_models

    config = {"holidays": [{"date": "2026-09-02", "name": "Quốc khánh"}, "2026-01-01", {"date": "x"}]}
    assert nomination_models.holidays(config) == {date(2026, 9, 2), date(2026, 1, 1)}
