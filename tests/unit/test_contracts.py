"""The JSON Schema files and the AsyncAPI document in /contracts must match the models."""

from pathlib import Path

from thidua_common.contracts import EVENT_TYPES, TOPICS, Envelope
from thidua_common.contracts.export import asyncapi, drift, event_schema

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


def test_generated_files_match_the_models():
    assert drift(CONTRACTS) == [], "run: uv run thidua-contracts --out contracts"


def test_every_event_type_is_versioned_and_has_a_schema_and_a_channel():
    doc = asyncapi()
    addresses = {c["address"] for c in doc["channels"].values()}
    for event_type, spec in EVENT_TYPES.items():
        assert event_type.startswith("vn.thidua.") and event_type.rsplit(".", 1)[1].startswith("v")
        schema = event_schema(event_type)
        assert schema["properties"]["type"] == {"const": event_type, "title": "Type"}
        assert {"id", "source", "specversion", "type", "time", "tenant", "correlationid", "data"} <= set(
            schema["properties"]
        )
        assert f"thidua.{TOPICS[spec.topic].suffix}" in addresses


def test_envelope_rejects_unversioned_type():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Envelope(id="1", source="/x", type="vn.thidua.submission.received", time="2018-05-25T00:00:00Z",
                 tenant="daknong", correlationid="c", data={})
