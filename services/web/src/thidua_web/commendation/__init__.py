"""The commendation configuration: holidays, award kinds and their chains, rules, flags (issue 11)."""
