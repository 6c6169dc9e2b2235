"""issue 13: award papers in the console against fake intake and reporting: the batch page lists
the nominations at the decision stage, issues with the body intake expects (CSRF, board officer
only), shows intake's refusal; the decision page links the papers and certificates, which are
proxied from reporting as attachments; the calibration page saves numbers typed with a comma and
shows reporting's refusal next to the field."""

import json
from urllib.parse import parse_qs

import httpx
import pytest

from thidua_web.award_papers import models

from .test_web_console import Fakes
from .web_console_app import client as client  # noqa: F401
from .web_console_app import signed_in

CHAIN = [{"id": "tham-dinh", "kind": "review"}, {"id": "quyet-dinh", "kind": "decision"}]
CONFIG = {"award_kinds": [{"id": "bk", "name_vi": "Bằng khen", "chain": CHAIN}]}
SCRIPT = "<script>alert('x')</script>"


def nomination(nid, stage, status="in_progress", name="Phạm Thị Thơ", approved=True):
    return {"nomination_id": nid, "award_kind": "bk", "award_name_vi": "Bằng khen", "status": status, "stage": stage,
            "nominee": {"kind": "individual", "unit_id": "so-noi-vu", "person_name": name},
            "approved": {"by": "chu-tich", "at": "2026-01-02T03:00:00+00:00"} if approved else None}


DECISION = {
    "decision_id": "qd-2026-ubnd-1", "date": "2026-01-05", "awardees": [
        {"nomination_id": "dn-1", "kind": "individual", "unit_id": "so-noi-vu", "unit_name_vi": "Sở Nội vụ",
         "person_name": "Phạm Thị Thơ", "award_kind": "bk", "award_name_vi": "Bằng khen"}],
    "decision_number": {"sequence": 1, "number": "1/QĐ-UBND", "date": "2026-01-05"},
    "submission_number": {"sequence": 1, "number": "1/TTr-SNV", "date": "2026-01-05"},
    "signer": {"title_vi": "CHỦ TỊCH", "deputy_title_vi": "PHÓ CHỦ TỊCH", "name": "Lê Văn Chiến"},
}
CAL = {"blank": "bang-khen", "width_mm": 420, "height_mm": 297,
       "fields": {f: {"x_mm": 60, "y_mm": 120, "width_mm": 300, "font_pt": 20, "bold": False, "italic": False}
                  for f in models.FIELDS}}


class PaperFakes(Fakes):
    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str, dict, object]] = []
        self.nominations = [nomination("dn-1", "quyet-dinh"), nomination("dn-2", "tham-dinh"),
                            nomination("dn-3", "quyet-dinh", name=SCRIPT), nomination("dn-4", "quyet-dinh", approved=False)]
        self.refuse: tuple[int, dict] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host not in ("intake.test", "reporting.test"):
            return super().__call__(request)
        path, method = request.url.path, request.method
        body = json.loads(request.content) if request.content else None
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        self.calls.append((method, f"{host}{path}", query, body))
        if method in ("POST", "PUT") and self.refuse:
            return httpx.Response(self.refuse[0], json=self.refuse[1])
        if host == "intake.test":
            if path == "/api/v1/nominations":
                return httpx.Response(200, json=self.nominations)
            if path == "/api/v1/config/commendation":
                return httpx.Response(200, json=CONFIG)
            if path == "/api/v1/nominations/dn-4/actions":
                return httpx.Response(200, json=nomination("dn-4", "quyet-dinh"))
            if path == "/api/v1/award-decisions":
                return httpx.Response(201, json=DECISION) if method == "POST" else httpx.Response(200, json=[DECISION])
            if path == "/api/v1/award-decisions/qd-2026-ubnd-1":
                return httpx.Response(200, json=DECISION)
        if host == "reporting.test":
            if path.startswith("/api/v1/award-papers/decisions/qd-2026-ubnd-1/"):
                return httpx.Response(200, content=b"%PDF-1.7 fake", headers={
                    "content-type": "application/pdf", "content-disposition": 'attachment; filename="x.pdf"'})
            if path == "/api/v1/award-papers/calibration/bang-khen":
                return httpx.Response(200, json=CAL if method == "GET" else body)
            if path == "/api/v1/award-papers/calibration/bang-khen/test-page":
                return httpx.Response(200, content=b"%PDF grid", headers={"content-type": "application/pdf"})
        return httpx.Response(404, json={"message": "không có"})


@pytest.fixture
def fakes():
    return PaperFakes()


def test_only_nominations_at_the_decision_stage_wait():
    waiting = models.at_decision([nomination("a", "quyet-dinh"), nomination("b", "tham-dinh"),
                                  nomination("c", "quyet-dinh", status="decided")], CONFIG)
    assert [n["nomination_id"] for n in waiting] == ["a"]


def test_calibration_numbers_accept_a_comma_and_name_what_is_not_a_number():
    form = {"width_mm": "420", "height_mm": "297", **{f"{f}.{k}": "12,5" for f in models.FIELDS for k in models.BOX_KEYS}}
    body, bad = models.calibration_body({**form, "recipient.bold": "on"})
    assert bad == {} and body["fields"]["recipient"] == {"x_mm": 12.5, "y_mm": 12.5, "width_mm": 12.5, "font_pt": 12.5,
                                                          "bold": True, "italic": False}
    _, bad = models.calibration_body({**form, "decision.y_mm": "abc"})
    assert list(bad) == ["decision.y_mm"]


async def test_the_board_officer_chooses_and_issues_with_the_body_intake_expects(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], None)
    page = await client.get("/award-decisions")
    assert page.status_code == 200
    assert 'value="dn-1"' in page.text and 'value="dn-2"' not in page.text and SCRIPT not in page.text
    assert "1/QĐ-UBND" in page.text
    request_id = page.text.split('name="request_id" value="')[1].split('"')[0]
    refused = await client.post("/award-decisions", data={"nomination_id": "dn-1", "request_id": request_id})
    assert refused.status_code == 403  # no CSRF token
    form = {"csrf": csrf, "request_id": request_id, "nomination_id": ["dn-1", "dn-3"], "date": "2026-01-05"}
    done = await client.post("/award-decisions", data=form)
    assert done.status_code == 303 and done.headers["location"] == "/award-decisions/qd-2026-ubnd-1?done=issued"
    [posted] = [b for m, p, _, b in fakes.calls if m == "POST" and p == "intake.test/api/v1/award-decisions"]
    assert posted == {"request_id": request_id, "nomination_ids": ["dn-1", "dn-3"], "date": "2026-01-05"}
    shown = await client.get("/award-decisions/qd-2026-ubnd-1?done=issued")
    assert "1/TTr-SNV" in shown.text and "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in shown.text
    assert "/award-decisions/qd-2026-ubnd-1/files/quyet-dinh.pdf" in shown.text
    assert "/award-decisions/qd-2026-ubnd-1/certificates.pdf?nomination_id=dn-1" in shown.text


async def test_intakes_refusal_is_shown_and_the_choice_kept(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], None)
    fakes.refuse = (422, {"message": "Dữ liệu gửi lên không hợp lệ.", "errors": [
        {"field": "nomination_ids[0]", "reason": "Hồ sơ đề nghị 'dn-1' không ở bước quyết định."}]})
    answer = await client.post("/award-decisions", data={"csrf": csrf, "request_id": "lo-1", "nomination_id": "dn-1"})
    assert answer.status_code == 422
    assert "không ở bước quyết định" in answer.text and 'value="dn-1" id="ap-n-dn-1" checked' in answer.text
    assert 'name="request_id" value="lo-1"' in answer.text  # a retry keeps its request id
    none = await client.post("/award-decisions", data={"csrf": csrf, "request_id": "lo-1"})
    assert none.status_code == 422 and "Chọn ít nhất một hồ sơ." in none.text


async def test_the_chair_reads_but_does_not_issue_and_a_unit_gets_403(client, fakes):
    csrf = await signed_in(client, fakes, ["chairperson"], None)
    page = await client.get("/award-decisions")
    assert page.status_code == 200 and 'id="ap-issue"' not in page.text
    assert (await client.post("/award-decisions", data={"csrf": csrf, "nomination_id": "dn-1"})).status_code == 403
    await signed_in(client, fakes, ["unit_leader"], "so-noi-vu")
    assert (await client.get("/award-decisions")).status_code == 403


async def test_papers_and_certificates_are_proxied_as_attachments(client, fakes):
    await signed_in(client, fakes, ["board_officer"], None)
    paper = await client.get("/award-decisions/qd-2026-ubnd-1/files/quyet-dinh.pdf")
    assert paper.status_code == 200 and paper.content.startswith(b"%PDF")
    assert paper.headers["content-disposition"].startswith("attachment")
    [(_, _, query, _)] = [c for c in fakes.calls if c[1].endswith("/quyet-dinh")]
    assert query == {"format": "pdf"}
    one = await client.get("/award-decisions/qd-2026-ubnd-1/certificates.pdf?nomination_id=dn-1")
    assert one.status_code == 200
    assert fakes.calls[-1][2] == {"nomination_id": "dn-1", "blank": "bang-khen"}
    assert (await client.get("/award-decisions/qd-2026-ubnd-1/files/quyet-dinh.exe")).status_code == 404


async def test_calibration_saves_and_shows_the_refusal_next_to_the_field(client, fakes):
    csrf = await signed_in(client, fakes, ["board_officer"], None)
    page = await client.get("/certificate-calibration/bang-khen")
    assert page.status_code == 200 and 'id="ap-recipient-y_mm" value="120"' in page.text
    assert "/certificate-calibration/bang-khen/test-page.pdf" in page.text
    form = {"csrf": csrf, "width_mm": "420", "height_mm": "297",
            **{f"{f}.{k}": "10" for f in models.FIELDS for k in models.BOX_KEYS}, "recipient.y_mm": "130,5"}
    saved = await client.post("/certificate-calibration/bang-khen", data=form)
    assert saved.status_code == 303
    [(_, _, _, body)] = [c for c in fakes.calls if c[0] == "PUT"]
    assert body["fields"]["recipient"]["y_mm"] == 130.5
    bad = await client.post("/certificate-calibration/bang-khen", data={**form, "decision.x_mm": "xa"})
    assert bad.status_code == 422 and 'id="ap-error-decision"' in bad.text
    fakes.refuse = (422, {"message": "Dữ liệu gửi lên không hợp lệ.", "errors": [
        {"field": "fields.recipient", "reason": "Vị trí của trường 'recipient' nằm ngoài khổ phôi 420×297 mm."}]})
    refused = await client.post("/certificate-calibration/bang-khen", data=form)
    assert refused.status_code == 422 and 'id="ap-error-recipient"' in refused.text
    test_page = await client.get("/certificate-calibration/bang-khen/test-page.pdf")
    assert test_page.status_code == 200 and test_page.headers["content-disposition"].startswith("attachment")


async def test_the_chair_approves_and_only_approved_nominations_can_be_chosen(client, fakes):
    csrf = await signed_in(client, fakes, ["chairperson"], None)
    page = await client.get("/award-decisions")
    assert 'id="ap-approve-btn-dn-4"' in page.text and 'id="ap-approve-btn-dn-1"' not in page.text
    done = await client.post("/award-decisions/approve/dn-4", data={"csrf": csrf, "stage": "quyet-dinh"})
    assert done.status_code == 303 and done.headers["location"] == "/award-decisions?done=approved"
    [posted] = [b for m, p, _, b in fakes.calls if m == "POST" and p.endswith("/dn-4/actions")]
    assert posted == {"action": "approve", "stage": "quyet-dinh"}
    await signed_in(client, fakes, ["board_officer"], None)
    officer = await client.get("/award-decisions")
    assert 'value="dn-1"' in officer.text and 'value="dn-4"' not in officer.text  # not approved: no checkbox
    assert 'id="ap-approve-btn-dn-4"' not in officer.text
    csrf = await signed_in(client, fakes, ["board_officer"], None)
    assert (await client.post("/award-decisions/approve/dn-4", data={"csrf": csrf})).status_code == 403


def test_editing_an_award_kind_in_the_console_keeps_its_decision_signer():
    from thidua_web.commendation import models as commendation

    signer = {"title_vi": "CHỦ TỊCH", "name": "Lê Văn Chiến"}
    existing = {"id": "bk", "name_vi": "Bằng khen", "nominee_kind": "individual", "vote_threshold": 0.8,
                "comment_roles": ["board_officer"],
                "disclosure_days": 0, "chain": [{"id": "tham-dinh", "name_vi": "Thẩm định", "role": "board_officer",
                                                 "service_days": 2, "kind": "review"},
                                                {"id": "quyet-dinh", "name_vi": "Quyết định", "role": "chairperson",
                                                 "service_days": 5, "kind": "decision", "signer": signer}]}
    form = commendation.award_form(existing, 3, "vi")
    body, errors = commendation.award_body(form, existing)
    assert errors == {} and body["chain"][1]["signer"] == signer and "signer" not in body["chain"][0]
