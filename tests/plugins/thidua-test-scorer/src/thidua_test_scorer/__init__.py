"""A step table ("bậc thang"): points by how far the result reaches its target, e.g.
params = {"steps": [[1.0, 1.0], [0.8, 0.6], [0.5, 0.3]]}: at least 100% of the target gives all
the points, at least 80% gives 60% of them, at least 50% gives 30%, less gives nothing.
It depends only on the plugin protocol (leaf, cohort) → {unit: points}, not on Thi Đua's code."""

from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator


class StepTableParams(BaseModel):
    """step_table: [ratio of the target reached, share of the points] pairs, e.g.
    [[1, 1], [0.8, 0.6], [0.5, 0.3]]."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    steps: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        [[1.0, 1.0]], min_length=1, max_length=20, description="[ratio ≥ 0, share in 0..1] pairs"
    )

    @model_validator(mode="after")
    def in_range(self) -> "StepTableParams":
        for ratio, share in self.steps:
            if ratio < 0 or not 0 <= share <= 1:
                raise ValueError("each step is [ratio >= 0, share in 0..1]")
        return self


@dataclass(frozen=True)
class Points:
    points: float
    formula: str
    explanation_vi: str
    explanation_en: str
    inputs: dict = field(default_factory=dict)


class StepTable:
    name = "step_table"
    sign = 1
    Params: ClassVar[type[BaseModel]] = StepTableParams

    def score(self, leaf, cohort):
        steps = sorted(((float(r), float(s)) for r, s in leaf.params.get("steps", [[1, 1]])), reverse=True)
        out = {}
        for unit in cohort:
            if unit.value is None or not unit.target:
                out[unit.unit_id] = Points(0.0, "0", "Không đủ dữ liệu: 0 điểm.", "Not enough data: 0 points.")
                continue
            ratio = unit.value / unit.target
            share = next((s for r, s in steps if ratio >= r), 0.0)
            points = round(leaf.max_points * share, 4)
            out[unit.unit_id] = Points(
                points,
                "MS × bậc(A/T)",
                f"Đạt {ratio:.0%} chỉ tiêu → bậc {share:.0%} × {leaf.max_points:g} = {points:g} điểm.",
                f"{ratio:.0%} of target → step {share:.0%} × {leaf.max_points:g} = {points:g} points.",
                {"A": unit.value, "T": unit.target, "ratio": round(ratio, 6), "share": share},
            )
        return out
