"""Evidence files (issue 10) through the real stack: uploaded through intake into GridFS with
their SHA-256 checked, size and type limits, read back byte for byte, and named by submissions
whose stored document and submission.received event carry the stored SHA-256."""

import hashlib
import json

import httpx
import pytest

from .conftest import eventually, read_topic, reporter, small_campaign, submission, token
from .helpers import call, clusters_2018, running_campaign

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LIMIT = 65536  # THIDUA_EVIDENCE_MAX_BYTES of the test stack (conftest.TEST_ENV)


def clustered(campaign_id: str) -> dict:
    return {**small_campaign(campaign_id), "clusters": clusters_2018()}


@pytest.fixture
async def cid(stack, board):
    return await running_campaign(stack, board, "mc", clustered)


def evidence_path(cid: str, unit: str) -> str:
    return f"/api/v1/campaigns/{cid}/units/{unit}/evidence"


async def upload(stack, cid, unit, headers, content: bytes, name="bao-cao.pdf", mime="application/pdf", **form):
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        return await client.post(
            evidence_path(cid, unit), files={"file": (name, content, mime)}, data=form, headers=headers
        )


async def test_a_pdf_comes_back_byte_identical_with_its_sha256(stack, settings, cid, board):
    unit = {"Authorization": f"Bearer {token(settings, ['unit_reporter'], 'don-vi-1', subject='bao-cao-vien-1')}"}
    digest = hashlib.sha256(PDF).hexdigest()
    response = await upload(stack, cid, "don-vi-1", unit, PDF, name="báo cáo quý 2.pdf", sha256=digest)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["sha256"] == digest and stored["size"] == len(PDF)
    assert stored["content_type"] == "application/pdf" and stored["file_name"] == "báo cáo quý 2.pdf"

    head = {"Authorization": f"Bearer {token(settings, ['cluster_head'], 'don-vi-3')}"}  # deputy of khoi-huyen
    auditor = {"Authorization": f"Bearer {token(settings, ['auditor'])}"}
    for reader in (unit, board, head, auditor):
        got = await call(stack, "GET", f"{evidence_path(cid, 'don-vi-1')}/{stored['evidence_id']}", reader)
        assert got.status_code == 200, got.text
        assert got.content == PDF and hashlib.sha256(got.content).hexdigest() == digest
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["x-content-type-options"] == "nosniff"

    listed = await call(stack, "GET", evidence_path(cid, "don-vi-1"), unit)
    assert [e["evidence_id"] for e in listed.json()] == [stored["evidence_id"]]

    # another unit, and a head of another cluster, do not read it
    other_head = {"Authorization": f"Bearer {token(settings, ['cluster_head'], 'don-vi-2')}"}
    for stranger in (reporter(settings, "don-vi-2"), other_head):
        got = await call(stack, "GET", f"{evidence_path(cid, 'don-vi-1')}/{stored['evidence_id']}", stranger)
        assert got.status_code == 403, got.text

    async def audited():
        subject = f"{cid}/don-vi-1/{stored['evidence_id']}"
        trail = await call(stack, "GET", f"/api/v1/audit?subject={subject}", auditor)
        return [r for r in trail.json() if r["action"] == "vn.thidua.evidence.uploaded.v1"]

    [record] = await eventually(audited)
    assert record["actor"] == "bao-cao-vien-1"


async def test_a_wrong_sha256_is_refused_and_nothing_is_stored(stack, settings, cid):
    unit = reporter(settings, "don-vi-1")
    response = await upload(stack, cid, "don-vi-1", unit, PDF, sha256="0" * 64)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "sha256"
    assert (await call(stack, "GET", evidence_path(cid, "don-vi-1"), unit)).json() == []


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, b"<!DOCTYPE html><html><script>alert(1)</script></html>"],
    ids=["exe", "html"],
)
async def test_a_file_disguised_as_a_pdf_is_refused_naming_it(stack, settings, cid, content):
    headers = {**reporter(settings, "don-vi-1"), "Accept-Language": "en"}
    response = await upload(stack, cid, "don-vi-1", headers, content, name="bao-cao.pdf")
    assert response.status_code == 415, response.text
    assert "bao-cao.pdf" in response.json()["message"]


async def test_a_file_over_the_limit_is_refused_with_413(stack, settings, cid):
    unit = reporter(settings, "don-vi-1")
    over = PDF + b"0" * (LIMIT - len(PDF) + 1)
    response = await upload(stack, cid, "don-vi-1", unit, over)
    assert response.status_code == 413, response.text
    assert response.json()["message"] == "Tệp minh chứng 'bao-cao.pdf' quá lớn (65.537 byte, tối đa 65.536 byte)."
    english = await upload(stack, cid, "don-vi-1", {**unit, "Accept-Language": "en"}, over)
    assert english.json()["message"] == "Evidence file 'bao-cao.pdf' is too large (65,537 bytes, at most 65,536)."
    # far over: refused by the body limit of the route before anything parses it
    far = await upload(stack, cid, "don-vi-1", unit, PDF + b"0" * (4 * LIMIT))
    assert far.status_code == 413
    assert (await call(stack, "GET", evidence_path(cid, "don-vi-1"), unit)).json() == []
    # a file that is larger than the ordinary JSON body limit but within its own passes
    assert (await upload(stack, cid, "don-vi-1", unit, PDF + b"0" * 1000)).status_code == 201


async def test_another_units_reporter_may_not_upload(stack, settings, cid):
    response = await upload(stack, cid, "don-vi-1", reporter(settings, "don-vi-2"), PDF)
    assert response.status_code == 403, response.text


async def test_a_submission_carries_the_stored_sha256_into_its_event(stack, settings, cid):
    unit = reporter(settings, "don-vi-1")
    stored = (await upload(stack, cid, "don-vi-1", unit, PDF)).json()
    body = submission(cid, "don-vi-1")
    # the client's claims about the file are replaced by what intake stored
    body["evidence"] = [{"evidence_id": stored["evidence_id"], "description": "Báo cáo quý", "size": 1}]
    answer = await call(stack, "POST", "/api/v1/submissions", unit, body)
    assert answer.status_code == 202, answer.text
    accepted = answer.json()

    shown = (await call(stack, "GET", f"/api/v1/submissions/{accepted['submission_id']}", unit)).json()
    [entry] = shown["evidence"]
    assert entry["sha256"] == stored["sha256"] and entry["size"] == len(PDF)
    assert entry["file_name"] == "bao-cao.pdf" and entry["evidence_id"] == stored["evidence_id"]

    [record] = await read_topic(settings, "submissions", lambda r: json.loads(r.value)["id"] == accepted["event_id"])
    [carried] = json.loads(record.value)["data"]["evidence"]
    assert carried["sha256"] == stored["sha256"] and carried["evidence_id"] == stored["evidence_id"]


async def test_a_submission_naming_unknown_or_another_units_evidence_is_refused(stack, settings, cid):
    others = (await upload(stack, cid, "don-vi-2", reporter(settings, "don-vi-2"), PDF)).json()
    unit = reporter(settings, "don-vi-1")
    for evidence_id in ("khong-ton-tai", others["evidence_id"]):
        body = submission(cid, "don-vi-1")
        body["evidence"] = [{"evidence_id": evidence_id}]
        answer = await call(stack, "POST", "/api/v1/submissions", unit, body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "evidence.0.evidence_id"
