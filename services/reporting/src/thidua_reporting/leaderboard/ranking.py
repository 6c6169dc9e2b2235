"""Ranking rule (pure). Units are ordered by total points, highest first. Equal totals share a
rank and the next rank skips (1, 2, 2, 4: standard competition ranking); among equals the list
is ordered by unit name so that the order is stable. Units that reported nothing are listed
with 0 points and flagged, so missing data is visible rather than silently dropped."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Standing:
    unit_id: str
    name: str
    cluster_id: str | None
    total: float
    max_total: float
    periods_reported: int
    rank: int = 0


def rank(rows: list[Standing]) -> list[Standing]:
    ordered = sorted(rows, key=lambda r: (-round(r.total, 6), r.name, r.unit_id))
    out: list[Standing] = []
    for i, row in enumerate(ordered):
        same_as_previous = out and round(out[-1].total, 6) == round(row.total, 6)
        out.append(replace(row, rank=out[-1].rank if same_as_previous else i + 1))
    return out
