"""issue 13: award papers — the tờ trình and the quyết định of an award decision (DOCX and PDF)
and the certificates printed on pre-printed blanks (PDF), from reporting's award_decisions read
model (fed by award.decision.issued events: never intake's database)."""
