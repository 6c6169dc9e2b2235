"""issue 11, nomnotice: the console's /notifications shows a nomination returned, failed or decided
with the text reporting rendered and a link to the nomination (none to a submission), escapes
stored text, and still shows a kind it does not know (no link)."""

import pytest

from .test_web_reporter import SCRIPT, ApiFakes, signed_in
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)


@pytest.fixture
def fakes():
    return ApiFakes()


async def test_a_returned_nomination_links_to_the_nomination_and_an_unknown_kind_still_shows(client, fakes):
    fakes.roles = ["unit_leader"]
    fakes.inbox = {"unread": 2, "next": None, "items": [
        {"id": "n1", "kind": "nomination.returned", "title": "Hồ sơ đề nghị khen thưởng bị trả lại: Bằng khen",
         "body": f"Lý do: Thiếu biên bản {SCRIPT}", "campaign_id": None, "unit_id": "huyen-cu-jut", "period": None,
         "submission_id": None, "nomination_id": "nom 1/x", "created_at": "2026-11-05T03:04:00Z", "read": False},
        {"id": "n2", "kind": "something.new", "title": "Một loại thông báo mới", "body": "Nội dung",
         "created_at": "2026-11-04T03:04:00Z", "read": False}]}  # fmt: skip
    await signed_in(client, fakes)
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert 'data-kind="nomination.returned"' in page.text
    assert 'href="/nominations/nom%201/x"' in page.text and "Xem hồ sơ đề nghị khen thưởng" in page.text
    assert "Thiếu biên bản &lt;script&gt;" in page.text and SCRIPT not in page.text
    assert "/submissions/" not in page.text  # a nomination's notice is no submission
    assert "Một loại thông báo mới" in page.text and page.text.count('class="ntf-nomination"') == 1
    client.cookies.set("lang", "en")
    assert "Open the nomination" in (await client.get("/notifications")).text
