"""Issue 12 (inbound kinds): an outside system, a real aiokafka client with its own SASL/SCRAM user on
its own topic, publishes each kind besides submissions — a target update, a review decision (in the
board's role granted to it), a unit register change. Each takes effect (read back through intake's
HTTP API), the same event sent twice takes effect once, and a bad one is dead-lettered with its
reason. The unit register example of docs/integration.md runs as it is against the stack.

Every test sends its records with one key (one partition, so they are consumed in order): once the
bad event's dead letter is there, the duplicate before it has been consumed too, and had it failed
it would be dead-lettered before."""

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest

from thidua_common.contracts.registry import REVIEW_DECIDED, TARGET_CHANGE_REQUESTED, UNIT_CHANGE_REQUESTED
from thidua_devstack.stack import REPO

from .conftest import TENANT, eventually, read_topic, reporter, submission
from .helpers import call
from .test_kafka_systems import publish, systems_cli


@pytest.fixture(scope="module")
def credentials_file(stack, tmp_path_factory):
    """A review and registry system: every unit of the test tenant, targets, reviews (as the board), units."""
    name = f"tham-dinh-{uuid.uuid4().hex[:6]}"
    creds = tmp_path_factory.mktemp("systems") / f"{name}.json"
    added = systems_cli(stack, "add", name, "--contact", f"it@{name}.test", "--tenant", TENANT, "--all-units",
                        "--kind", "target", "--kind", "review", "--kind", "unit", "--review-as", "board",
                        "--credentials-file", str(creds))
    assert added.returncode == 0, added.stdout + added.stderr
    listed = json.loads(systems_cli(stack, "list", "--json").stdout)
    mine = next(s for s in listed if s["_id"] == name)
    assert mine["kinds"] == ["review", "target", "unit"] and mine["review_as"] == {"level": "board", "unit_id": None}
    return creds


@pytest.fixture(scope="module")
def system(credentials_file):
    return json.loads(credentials_file.read_text())


def cloud_event(event_type: str, data: dict, event_id: str | None = None) -> dict:
    return {"specversion": "1.0", "id": event_id or uuid.uuid4().hex, "source": "/tham-dinh", "type": event_type,
            "time": datetime.now(UTC).isoformat(), "tenant": TENANT, "correlationid": uuid.uuid4().hex, "data": data}


async def send(system: dict, key: str, *events: dict) -> None:
    for e in events:
        await publish(system, system["topic"], json.dumps(e).encode(), key.encode())


async def dead_letters(settings, *events: dict) -> dict[str, dict]:
    """event id → dlq_reason of the dead letters among `events`, once the last one's is there."""
    ids = {e["id"] for e in events}
    last = events[-1]["id"]

    def ours(r) -> bool:
        try:
            return json.loads(r.value)["id"] in ids
        except (ValueError, KeyError, TypeError):
            return False

    found = await eventually(lambda: _with(settings, ours, last), timeout=60)
    return {json.loads(r.value)["id"]: json.loads(dict(r.headers)["dlq_reason"]) for r in found}


async def _with(settings, ours, last: str):
    records = await read_topic(settings, "inbound_dlq", ours, timeout=15)
    return records if any(json.loads(r.value)["id"] == last for r in records) else None


async def test_a_target_update_takes_effect_once_and_a_bad_one_is_dead_lettered(stack, settings, system, campaign,
                                                                                 board):
    cid, unit = campaign["id"], "don-vi-1"
    path = f"/api/v1/campaigns/{cid}/registrations/{unit}"
    registered = await call(stack, "PUT", path, board, {"targets": [{"criterion_id": "ho-thoat-ngheo", "value": 90}]})
    assert registered.status_code in (200, 201), registered.text
    change = {"campaign_id": cid, "unit_id": unit, "criterion_id": "ho-thoat-ngheo", "value": 95,
              "reason": "Nghị quyết HĐND điều chỉnh chỉ tiêu"}
    good = cloud_event(TARGET_CHANGE_REQUESTED, change)
    bad = cloud_event(TARGET_CHANGE_REQUESTED, {**change, "value": 97, "reason": "ngắn"})
    await send(system, f"{TENANT}/{unit}", good, good, bad)
    refused = await dead_letters(settings, good, bad)
    assert list(refused) == [bad["id"]]  # the duplicate was no failure
    assert refused[bad["id"]]["code"] == "request.invalid"
    assert [e["field"] for e in refused[bad["id"]]["errors"]] == ["data.reason"]
    reg = (await call(stack, "GET", path, board)).json()
    assert [t["value"] for t in reg["targets"]] == [95]
    [history] = reg["history"]
    assert (history["old"], history["new"], history["by"]) == (90, 95, f"system:{system['system']}")
    assert history["reason"] == "Nghị quyết HĐND điều chỉnh chỉ tiêu"


async def test_a_review_decision_takes_effect_once_in_the_board_role(stack, settings, system, campaign, board):
    cid = campaign["id"]
    ids = {}
    for unit in ("don-vi-1", "don-vi-2"):
        body = submission(cid, unit)
        submitted = await call(stack, "POST", "/api/v1/submissions", reporter(settings, unit), body)
        assert submitted.status_code == 202, submitted.text
        ids[unit] = submitted.json()["submission_id"]
    approve = cloud_event(REVIEW_DECIDED, {"submission_id": ids["don-vi-1"], "unit_id": "don-vi-1",
                                           "decision": "approve"})
    # a return without a reason per returned criterion, as over HTTP, is refused
    bad = cloud_event(REVIEW_DECIDED, {"submission_id": ids["don-vi-2"], "unit_id": "don-vi-2", "decision": "return"})
    await send(system, f"{TENANT}/{cid}", approve, approve, bad)
    refused = await dead_letters(settings, approve, bad)
    assert list(refused) == [bad["id"]] and refused[bad["id"]]["code"] == "request.invalid"
    review = (await call(stack, "GET", f"/api/v1/submissions/{ids['don-vi-1']}", board)).json()["review"]
    assert review["status"] == "approved" and review["level"] == "board"
    assert [(h["step"], h["reviewer"]) for h in review["history"]] == [("review", f"system:{system['system']}")]
    untouched = (await call(stack, "GET", f"/api/v1/submissions/{ids['don-vi-2']}", board)).json()["review"]
    assert untouched["status"] == "pending"


async def test_unit_register_changes_take_effect_once_and_a_bad_one_is_dead_lettered(stack, settings, system, board):
    unit = f"xa-{uuid.uuid4().hex[:8]}"
    create = cloud_event(UNIT_CHANGE_REQUESTED, {"action": "create", "unit_id": unit, "create": {
        "name_vi": "Xã thử nghiệm", "unit_type": "commune", "valid_from": "2020-01-01"}})
    rename = cloud_event(UNIT_CHANGE_REQUESTED, {"action": "rename", "unit_id": unit, "rename": {
        "name_vi": "Phường thử nghiệm", "effective": "2024-01-01", "reason": "Nghị quyết 1"}})
    unknown = cloud_event(UNIT_CHANGE_REQUESTED, {"action": "rename", "unit_id": f"{unit}-khong-co", "rename": {
        "name_vi": "Không có", "effective": "2024-01-01", "reason": "Nghị quyết 2"}})
    await send(system, f"{TENANT}/{unit}", create, create, rename, rename, unknown)
    refused = await dead_letters(settings, create, rename, unknown)
    assert list(refused) == [unknown["id"]] and refused[unknown["id"]]["code"] == "unit.not_found"
    got = (await call(stack, "GET", f"/api/v1/units/{unit}", board)).json()
    assert got["name_vi"] == "Phường thử nghiệm"
    assert [h["name_vi"] for h in got["name_history"]] == ["Xã thử nghiệm", "Phường thử nghiệm"]  # one rename


async def test_the_unit_register_example_of_the_integration_guide_runs_as_it_is(stack, credentials_file, board):
    text = (REPO / "docs" / "integration.md").read_text()
    [example] = [s for s in re.findall(r"```python\n(.*?)```", text, re.S) if UNIT_CHANGE_REQUESTED in s]
    unit = re.search(r'"unit_id": "([a-z0-9-]+)"', example).group(1)
    ran = subprocess.run([sys.executable, "-c", example], env={**os.environ, "THIDUA_CREDENTIALS": str(credentials_file)},
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr

    async def created():
        response = await call(stack, "GET", f"/api/v1/units/{unit}", board)
        return response.json() if response.status_code == 200 else None

    got = await eventually(created, timeout=60)
    assert got["name_vi"] == "Xã Đắk Wil (mới)" and got["unit_type"] == "commune"


async def test_a_narrow_review_system_is_held_to_its_scope_and_never_judges_its_own_unit(
    stack, settings, campaign, board, tmp_path
):
    # the board's level, but don-vi-1 is its own unit; only units don-vi-1 and don-vi-2; reviews only
    name = f"tham-dinh-hep-{uuid.uuid4().hex[:6]}"
    creds = tmp_path / "creds.json"
    added = systems_cli(stack, "add", name, "--contact", "x@y.test", "--tenant", TENANT, "--unit", "don-vi-1",
                        "--unit", "don-vi-2", "--kind", "review", "--review-as", "board:don-vi-1",
                        "--credentials-file", str(creds))
    assert added.returncode == 0, added.stdout + added.stderr
    narrow = json.loads(creds.read_text())
    cid, ids = campaign["id"], {}
    for unit in ("don-vi-1", "don-vi-3"):
        submitted = await call(stack, "POST", "/api/v1/submissions", reporter(settings, unit), submission(cid, unit))
        assert submitted.status_code == 202, submitted.text
        ids[unit] = submitted.json()["submission_id"]
    own = cloud_event(REVIEW_DECIDED, {"submission_id": ids["don-vi-1"], "unit_id": "don-vi-1", "decision": "approve"})
    other = cloud_event(REVIEW_DECIDED, {"submission_id": ids["don-vi-3"], "unit_id": "don-vi-3", "decision": "approve"})
    kind = cloud_event(UNIT_CHANGE_REQUESTED, {"action": "rename", "unit_id": "don-vi-2", "rename": {
        "name_vi": "Tên mới", "effective": "2024-01-01", "reason": "Nghị quyết"}})
    await send(narrow, f"{TENANT}/{cid}", own, other, kind)
    refused = await dead_letters(settings, own, other, kind)
    assert refused[own["id"]]["code"] == "conflict.own_unit.review"
    assert (refused[other["id"]]["code"], refused[other["id"]]["errors"][0]["code"]) == ("scope", "scope.unit")
    assert (refused[kind["id"]]["code"], refused[kind["id"]]["errors"][0]["code"]) == ("scope", "scope.kind")
    for unit in ("don-vi-1", "don-vi-3"):
        review = (await call(stack, "GET", f"/api/v1/submissions/{ids[unit]}", board)).json()["review"]
        assert review["status"] == "pending"
