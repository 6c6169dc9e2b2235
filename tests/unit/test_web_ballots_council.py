"""issue 11: ballots — the council's size on the commendation overview (/commendation): readers see
it, the board sets it (the whole configuration PUT with only council_members changed), a bad size
is refused next to the field in Vietnamese and nothing is sent, intake's refusal is shown, CSRF,
and the 403 page for a role that may not edit."""

import pytest

from .test_web_commendation import CONFIG, CommendationFakes, signed
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)


@pytest.fixture
def fakes():
    return CommendationFakes()


async def test_the_board_sets_the_councils_size(client, fakes):
    csrf = await signed(client, fakes)
    html = (await client.get("/commendation")).text
    assert 'id="cmd-council-form"' in html and "chưa cấu hình (không thể kiểm phiếu)" in html
    answer = await client.post("/commendation/council", data={"csrf": csrf, "council_members": "3",
                                                               "reason": "Quyết định kiện toàn Hội đồng",
                                                               "revision": "7"})
    assert answer.status_code == 303 and answer.headers["location"] == "/commendation#cmd-council"
    (body,) = fakes.written()
    # the holidays go back as {date, name}, a plain date read as one without a name
    named = [h if isinstance(h, dict) else {"date": h, "name": ""} for h in CONFIG["holidays"]]
    assert body == {"holidays": named, "award_kinds": CONFIG["award_kinds"],
                    "escalate_to": CONFIG["escalate_to"], "council_members": 3,
                    "reason": "Quyết định kiện toàn Hội đồng", "expected_revision": 7}
    shown = (await client.get("/commendation")).text
    assert '<p id="cmd-council-size">Số thành viên Hội đồng:\n    <strong>3</strong>' in shown


@pytest.mark.parametrize("typed", ["0", "201", "ba", "", "2.5"])
async def test_a_bad_size_is_refused_next_to_the_field_and_nothing_is_sent(client, fakes, typed):
    csrf = await signed(client, fakes)
    answer = await client.post("/commendation/council", data={"csrf": csrf, "council_members": typed,
                                                               "reason": "Giữ lại", "revision": "7"})
    assert answer.status_code == 422
    assert "Số thành viên Hội đồng phải là số nguyên từ 1 đến 200." in answer.text
    assert 'id="council-members"' in answer.text and 'aria-invalid="true"' in answer.text
    assert "Giữ lại" in answer.text and fakes.written() == []


async def test_intakes_refusal_is_shown(client, fakes):
    csrf = await signed(client, fakes)
    fakes.answer = (409, {"message": "Cấu hình khen thưởng đã được cập nhật (phiên bản 8); hãy tải lại rồi thử lại.",
                          "errors": []})
    answer = await client.post("/commendation/council", data={"csrf": csrf, "council_members": "5", "revision": "7"})
    assert answer.status_code == 409 and "phiên bản 8" in answer.text


async def test_csrf_and_roles(client, fakes):
    await signed(client, fakes)
    assert (await client.post("/commendation/council", data={"council_members": "3"})).status_code == 403
    csrf = await signed(client, fakes, ["chairperson"], None)
    html = (await client.get("/commendation")).text
    assert 'id="cmd-council-size"' in html and 'id="cmd-council-form"' not in html
    assert (await client.post("/commendation/council", data={"csrf": csrf, "council_members": "3"})).status_code == 403
    assert fakes.written() == []
