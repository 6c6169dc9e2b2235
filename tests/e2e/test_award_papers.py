"""issue 13: award papers through the real stack — nominations decided through intake's API into
one decision batch (numbers per agency and year, unique under concurrent batches, the same on a
retry, none taken by a refused batch); reporting projects the award.decision.issued event and
serves the tờ trình and quyết định (DOCX, PDF through LibreOffice) and the certificates, checked
as files; the award history counts each awardee."""

import asyncio
import io
import shutil
import uuid

import httpx
import pytest
from docx import Document

from ..unit.award_paper_samples import QUOC_HIEU, fonts, page_size, screenshot, tool
from .conftest import eventually, token

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")), reason="LibreOffice and poppler-utils are needed"
)

UNIT = "so-noi-vu"
BK, BK_TT = "bang-khen-chu-tich", "bang-khen-tap-the"
SIGNER = {"title_vi": "CHỦ TỊCH", "deputy_title_vi": "PHÓ CHỦ TỊCH", "name": "Lê Trọng Yên"}


def chain() -> list[dict]:
    return [{"id": "quyet-dinh", "name_vi": "Chủ tịch quyết định", "role": "chairperson", "service_days": 5,
             "kind": "decision", "signer": SIGNER}]


CONFIG = {
    "award_kinds": [
        {"id": BK, "name_vi": "Bằng khen của Chủ tịch UBND tỉnh", "nominee_kind": "individual", "chain": chain(),
         "required_documents": []},
        {"id": BK_TT, "name_vi": "Bằng khen của Chủ tịch UBND tỉnh", "nominee_kind": "collective", "chain": chain(),
         "required_documents": []},
    ]
}
SETTINGS = {
    "issuing_agency": {"code": "UBND", "name_vi": "ỦY BAN NHÂN DÂN", "parent_vi": "TỈNH ĐẮK NÔNG"},
    "board_agency": {"code": "SNV", "name_vi": "SỞ NỘI VỤ", "parent_vi": "UBND TỈNH ĐẮK NÔNG"},
    "place_vi": "Đắk Nông",
    "cash_amounts": {BK: 1_490_000},
}
NAMES = ["Phạm Thị Thơ", "Nguyễn Văn Hưởng", "Đỗ Thị Diễm", "Lưu Văn Lộc", "Trần Thị Ngọc"]


@pytest.fixture
async def api(stack, settings):
    tenant = f"ap-{uuid.uuid4().hex[:8]}"
    roles = {"board_officer": None, "chairperson": None, "unit_leader": UNIT}
    headers = {r: {"Authorization": f"Bearer {token(settings, [r], u, tenant, subject=f'{r}-1')}"} for r, u in roles.items()}
    headers["other_unit"] = {"Authorization": f"Bearer {token(settings, ['unit_leader'], 'so-khac', tenant)}"}
    async with (
        httpx.AsyncClient(base_url=stack.url("intake") + "/api/v1", timeout=60) as intake,
        httpx.AsyncClient(base_url=stack.url("reporting") + "/api/v1", timeout=180) as reporting,
    ):
        yield intake, reporting, headers


def ok(response: httpx.Response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


async def test_a_decision_batch_numbers_renders_and_counts_each_awardee(api, tmp_path):
    intake, reporting, h = api
    ok(await intake.put("/config/commendation", json=CONFIG, headers=h["board_officer"]))
    ok(await intake.put("/award-decisions/settings", json=SETTINGS, headers=h["board_officer"]))
    ids = []
    for i, name in enumerate(NAMES):
        nominee = {"kind": "individual", "unit_id": UNIT, "person_id": f"nv-{i}", "person_name": name,
                   "position": "Chuyên viên"}
        body = {"award_kind": BK, "nominee": nominee, "year": 2025, "achievement": "Hoàn thành xuất sắc nhiệm vụ"}
        ids.append(ok(await intake.post("/nominations", json=body, headers=h["board_officer"]), 201)["nomination_id"])
    collective = {"award_kind": BK_TT, "nominee": {"kind": "collective", "unit_id": "phong-to-chuc"}, "year": 2025,
                  "achievement": "Tập thể lao động xuất sắc"}
    ids.append(ok(await intake.post("/nominations", json=collective, headers=h["board_officer"]), 201)["nomination_id"])
    # not yet approved by the chair: no batch takes it
    early = await intake.post("/award-decisions", json={"request_id": "lo-x", "nomination_ids": [ids[0]]},
                              headers=h["board_officer"])
    assert early.status_code == 422 and "chưa được Chủ tịch phê duyệt" in early.json()["errors"][0]["reason"]
    for nid in ids:
        approved = ok(await intake.post(f"/nominations/{nid}/actions", json={"action": "approve"}, headers=h["chairperson"]))
        assert approved["approved"]["by"] == "chairperson-1" and approved["status"] == "in_progress"

    # a refused batch (one nomination unknown) takes no number
    refused = await intake.post("/award-decisions", json={"request_id": "lo-0", "nomination_ids": [ids[0], "khong-co"]},
                                headers={**h["board_officer"], "Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "nomination_ids[1]"
    # two batches at once: distinct numbers, one after the other
    first, second = await asyncio.gather(
        intake.post("/award-decisions", json={"request_id": "lo-1", "nomination_ids": ids[:3] + ids[5:],
                                              "date": "2026-01-05"}, headers=h["board_officer"]),
        intake.post("/award-decisions", json={"request_id": "lo-2", "nomination_ids": ids[3:5], "date": "2026-01-05"},
                    headers=h["board_officer"]),
    )
    a, b = ok(first, 201), ok(second, 201)
    assert sorted([a["decision_number"]["number"], b["decision_number"]["number"]]) == ["1/QĐ-UBND", "2/QĐ-UBND"]
    assert sorted([a["submission_number"]["number"], b["submission_number"]["number"]]) == ["1/TTr-SNV", "2/TTr-SNV"]
    retried = ok(await intake.post("/award-decisions", json={"request_id": "lo-1", "nomination_ids": ids[:3] + ids[5:],
                                                             "date": "2026-01-05"}, headers=h["board_officer"]), 201)
    assert retried["decision_number"] == a["decision_number"]
    assert ok(await intake.get(f"/nominations/{ids[0]}", headers=h["board_officer"]))["status"] == "decided"

    # reporting: the decision projected, its papers rendered
    did = a["decision_id"]

    async def projected():
        r = await reporting.get(f"/award-papers/decisions/{did}", headers=h["chairperson"])
        return r.json() if r.status_code == 200 else None

    decision = await eventually(projected, timeout=60)
    assert len(decision["awardees"]) == 4
    number = a["decision_number"]["number"]
    docx = await reporting.get(f"/award-papers/decisions/{did}/quyet-dinh", params={"format": "docx"},
                               headers=h["board_officer"])
    assert docx.status_code == 200
    word = Document(io.BytesIO(docx.content))
    annex = [[c.text for c in row.cells] for row in word.tables[-1].rows]
    # I. Tập thể (the collective, named by its unit), then II. Cá nhân in the batch's order
    assert [r[1] for r in annex if r[0] in ("1", "2", "3")] == [
        "phong-to-chuc", "Phạm Thị Thơ", "Nguyễn Văn Hưởng", "Đỗ Thị Diễm"
    ]
    assert round(word.sections[0].left_margin.mm) == 30 and word.styles["Normal"].font.name == "Liberation Serif"
    for kind, paper_number in (("quyet-dinh", number), ("to-trinh", a["submission_number"]["number"])):
        r = await reporting.get(f"/award-papers/decisions/{did}/{kind}", params={"format": "pdf"},
                                headers=h["board_officer"])
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text[:200]
        target = tmp_path / f"{kind}.pdf"
        target.write_bytes(r.content)
        assert tuple(round(x) for x in page_size(target)) == (595, 842)
        listed = fonts(target)
        assert listed and all(name.startswith("LiberationSerif") and embedded for name, embedded in listed)
        text = tool("pdftotext", "-layout", str(target), "-")
        assert any(QUOC_HIEU in line for line in text.splitlines()) and f"Số: {paper_number}" in text
        flowing = " ".join(tool("pdftotext", str(target), "-").split())
        words = set(flowing.split())  # a name may wrap inside its table cell: its letters round-trip
        assert {"Phạm", "Thơ", "Nguyễn", "Hưởng", "Đỗ", "Diễm", "Ngọc"} & words == {"Phạm", "Thơ", "Nguyễn", "Hưởng", "Đỗ", "Diễm"}
        screenshot(target, f"e2e-{kind}", tmp_path)
    assert "I. TẬP THỂ" in flowing and "II. CÁ NHÂN" in flowing

    # certificates: a batch for the board (a page each), one awardee's for its own unit only
    certs = await reporting.get(f"/award-papers/decisions/{did}/certificates/pdf", headers=h["board_officer"])
    assert certs.status_code == 200
    batch = tmp_path / "certificates.pdf"
    batch.write_bytes(certs.content)
    width, height = page_size(batch)
    assert abs(width - 1190.55) < 0.05 and abs(height - 841.89) < 0.05
    assert "Pages:           4" in tool("pdfinfo", str(batch))
    own = await reporting.get(f"/award-papers/decisions/{did}/certificates/pdf", params={"nomination_id": ids[0]},
                              headers=h["unit_leader"])
    assert own.status_code == 200
    other = await reporting.get(f"/award-papers/decisions/{did}/certificates/pdf", params={"nomination_id": ids[0]},
                                headers=h["other_unit"])
    assert other.status_code == 403

    # the award history counts each awardee of both decisions
    async def counted():
        rows = ok(await reporting.get("/awards", params={"year": 2025}, headers=h["chairperson"]))
        return rows if len(rows) == 6 else None

    rows = await eventually(counted, timeout=60)
    assert sorted({r["decision_number"] for r in rows}) == ["1/QĐ-UBND", "2/QĐ-UBND"]
    assert sum(r["decision_number"] == number for r in rows) == 4
