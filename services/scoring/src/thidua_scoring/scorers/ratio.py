"""Ratio to target. Higher is better: MS · A/T, capped at MS. Lower is better: MS when A ≤ T,
else MS · T/A. A target of 0 is a real target (e.g. no violations): lower-is-better gives MS at
0 and nothing above it; higher-is-better is met by any value."""

from thidua_common.contracts.campaign import Criterion, Direction
from thidua_common.contracts.scorer_params import RatioToTargetParams

from . import PerUnitScorer, Points, fmt, not_reported


class RatioToTarget(PerUnitScorer):
    name = "ratio_to_target"
    Params = RatioToTargetParams

    def score_one(self, leaf: Criterion, value: float | None, target: float | None) -> Points:
        ms = leaf.max_points
        if value is None:
            return not_reported(leaf)
        inputs: dict[str, float | str | None] = {"A": value, "T": target, "MS": ms}
        if target is None:
            return Points(0.0, "0", "Chưa có chỉ tiêu nên chưa tính điểm: 0 điểm.", "No target set: 0 points.", inputs)
        if target == 0 and leaf.direction != Direction.lower:
            return Points(
                ms,
                "A ≥ T = 0 → MS",
                f"Chỉ tiêu 0, đạt {fmt(value)} → {fmt(ms)} điểm.",
                f"Target 0, reached {fmt(value, 'en')} → {fmt(ms, 'en')} points.",
                inputs,
            )
        if leaf.direction == Direction.lower:
            if value <= target:
                return Points(
                    ms,
                    "A ≤ T → MS",
                    f"{fmt(value)} ≤ chỉ tiêu {fmt(target)} (càng thấp càng tốt) → {fmt(ms)} điểm.",
                    f"{fmt(value, 'en')} ≤ target {fmt(target, 'en')} (lower is better) → {fmt(ms, 'en')} points.",
                    inputs,
                )
            points = round(ms * target / value, 4)
            return Points(
                points,
                "MS · T/A",
                f"{fmt(ms)} × {fmt(target)}/{fmt(value)} = {fmt(points)} điểm (càng thấp càng tốt).",
                f"{fmt(ms, 'en')} × {fmt(target, 'en')}/{fmt(value, 'en')} = {fmt(points, 'en')} points (lower is better).",
                inputs,
            )
        raw = ms * value / target
        points = round(min(ms, raw), 4)
        cap_vi = f", tối đa {fmt(ms)}" if raw > ms else ""
        cap_en = f", capped at {fmt(ms, 'en')}" if raw > ms else ""
        return Points(
            points,
            "min(MS, MS · A/T)",
            f"{fmt(ms)} × {fmt(value)}/{fmt(target)} = {fmt(raw)}{cap_vi} → {fmt(points)} điểm.",
            f"{fmt(ms, 'en')} × {fmt(value, 'en')}/{fmt(target, 'en')} = {fmt(raw, 'en')}{cap_en} → {fmt(points, 'en')} points.",
            {**inputs, "raw": round(raw, 4)},
        )
