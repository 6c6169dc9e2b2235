"""The one pattern of the identifiers people and systems choose: tenants, units, campaigns (and
the criteria, clusters, award kinds … that share it). Defined once here and checked wherever an id
enters: token claims, API-key grants, request bodies, paths, queries and events. Letters, digits,
'_', '.', '-', starting with a letter or digit, at most 64 characters: safe in Kafka keys
(`tenant/campaign`), audit record ids (`tenant:seq`), URLs and log lines without escaping."""

import re

ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

_ID = re.compile(ID)


def is_id(value: object) -> bool:
    """Whether value is a string matching ID (for the places that are not pydantic models)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None
