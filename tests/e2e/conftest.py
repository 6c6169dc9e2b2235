"""One real stack per test session: Apache Kafka (KRaft, from Maven Central), SecantusDB as its
own process, the mail catcher and the four services, on free ports under a temporary folder."""

import asyncio
import json
import time
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from thidua_common.auth import mint_token
from thidua_common.auth.api_keys import digest
from thidua_common.contracts.registry import topic_name
from thidua_common.kafka.client import security_options
from thidua_devstack.stack import DEV_API_KEYS, REPO, Ports, Stack

TENANT = "daknong"

# small retry delays so that the notify retry tests finish quickly
TEST_ENV = {
    "THIDUA_NOTIFY_BACKOFF_SECONDS": "0.2",
    "THIDUA_NOTIFY_MAX_ATTEMPTS": "4",
    # nominations: the overdue check runs often, and may be run as of another day
    "THIDUA_OVERDUE_CHECK_SECONDS": "2",
    "THIDUA_NOMINATION_CLOCK_OVERRIDE": "true",
    # issue 10: evidence files over 64 KiB are refused (the default is 10 MiB)
    "THIDUA_EVIDENCE_MAX_BYTES": "65536",
    # issue 10: the test tenant shows its verified leaderboards on reporting's public board
    "THIDUA_PUBLIC_BOARD_TENANTS": "daknong",
    # issue 12: dead letters — no digest of the dead letters other tests cause during a session (it
    # would take the mail catcher's scripted rejections); test_deadletters.py restarts notify with
    # a short window for itself
    "THIDUA_NOTIFY_DEADLETTER_WINDOW_SECONDS": "86400",
    # issue 13: reports — POST /api/v1/reviews/check may name another "today" (as_of)
    "THIDUA_REVIEW_CLOCK_OVERRIDE": "true",
    # issue 15: deadlines — deadline digests go out a second after their first item, at any hour
    # (no quiet hours: the tests must not depend on the time of day they run at)
    "THIDUA_NOTIFY_DEADLINE_DIGEST_SECONDS": "1",
    "THIDUA_NOTIFY_QUIET_HOURS": "",
}

# issue 8: API keys of the tests besides the stack's own (configured by digest, as in production):
# one expired, one that acts for unit don-vi-1 only
EXPIRED_API_KEY = "thidua_test-expired-key"
UNIT_API_KEY = "thidua_test-key-of-don-vi-1"
TEST_ENV["THIDUA_API_KEYS"] = json.dumps([
    *DEV_API_KEYS,
    {"name": "he-thong-cu", "hash": digest(EXPIRED_API_KEY), "tenant": TENANT, "roles": ["system"],
     "expires": "2020-01-01T00:00:00+07:00"},
    {"name": "phan-mem-don-vi-1", "hash": digest(UNIT_API_KEY), "tenant": TENANT, "roles": ["system"],
     "unit": "don-vi-1"},
])


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("stack")
    s = Stack(home, Ports.free(), cache=REPO / ".local" / "cache", extra_env=TEST_ENV)
    try:
        s.up()
        yield s
    finally:
        s.down()


@pytest.fixture(scope="session")
def settings(stack):
    return stack.settings()


def token(settings, roles, unit=None, tenant=TENANT, subject=None):
    return mint_token(settings, subject=subject or f"test-{uuid.uuid4().hex[:6]}", tenant=tenant, roles=roles, unit_id=unit)


@pytest.fixture(scope="session")
def board(settings):
    return {"Authorization": f"Bearer {token(settings, ['board_officer'], subject='board')}"}


def reporter(settings, unit, tenant=TENANT):
    return {"Authorization": f"Bearer {token(settings, ['unit_reporter'], unit, tenant)}"}


def small_campaign(campaign_id: str, units: int = 4) -> dict:
    return {
        "name_vi": f"Phong trào thử nghiệm {campaign_id}",
        "name_en": f"Test campaign {campaign_id}",
        "launched_by": "UBND tỉnh Đắk Nông",
        "kind": "regular",
        "start": "2016-01-01",
        "end": "2020-12-31",
        "reporting_frequency": "quarter",
        "criteria": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "max_points": 60, "target": 100, "max_value": 10000},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "max_points": 40, "target": 10, "max_value": 500},
        ],
        "clusters": [{"id": "khoi-huyen", "name_vi": "Khối các huyện"}, {"id": "khoi-so", "name_vi": "Khối sở ngành"}],
        "participants": [
            {
                "unit_id": f"don-vi-{i}",
                "name_vi": f"Đơn vị số {i}",
                "unit_type": "district" if i % 2 else "department",
                "cluster_id": "khoi-huyen" if i % 2 else "khoi-so",
                "email": f"don-vi-{i}@{campaign_id}.test",
            }
            for i in range(1, units + 1)
        ],
    }


@pytest.fixture
async def campaign(stack, board):
    """A fresh campaign per test, so tests sharing the stack never see each other's data."""
    campaign_id = f"pt-{uuid.uuid4().hex[:8]}"
    body = small_campaign(campaign_id)
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        response = await client.put(f"/api/v1/campaigns/{campaign_id}", json=body, headers=board)
        assert response.status_code == 200, response.text
        await launch_and_run(client, campaign_id, board)
    await eventually(lambda: reporting_get(stack, f"/api/v1/campaigns/{campaign_id}/leaderboard", board))
    return {"id": campaign_id, **body}


async def launch_and_run(client: httpx.AsyncClient, campaign_id: str, board: dict) -> None:
    """A new campaign is a draft: launch it, then set it running, so that units may report."""
    for status in ("launched", "running"):
        response = await client.post(
            f"/api/v1/campaigns/{campaign_id}/status", json={"status": status, "reason": "Kế hoạch thi đua"}, headers=board
        )
        assert response.status_code == 200, response.text


def submission(campaign_id: str, unit: str, period: str = "2018-Q2", **values) -> dict:
    return {
        "tenant": TENANT,
        "campaign_id": campaign_id,
        "unit_id": unit,
        "period": period,
        "values": values or {"ho-thoat-ngheo": 80, "nha-dai-doan-ket": 12},
        "evidence": [{"url": "https://vanban.daknong.test/bao-cao.pdf", "description": "Báo cáo quý"}],
    }


async def reporting_get(stack, path, headers):
    async with httpx.AsyncClient(base_url=stack.url("reporting")) as client:
        response = await client.get(path, headers=headers)
        return response.json() if response.status_code == 200 else None


async def eventually(probe, timeout: float = 20.0, interval: float = 0.1):
    """Await probe() until it returns something truthy; fail with the last value otherwise."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await probe() if asyncio.iscoroutinefunction(probe) else probe()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


def mails(stack, to: str | None = None) -> list[dict]:
    messages = httpx.get(f"http://127.0.0.1:{stack.ports.mail_http}/messages").json()
    return [m for m in messages if to is None or m["to"] == to]


def mail_control(stack, reject_next: int) -> None:
    httpx.post(f"http://127.0.0.1:{stack.ports.mail_http}/control", json={"reject_next": reject_next})


async def read_topic(settings, key: str, predicate, timeout: float = 20.0) -> list:
    """Records of a topic (from the beginning) that satisfy predicate, waiting until one does."""
    topic = topic_name(settings.topic_prefix, key)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for records in batch.values():
                found.extend(r for r in records if predicate(r))
            if found and not batch:
                return found
        return found
    finally:
        await consumer.stop()


def log_lines(stack, service: str) -> list[dict]:
    lines = []
    for raw in (stack.log_dir / f"{service}.log").read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                pass
    return lines


# the console tests share one stack with Keycloak (started by the first test that asks for it)
from .console_stack import console_stack  # noqa: E402, F401
