"""Scorer plugins. A scorer turns one criterion's reported value into points and says how.
Provinces add their own through the `thidua.scorers` entry point group."""

from dataclasses import dataclass
from typing import Protocol

from thidua_common.contracts.campaign import Criterion
from thidua_common.plugins import SCORERS, load_plugins


@dataclass(frozen=True)
class Points:
    points: float
    target: float | None
    formula: str
    explanation_vi: str
    explanation_en: str


class Scorer(Protocol):
    name: str

    def score(self, criterion: Criterion, value: float | None) -> Points: ...


def load_scorers() -> dict[str, Scorer]:
    return {name: factory() for name, factory in load_plugins(SCORERS).items()}
