"""Issue 11, the auditor's pages in the console (services/web, package audit/) against a fake intake:
the trail with filters by subject, actor and days (sent to intake as its time range), each record's
hash and the link to its predecessor, pages, the chain's verification (holds, broken with the
reason, stopped at its bound), one record's page, 403 for a unit reporter, stored `<script>` as text."""

import json
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.audit import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

SCRIPT = "<script>alert('x')</script>"
GENESIS = "0" * 64


def record(seq: int, **extra) -> dict:
    return {"seq": seq, "at": f"2026-03-0{seq % 9 + 1}T03:00:00.000000+00:00", "actor": "board-officer.so-noi-vu",
            "action": "vn.thidua.unit.changed.v1", "subject": "huyen-cu-jut", "tenant": "daknong",
            "reason": f"Lý do {seq}", "event_id": f"ev-{seq}", "payload_sha256": "p" * 64,
            "prev_hash": GENESIS if seq == 1 else f"{seq - 1:064d}", "hash": f"{seq:064d}", **extra}


class AuditFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.unit, self.roles = None, ["auditor"]
        self.records = [record(i) for i in range(1, 121)]
        self.records[2]["reason"] = f"Sửa {SCRIPT}"
        self.verified: dict = {"ok": True, "checked": 120, "head_seq": 120, "complete": True, "break": None}
        self.calls: list[tuple[str, dict, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "intake.test":
            return super().__call__(request)
        path = request.url.path
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((path, query, request.headers["authorization"]))
        if path == "/api/v1/audit/verify":
            return httpx.Response(200, json=self.verified)
        if path == "/api/v1/audit":
            first, limit = int(query.get("from_seq", 1)), int(query.get("limit", 500))
            found = [r for r in self.records if r["seq"] >= first and r["subject"] == query.get("subject", r["subject"])]
            return httpx.Response(200, content=json.dumps(found[:limit]))
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return AuditFakes()


async def signed(client, fakes, roles=None, unit=None) -> str:
    return await signed_in(client, fakes, roles or ["auditor"], unit)


def trail_call(fakes) -> dict:
    return next(q for p, q, _ in fakes.calls if p == "/api/v1/audit")


# -- pure parts ------------------------------------------------------------------------------------
def test_days_become_the_apis_time_range_in_vietnam_time():
    filters = models.read_filters(" pt-1 ", "", "2026-03-01", "2026-03-31")
    assert not filters.errors
    assert filters.api_params() == {"subject": "pt-1", "since": "2026-03-01T00:00:00+07:00",
                                    "until": "2026-04-01T00:00:00+07:00"}
    assert models.read_filters("", "", "31/02/2026", "").errors == {"from": "aud_bad_date"}
    assert models.read_filters("", "", "2026-03-02", "2026-03-01").errors == {"to": "aud_to_before_from"}
    assert models.read_filters("x" * 257, "", "", "").errors == {"subject": "aud_too_long"}
    assert [models.start_seq(v) for v in (None, "7", "x", "0", str(2**64))] == [1, 7, 1, 1, 1]


def test_a_record_links_to_its_predecessor_here_or_on_its_own_page():
    rows = models.records([record(1), record(2), record(5)])
    assert [r.prev_href for r in rows] == [None, "#seq-1", "/audit/4"]
    assert models.link_holds(record(2), record(1)) is True
    assert models.link_holds(record(2), {**record(1), "hash": "x"}) is False
    assert models.link_holds(record(2), None) is None and models.link_holds(record(1), None) is True


# -- the trail -------------------------------------------------------------------------------------
async def test_the_trail_shows_records_hashes_links_and_pages(client, fakes):
    await signed(client, fakes)
    page = await client.get("/audit")
    assert page.status_code == 200
    html = page.text
    assert "Nhật ký kiểm toán" in html and 'id="nav-audit"' in html
    first = html[html.index('id="seq-1"'):html.index('id="seq-2"')]
    assert "Khởi đầu chuỗi" in first and "1".zfill(64) in first and "10:00 02/03/2026" in first
    second = html[html.index('id="seq-2"'):html.index('id="seq-3"')]
    assert f'<a class="aud-prev" href="#seq-1"><code class="aud-hash">{"1".zfill(64)}</code></a>' in second
    assert "Sửa &lt;script&gt;" in html and SCRIPT not in html
    assert 'id="seq-50"' in html and 'id="seq-51"' not in html
    assert 'href="/audit?from_seq=51"' in html and "Trang sau" in html
    assert trail_call(fakes) == {"from_seq": "1", "limit": "51"}
    assert 'hx-get="/audit/verify"' in html  # the verification loads into the page
    second_page = (await client.get("/audit", params={"from_seq": "51"})).text
    assert 'id="seq-51"' in second_page and 'href="/audit?from_seq=101"' in second_page and "Về trang đầu" in second_page


async def test_filters_are_sent_to_intake_and_kept_in_the_form_and_links(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/audit", params={"subject": "huyen-cu-jut", "actor": "board-officer.so-noi-vu",
                                               "from": "2026-03-01", "to": "2026-03-31"})).text
    assert trail_call(fakes) == {"subject": "huyen-cu-jut", "actor": "board-officer.so-noi-vu",
                                 "since": "2026-03-01T00:00:00+07:00", "until": "2026-04-01T00:00:00+07:00",
                                 "from_seq": "1", "limit": "51"}
    assert 'value="huyen-cu-jut"' in html and 'value="2026-03-31"' in html
    assert "/audit?subject=huyen-cu-jut&amp;actor=board-officer.so-noi-vu&amp;from=2026-03-01&amp;to=2026-03-31&amp;from_seq=51" in html
    fakes.records = []
    assert "Không có bản ghi nào khớp với bộ lọc." in (await client.get("/audit", params={"subject": "x"})).text


async def test_bad_filters_are_named_in_vietnamese_and_not_sent(client, fakes):
    await signed(client, fakes)
    page = await client.get("/audit", params={"from": "2026-03-05", "to": "2026-03-01", "actor": "<b>a</b>"})
    assert page.status_code == 422
    assert "«Đến ngày» phải bằng hoặc sau «Từ ngày»." in page.text and 'aria-describedby="err-to"' in page.text
    assert 'value="&lt;b&gt;a&lt;/b&gt;"' in page.text
    assert not [c for c in fakes.calls if c[0] == "/api/v1/audit"]


# -- verification ----------------------------------------------------------------------------------
async def test_the_verification_says_the_chain_holds(client, fakes):
    await signed(client, fakes)
    fragment = await client.get("/audit/verify", headers={"HX-Request": "true"})
    assert "Chuỗi nhật ký toàn vẹn: đã kiểm tra 120 bản ghi." in fragment.text and "<html" not in fragment.text
    page = await client.get("/audit/verify")
    assert "<html" in page.text and 'id="aud-verified"' in page.text


async def test_a_broken_chain_names_the_record_and_the_reason(client, fakes):
    fakes.verified = {"ok": False, "checked": 2, "head_seq": 120, "complete": True,
                      "break": {"seq": 3, "kind": "hash", "reason": f"Mã băm của bản ghi số 3 không khớp {SCRIPT}"}}
    await signed(client, fakes)
    html = (await client.get("/audit/verify", headers={"HX-Request": "true"})).text
    assert "Chuỗi nhật ký bị đứt tại bản ghi số 3." in html and 'href="/audit/3"' in html
    assert "Mã băm của bản ghi số 3 không khớp &lt;script&gt;" in html and SCRIPT not in html


async def test_a_verification_stopped_at_its_bound_does_not_claim_the_chain_holds(client, fakes):
    fakes.verified = {"ok": True, "checked": 200000, "head_seq": 250000, "complete": False, "break": None}
    await signed(client, fakes)
    html = (await client.get("/audit/verify", headers={"HX-Request": "true"})).text
    assert "Đã kiểm tra 200.000 trong 250.000 bản ghi" in html and "toàn vẹn" not in html


# -- one record ------------------------------------------------------------------------------------
async def test_a_records_page_checks_its_link_to_the_previous_record(client, fakes):
    await signed(client, fakes)
    html = (await client.get("/audit/3")).text
    assert "Bản ghi nhật ký số 3" in html and "3".zfill(64) in html
    assert '<a href="/audit/2" class="aud-prev">' in html and "Khớp với mã băm của bản ghi số 2." in html
    assert 'id="aud-previous"' in html and 'href="/audit/4"' in html
    fakes.records[1]["hash"] = "f" * 64  # record 2 changed behind the chain's back
    assert "Không khớp với mã băm của bản ghi số 2." in (await client.get("/audit/3")).text
    assert (await client.get("/audit/999")).status_code == 404
    assert (await client.get("/audit/03")).status_code == 404 and (await client.get("/audit/x")).status_code == 404


# -- who reaches the pages -------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/audit", "/audit/verify", "/audit/1"])
@pytest.mark.parametrize("roles", [["unit_reporter"], ["chairperson"]])
async def test_others_get_the_403_page(client, fakes, path, roles):
    await signed(client, fakes, roles, "huyen-cu-jut" if roles == ["unit_reporter"] else None)
    page = await client.get(path)
    assert page.status_code == 403 and "Bạn không có quyền xem trang này." in page.text
    assert not fakes.calls and 'id="nav-audit"' not in page.text


async def test_the_board_reads_the_trail_too(client, fakes):
    await signed(client, fakes, ["board_officer"], "so-noi-vu")
    assert (await client.get("/audit")).status_code == 200
    assert trail_call(fakes)["limit"] == "51" and fakes.calls[0][2].startswith("Bearer ey")
