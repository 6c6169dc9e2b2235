"""Nominations (đề nghị khen thưởng): filed with a dossier, checked against the tenant's rules,
moved along the configured chain of stages (vetting, disclosure, council vote, decision) with
service times in working days, and decided into awards."""
