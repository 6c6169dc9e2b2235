"""The run command's demo through the real stack with Keycloak: the campaigns, units and
commendation configuration load through intake as they are, this year's movement is fed first
without a single refusal, and the demo users find it when they sign in: a reporter whose unit's
last quarter is left for them to report, and the cluster head of the districts."""

import httpx
import pytest

from thidua_devstack import demo, demo_data

from .conftest import eventually
from .helpers import password_token

pytestmark = pytest.mark.timeout(900)


async def test_the_demo_loads_and_its_users_find_this_years_movement(console_stack):
    loaded = demo.load_campaigns(console_stack.url("intake"), console_stack.settings())
    assert demo_data.CURRENT_CAMPAIGN in loaded
    current = loaded[demo_data.CURRENT_CAMPAIGN]
    ended = [p for p, ids in demo.schedule() if demo_data.CURRENT_CAMPAIGN in ids]
    expected = len(current["participants"]) * len(ended) - (len(demo_data.DEMO_USER_UNITS) if ended else 0)
    refused = demo.feed(console_stack.url("intake"), rate=500, limit=expected, settings=console_stack.settings())
    assert refused == 0

    reporter = {"Authorization": f"Bearer {password_token(console_stack, 'unit-reporter.huyen-cu-jut')}"}

    async def listed():
        async with httpx.AsyncClient(base_url=console_stack.url("reporting"), timeout=30) as client:
            response = await client.get("/api/v1/campaigns", headers=reporter)
        assert response.status_code == 200, response.text
        return [c for c in response.json() if c["campaign_id"] == demo_data.CURRENT_CAMPAIGN]

    [campaign] = await eventually(listed, timeout=60)
    assert campaign["name"] == f"Phong trào thi đua yêu nước năm {demo_data.CURRENT_YEAR}"
    assert campaign["status"] == "running"
    assert campaign["participating"] is True  # reporting tells a unit's caller which campaigns are theirs
    board = {"Authorization": f"Bearer {password_token(console_stack, 'chairperson.daknong')}"}
    async with httpx.AsyncClient(base_url=console_stack.url("reporting"), timeout=30) as client:
        listed_for_chair = (await client.get("/api/v1/campaigns", headers=board)).json()
    assert {c["participating"] for c in listed_for_chair} == {None}  # no unit: nothing to say
