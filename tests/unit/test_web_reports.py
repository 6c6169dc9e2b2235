"""Issue 13: the console's «Báo cáo sơ kết/tổng kết» page (services/web, package reports/) against a
fake reporting: the board sees the drafts by version with DOCX/PDF links, saves the narrative with
the version read (a stale one is refused, the typed text kept), regenerates, uploads a DOCX; a unit
sees only its own drafts (the API is asked for its unit) and no forms; CSRF required; stored
`<script>` shown as text; downloads streamed as attachments."""

import json
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.reports import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"
DOC = "a" * 24


def review_item(**over) -> dict:
    return {
        "review_date": "2027-01-15",
        "kind": "interim",
        "periods": ["2026-Q3", "2026-Q4"],
        "reminded_at": "2027-01-10T01:00:00Z",
        "generated_at": "2027-01-15T01:00:00Z",
        "number": "3/BC-HĐTĐKT",
        "narrative": {"assessment": f"Đánh giá {SCRIPT}"},
        "narrative_version": 4,
        "documents": [
            {"id": DOC, "version": 1, "source": "generated", "created_at": "2027-01-15T01:00:00Z", "filename": "a.docx"},
            {"id": "b" * 24, "version": 2, "source": "uploaded", "created_at": "2027-01-16T02:00:00Z", "filename": "b.docx"},
        ],
        **over,
    }


class ReportFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.unit, self.roles = None, ["board_officer"]
        self.calls: list[tuple[str, str, dict, bytes]] = []
        self.put_status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "reporting.test":
            return super().__call__(request)
        path = request.url.path
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((request.method, path, query, request.content))
        if path == "/api/v1/campaigns/pt-1/reviews" and request.method == "GET":
            return httpx.Response(200, json=[review_item(), review_item(review_date="2027-07-15", kind="final",
                                                                        generated_at=None, reminded_at=None,
                                                                        documents=[])])
        if path.endswith("/narrative"):
            if self.put_status == 409:
                return httpx.Response(409, json={"message": "Nội dung báo cáo đã được người khác sửa", "errors": []})
            return httpx.Response(200, json={"narrative_version": 5})
        if path.endswith("/regenerate"):
            return httpx.Response(200, json={"version": 3, "board_document_id": "c" * 24})
        if path.endswith("/documents") and request.method == "POST":
            if b"not a docx" in request.content:
                return httpx.Response(422, json={"message": "Dữ liệu không hợp lệ", "errors": [
                    {"field": "file", "reason": "không phải tệp Word (.docx) mở được"}]})
            return httpx.Response(201, json={"version": 4})
        if path == f"/api/v1/documents/{DOC}":
            return httpx.Response(200, content=b"%PDF-1.7 fake", headers={
                "content-type": "application/pdf", "content-disposition": 'attachment; filename="a.pdf"'})
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return ReportFakes()


def test_reviews_are_read_defensively_newest_first():
    views = models.reviews([review_item(), review_item(review_date="2027-07-15", kind="final", generated_at=None,
                                                       reminded_at=None, documents=[]), {"review_date": "x"}, 5])
    assert [v.review_date.isoformat() for v in views] == ["2027-07-15", "2027-01-15"]
    assert views[0].state == "scheduled" and views[1].state == "generated"
    assert [v.version for v in views[1].versions] == [2, 1]
    assert views[1].narrative["assessment"].startswith("Đánh giá") and views[1].narrative["lessons"] == ""


async def test_the_board_sees_versions_downloads_and_the_narrative(client, fakes):
    await signed_in(client, fakes, ["board_officer"], None)
    page = await client.get("/campaigns/pt-1/reviews")
    assert page.status_code == 200
    html = page.text
    assert "Sơ kết ngày 15/01/2027" in html and "Tổng kết ngày 15/07/2027" in html
    assert "Đã có dự thảo" in html and "Chưa đến ngày" in html and "3/BC-HĐTĐKT" in html
    assert f'href="/documents/{DOC}?format=docx"' in html and f'href="/documents/{DOC}?format=pdf"' in html
    assert "Tải lên (sửa trong Word)" in html
    assert 'name="expected_version" value="4"' in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and SCRIPT not in html
    assert fakes.calls[0][2] == {}  # the board's drafts (no unit named)


async def test_saving_the_narrative_sends_the_version_read_and_redirects(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], None)
    form = {"csrf": csrf, "expected_version": "4", "assessment": "Tốt", "lessons": "Bài học"}
    saved = await client.post("/campaigns/pt-1/reviews/2027-01-15/narrative", data=form)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/campaigns/pt-1/reviews?done=saved")
    method, path, _, body = fakes.calls[-1]
    assert (method, path) == ("PUT", "/api/v1/campaigns/pt-1/reviews/2027-01-15/narrative")
    sent = json.loads(body)
    assert sent["expected_version"] == 4 and sent["assessment"] == "Tốt" and sent["lessons"] == "Bài học"


async def test_a_stale_narrative_is_refused_with_the_typed_text_kept(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], None)
    fakes.put_status = 409
    refused = await client.post(
        "/campaigns/pt-1/reviews/2027-01-15/narrative",
        data={"csrf": csrf, "expected_version": "3", "assessment": "Văn bản tôi vừa gõ"},
    )
    assert refused.status_code == 409
    assert "người khác sửa" in refused.text and "Văn bản tôi vừa gõ" in refused.text


async def test_without_the_csrf_token_nothing_is_sent(client, fakes):
    await signed_in(client, fakes, ["board_officer"], None)
    response = await client.post("/campaigns/pt-1/reviews/2027-01-15/regenerate", data={})
    assert response.status_code in (400, 403)
    assert not [c for c in fakes.calls if c[1].endswith("/regenerate")]


async def test_regenerate_and_upload(client, fakes):
    csrf = await signed_in(client, fakes, ["chairperson"], None)
    again = await client.post("/campaigns/pt-1/reviews/2027-01-15/regenerate", data={"csrf": csrf})
    assert again.status_code == 303 and "done=regenerated&version=3" in again.headers["location"]
    docx = ("b.docx", b"PK fake docx", "application/octet-stream")
    up = await client.post("/campaigns/pt-1/reviews/2027-01-15/upload", data={"csrf": csrf}, files={"file": docx})
    assert up.status_code == 303 and "done=uploaded&version=4" in up.headers["location"]
    assert b"PK fake docx" in fakes.calls[-1][3]
    bad = await client.post("/campaigns/pt-1/reviews/2027-01-15/upload", data={"csrf": csrf},
                            files={"file": ("x.docx", b"not a docx", "text/plain")})
    assert bad.status_code == 422 and "không phải tệp Word (.docx) mở được" in bad.text


async def test_a_unit_sees_its_own_drafts_and_no_forms(client, fakes):
    csrf = await signed_in(client, fakes, ["unit_reporter"], "don-vi-1")
    page = await client.get("/campaigns/pt-1/reviews")
    assert page.status_code == 200
    assert fakes.calls[-1][2] == {"unit_id": "don-vi-1"}
    assert "Báo cáo của đơn vị" in page.text and "expected_version" not in page.text
    assert "3/BC-HĐTĐKT" not in page.text
    refused = await client.post("/campaigns/pt-1/reviews/2027-01-15/regenerate", data={"csrf": csrf})
    assert refused.status_code == 403
    assert not [c for c in fakes.calls if c[1].endswith("/regenerate")]


async def test_a_document_downloads_as_an_attachment(client, fakes):
    await signed_in(client, fakes, ["unit_reporter"], "don-vi-1")
    got = await client.get(f"/documents/{DOC}?format=pdf")
    assert got.status_code == 200 and got.content == b"%PDF-1.7 fake"
    assert got.headers["content-disposition"].startswith("attachment") and got.headers["cache-control"] == "no-store"
    assert fakes.calls[-1][2] == {"format": "pdf"}
    assert (await client.get("/documents/not-an-id")).status_code == 404
    assert (await client.get(f"/documents/{DOC}?format=exe")).status_code == 404
    assert (await client.get(f"/documents/{'d' * 24}")).status_code == 404  # reporting's refusal
