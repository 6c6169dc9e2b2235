"""The parameters each built-in scorer accepts (a leaf criterion's `params`), as pydantic models.

Where they live, and why here: intake must refuse a campaign whose parameters a scorer cannot use
(a 422 at the door, not a partition of scoring blocked later), but intake's image does not install
the scoring service (faust and its dependencies). So a scorer's parameter model is a contract, like
an event payload: the built-in ones are here, in thidua-common, which both services install; the
scorer classes in thidua_scoring point to them (`Params` class variable). Every scorer package also
declares its model under the `thidua.scorer_params` entry point group (thidua-common declares the
built-in ones), so intake learns a province's own scorer from its package alone, loading only the
light parameter model, never the scorer or the scoring service.

Every model: no unknown parameter (a typo such as `treshold` would silently score with the
default), JSON numbers only (no numeric strings, no booleans), finite (no Infinity, NaN)."""

from pydantic import BaseModel, ConfigDict, Field


class ScorerParams(BaseModel):
    """Base of every parameter model: strict, finite, no unknown parameter."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class NoParams(ScorerParams):
    """The scorer takes no parameter."""


class RatioToTargetParams(NoParams):
    """ratio_to_target: MS·A/T (or MS·T/A when lower is better); no parameter."""


class ClusterLeaderParams(NoParams):
    """cluster_leader: compares the members of a cluster; no parameter."""


class PassFailParams(ScorerParams):
    """pass_fail: full points when the value reaches the threshold."""

    threshold: float = Field(1, ge=-1e12, le=1e12, description="value to reach (not to exceed when lower is better)")


class PerOccurrenceParams(ScorerParams):
    """per_occurrence, bonus, penalty: points for each occurrence, capped at the leaf's maximum."""

    points_per: float = Field(1, ge=0, le=1e6, description="points per occurrence")


class ReviewerRatingParams(ScorerParams):
    """reviewer_rating: a reviewer's rating on a scale, MS·rating/scale."""

    scale: float = Field(10, gt=0, le=1e6, description="the top of the rating scale")


def installed_param_models() -> dict[str, type[BaseModel]]:
    """{scorer name: parameter model} of every installed scorer package (entry points)."""
    from ..plugins import SCORER_PARAMS, load_plugins

    return {name: model for name, model in sorted(load_plugins(SCORER_PARAMS).items())}
