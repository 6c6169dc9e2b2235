"""Reading a schemathesis NDJSON report (thidua_devstack.fuzz): a failed check becomes a finding
with its request and response; passed checks do not; phases and run errors are kept."""

import base64
import json

from thidua_devstack import fuzz


def _b64(text: str) -> dict:
    return {"$base64": base64.b64encode(text.encode()).decode()}


def _scenario(case_id: str, check: dict, status: int, body: str) -> dict:
    return {"ScenarioFinished": {
        "phase": "stateful", "status": "failure",
        "recorder": {
            "label": "Stateful tests",
            "cases": {case_id: {"value": {"method": "PUT", "path": "/api/v1/campaigns/{campaign_id}"}}},
            "checks": {case_id: [{"name": "not_a_server_error", "status": "success"}, check]},
            "interactions": {case_id: {
                "request": {"method": "PUT", "uri": "http://x/api/v1/campaigns/0", "body": _b64(body)},
                "response": {"status_code": status, "content": _b64("Internal Server Error")},
            }},
        },
    }}


def test_failed_checks_become_findings(tmp_path):
    failed = {"name": "status_code_conformance", "status": "failure", "failure_info": {"failure": {
        "operation": "PUT /api/v1/campaigns/{campaign_id}", "title": "Undocumented status code",
        "message": "Received: 500\nDocumented: 200, 422"}}}
    events = [
        {"PhaseFinished": {"phase": {"name": "coverage"}, "status": "success"}},
        {"PhaseFinished": {"phase": {"name": "stateful"}, "status": "failure"}},
        {"PhaseFinished": {"phase": {"name": "stateful"}, "status": "skip"}},  # a last round out of time
        {"PhaseFinished": {"phase": {"name": "fuzzing"}, "status": "success"}},
        {"PhaseFinished": {"phase": {"name": "fuzzing"}, "status": "skip"}},
        _scenario("a1", failed, 500, '{"criteria": [{"params": {"k\\u0000": 1}}]}'),
        {"NonFatalError": {"value": "boom"}},
    ]
    report = tmp_path / "r.ndjson"
    report.write_text("\n".join(json.dumps(e) for e in events))
    result = fuzz.read_report(report)
    assert result.phases == {"coverage": "success", "stateful": "failure", "fuzzing": "success"}
    assert len(result.errors) == 1 and "boom" in result.errors[0]
    [finding] = result.findings
    assert (finding.operation, finding.check, finding.status) == (
        "PUT /api/v1/campaigns/{campaign_id}", "status_code_conformance", 500)
    assert finding.request_body == '{"criteria": [{"params": {"k\\u0000": 1}}]}'
    assert finding.response_body == "Internal Server Error" and finding.phase == "stateful"
    assert "Received: 500" in finding.describe()
    assert fuzz.distinct([finding, finding]) == [finding]


def test_merged_runs_keep_the_phases_each_ran():
    first = fuzz.Result([], {"coverage": "success", "fuzzing": "failure", "stateful": "skip"}, [], 1)
    second = fuzz.Result([], {"coverage": "skip", "fuzzing": "skip", "stateful": "success"}, ["x"], 0)
    merged = fuzz.merge([first, second])
    assert merged.phases == {"coverage": "success", "fuzzing": "failure", "stateful": "success"}
    assert merged.errors == ["x"] and merged.exit_code == 1
