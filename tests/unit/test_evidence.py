"""Evidence files (issue 10): type by content sniffing, size and SHA-256 counted as the file
streams, the body limit of the upload route, the evidence entry of a submission."""

import hashlib
import io
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from thidua_common.contracts.submission import EvidenceLink
from thidua_common.errors import Invalid, TooLarge, Unsupported
from thidua_common.http.app import BodyLimit, domain_status
from thidua_intake.evidence import rules
from thidua_intake.evidence.views import UPLOAD_PATH, attachment, clean_file_name

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _zip(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            z.writestr(name, data, compress_type=kind)
    return out.getvalue()


def test_sniff_knows_each_accepted_type_by_its_bytes():
    assert rules.sniff(PDF) == rules.PDF
    assert rules.sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF") == rules.JPEG
    assert rules.sniff(b"\x89PNG\r\n\x1a\n\x00\x00") == rules.PNG
    odt = _zip([("mimetype", rules.ODT.encode()), ("content.xml", b"<x/>")], stored_first=True)
    ods = _zip([("mimetype", rules.ODS.encode()), ("content.xml", b"<x/>")], stored_first=True)
    docx = _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")])
    xlsx = _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<x/>")])
    assert rules.sniff(odt) == rules.ODT
    assert rules.sniff(ods) == rules.ODS
    assert rules.sniff(docx) == rules.DOCX
    assert rules.sniff(xlsx) == rules.XLSX


def test_sniff_refuses_what_only_claims_to_be_accepted():
    assert rules.sniff(b"MZ\x90\x00\x03", "report.pdf") is None  # a Windows executable named .pdf
    assert rules.sniff(b"<!DOCTYPE html><script>alert(1)</script>", "report.pdf") is None
    assert rules.sniff(b" %PDF-1.4") is None  # the magic number must open the file
    assert rules.sniff(_zip([("a.txt", b"x")]), "report.docx") is None  # a plain zip
    assert rules.sniff(_zip([("mimetype", b"application/x-other")], stored_first=True)) is None


def test_check_type_names_the_file_with_415():
    with pytest.raises(Unsupported) as refused:
        rules.check_type(b"MZ\x90\x00", "virus.pdf")
    assert domain_status(refused.value) == 415
    assert refused.value.params == {"file": "virus.pdf"}
    assert "virus.pdf" in refused.value.message("en")
    with pytest.raises(Invalid):
        rules.check_type(b"", "empty.pdf")


def test_tally_counts_size_and_sha256_across_chunks():
    tally = rules.Tally("a.pdf", limit=100)
    for chunk in (PDF[:10], PDF[10:]):
        tally.add(chunk)
    assert tally.size == len(PDF)
    assert tally.sha256 == hashlib.sha256(PDF).hexdigest()


def test_tally_refuses_the_first_byte_over_the_limit_with_413():
    tally = rules.Tally("big.pdf", limit=10)
    tally.add(b"x" * 10)
    with pytest.raises(TooLarge) as refused:
        tally.add(b"y")
    assert domain_status(refused.value) == 413
    assert refused.value.message("vi") == "Tệp minh chứng 'big.pdf' quá lớn (11 byte, tối đa 10 byte)."
    assert refused.value.message("en") == "Evidence file 'big.pdf' is too large (11 bytes, at most 10)."
    assert refused.value.errors[0].reason("en") == refused.value.message("en")


def test_sha256_sent_by_the_client_must_match():
    actual = hashlib.sha256(PDF).hexdigest()
    rules.check_sha256(None, actual, "a.pdf")
    rules.check_sha256(actual.upper(), actual, "a.pdf")
    with pytest.raises(Invalid) as refused:
        rules.check_sha256("0" * 64, actual, "a.pdf")
    assert refused.value.errors[0].field == "sha256"


def test_file_names_lose_folders_and_control_characters():
    assert clean_file_name("C:\\Users\\x\\báo cáo.pdf") == "báo cáo.pdf"
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("a\r\nb.pdf") == "ab.pdf"
    assert clean_file_name(None) == "evidence"
    header = attachment('báo "cáo".pdf')
    assert header.startswith('attachment; filename="b_o _c_o_.pdf"')
    assert "filename*=UTF-8''b%C3%A1o%20%22c%C3%A1o%22.pdf" in header


def _app(limit: int, overrides: list[tuple[str, int]]) -> TestClient:
    app = FastAPI()

    @app.post("/{path:path}")
    async def echo(path: str) -> dict:
        return {"ok": path}

    return TestClient(BodyLimit(app, limit=limit, overrides=overrides))


def test_the_upload_route_has_its_own_body_limit_and_others_keep_theirs():
    client = _app(100, [(UPLOAD_PATH, 1000)])
    upload = "/api/v1/campaigns/c1/units/u1/evidence"
    assert client.post(upload, content=b"x" * 900).status_code == 200
    assert client.post(upload, content=b"x" * 1001).status_code == 413
    assert client.post("/api/v1/submissions", content=b"x" * 101).status_code == 413
    # only the upload route itself: not a path that merely starts like it
    assert client.post(upload + "/other", content=b"x" * 101).status_code == 413
    refused = client.post(upload, content=b"x" * 1001, headers={"Accept-Language": "en"})
    assert "1,000" in refused.json()["message"] or "1000" in refused.json()["message"]


def test_an_evidence_entry_is_a_link_or_an_uploaded_file():
    assert EvidenceLink(url="https://example.org/a.pdf").evidence_id is None  # old events stay valid
    assert EvidenceLink(evidence_id="e-1").url is None
    with pytest.raises(ValidationError) as refused:
        EvidenceLink(description="nothing")
    assert refused.value.errors()[0]["ctx"]["key"] == "evidence.source"


def test_evidence_messages_exist_in_both_languages():
    from thidua_common.i18n import t

    for key in ("evidence.too_large", "evidence.type", "evidence.unknown", "evidence.sha256_mismatch"):
        vi = t(key, "vi", file="f", size=1, limit=2, id="e", unit="u", expected="a", actual="b")
        en = t(key, "en", file="f", size=1, limit=2, id="e", unit="u", expected="a", actual="b")
        assert vi != en
