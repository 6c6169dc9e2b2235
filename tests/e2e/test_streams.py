"""issue 10, live updates through the real stack: a campaign's stream (server-sent events) says
hello with the campaign's version, then `scores` once a submission is scored, also on a reporting
replica that does not consume the campaign's partition (the version lives in reporting's
database); a tenant holds at most THIDUA_STREAMS_PER_TENANT streams per process (429 beyond),
and a replica that is stopped ends its streams and exits at once."""

import asyncio
import json
import sys
import time

import httpx
import pytest

from thidua_devstack.processes import Managed, free_port, wait_port

from .conftest import reporter, submission, token
from .helpers import call

TENANT_B = "tinh-thu-hai"


async def next_event(lines, timeout: float = 30) -> tuple[str, dict | str]:
    """The next event of a text/event-stream: (name, data), or ("comment", text) for a comment."""
    name, data = None, []
    async with asyncio.timeout(timeout):
        async for line in lines:
            if line.startswith(":"):
                return "comment", line[1:].strip()
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data.append(line.split(":", 1)[1].strip())
            elif line == "" and name:
                return name, json.loads("\n".join(data))
    raise AssertionError("the stream ended")


async def submit(stack, settings, cid: str, unit: str) -> None:
    r = await call(stack, "POST", "/api/v1/submissions", reporter(settings, unit), submission(cid, unit))
    assert r.status_code == 202, r.text


async def test_a_stream_says_hello_then_scores_once_a_submission_is_scored(stack, settings, board, campaign):
    cid = campaign["id"]
    anyone = reporter(settings, "don-vi-2")  # any role of the tenant reads the leaderboard, so its stream
    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=httpx.Timeout(10, read=40)) as client:
        async with client.stream("GET", f"/api/v1/campaigns/{cid}/stream", headers=anyone) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-cache"
            lines = response.aiter_lines()
            name, hello = await next_event(lines)
            assert name == "hello" and hello["campaign_id"] == cid and hello["version"] >= 1
            await submit(stack, settings, cid, "don-vi-1")
            name, change = await next_event(lines)
            assert name == "scores" and change["campaign_id"] == cid and change["version"] > hello["version"]
            assert change["period"] in ("2018-Q2", None)
        r = await client.get(f"/api/v1/campaigns/{cid}/leaderboard", headers=anyone)
        assert {s["unit_id"] for s in r.json()["standings"] if s["reported"]} == {"don-vi-1"}
        assert (await client.get(f"/api/v1/campaigns/{cid}/stream")).status_code == 401
        missing = await client.get("/api/v1/campaigns/pt-khong-co/stream", headers=anyone)
        assert missing.status_code == 404


@pytest.fixture
def replica(stack):
    """A second reporting process in the same consumer group (it takes some of the partitions),
    with a bound of 2 streams per tenant and a quick ping."""
    port = free_port()
    env = {**stack.env(), "THIDUA_HTTP_PORT": str(port), "THIDUA_STREAMS_PER_TENANT": "2",
           "THIDUA_STREAM_PING_SECONDS": "1", "THIDUA_READY_FILE": str(stack.run_dir / "reporting-2.ready")}
    proc = Managed("reporting-2", [sys.executable, "-m", "thidua_reporting"], stack.run_dir, stack.log_dir, env=env)
    proc.start()
    try:
        wait_port(port, 60, proc)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        proc.stop(timeout=30)


async def test_a_replica_bounds_streams_per_tenant_tells_changes_it_did_not_project_and_stops_cleanly(
    stack, settings, campaign, replica
):
    proc, url = replica
    cid = campaign["id"]
    anyone = reporter(settings, "don-vi-3")
    other_tenant = {"Authorization": f"Bearer {token(settings, ['board_officer'], tenant=TENANT_B)}"}
    timeout = httpx.Timeout(10, read=40)
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
        async with client.stream("GET", f"/api/v1/campaigns/{cid}/stream", headers=anyone) as first, \
                client.stream("GET", f"/api/v1/campaigns/{cid}/stream", headers=anyone) as second:
            assert first.status_code == second.status_code == 200
            lines = first.aiter_lines()
            assert (await next_event(lines))[0] == "hello"
            third = await client.get(f"/api/v1/campaigns/{cid}/stream", headers={**anyone, "Accept-Language": "en"})
            assert third.status_code == 429
            assert third.json()["message"] == (
                "Tenant 'daknong' already holds 2 live-update connections on this server; close some open pages "
                "or retry later.")
            # another tenant still gets its own places (its campaign is unknown to it: 404, not 429)
            elsewhere = await client.get(f"/api/v1/campaigns/{cid}/stream", headers=other_tenant)
            assert elsewhere.status_code == 404
            assert await next_event(lines) == ("comment", "ping")  # every THIDUA_STREAM_PING_SECONDS when idle
            # whichever replica projects the score, this one tells it (the version is in the database)
            await submit(stack, settings, cid, "don-vi-2")
            name = "comment"
            while name == "comment":
                name, change = await next_event(lines)
            assert name == "scores" and change["campaign_id"] == cid
        # the client went away: its places are free again
        async def reopened() -> bool:
            async with client.stream("GET", f"/api/v1/campaigns/{cid}/stream", headers=anyone) as again:
                return again.status_code == 200

        deadline = time.monotonic() + 10
        while not await reopened():
            assert time.monotonic() < deadline, "the places of closed streams were not given back"
            await asyncio.sleep(0.2)

        # stopping the replica ends its open stream and the process exits promptly
        async with client.stream("GET", f"/api/v1/campaigns/{cid}/stream", headers=anyone) as open_stream:
            lines = open_stream.aiter_lines()
            assert (await next_event(lines))[0] == "hello"
            started = time.monotonic()
            stopping = asyncio.get_running_loop().run_in_executor(None, proc.stop, 30)
            with pytest.raises(AssertionError, match="the stream ended"):
                while True:
                    await next_event(lines, timeout=20)
            await stopping
            assert time.monotonic() - started < 8 and not proc.running()
