"""Units merge (the 2025 reform merged provinces and removed districts). A merged unit inherits
its predecessors' results: for a period before the merge in which it has no result of its own,
its score is the mean of the scores of the predecessors that reported that period, so it stays
within the same maximum and "adds up" with its later results. Predecessors keep their own
history. Units created by a split start afresh; the split unit keeps its history. Pure."""


def merge_sources(unit_id: str, units: dict[str, dict]) -> list[str]:
    """All units merged, directly or through earlier merges, into unit_id."""
    out: list[str] = []
    stack = [unit_id]
    seen = {unit_id}
    while stack:
        current = units.get(stack.pop())
        if not current:
            continue
        for pred in current.get("predecessors", []):
            p = units.get(pred)
            if pred in seen or not p or p.get("status") != "merged":
                continue
            seen.add(pred)
            out.append(pred)
            stack.append(pred)
    return out


def inherited_periods(own: dict[str, float], sources: dict[str, dict[str, float]]) -> dict[str, float]:
    """period → score the merged unit inherits for periods it has no result of its own."""
    by_period: dict[str, list[float]] = {}
    for scores in sources.values():
        for period, total in scores.items():
            if period not in own:
                by_period.setdefault(period, []).append(total)
    return {p: round(sum(v) / len(v), 4) for p, v in by_period.items()}
