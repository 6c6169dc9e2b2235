"""The cluster-leader rule (a police emulation cluster's scoring table, see DOMAIN.md).

For a leaf of maximum MS, a unit's actual A and target T, among the members of its cluster in
the same period:
    A < T                       → 0.5·MS·A/T
    A = T                       → 0.5·MS
    the leader                  → MS          (highest over-target ratio A/T; ties share it)
    over target, not the leader → 0.5·MS + 0.5·MS·(A − T)/(A_leader − T)
    no target                   → MS·A/max(A) (max over the cluster's reported values)
When members have different targets the over-target share is taken on ratios,
(A/T − 1)/(A_leader/T_leader − 1), which is the formula above whenever targets are equal.

Lower is better (e.g. overdue dossiers) mirrors it: A > T → 0.5·MS·T/A; A = T → 0.5·MS; the
leader has the largest improvement g = 1 − A/T; other units under target get
0.5·MS + 0.5·MS·g/g_leader, i.e. (T − A)/(T − A_leader) for equal targets; no target →
MS·min(A)/A (a unit at 0 gets MS). A unit that did not report gets 0 and is left out of the
comparison. A target of 0 counts as no target."""

from thidua_common.contracts.campaign import Criterion, Direction
from thidua_common.contracts.scorer_params import ClusterLeaderParams

from . import LeafInput, Points, fmt, not_reported

EPS = 1e-9


class ClusterLeader:
    name = "cluster_leader"
    sign = 1
    Params = ClusterLeaderParams
    cohort = True  # compares the members of a cluster: they are recomputed together

    def score(self, leaf: Criterion, cohort: list[LeafInput]) -> dict[str, Points]:
        lower = leaf.direction == Direction.lower
        # the units that reported against a target, with that value and target
        measured = [(i, i.value, i.target) for i in cohort if i.value is not None and i.target]
        beyond = {i.unit_id: _beyond(a, t, lower) for i, a, t in measured}
        best = max((b for b in beyond.values() if b > EPS), default=None)
        values = [i.value for i in cohort if i.value is not None]
        out: dict[str, Points] = {}
        for i in cohort:
            if i.value is None:
                out[i.unit_id] = not_reported(leaf)
            elif not i.target:
                out[i.unit_id] = self._no_target(leaf, i.value, values, lower)
            else:
                out[i.unit_id] = self._with_target(leaf, i.value, i.target, beyond[i.unit_id], best, lower, measured)
        return out

    def _with_target(
        self,
        leaf: Criterion,
        a: float,
        t: float,
        b: float,
        best: float | None,
        lower: bool,
        measured: list[tuple[LeafInput, float, float]],
    ) -> Points:
        ms = leaf.max_points
        inputs: dict[str, float | str | None] = {"A": a, "T": t, "MS": ms}
        if abs(b) <= EPS:
            return Points(
                0.5 * ms,
                "0.5·MS",
                f"Đạt đúng chỉ tiêu ({fmt(a)} = {fmt(t)}) → 0,5 × {fmt(ms)} = {fmt(0.5 * ms)} điểm.",
                f"Exactly on target ({fmt(a, 'en')}) → 0.5 × {fmt(ms, 'en')} = {fmt(0.5 * ms, 'en')} points.",
                inputs,
            )
        if b < 0:
            share = t / a if lower else a / t
            points = round(0.5 * ms * share, 4)
            formula = "0.5·MS·T/A" if lower else "0.5·MS·A/T"
            shown = f"{fmt(t)}/{fmt(a)}" if lower else f"{fmt(a)}/{fmt(t)}"
            shown_en = f"{fmt(t, 'en')}/{fmt(a, 'en')}" if lower else f"{fmt(a, 'en')}/{fmt(t, 'en')}"
            return Points(
                points,
                formula,
                f"Chưa đạt chỉ tiêu: 0,5 × {fmt(ms)} × {shown} = {fmt(points)} điểm.",
                f"Below target: 0.5 × {fmt(ms, 'en')} × {shown_en} = {fmt(points, 'en')} points.",
                inputs,
            )
        if best is not None and abs(b - best) <= EPS:
            return Points(
                ms,
                "MS (dẫn đầu cụm)",
                f"Dẫn đầu cụm (vượt chỉ tiêu nhiều nhất, {fmt(100 * b)}%) → {fmt(ms)} điểm.",
                f"Cluster leader (furthest past target, {fmt(100 * b, 'en')}%) → {fmt(ms, 'en')} points.",
                {**inputs, "leader_beyond": round(best, 6)},
            )
        assert best is not None  # b > EPS here, and best is the largest such b
        points = round(0.5 * ms + 0.5 * ms * b / best, 4)
        leader, _, _ = max(measured, key=lambda m: _beyond(m[1], m[2], lower))
        formula = "0.5·MS + 0.5·MS·(T−A)/(T−A_leader)" if lower else "0.5·MS + 0.5·MS·(A−T)/(A_leader−T)"
        return Points(
            points,
            formula,
            f"Vượt chỉ tiêu nhưng không dẫn đầu: 0,5 × {fmt(ms)} + 0,5 × {fmt(ms)} × {fmt(b, 'vi')}/{fmt(best)} = {fmt(points)} điểm "
            f"(đơn vị dẫn đầu: {leader.unit_id}, {fmt(leader.value)}).",
            f"Past target, not the leader: 0.5 × {fmt(ms, 'en')} + 0.5 × {fmt(ms, 'en')} × {fmt(b, 'en')}/{fmt(best, 'en')} = "
            f"{fmt(points, 'en')} points (leader: {leader.unit_id}, {fmt(leader.value, 'en')}).",
            {
                **inputs,
                "A_leader": leader.value,
                "T_leader": leader.target,
                "beyond": round(b, 6),
                "leader_beyond": round(best, 6),
            },
        )

    def _no_target(self, leaf: Criterion, a: float, values: list[float], lower: bool) -> Points:
        ms = leaf.max_points
        # the ratio to the best value of the cohort: min(A)/A when lower is better, else A/max(A)
        if lower:
            best = min(values)
            points = ms if a <= best else round(ms * best / a, 4)
            formula, best_name, num, den = "MS·min(A)/A", "min_A", best, a
        else:
            best = max(values)
            points = round(ms * a / best, 4) if best > 0 else 0.0
            formula, best_name, num, den = "MS·A/max(A)", "max_A", a, best
        return Points(
            points,
            formula,
            f"Không có chỉ tiêu: {fmt(ms)} × {fmt(num)}/{fmt(den)} = {fmt(points)} điểm.",
            f"No target: {fmt(ms, 'en')} × {fmt(num, 'en')}/{fmt(den, 'en')} = {fmt(points, 'en')} points.",
            {"A": a, best_name: best, "MS": ms},
        )


def _beyond(a: float, t: float, lower: bool) -> float:
    """How far past its target a unit got: ratio − 1, or the improvement for lower-is-better."""
    return (1 - a / t) if lower else (a / t - 1)
