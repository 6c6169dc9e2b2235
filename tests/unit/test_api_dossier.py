"""Issue 11: the dossier document routes over HTTP (intake's routers in the common app, the fake
unit of work and GridFS bucket of test_service_dossier): bad uploads are 4xx naming the field and
the reason in the caller's language, never 500; a download is the same bytes with their SHA-256
for the nomination's readers and 404 for anybody else."""

import hashlib

import httpx
import pytest

from thidua_common.auth import Principal, Role
from thidua_common.http import create_app
from thidua_common.http.deps import get_principal
from thidua_common.settings import Settings
from thidua_intake.deps import get_db, get_settings_dep, get_uow
from thidua_intake.nominations import document_views, views

from .test_service_dossier import PDF, PNG, TENANT, UNIT, FakeBucket, dossier, gridfs, uow  # noqa: F401

LIMIT = 2000


def _principal(*roles: Role, unit: str | None = None) -> Principal:
    return Principal(subject="someone", tenant=TENANT, roles=frozenset(roles), unit_id=unit)


@pytest.fixture
def call(uow, gridfs):  # noqa: F811
    """Call the app as `who` (a Principal)."""
    settings = Settings(evidence_max_bytes=LIMIT)
    app = create_app("intake-test", settings)
    app.include_router(document_views.router)
    app.include_router(views.router)
    app.dependency_overrides[get_uow] = lambda: uow
    app.dependency_overrides[get_db] = lambda: uow.db
    app.dependency_overrides[get_settings_dep] = lambda: settings

    async def request(who: Principal, method: str, path: str, **kwargs) -> httpx.Response:
        app.dependency_overrides[get_principal] = lambda: who
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake.test") as client:
            return await client.request(method, path, **kwargs)

    return request


LEADER = _principal(Role.unit_leader, unit=UNIT)
UPLOAD = "/api/v1/nominations/documents"


@pytest.mark.parametrize(
    ("content", "status", "vi", "en"),
    [
        (b"", 422, "rỗng", "is empty"),
        (b"MZ\x90\x00" + b"\x00" * 100, 415, "không thuộc loại được nhận", "not of an accepted type"),
        (PDF * 10, 413, "quá lớn", "too large"),
    ],
    ids=["empty", "wrong type", "too big"],
)
async def test_a_bad_upload_is_a_4xx_naming_the_file_field_in_the_callers_language(call, content, status, vi, en):
    for lang, words in (("vi", vi), ("en", en)):
        answer = await call(LEADER, "POST", UPLOAD, files={"file": ("to-trinh.pdf", content)},
                            headers={"Accept-Language": lang})
        assert answer.status_code == status, answer.text
        body = answer.json()
        assert words in body["message"] and "to-trinh.pdf" in body["message"]
        assert [e["field"] for e in body["errors"]] == ["file"]


async def test_no_file_or_another_units_upload_is_refused_naming_the_field(call):
    answer = await call(LEADER, "POST", UPLOAD, data={"unit_id": "x"})
    assert answer.status_code == 422 and "file" in [e["field"] for e in answer.json()["errors"]]
    answer = await call(LEADER, "POST", UPLOAD, files={"file": ("a.pdf", PDF)}, data={"unit_id": "huyen-dak-mil"})
    assert answer.status_code == 403 and answer.json()["errors"][0]["field"] == "unit_id"


async def test_filed_documents_download_as_the_same_bytes_for_readers_and_404_for_others(call):
    stored = []
    for name, content in (("tờ trình.pdf", PDF), ("bao-cao.png", PNG)):
        answer = await call(LEADER, "POST", UPLOAD, files={"file": (name, content, "text/plain")})
        assert answer.status_code == 201, answer.text
        assert answer.json()["sha256"] == hashlib.sha256(content).hexdigest()
        assert answer.json()["content_type"] != "text/plain"  # sniffed, not the declared type
        stored.append(answer.json())
    body = {
        "award_kind": "chien-si-thi-dua-co-so",
        "nominee": {"kind": "individual", "unit_id": UNIT, "person_id": "nv-01"},
        "year": 2024,
        "documents": [
            {"kind": "cover_request", "document_id": stored[0]["document_id"]},
            {"kind": "achievement_report", "document_id": stored[1]["document_id"]},
        ],
    }
    board = _principal(Role.board_officer)
    filed = await call(board, "POST", "/api/v1/nominations", json=body)
    assert filed.status_code == 201, filed.text
    nid = filed.json()["nomination_id"]
    path = f"/api/v1/nominations/{nid}/documents/{stored[0]['document_id']}"
    for reader in (LEADER, board, _principal(Role.auditor), _principal(Role.chairperson)):
        got = await call(reader, "GET", path)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
        assert "attachment" in got.headers["content-disposition"]
    other = await call(_principal(Role.unit_leader, unit="huyen-dak-mil"), "GET", path)
    assert other.status_code == 404
    assert (await call(board, "GET", f"/api/v1/nominations/{nid}/documents/khong-co")).status_code == 404
    assert (await call(board, "GET", "/api/v1/nominations/dn-khong-co/documents/x")).status_code == 404
    # an unknown id at filing: 422 naming the entry, never 500
    body["documents"][0]["document_id"] = "khong-co"
    refused = await call(board, "POST", "/api/v1/nominations", json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "documents.0.document_id"


def test_intakes_dossier_upload_route_has_the_evidence_body_limit():
    from thidua_common.http.app import BodyLimit
    from thidua_intake.main import build_app

    app = build_app()
    [limit] = [m for m in app.user_middleware if m.cls is BodyLimit]
    overrides = dict(limit.kwargs["overrides"])
    settings = app.state.settings
    assert overrides[document_views.UPLOAD_PATH] == settings.evidence_max_bytes + 64 * 1024
    paths = app.openapi()["paths"]
    assert "/api/v1/nominations/documents" in paths
    assert "/api/v1/nominations/{nomination_id}/documents/{document_id}" in paths
