"""Issue 12 (inbound kinds): the Python producers of docs/integration.md ("Event kinds other
systems publish") compile, there is one per kind, and each one's event is a valid CloudEvent whose
`data` its kind's contract accepts: an example cannot drift from the contract unnoticed."""

import ast
import re
from pathlib import Path

from thidua_common.contracts import Envelope, payload_model
from thidua_intake.systems.rules import KINDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "integration.md"


def examples() -> list[str]:
    text = DOC.read_text()
    section = text.split("## Event kinds other systems publish", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def event_of(source: str) -> dict:
    """The example's `event = {...}`, with what it computes at run time (ids, clocks) filled in."""
    tree = ast.parse(source)
    [assign] = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "event"]
    computed = {"time": "2026-01-01T00:00:00+00:00", "correlationid": "c-1"}
    event = {}
    for key, value in zip(assign.value.keys, assign.value.values, strict=True):  # type: ignore[attr-defined]
        name = ast.literal_eval(key)
        event[name] = computed[name] if name in computed else ast.literal_eval(value)
    return event


def test_there_is_one_compiling_producer_per_kind():
    found = examples()
    for source in found:
        compile(source, "integration.md", "exec")
    assert sorted(event_of(s)["type"] for s in found) == sorted(KINDS.values())


def test_every_example_event_is_valid_for_its_kind():
    for source in examples():
        event = Envelope.model_validate(event_of(source))
        payload_model(event.type).model_validate(event.data)
        assert "send_and_wait(creds[\"topic\"]" in source  # its own topic, from its credentials
        assert "sasl_mechanism=creds[\"sasl_mechanism\"]" in source
