"""Ranking rule (pure). Units are ordered by total points (or the score of ..basis), highest first. Equal totals (to 4
decimals) share a rank and the next rank skips (1, 2, 2, 4: standard competition ranking); among
equals the list is ordered by unit name (Vietnamese alphabetical order) so that it is stable. Units that reported nothing
are listed with 0 points and flagged, so missing data is visible rather than silently dropped.
Ranks are given over the whole campaign and, separately, within each cluster (bloc)."""

from dataclasses import dataclass, replace

from thidua_common.i18n import vi_sort_key


@dataclass(frozen=True)
class Standing:
    unit_id: str
    name: str
    cluster_id: str | None
    total: float
    max_total: float
    periods_reported: int
    inherited_periods: int = 0
    score: float | None = None  # the figure ranked when not the total (..basis)
    rank: int = 0
    cluster_rank: int = 0


def _key(row: Standing) -> float:
    return round(row.total if row.score is None else row.score, 4)


def rank(rows: list[Standing]) -> list[Standing]:
    ordered = sorted(rows, key=lambda r: (-_key(r), vi_sort_key(r.name), r.unit_id))
    out: list[Standing] = []
    for i, row in enumerate(ordered):
        same_as_previous = out and _key(out[-1]) == _key(row)
        out.append(replace(row, rank=out[-1].rank if same_as_previous else i + 1))
    cluster_ranked: dict[str, int] = {}
    by_cluster: dict[str | None, list[Standing]] = {}
    for row in out:
        by_cluster.setdefault(row.cluster_id, []).append(row)
    for members in by_cluster.values():
        for i, row in enumerate(members):
            prev = members[i - 1] if i else None
            cluster_ranked[row.unit_id] = cluster_ranked[prev.unit_id] if prev and _key(prev) == _key(row) else i + 1
    return [replace(r, cluster_rank=cluster_ranked[r.unit_id]) for r in out]
