"""The validated campaigns intake keeps in memory (see .service.definition), and how a change
drops them: a unit of work calls `forget` after its commit (..uow.UnitOfWork.drop_campaigns)."""

from thidua_common.contracts.campaign import CampaignDefined

REVISION_PROBE_SECONDS = 0.25
CACHED_CAMPAIGNS = 256
definitions: dict[str, tuple[int, CampaignDefined, float]] = {}


def forget(key: str | None = None) -> None:
    """Drop the cached campaign (every cached campaign without a key)."""
    if key is None:
        definitions.clear()
    else:
        definitions.pop(key, None)
