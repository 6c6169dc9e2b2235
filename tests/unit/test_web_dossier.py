"""Issue 11 (dossier): the console's dossier form takes files against a fake intake. Each chosen
file is uploaded to intake (multipart, the session's bearer) and the nomination names them by the
ids intake answered; a required kind without a file, a file intake refuses (too big, wrong type)
and intake's refusal of the filing are shown next to the field, in Vietnamese, keeping what was
typed and the files already uploaded. The nomination page lists each document's name, size in the
Vietnamese number format, SHA-256 and the console's download link, proxied from intake (intake's
404 for another unit stays a 404)."""

import hashlib

import httpx
import pytest

from thidua_web.nominations import dossier

from .test_web_nominations import BK, SCRIPT, NominationFakes, nomination
from .web_console_app import client as client  # noqa: F401  (the console over this module's fakes)
from .web_console_app import signed_in

PDF = b"%PDF-1.7\n" + b"x" * 1500
PNG = b"\x89PNG\r\n\x1a\n" + b"y" * 700
UPLOAD = "/api/v1/nominations/documents"


class DossierFakes(NominationFakes):
    """intake's document upload (answers what it stored: the SHA-256 it counted) and download."""

    def __init__(self):
        super().__init__()
        self.uploads: list[tuple[str, bytes, str]] = []  # (file name, bytes, bearer)
        self.refuse: dict[str, tuple[int, dict]] = {}  # file name -> intake's refusal
        self.stored: dict[str, bytes] = {}
        self.downloads: list[tuple[str, str]] = []  # (path, bearer)
        self.forbidden_download = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.url.host == "intake.test" and path == UPLOAD and request.method == "POST":
            name, content = _multipart_file(request)
            self.uploads.append((name, content, request.headers["authorization"]))
            if name in self.refuse:
                return httpx.Response(self.refuse[name][0], json=self.refuse[name][1])
            document_id = f"tl-{len(self.uploads)}"
            self.stored[document_id] = content
            return httpx.Response(201, json={
                "document_id": document_id, "unit_id": "huyen-cu-jut", "file_name": name, "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(), "content_type": "application/pdf",
                "uploaded_by": "u1", "uploaded_at": "2026-03-02T02:00:00Z"})  # fmt: skip
        if request.url.host == "intake.test" and "/documents/" in path and request.method == "GET":
            self.downloads.append((path, request.headers["authorization"]))
            document_id = path.rsplit("/", 1)[1]
            if self.forbidden_download or document_id not in self.stored:
                return httpx.Response(404, json={"message": "Không có hồ sơ"})
            content = self.stored[document_id]
            return httpx.Response(200, content=content, headers={
                "content-type": "application/pdf", "content-disposition": 'attachment; filename="a.pdf"',
                "content-length": str(len(content)), "x-content-sha256": hashlib.sha256(content).hexdigest()})
        return super().__call__(request)


def _multipart_file(request: httpx.Request) -> tuple[str, bytes]:
    body = request.read()
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    for part in body.split(b"--" + boundary):
        head, _, content = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            name = head.split(b'filename="')[1].split(b'"')[0].decode()
            return name, content[: -len(b"\r\n")]
    raise AssertionError("no file part")


@pytest.fixture
def fakes():
    return DossierFakes()


def typed(csrf: str, **extra) -> dict:
    return {"csrf": csrf, "award_kind": BK, "nominee_kind": "individual", "year": "2026", "person_id": "nv-01",
            "person_name": "Bà A", "position": "Chuyên viên", "achievement": "Xuất sắc",
            "doc.0.kind": "cover_request", "doc.1.kind": "achievement_report", **extra}  # fmt: skip


FILES = {"doc.0.file": ("tờ trình.pdf", PDF, "application/pdf"), "doc.1.file": ("bao-cao.png", PNG, "image/png")}


async def test_the_form_has_a_labelled_file_input_per_required_kind_and_one_for_others(client, fakes):
    await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    html = (await client.get("/nominations/new")).text
    assert 'enctype="multipart/form-data"' in html
    assert 'for="doc-0-file"' in html and 'type="file" name="doc.0.file"' in html and 'name="doc.1.file"' in html
    assert 'for="doc-others"' in html and "multiple" in html
    assert "Tờ trình đề nghị khen thưởng" in html and "Báo cáo thành tích" in html
    assert 'id="doc-0-sha256"' not in html  # the hash is intake's to count, not typed


async def test_filing_uploads_each_file_and_posts_the_ids_intake_answered(client, fakes):
    csrf = await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    files = [*FILES.items(), ("others", ("bien-ban.pdf", PDF, "application/pdf"))]
    response = await client.post("/nominations/new", data=typed(csrf), files=files)
    assert response.status_code == 303 and response.headers["location"] == "/nominations/dn-9?done=filed"
    assert [(n, c) for n, c, _ in fakes.uploads] == [("tờ trình.pdf", PDF), ("bao-cao.png", PNG), ("bien-ban.pdf", PDF)]
    assert all(b.startswith("Bearer ") for _, _, b in fakes.uploads)
    [body] = fakes.posted("intake.test/api/v1/nominations")
    assert body["documents"] == [{"kind": "cover_request", "document_id": "tl-1"},
                                 {"kind": "achievement_report", "document_id": "tl-2"},
                                 {"kind": "other", "document_id": "tl-3"}]  # fmt: skip
    assert body["nominee"]["person_name"] == "Bà A" and body["year"] == 2026


async def test_a_required_kind_without_a_file_is_refused_next_to_it_and_nothing_is_filed(client, fakes):
    csrf = await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    response = await client.post("/nominations/new", data=typed(csrf), files=[("doc.0.file", FILES["doc.0.file"])])
    assert response.status_code == 422
    html = response.text
    assert "Hãy chọn tệp cho tài liệu bắt buộc này." in html and 'id="err-documents.1.file-1"' in html
    assert 'aria-describedby="err-documents.1.file-1"' in html
    # the file already uploaded is kept (by its id), with what was typed
    assert 'name="doc.0.document_id" value="tl-1"' in html and hashlib.sha256(PDF).hexdigest() in html
    assert 'value="Bà A"' in html
    assert not fakes.posted("intake.test/api/v1/nominations")
    # sent again with the missing file only: the kept one is named by its id
    again = {**typed(csrf), "doc.0.document_id": "tl-1", "doc.0.name": "tờ trình.pdf"}
    response = await client.post("/nominations/new", data=again, files=[("doc.1.file", FILES["doc.1.file"])])
    assert response.status_code == 303
    [body] = fakes.posted("intake.test/api/v1/nominations")
    assert [d["document_id"] for d in body["documents"]] == ["tl-1", "tl-2"]


async def test_a_file_intake_refuses_is_shown_next_to_its_input_in_vietnamese(client, fakes):
    csrf = await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    fakes.refuse["bao-cao.png"] = (413, {
        "message": "Tài liệu hồ sơ 'bao-cao.png' quá lớn (20.000.000 byte, tối đa 10.485.760 byte).",
        "errors": [{"field": "file", "code": "dossier.too_large", "reason": "quá lớn"}]})  # fmt: skip
    response = await client.post("/nominations/new", data=typed(csrf, year="năm nay"), files=list(FILES.items()))
    assert response.status_code == 422
    html = response.text
    assert "Tài liệu hồ sơ &#39;bao-cao.png&#39; quá lớn (20.000.000 byte" in html
    assert 'id="err-documents.1.file-1"' in html and 'id="err-year-1"' in html
    assert not fakes.posted("intake.test/api/v1/nominations")


async def test_intakes_refusal_of_the_filing_is_shown_next_to_the_file(client, fakes):
    csrf = await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    fakes.answer = (422, {"message": "Yêu cầu không hợp lệ.", "errors": [
        {"field": "documents.1.document_id", "code": "dossier.unknown",
         "reason": "Không có tài liệu đã tải lên 'tl-2' của đơn vị 'huyen-cu-jut'."}]})  # fmt: skip
    response = await client.post("/nominations/new", data=typed(csrf), files=list(FILES.items()))
    assert response.status_code == 422
    assert "Không có tài liệu đã tải lên &#39;tl-2&#39;" in response.text
    assert 'id="err-documents.1.file-1"' in response.text and 'role="alert"' in response.text


async def test_filing_needs_the_csrf_token_and_uploads_nothing_without_it(client, fakes):
    await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    assert (await client.post("/nominations/new", data=typed("forged"), files=list(FILES.items()))).status_code == 403
    assert fakes.uploads == []


UPLOADED = [
    {"kind": "cover_request", "name": f"tờ trình {SCRIPT}.pdf", "url": "/api/v1/nominations/dn-1/documents/tl-1",
     "sha256": hashlib.sha256(PDF).hexdigest(), "size": len(PDF), "document_id": "tl-1",
     "content_type": "application/pdf"},
    {"kind": "vote_minutes", "name": "bb.pdf", "url": "https://vanban.test/bb.pdf", "sha256": "b" * 64, "size": 10},
]  # fmt: skip


async def test_the_page_lists_name_size_sha256_and_the_consoles_download_link(client, fakes):
    fakes.items["dn-1"] = nomination(documents=UPLOADED)
    await signed_in(client, fakes, ["board_officer"], None)
    html = (await client.get("/nominations/dn-1")).text
    table = html[html.index('id="nom-docs"') : html.index("</table>", html.index('id="nom-docs"'))]
    assert 'href="/nominations/dn-1/documents/tl-1"' in table and hashlib.sha256(PDF).hexdigest() in table
    assert '<td class="dos-size">1.509</td>' in table  # Vietnamese thousands separator
    assert "Tham chiếu" in table and 'href="https://vanban.test/bb.pdf"' in table  # an older reference
    assert SCRIPT not in html and "&lt;script&gt;" in table


async def test_a_document_is_downloaded_through_the_console_with_the_sessions_token(client, fakes):
    fakes.stored["tl-1"] = PDF
    await signed_in(client, fakes, ["board_officer"], None)
    response = await client.get("/nominations/dn-1/documents/tl-1")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
    [(path, bearer)] = fakes.downloads
    assert path == "/api/v1/nominations/dn-1/documents/tl-1" and bearer.startswith("Bearer ")


async def test_intakes_404_for_another_unit_is_the_404_page_and_bad_ids_never_reach_intake(client, fakes):
    fakes.stored["tl-1"] = PDF
    fakes.forbidden_download = True
    await signed_in(client, fakes, ["unit_leader"], "huyen-dak-mil")
    response = await client.get("/nominations/dn-1/documents/tl-1")
    assert response.status_code == 404 and PDF not in response.content
    assert (await client.get("/nominations/dn-1/documents/..%2Fx")).status_code == 404
    assert len(fakes.downloads) == 1


def test_intakes_field_names_are_put_on_the_rows_that_sent_them():
    rows = [dossier.blank("a"), {**dossier.blank("b"), "document_id": "x"}, {**dossier.blank("c"), "document_id": "y"}]
    shown = dossier.errors_on_rows({"documents.1.document_id": ["r"], "year": ["y"]}, rows)
    assert shown == {"documents.2.file": ["r"], "year": ["y"]}
    assert dossier.documents_body(rows) == [{"kind": "b", "document_id": "x"}, {"kind": "c", "document_id": "y"}]


async def test_a_returned_dossier_keeps_its_uploaded_files_and_a_chosen_file_replaces_one(client, fakes):
    returned = nomination(status="returned", stage_id="tiep-nhan", documents=UPLOADED[:1])
    returned["stages"] = [{**returned["stages"][0], "left_at": "2026-03-03T02:00:00Z", "outcome": "returned",
                           "by": "ban", "reason": "Thiếu chữ ký"}]  # fmt: skip
    fakes.items["dn-1"] = returned
    csrf = await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    html = (await client.get("/nominations/dn-1")).text
    form = html[html.index('id="nom-resubmit"') : html.index("</form>", html.index('id="nom-resubmit"'))]
    assert 'enctype="multipart/form-data"' in form and 'name="doc.0.document_id" value="tl-1"' in form
    assert 'for="doc-1-file"' in form  # the achievement report, required, still to upload
    data = {"csrf": csrf, "revision": "3", "reason": "Bổ sung", "achievement": "x",
            "doc.0.kind": "cover_request", "doc.0.document_id": "tl-1", "doc.1.kind": "achievement_report"}  # fmt: skip
    response = await client.post("/nominations/dn-1/resubmit", data=data, files=[("doc.1.file", FILES["doc.1.file"])])
    assert response.status_code == 303
    [body] = fakes.posted("intake.test/api/v1/nominations/dn-1/resubmit")
    assert body["documents"] == [{"kind": "cover_request", "document_id": "tl-1"},
                                 {"kind": "achievement_report", "document_id": "tl-1"}]  # fmt: skip
    assert fakes.uploads[-1][:2] == ("bao-cao.png", PNG)


async def test_too_many_files_are_refused_before_any_upload_and_the_form_speaks_english(client, fakes):
    csrf = await signed_in(client, fakes, ["unit_leader"], "huyen-cu-jut")
    many = [("others", (f"f{i}.pdf", PDF, "application/pdf")) for i in range(dossier.MAX_FILES + 1)]
    response = await client.post("/nominations/new", data=typed(csrf), files=many)
    assert response.status_code == 422 and f"Chỉ gửi được tối đa {dossier.MAX_FILES} tệp" in response.text
    assert fakes.uploads == [] and not fakes.posted("intake.test/api/v1/nominations")
    client.cookies.set("lang", "en")
    html = (await client.get("/nominations/new?lang=en", headers={"Accept-Language": "en"})).text
    assert "Upload each document as a file" in html and "Tải lên từng tài liệu" not in html
