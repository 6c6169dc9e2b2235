"""Scorer plugins. A scorer turns one leaf criterion's values into points for a cohort of units
(the members of a cluster for one period) and says how. Most scorers look at one unit at a time
(PerUnitScorer); the cluster-leader rule compares the cohort. Provinces add their own scorers
through the `thidua.scorers` entry point group, without touching this code."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from pydantic import BaseModel

from thidua_common.contracts.campaign import Criterion
from thidua_common.contracts.scorer_params import NoParams
from thidua_common.i18n import format_number
from thidua_common.plugins import SCORERS, load_plugins


@dataclass(frozen=True)
class LeafInput:
    unit_id: str
    value: float | None
    target: float | None


@dataclass(frozen=True)
class Points:
    points: float
    formula: str
    explanation_vi: str
    explanation_en: str
    inputs: dict[str, float | str | None] = field(default_factory=dict)


class Scorer(Protocol):
    name: str
    sign: int  # +1 adds points; -1 deducts (penalties)
    cohort: bool  # True when a unit's points depend on the other members of its cluster
    # the leaf's `params` this scorer accepts (pydantic); a scorer without one is not checked.
    # Intake knows the same model through the `thidua.scorer_params` entry point group.
    Params: type[BaseModel]

    def score(self, leaf: Criterion, cohort: list[LeafInput]) -> dict[str, Points]: ...


class PerUnitScorer(ABC):
    """Base for scorers that need only the unit's own value and target."""

    name: ClassVar[str] = ""
    sign: ClassVar[int] = 1
    cohort: ClassVar[bool] = False
    Params: ClassVar[type[BaseModel]] = NoParams

    def score(self, leaf: Criterion, cohort: list[LeafInput]) -> dict[str, Points]:
        return {i.unit_id: self.score_one(leaf, i.value, i.target) for i in cohort}

    @abstractmethod
    def score_one(self, leaf: Criterion, value: float | None, target: float | None) -> Points:
        """Points for one unit's value against its target."""


def fmt(value: float | None, lang: str = "vi") -> str:
    return "—" if value is None else format_number(value, 2, lang)


def not_reported(leaf: Criterion) -> Points:
    return Points(0.0, "0", "Không báo cáo: 0 điểm.", "Not reported: 0 points.", {"MS": leaf.max_points})


class UnknownScorer:
    """Stands in for a scorer that is not installed, so people see why a leaf scored nothing."""

    sign = 1

    def __init__(self, name: str):
        self.name = name

    def score(self, leaf: Criterion, cohort: list[LeafInput]) -> dict[str, Points]:
        p = Points(
            0.0,
            "0",
            f"Chưa cài đặt cách chấm '{self.name}': 0 điểm (báo quản trị hệ thống).",
            f"Scorer '{self.name}' is not installed: 0 points (tell the administrator).",
        )
        return {i.unit_id: p for i in cohort}


def load_scorers() -> dict[str, Scorer]:
    return {name: factory() for name, factory in load_plugins(SCORERS).items()}
