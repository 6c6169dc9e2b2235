"""Plugin discovery through Python entry points: a province installs a package that declares an
entry point in one of these groups, and the services find it without code changes."""

from importlib.metadata import entry_points
from typing import Any

SCORERS = "thidua.scorers"
# each scorer's parameter model (a pydantic model), apart from the scorer: intake loads these only
SCORER_PARAMS = "thidua.scorer_params"
CHANNELS = "thidua.channels"
REPORT_FORMATS = "thidua.report_formats"


def load_plugins(group: str) -> dict[str, Any]:
    """Return {name: loaded object} for every entry point in the group."""
    return {ep.name: ep.load() for ep in entry_points(group=group)}
