"""On the real stack, intake and reporting are ready: their MongoDB, Kafka and background loops
answer GET /readyz."""

import httpx
import pytest


@pytest.mark.parametrize(
    ("service", "checks"),
    [
        ("intake", {"mongodb", "kafka", "outbox_relay", "inbound_consumer"}),
        ("reporting", {"mongodb", "kafka", "projection_consumer"}),
    ],
)
async def test_services_are_ready_on_the_real_stack(stack, service, checks):
    async with httpx.AsyncClient(base_url=stack.url(service)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready" and body["service"] == service
    assert body["checks"] == {name: "ok" for name in checks}
