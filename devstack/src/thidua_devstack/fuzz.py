"""A schemathesis run (every phase, stateful included) against one service of a running stack,
and what it found, read from its NDJSON event report.

Used by tests/e2e/test_fuzz.py (a small budget, in the test command) and bench/fuzz.py (longer
runs). The schemathesis CLI is driven as a process: its command line and reports are its stable
interface, and a run of its own keeps hypothesis' state out of the test process.

Checks: no 5xx (not_a_server_error), every status documented (status_code_conformance), every
body matching the documented schema (response_schema_conformance) and content type.
"""

import base64
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PHASES = "examples,coverage,fuzzing,stateful"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@dataclass(frozen=True)
class Finding:
    operation: str  # "POST /api/v1/submissions"
    check: str  # the schemathesis check that failed
    message: str
    status: int | None  # the response status
    method: str
    uri: str  # the request as sent
    request_body: str  # decoded text, shortened
    response_body: str  # decoded text, shortened
    phase: str

    def describe(self) -> str:
        return (
            f"{self.check} on {self.operation} ({self.phase}): {self.message.splitlines()[0] if self.message else ''}"
            f"\n    {self.method} {self.uri}\n    body: {self.request_body[:300]}\n"
            f"    -> {self.status}: {self.response_body[:300]}"
        )


@dataclass
class Result:
    findings: list[Finding]
    phases: dict[str, str]  # phase → how it went: failure if a round failed, else success if one ran, else skip
    errors: list[str]  # errors of the run itself (not of the API)
    exit_code: int


def run(
    openapi_url: str,
    token: str,
    report: Path,
    *,
    max_examples: int,
    max_time: int,
    seed: int | None = None,
    workers: int = 1,
    log: Path | None = None,
    phases: str = PHASES,
) -> Result:
    """Run schemathesis once and read what it found. One worker: the CLI's threads trip over a
    CPython 3.11 race in `ast` (hypothesis describes lambdas) and report it as their error."""
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        openapi_url,
        "--phases",
        phases,
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
        "--max-time",
        str(max_time),
        "--workers",
        str(workers),
        "--header",
        f"Authorization: Bearer {token}",
        # the token above is the credential of every request. The schema declares its security
        # schemes (bearer, X-API-Key), for which schemathesis would otherwise make up header
        # values; 4.32 drops them when --header supplies one (checked: no 401 either way), but the
        # run should not depend on that: a made-up credential can only be refused.
        "--generation-with-security-parameters",
        "false",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--request-timeout",
        "30",
        # a server-sent event stream never ends while the campaign exists: the fuzzer would wait out
        # its timeout on every such call. Its inputs are checked by tests/e2e/test_streams.py.
        "--exclude-path-regex",
        "/stream$",
        "--no-shrink",
    ]
    if seed is not None:
        command += ["--seed", str(seed)]
    out = open(log, "wb") if log else subprocess.DEVNULL
    try:
        # in the report's folder: schemathesis keeps a cache (.schemathesis/) in its working directory
        done = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, timeout=max_time + 180, check=False, cwd=report.parent
        )
    finally:
        if not isinstance(out, int):  # a file of our own, not subprocess.DEVNULL
            out.close()
    if not report.exists():
        raise RuntimeError(f"schemathesis wrote no report (exit {done.returncode}); see {log}")
    result = read_report(report)
    result.exit_code = done.returncode
    return result


def _note_phase(phases: dict[str, str], name: str, status: str) -> None:
    """Keep the most telling status of a phase: a failed round over a passed one over a skipped one."""
    rank = {"failure": 3, "error": 3, "success": 2}
    if rank.get(status, 1) >= rank.get(phases.get(name, ""), 0):
        phases[name] = status


def merge(results: list[Result]) -> Result:
    """Several runs (e.g. the stateful phase run apart, with a budget of its own) as one."""
    phases: dict[str, str] = {}
    for result in results:
        for name, status in result.phases.items():
            _note_phase(phases, name, status)
    return Result(
        [f for r in results for f in r.findings],
        phases,
        [e for r in results for e in r.errors],
        max(r.exit_code for r in results),
    )


def distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per operation, check and status: what a person reads."""
    seen: set[tuple] = set()
    out = []
    for f in findings:
        key = (f.operation, f.check, f.status)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _text(content) -> str:
    if content is None:
        return ""
    if isinstance(content, dict) and "$base64" in content:
        return base64.b64decode(content["$base64"]).decode("utf-8", errors="replace")
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def read_report(report: Path) -> Result:
    """Every failed check of every scenario (one Finding per case and check), the phases that ran
    and the errors of the run itself."""
    findings: list[Finding] = []
    phases: dict[str, str] = {}
    errors: list[str] = []
    for line in report.read_text(errors="replace").splitlines():
        event = json.loads(line)
        if "PhaseFinished" in event:
            # fuzzing and stateful repeat in rounds until the time is spent; the last round may
            # be skipped for want of time after earlier ones ran
            _note_phase(phases, event["PhaseFinished"]["phase"]["name"], event["PhaseFinished"]["status"])
        errors += [json.dumps(value)[:2000] for name, value in event.items() if "Error" in name]
        scenario = event.get("ScenarioFinished")
        if not scenario:
            continue
        recorder = scenario["recorder"]
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                failure = (check.get("failure_info") or {}).get("failure") or {}
                case = recorder["cases"].get(case_id, {}).get("value", {})
                interaction = recorder.get("interactions", {}).get(case_id) or {}
                request, response = interaction.get("request") or {}, interaction.get("response") or {}
                operation = failure.get("operation") or f"{case.get('method')} {case.get('path')}"
                findings.append(
                    Finding(
                        operation=operation,
                        check=check["name"],
                        message=failure.get("message") or failure.get("title", ""),
                        status=response.get("status_code"),
                        method=request.get("method", case.get("method", "")),
                        uri=request.get("uri", case.get("path", "")),
                        request_body=_text(request.get("body", case.get("body"))),  # whole: known issues parse it
                        response_body=_text(response.get("content"))[:2000],
                        phase=scenario.get("phase", ""),
                    )
                )
    return Result(findings, phases, errors, exit_code=0)
