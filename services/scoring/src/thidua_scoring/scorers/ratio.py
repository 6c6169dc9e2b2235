"""Ratio to target: points = value / target × max points, capped at max points."""

from thidua_common.contracts.campaign import Criterion
from thidua_common.i18n import format_number as fmt

from . import Points


class RatioToTarget:
    name = "ratio_to_target"

    def score(self, criterion: Criterion, value: float | None) -> Points:
        mp, target = criterion.max_points, criterion.target
        if value is None:
            return Points(0.0, target, "0", "Không báo cáo: 0 điểm.", "Not reported: 0 points.")
        if not target:
            return Points(
                0.0,
                target,
                "0",
                "Chưa có chỉ tiêu nên chưa tính điểm: 0 điểm.",
                "No target set, so no points: 0.",
            )
        raw = value / target * mp
        points = round(min(mp, raw), 4)
        capped = raw > mp
        vi = f"{fmt(value)}/{fmt(target)} × {fmt(mp)} = {fmt(raw)}" + (f", tối đa {fmt(mp)}" if capped else "")
        en = f"{fmt(value, lang='en')}/{fmt(target, lang='en')} × {fmt(mp, lang='en')} = {fmt(raw, lang='en')}" + (
            f", capped at {fmt(mp, lang='en')}" if capped else ""
        )
        return Points(points, target, "min(MS, A/T × MS)", f"{vi} → {fmt(points)} điểm.", f"{en} → {fmt(points, lang='en')} points.")
