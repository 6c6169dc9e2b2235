"""Issue 13: review reports on schedule, through the real stack. A campaign with an interim review
date; units report; the review date is approached and reached with the controllable clock (as_of)
→ every unit is reminded (mail in the catcher, the unit's inbox) → the drafts are generated (the
board's and each unit's) → the board is told (mail, inbox). The DOCX and PDF downloaded from
reporting pass the file checks; the narrative is edited with expected_version, regenerated as
version 2 (version 1 stays downloadable), and a DOCX edited in Word is uploaded as version 3."""

import io
import uuid

import httpx
from docx import Document

from tests import documents_checks as checks

from .conftest import eventually, launch_and_run, mails, reporter, small_campaign, submission, token

BOARD_MAIL = "ban-tdkt@thidua.local"
REVIEW = "2027-01-15"


def campaign_body(campaign_id: str) -> dict:
    body = small_campaign(campaign_id)
    # review dates after today's real date: only the controllable clock reaches them
    body.update(start="2026-01-01", end="2027-06-30", interim_reviews=[REVIEW], final_review="2027-07-15")
    return body


async def test_interim_review_reminds_units_drafts_reports_and_tells_the_board(stack, settings, board, tmp_path):
    cid = f"pt-sk-{uuid.uuid4().hex[:6]}"
    body = campaign_body(cid)
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as intake:
        response = await intake.put(f"/api/v1/campaigns/{cid}", json=body, headers=board)
        assert response.status_code == 200, response.text
        await launch_and_run(intake, cid, board)
        for unit, values in (("don-vi-1", {"ho-thoat-ngheo": 120, "nha-dai-doan-ket": 12}),
                             ("don-vi-2", {"ho-thoat-ngheo": 40, "nha-dai-doan-ket": 5})):
            sent = await intake.post(
                "/api/v1/submissions", json=submission(cid, unit, "2026-Q3", **values), headers=reporter(settings, unit)
            )
            assert sent.status_code in (200, 201, 202), sent.text

    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=120) as reporting:
        async def scored():
            r = await reporting.get(f"/api/v1/campaigns/{cid}/leaderboard", params={"period": "2026-Q3"}, headers=board)
            rows = r.json()["standings"] if r.status_code == 200 else []
            return r.status_code == 200 and sum(1 for row in rows if row.get("periods_reported")) >= 2

        await eventually(scored, timeout=60)

        # a week before the review date: every participating unit is reminded, once
        first = await reporting.post("/api/v1/reviews/check", json={"as_of": "2027-01-10"}, headers=board)
        assert first.status_code == 200, first.text
        assert {"campaign_id": cid, "review_date": REVIEW, "units": 4} in first.json()["reminded"]
        again = await reporting.post("/api/v1/reviews/check", json={"as_of": "2027-01-11"}, headers=board)
        assert not [r for r in again.json()["reminded"] if r["campaign_id"] == cid]
        def reminders(i: int) -> list[dict]:  # units also hear of their scores: only the reminders
            return [m for m in mails(stack, f"don-vi-{i}@{cid}.test") if "Nhắc kỳ sơ kết" in m["subject"]]

        for i in range(1, 5):
            inbox = await eventually(lambda i=i: reminders(i), timeout=60)
            assert len(inbox) == 1, inbox
            assert "15/01/2027" in inbox[0]["subject"] and f"Đơn vị số {i}" in inbox[0]["text"]
        unit_inbox = await reporting.get("/api/v1/notifications", headers=reporter(settings, "don-vi-1"))
        assert any(n["kind"] == "review.reminder" and n["campaign_id"] == cid for n in unit_inbox.json()["items"])

        # the review date: drafts generated, the board told
        reached = await reporting.post("/api/v1/reviews/check", json={"as_of": REVIEW}, headers=board)
        assert reached.status_code == 200, reached.text
        generated = [g for g in reached.json()["generated"] if g["campaign_id"] == cid]
        assert len(generated) == 1 and generated[0]["version"] == 1 and generated[0]["units"] == 4

        def board_mails():
            return [m for m in mails(stack, BOARD_MAIL) if generated[0]["board_document_id"] in m["text"]]

        told = await eventually(board_mails, timeout=60)
        assert "Dự thảo báo cáo sơ kết" in told[0]["subject"] and body["name_vi"] in told[0]["subject"]
        board_inbox = await reporting.get("/api/v1/notifications", headers=board)
        assert any(n["kind"] == "review.drafts_ready" and n["campaign_id"] == cid for n in board_inbox.json()["items"])

        reviews = (await reporting.get(f"/api/v1/campaigns/{cid}/reviews", headers=board)).json()
        interim = next(r for r in reviews if r["review_date"] == REVIEW)
        assert interim["kind"] == "interim" and interim["generated_at"] and interim["reminded_at"]
        assert [d["version"] for d in interim["documents"]] == [1]
        number = interim["number"]
        assert number.endswith("/BC-HĐTĐKT")
        doc_id = interim["documents"][0]["id"]

        # download: DOCX and PDF pass the file checks
        docx = await reporting.get(f"/api/v1/documents/{doc_id}", headers=board)
        assert docx.status_code == 200 and docx.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        checks.assert_docx_layout(docx.content)
        assert "Số hộ thoát nghèo" in checks.docx_text(docx.content)
        pdf = await reporting.get(f"/api/v1/documents/{doc_id}", params={"format": "pdf"}, headers=board)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text[:300]
        checks.assert_a4(pdf.content, tmp_path, "board")
        checks.assert_only_liberation_serif(pdf.content, tmp_path, "board")
        text = checks.pdf_text(pdf.content, tmp_path, "board")
        checks.assert_header(text, number)
        assert "SƠ KẾT" in text.upper() and "ngày 15 tháng 01 năm 2027" in text
        checks.save_first_page(pdf.content, tmp_path, "e2e-review-board")

        # a unit reads its own draft only
        unit1 = reporter(settings, "don-vi-1")
        own = (await reporting.get(f"/api/v1/campaigns/{cid}/reviews", headers=unit1)).json()
        own_docs = next(r for r in own if r["review_date"] == REVIEW)["documents"]
        assert len(own_docs) == 1 and own_docs[0]["unit_id"] == "don-vi-1"
        unit_pdf = await reporting.get(f"/api/v1/documents/{own_docs[0]['id']}", params={"format": "pdf"}, headers=unit1)
        assert unit_pdf.status_code == 200
        checks.assert_a4(unit_pdf.content, tmp_path, "unit")
        unit_text = checks.pdf_text(unit_pdf.content, tmp_path, "unit")
        assert "ĐƠN VỊ SỐ 1" in unit_text and "120" in unit_text
        checks.save_first_page(unit_pdf.content, tmp_path, "e2e-review-unit")
        assert (await reporting.get(f"/api/v1/documents/{doc_id}", headers=unit1)).status_code == 404
        other = (await reporting.get(f"/api/v1/campaigns/{cid}/reviews", params={"unit_id": "don-vi-2"}, headers=unit1))
        assert other.status_code == 403

        # the board writes the assessment, regenerates: version 2 holds it, version 1 stays
        path = f"/api/v1/campaigns/{cid}/reviews/{REVIEW}"
        text_in = "Các đơn vị đã triển khai đồng bộ, hiệu quả."
        saved = await reporting.put(f"{path}/narrative", json={"expected_version": 0, "assessment": text_in}, headers=board)
        assert saved.status_code == 200 and saved.json()["narrative_version"] == 1, saved.text
        stale = await reporting.put(f"{path}/narrative", json={"expected_version": 0, "lessons": "x"}, headers=board)
        assert stale.status_code == 409 and "phiên bản" in stale.json()["message"]
        refused = await reporting.put(f"{path}/narrative", json={"expected_version": 1, "lessons": "x"}, headers=unit1)
        assert refused.status_code == 403
        again = await reporting.post(f"{path}/regenerate", headers=board)
        assert again.status_code == 200 and again.json()["version"] == 2, again.text
        v2 = await reporting.get(f"/api/v1/documents/{again.json()['board_document_id']}", headers=board)
        assert text_in in checks.docx_text(v2.content)
        v1 = await reporting.get(f"/api/v1/documents/{doc_id}", headers=board)
        assert v1.status_code == 200 and text_in not in checks.docx_text(v1.content)

        # a DOCX edited in Word comes back as version 3; anything else is refused naming the field
        edited = Document(io.BytesIO(v2.content))
        edited.add_paragraph("Bổ sung của văn thư.")
        out = io.BytesIO()
        edited.save(out)
        files = {"file": ("bao-cao.docx", out.getvalue(), checks_docx_type())}
        uploaded = await reporting.post(f"{path}/documents", files=files, headers=board)
        assert uploaded.status_code == 201 and uploaded.json()["version"] == 3, uploaded.text
        assert uploaded.json()["source"] == "uploaded"
        bad = await reporting.post(f"{path}/documents", files={"file": ("x.docx", b"not a docx", "text/plain")}, headers=board)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
        listed = (await reporting.get(path, headers=board)).json()
        assert [d["version"] for d in listed["documents"]] == [3, 2, 1]


async def test_the_clock_cannot_be_named_by_a_unit(stack, settings):
    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=30) as reporting:
        refused = await reporting.post(
            "/api/v1/reviews/check", json={"as_of": "2027-01-15"}, headers=reporter(settings, "don-vi-1")
        )
        assert refused.status_code == 403
        wrong = await reporting.post(
            "/api/v1/reviews/check",
            json={"as_of": "15/01/2027"},
            headers={"Authorization": f"Bearer {token(settings, ['board_officer'])}"},
        )
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"].endswith("as_of")


def checks_docx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
