"""Schemathesis against intake and reporting (every phase: examples, coverage, fuzzing and
stateful), once with a board officer's token and once with a unit reporter's: no answer may be a
5xx, and every answer must have a documented status, content type and body shape.

The run gets a stack of its own (Kafka, SecantusDB, intake and reporting; no scoring, notify or
mail), so whatever the fuzzer defines (thousands of odd campaigns and units) never reaches the
stack the other tests share. The four runs go at once, each bounded by FUZZ_SECONDS +
FUZZING_SECONDS + STATEFUL_SECONDS; the whole file takes about three minutes. bench/fuzz.py runs the same
for longer.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from thidua_common.auth import mint_token
from thidua_devstack import fuzz
from thidua_devstack.stack import REPO, Ports, Stack

from .conftest import TENANT, TEST_ENV

# per run, the four at once: first the examples and coverage phases, then the fuzzing phase, then
# the stateful phase, each with a budget of its own (sharing one budget, the later phases were left
# no time: intake's coverage phase alone outgrew 50 s once the console's APIs were added)
FUZZ_SECONDS = 50
FUZZING_SECONDS = 30
STATEFUL_SECONDS = 40
MAX_EXAMPLES = 10  # per operation and phase: enough to reach every operation, small enough for 2 cores

SERVICES = ("intake", "reporting")
ROLES = {
    "board_officer": {"roles": ["board_officer"], "unit_id": None},
    "unit_reporter": {"roles": ["unit_reporter"], "unit_id": "don-vi-1"},
}


# --- the runs --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("fuzz-stack"), Ports.free(), cache=REPO / ".local" / "cache",
              prefix=f"fuzz{uuid.uuid4().hex[:6]}", extra_env=TEST_ENV)
    try:
        s.start_infra()
        s.start_services(SERVICES)
        yield s
    finally:
        s.down()


@pytest.fixture(scope="module")
def results(fuzz_stack, tmp_path_factory) -> dict[tuple[str, str], fuzz.Result]:
    settings = fuzz_stack.settings()
    folder = tmp_path_factory.mktemp("fuzz-reports")

    def one(service: str, role: str) -> fuzz.Result:
        token = mint_token(settings, subject=f"fuzz-{role}", tenant=TENANT, **ROLES[role])
        url = f"{fuzz_stack.url(service)}/openapi.json"
        return fuzz.merge([
            fuzz.run(url, token, folder / f"{service}-{role}.ndjson", max_examples=MAX_EXAMPLES, max_time=FUZZ_SECONDS,
                     log=folder / f"{service}-{role}.log", phases="examples,coverage"),
            fuzz.run(url, token, folder / f"{service}-{role}-fuzzing.ndjson", max_examples=MAX_EXAMPLES,
                     max_time=FUZZING_SECONDS, log=folder / f"{service}-{role}-fuzzing.log", phases="fuzzing"),
            fuzz.run(url, token, folder / f"{service}-{role}-stateful.ndjson", max_examples=MAX_EXAMPLES,
                     max_time=STATEFUL_SECONDS, log=folder / f"{service}-{role}-stateful.log", phases="stateful"),
        ])

    runs = [(service, role) for service in SERVICES for role in ROLES]
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = {run: pool.submit(one, *run) for run in runs}
        return {run: future.result() for run, future in futures.items()}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("service", SERVICES)
def test_fuzzing_finds_no_server_error_and_no_schema_violation(results, service, role):
    result = results[(service, role)]
    assert result.errors == [], "the fuzz run itself failed:\n" + "\n".join(result.errors)
    # every phase ran (the schema carries no examples: that phase may have nothing to do)
    for phase in ("coverage", "fuzzing", "stateful"):
        assert result.phases.get(phase) in ("success", "failure"), result.phases
    assert not result.findings, f"{len(result.findings)} failed checks on {service} as {role}:\n\n" + "\n\n".join(
        f.describe() for f in fuzz.distinct(result.findings))
    assert result.exit_code == 0, result.exit_code
