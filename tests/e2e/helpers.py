"""What several end-to-end tests do the same way: call intake, set up a running campaign, act as a
cluster head, send an event to the inbound topic to read the dead letter it becomes, and get a
Keycloak demo user's token."""

import json
import uuid
from collections.abc import Callable

import httpx
from aiokafka import AIOKafkaProducer

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.registry import SUBMISSION_SUBMITTED, topic_name
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.kafka.client import security_options
from thidua_devstack import keycloak

from .conftest import TENANT, launch_and_run, read_topic, submission, token


def clusters_2018() -> list[dict]:
    """small_campaign's odd units in khoi-huyen (head don-vi-1, deputy don-vi-3 in 2018), even ones
    in khoi-so (head don-vi-2 in 2018). A new list each time: a test may change its campaign."""
    return [
        {"id": "khoi-huyen", "name_vi": "Khối các huyện",
         "leadership": [{"year": 2018, "head_unit_id": "don-vi-1", "deputy_unit_id": "don-vi-3"}]},
        {"id": "khoi-so", "name_vi": "Khối sở ngành", "leadership": [{"year": 2018, "head_unit_id": "don-vi-2"}]},
    ]


async def call(stack, method: str, path: str, headers: dict, body: dict | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        return await client.request(method, path, json=body, headers=headers)


async def running_campaign(stack, board, prefix: str, definition: Callable[[str], dict]) -> str:
    """A new campaign (its id starting with `prefix`, defined by `definition(id)`), launched and set
    running (units may report). Returns its id."""
    campaign_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    body = definition(campaign_id)
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        response = await client.put(f"/api/v1/campaigns/{campaign_id}", json=body, headers=board)
        assert response.status_code == 200, response.text
        await launch_and_run(client, campaign_id, board)
    return campaign_id


def head(settings, unit: str) -> dict:
    """The headers of a cluster head of `unit`."""
    return {"Authorization": f"Bearer {token(settings, ['cluster_head'], unit)}"}


def inbound_submission(campaign_id: str, unit: str) -> Envelope:
    """A submission as another system publishes it on the inbound topic."""
    return new_event(type=SUBMISSION_SUBMITTED, source="/he-thong/quan-ly-van-ban", tenant=TENANT,
                     data=SubmissionSubmitted.model_validate(
                         {k: v for k, v in submission(campaign_id, unit).items() if k != "tenant"}))


async def dead_letter_reason(settings, event: Envelope) -> dict:
    """Publish `event` on the inbound topic; the reason intake gives on its dead letter (there must be one)."""
    marker = uuid.uuid4().hex.encode()
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic_name(settings.topic_prefix, "inbound"), event.model_dump_json().encode(),
                                     key=marker)
    finally:
        await producer.stop()
    [dead] = await read_topic(settings, "inbound_dlq", lambda rec: rec.key == marker)
    return json.loads(dict(dead.headers)["dlq_reason"])


def password_token(stack, username: str, *, field: str = "access_token") -> str:
    """A token of a Keycloak demo user (password grant on the dev-only client)."""
    password = next(u["password"] for u in stack.keycloak_users if u["username"] == username)
    response = httpx.post(
        stack.keycloak.token_endpoint,
        data={"grant_type": "password", "client_id": keycloak.DEV_CLIENT, "username": username,
              "password": password, "scope": "openid"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()[field]


def put_running(stack, campaign_id: str, body: dict, headers: dict) -> None:
    """PUT a campaign through intake, then launch it and set it running (synchronous)."""
    with httpx.Client(base_url=stack.url("intake"), timeout=30) as client:
        response = client.put(f"/api/v1/campaigns/{campaign_id}", json=body, headers=headers)
        assert response.status_code == 200, response.text
        for status in ("launched", "running"):
            response = client.post(f"/api/v1/campaigns/{campaign_id}/status",
                                   json={"status": status, "reason": "Kế hoạch thi đua"}, headers=headers)
            assert response.status_code == 200, response.text


def uploaded_dossier(intake_url: str, headers: dict, documents: list[dict], unit: str | None = None) -> list[dict]:
    """A dossier's documents as intake takes them since issue 11: each a small PDF uploaded to
    POST /api/v1/nominations/documents (by a unit leader for their unit; a board officer names
    `unit`), then named by its id. `documents` are references ({kind, name, ...})."""
    out = []
    for document in documents:
        content = b"%PDF-1.4\n" + json.dumps(document, sort_keys=True).encode() + uuid.uuid4().hex.encode()
        r = httpx.post(f"{intake_url}/api/v1/nominations/documents", headers=headers, timeout=30,
                       data={"unit_id": unit} if unit else {},
                       files={"file": (document["name"], content, "application/pdf")})  # fmt: skip
        assert r.status_code == 201, r.text
        out.append({"kind": document["kind"], "document_id": r.json()["document_id"]})
    return out
