"""Issue 15: timeliness figures — on-time reports per unit and cluster, review times, escalations."""
