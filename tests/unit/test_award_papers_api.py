"""issue 13: award papers over HTTP, on fakes: intake's decision batch routes (board officer only,
refusals name the field in the caller's language) and reporting's papers (projected from the
award.decision.issued event; board roles read, a unit's roles only their own awardees'
certificates; calibration refused off the blank; test page)."""

import httpx
import pytest
from fastapi import Depends

from thidua_common.auth import mint_token
from thidua_common.contracts import new_event
from thidua_common.contracts.registry import AWARD_DECISION_ISSUED
from thidua_common.http import create_app
from thidua_common.settings import Settings
from thidua_intake.access import refuse_read_only_writes
from thidua_intake.award_papers.views import router as intake_router
from thidua_intake.deps import get_db, get_uow
from thidua_reporting.award_papers import service
from thidua_reporting.award_papers.views import router as reporting_router
from thidua_reporting.projection.projector import Projector

from .award_paper_samples import sample_decision
from .fake_uow import FakeDatabase
from .service_fixtures import TENANT
from .test_award_decision_batch import SETTINGS as PAPER_SETTINGS
from .test_award_decision_batch import at_decision
from .test_award_decision_batch import uow as decision_uow  # noqa: F401 (a fixture)

SETTINGS = Settings(jwt_secret="unit-test-secret-that-is-32-bytes!!")


def bearer(subject: str, *roles: str, unit: str | None = None) -> dict:
    token = mint_token(SETTINGS, subject=subject, tenant=TENANT, roles=list(roles), unit_id=unit)
    return {"Authorization": f"Bearer {token}"}


BOARD = bearer("can-bo-ban", "board_officer")
CHAIR = bearer("chu-tich", "chairperson")
OWN = bearer("lanh-dao", "unit_leader", unit="so-noi-vu")
OTHER = bearer("lanh-dao-khac", "unit_leader", unit="so-khac")
EN = {"Accept-Language": "en"}


@pytest.fixture
async def intake(decision_uow):  # noqa: F811
    app = create_app("test", SETTINGS)
    app.include_router(intake_router, dependencies=[Depends(refuse_read_only_writes)])

    async def fake_uow():
        return decision_uow

    async def fake_db():
        return decision_uow.db

    app.dependency_overrides[get_uow] = fake_uow
    app.dependency_overrides[get_db] = fake_db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client, decision_uow


class FakeStore:
    """The documents toolkit's store (GridFS) in memory: versions per series, kept PDFs."""

    def __init__(self):
        self.files: dict[str, dict] = {}
        self.pdfs: dict[str, bytes] = {}

    async def listing(self, db, tenant, **where):
        found = [f for f in self.files.values() if f["tenant"] == tenant and all(f[k] == v for k, v in where.items())]
        return sorted(found, key=lambda f: -f["version"])

    async def save(self, db, *, tenant, kind, series, filename, content, created_by, **extra):
        version = 1 + sum(f["series"] == series for f in self.files.values())
        record = {"id": f"f{len(self.files)}", "tenant": tenant, "kind": kind, "series": series, "version": version,
                  "filename": filename, "content": content, "created_by": created_by}
        self.files[record["id"]] = record
        return record

    async def content(self, db, document_id):
        return self.files[document_id]["content"]

    async def cached_pdf(self, db, document_id):
        return self.pdfs.get(document_id)

    async def keep_pdf(self, db, source, pdf):
        self.pdfs[source["id"]] = pdf


@pytest.fixture
async def reporting(monkeypatch):
    db = FakeDatabase()
    d = sample_decision()
    envelope = new_event(type=AWARD_DECISION_ISSUED, source="/test", tenant=TENANT, data=d, id="ev-1")
    projector = Projector(db)  # type: ignore[arg-type]
    await projector.apply(envelope)
    await projector.apply(envelope)  # redelivered: still one decision
    app = create_app("test", SETTINGS)
    app.include_router(reporting_router)
    app.state.db = db
    monkeypatch.setattr(service, "store", FakeStore())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client, db


async def test_the_board_officer_issues_and_a_retry_answers_the_same_numbers(intake):
    client, uow = intake
    a = await at_decision(uow, "nv-01")
    body = {"request_id": "lo-1", "nomination_ids": [a], "date": "2026-01-05"}
    assert (await client.post("/api/v1/award-decisions", json=body, headers=CHAIR)).status_code == 403
    first = await client.post("/api/v1/award-decisions", json=body, headers=BOARD)
    assert first.status_code == 201, first.text
    assert first.json()["decision_number"]["number"] == "1/QĐ-UBND"
    again = await client.post("/api/v1/award-decisions", json=body, headers=BOARD)
    assert again.json() == first.json()
    listed = await client.get("/api/v1/award-decisions", headers=CHAIR)
    assert [x["decision_id"] for x in listed.json()] == [first.json()["decision_id"]]
    got = await client.get(f"/api/v1/award-decisions/{first.json()['decision_id']}", headers=BOARD)
    assert got.json()["awardees"][0]["person_name"] == "Nguyễn Văn nv-01"
    assert (await client.get("/api/v1/award-decisions/khong-co", headers=BOARD)).status_code == 404


async def test_a_refused_batch_names_the_field_in_each_language(intake):
    client, uow = intake
    body = {"request_id": "lo-1", "nomination_ids": ["khong-co"]}
    vi = await client.post("/api/v1/award-decisions", json=body, headers=BOARD)
    en = await client.post("/api/v1/award-decisions", json=body, headers={**BOARD, **EN})
    assert vi.status_code == en.status_code == 422
    assert vi.json()["errors"][0]["field"] == "nomination_ids[0]"
    assert "Không có hồ sơ" in vi.json()["errors"][0]["reason"] and "No nomination" in en.json()["errors"][0]["reason"]
    bad = await client.post("/api/v1/award-decisions", json={"request_id": "x", "nomination_ids": []}, headers=BOARD)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "nomination_ids"
    settings = await client.put(
        "/api/v1/award-decisions/settings", json=PAPER_SETTINGS.model_dump(mode="json"), headers=BOARD
    )
    assert settings.status_code == 200 and settings.json()["issuing_agency"]["code"] == "UBND"


async def test_reporting_serves_the_papers_to_the_board(reporting):
    client, db = reporting
    assert await db.award_decisions.count_documents({}) == 1
    listed = await client.get("/api/v1/award-papers/decisions", headers=CHAIR)
    assert [d["decision_number"]["number"] for d in listed.json()] == ["15/QĐ-UBND"]
    docx = await client.get("/api/v1/award-papers/decisions/qd-2026-ubnd-15/quyet-dinh?format=docx", headers=BOARD)
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    own = await client.get("/api/v1/award-papers/decisions/qd-2026-ubnd-15/to-trinh", headers=OWN)
    assert own.status_code == 403
    missing = await client.get("/api/v1/award-papers/decisions/khong-co/quyet-dinh", headers={**BOARD, **EN})
    assert missing.status_code == 404 and missing.json()["message"] == "No award decision 'khong-co'."
    wrong = await client.get("/api/v1/award-papers/decisions/qd-2026-ubnd-15/quyet-dinh?format=odt", headers=BOARD)
    assert wrong.status_code == 422


async def test_certificates_a_batch_for_the_board_and_only_its_own_for_a_unit(reporting):
    client, _ = reporting
    url = "/api/v1/award-papers/decisions/qd-2026-ubnd-15/certificates/pdf"
    batch = await client.get(url, headers=BOARD)
    assert batch.status_code == 200 and batch.content.startswith(b"%PDF") and batch.content.count(b"/Type /Page\n") in (0, 3)
    mine = await client.get(f"{url}?nomination_id=dn-2025-0002", headers=OWN)
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    assert (await client.get(f"{url}?nomination_id=dn-2025-0002", headers=OTHER)).status_code == 403
    assert (await client.get(url, headers=OWN)).status_code == 403  # a unit never gets the whole batch
    unknown = await client.get(f"{url}?nomination_id=dn-khac", headers=BOARD)
    assert unknown.status_code == 404


async def test_calibration_is_saved_refused_off_the_blank_and_printed_as_a_test_page(reporting):
    client, _ = reporting
    default = (await client.get("/api/v1/award-papers/calibration/bang-khen", headers=BOARD)).json()
    assert (default["width_mm"], default["height_mm"]) == (420, 297)
    box = {"x_mm": 50, "y_mm": 100, "width_mm": 320, "font_pt": 28, "bold": True}
    body = {"width_mm": 420, "height_mm": 297, "fields": {"recipient": box}}
    assert (await client.put("/api/v1/award-papers/calibration/bang-khen", json=body, headers=CHAIR)).status_code == 403
    saved = await client.put("/api/v1/award-papers/calibration/bang-khen", json=body, headers=BOARD)
    assert saved.status_code == 200 and saved.json()["fields"]["recipient"]["y_mm"] == 100
    assert "signer_name" in saved.json()["fields"]  # the fields left out keep their defaults
    again = (await client.get("/api/v1/award-papers/calibration/bang-khen", headers=CHAIR)).json()
    assert again["fields"]["recipient"]["x_mm"] == 50
    off = {"width_mm": 297, "height_mm": 210, "fields": {"recipient": {**box, "x_mm": 200}}}
    refused = await client.put("/api/v1/award-papers/calibration/giay-khen", json=off, headers=BOARD)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "fields.recipient"
    page = await client.get("/api/v1/award-papers/calibration/bang-khen/test-page", headers=BOARD)
    assert page.status_code == 200 and page.content.startswith(b"%PDF")


async def test_a_paper_is_stored_once_as_a_version_and_its_pdf_converted_once(reporting, monkeypatch):
    client, _ = reporting
    conversions = []

    async def to_pdf(docx: bytes) -> bytes:
        conversions.append(len(docx))
        return b"%PDF-1.7 converted"

    monkeypatch.setattr(service.pdf, "to_pdf", to_pdf)
    url = "/api/v1/award-papers/decisions/qd-2026-ubnd-15/quyet-dinh"
    first = await client.get(url, params={"format": "pdf"}, headers=BOARD)
    again = await client.get(url, params={"format": "pdf"}, headers=CHAIR)
    word = await client.get(url, params={"format": "docx"}, headers=BOARD)
    assert first.content == again.content == b"%PDF-1.7 converted" and len(conversions) == 1
    [stored] = await service.store.listing(None, TENANT, series="award-papers/qd-2026-ubnd-15/quyet-dinh")
    assert stored["version"] == 1 and stored["kind"] == "award_papers.quyet-dinh" and stored["created_by"] == "can-bo-ban"
    assert word.content == stored["content"]


async def test_a_failed_conversion_is_503_in_the_callers_language(reporting, monkeypatch):
    client, _ = reporting

    async def broken(docx: bytes) -> bytes:
        raise service.pdf.ConversionFailed("soffice timed out")

    monkeypatch.setattr(service.pdf, "to_pdf", broken)
    url = "/api/v1/award-papers/decisions/qd-2026-ubnd-15/to-trinh"
    answer = await client.get(url, params={"format": "pdf"}, headers={**BOARD, **EN})
    assert answer.status_code == 503
    assert answer.json()["message"] == "The document could not be converted to PDF; please try again later."
    assert "soffice" not in answer.text
