"""Leaf kinds that need only the unit's own value: pass/fail, points per occurrence (capped),
bonus, penalty and a reviewer's rating."""

from thidua_common.contracts.campaign import Criterion, Direction
from thidua_common.contracts.scorer_params import PassFailParams, PerOccurrenceParams, ReviewerRatingParams

from . import PerUnitScorer, Points, fmt, not_reported


class PassFail(PerUnitScorer):
    """Full points when the value reaches the threshold (param `threshold`, default 1; for
    lower-is-better, when it does not exceed it), else none."""

    name = "pass_fail"
    Params = PassFailParams

    def score_one(self, leaf: Criterion, value: float | None, target: float | None) -> Points:
        if value is None:
            return not_reported(leaf)
        threshold = float(leaf.params.get("threshold", 1))
        passed = value <= threshold if leaf.direction == Direction.lower else value >= threshold
        points = leaf.max_points if passed else 0.0
        op = "≤" if leaf.direction == Direction.lower else "≥"
        verdict_vi, verdict_en = ("đạt", "pass") if passed else ("không đạt", "fail")
        return Points(
            points,
            f"A {op} {fmt(threshold, 'en')} ? MS : 0",
            f"{fmt(value)} {op} {fmt(threshold)}: {verdict_vi} → {fmt(points)} điểm.",
            f"{fmt(value, 'en')} {op} {fmt(threshold, 'en')}: {verdict_en} → {fmt(points, 'en')} points.",
            {"A": value, "threshold": threshold, "MS": leaf.max_points},
        )


class PerOccurrence(PerUnitScorer):
    """`points_per` points for each occurrence, capped at the leaf's maximum."""

    name = "per_occurrence"
    Params = PerOccurrenceParams
    label_vi, label_en = "", ""

    def score_one(self, leaf: Criterion, value: float | None, target: float | None) -> Points:
        if value is None:
            return Points(0.0, "0", "Không có: 0 điểm.", "None: 0 points.", {"MS": leaf.max_points})
        per = float(leaf.params.get("points_per", 1))
        raw = value * per
        points = round(min(leaf.max_points, raw), 4) * self.sign
        cap_vi = f", tối đa {fmt(leaf.max_points)}" if raw > leaf.max_points else ""
        cap_en = f", capped at {fmt(leaf.max_points, 'en')}" if raw > leaf.max_points else ""
        return Points(
            points,
            ("−" if self.sign < 0 else "") + "min(MS, n · p)",
            f"{self.label_vi}{fmt(value)} lần × {fmt(per)} = {fmt(raw)}{cap_vi} → {fmt(points)} điểm.",
            f"{self.label_en}{fmt(value, 'en')} × {fmt(per, 'en')} = {fmt(raw, 'en')}{cap_en} → {fmt(points, 'en')} points.",
            {"n": value, "p": per, "MS": leaf.max_points},
        )


class Bonus(PerOccurrence):
    name = "bonus"
    label_vi, label_en = "Điểm thưởng: ", "Bonus: "


class Penalty(PerOccurrence):
    """Deducts `points_per` for each occurrence, at most the leaf's maximum."""

    name = "penalty"
    sign = -1
    label_vi, label_en = "Điểm trừ: ", "Penalty: "


class ReviewerRating(PerUnitScorer):
    """A reviewer's rating on a scale (param `scale`, default 10): MS · rating/scale."""

    name = "reviewer_rating"
    Params = ReviewerRatingParams

    def score_one(self, leaf: Criterion, value: float | None, target: float | None) -> Points:
        if value is None:
            return Points(
                0.0, "0", "Chưa được thẩm định chấm: 0 điểm.", "Not rated yet: 0 points.", {"MS": leaf.max_points}
            )
        scale = float(leaf.params.get("scale", 10))
        points = round(leaf.max_points * min(value, scale) / scale, 4)
        return Points(
            points,
            "MS · rating/scale",
            f"Thẩm định chấm {fmt(value)}/{fmt(scale)} × {fmt(leaf.max_points)} → {fmt(points)} điểm.",
            f"Reviewer rating {fmt(value, 'en')}/{fmt(scale, 'en')} × {fmt(leaf.max_points, 'en')} → {fmt(points, 'en')} points.",
            {"rating": value, "scale": scale, "MS": leaf.max_points},
        )
