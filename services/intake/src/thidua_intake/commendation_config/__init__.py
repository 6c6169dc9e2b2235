"""Tenant commendation configuration (rules as data): holidays, award kinds with their chain of
stages, service times, disclosure windows, vote thresholds and rules; and freeze flags on units
and people (discipline, inspection, complaint)."""
