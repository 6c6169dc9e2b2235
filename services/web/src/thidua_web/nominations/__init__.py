"""Nominations: dossiers, stage queues, council votes, the chair's decision, award history (issue 11)."""
