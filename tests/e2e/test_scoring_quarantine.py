"""Issue 8, liveness: one bad campaign must never stop scoring for everyone.

Intake refuses a definition scoring could not use (422 naming criterion and parameter). A
poisoned definition that reaches the campaigns topic anyway (a buggy older intake, another
writer: injected here with a producer) is quarantined by scoring alone: the other tenant's
campaign on the same partition keeps being scored within a second, the offending event lands on
the scoring dead-letter topic with the reason, the board gets a mail, scoring's /readyz and
/metrics show it, and a corrected revision resumes it, scoring what was held meanwhile."""

import asyncio
import json
import time
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.partitioner import murmur2

from thidua_common.contracts.registry import CAMPAIGN_DEFINED, SCORE_COMPUTED, topic_name
from thidua_common.kafka.client import security_options

from .conftest import TENANT, eventually, launch_and_run, mails, read_topic, reporter, small_campaign, submission, token

pytestmark = pytest.mark.e2e

OTHER_TENANT = "lamdong"
ESCALATION = "ban-tdkt@thidua.local"  # THIDUA_ESCALATION_EMAIL's default


def partition_of(key: str, partitions: int = 3) -> int:
    """Kafka's default partitioner (murmur2 of the key)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def campaign_with_pass_fail(campaign_id: str) -> dict:
    body = small_campaign(campaign_id)
    body["criteria"].append({"id": "dat-chuan", "name_vi": "Đạt chuẩn nông thôn mới", "max_points": 10,
                             "scorer": "pass_fail", "params": {"threshold": 1}, "max_value": 100})
    return body


def board_of(settings, tenant: str) -> dict:
    return {"Authorization": f"Bearer {token(settings, ['board_officer'], tenant=tenant, subject='board')}"}


async def put_running(stack, settings, tenant: str, campaign_id: str) -> dict:
    headers = board_of(settings, tenant)
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        response = await client.put(f"/api/v1/campaigns/{campaign_id}", json=campaign_with_pass_fail(campaign_id),
                                    headers=headers)
        assert response.status_code == 200, response.text
        await launch_and_run(client, campaign_id, headers)
        return (await client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers)).json()


async def inject(settings, tenant: str, definition: dict, raw_data: str | None = None) -> str:
    """Publish a campaign.defined event straight onto the campaigns topic, as a writer other than
    today's intake would (`raw_data`: the payload's JSON text as is, e.g. with Infinity)."""
    event_id = str(uuid.uuid4())
    envelope = {
        "specversion": "1.0", "id": event_id, "source": "/legacy/intake", "type": CAMPAIGN_DEFINED,
        "time": "2026-11-29T08:00:00Z", "subject": definition["campaign_id"], "datacontenttype": "application/json",
        "tenant": tenant, "correlationid": f"poison-{event_id[:8]}", "data": "__DATA__",
    }
    value = json.dumps(envelope).replace('"__DATA__"', raw_data or json.dumps(definition))
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic_name(settings.topic_prefix, "campaigns"), value.encode(),
                                     key=f"{tenant}/{definition['campaign_id']}".encode(),
                                     headers=[("ce_type", CAMPAIGN_DEFINED.encode()), ("ce_id", event_id.encode())])
    finally:
        await producer.stop()
    return event_id


def as_event(public: dict, **changes) -> dict:
    """A campaign as GET returns it, turned into the next revision's campaign.defined payload."""
    data = {k: v for k, v in public.items() if k != "tenant"}
    return {**data, "revision": public["revision"] + 1, "criteria_version": public["criteria_version"] + 1,
            "change": {"kind": "updated", "by": "legacy-writer", "reason": "", "detail": {}}, **changes}


def poisoned_criteria(public: dict) -> list[dict]:
    criteria = json.loads(json.dumps(public["criteria"]))
    leaf = next(c for c in criteria if c["id"] == "dat-chuan")
    leaf["params"] = {"threshold": "abc"}
    return criteria


async def scoring_json(stack, path: str, lang: str = "vi") -> tuple[int, dict]:
    async with httpx.AsyncClient(base_url=stack.url("scoring")) as client:
        response = await client.get(path, headers={"Accept-Language": lang})
        return response.status_code, response.json()


async def scoring_metrics(stack) -> str:
    async with httpx.AsyncClient(base_url=stack.url("scoring")) as client:
        return (await client.get("/metrics")).text


async def quarantined(stack, campaign_id: str) -> dict | None:
    status, body = await scoring_json(stack, "/readyz")
    return next((q for q in body.get("quarantined", []) if q["campaign_id"] == campaign_id), None)


class ScoreWatch:
    """Score events of the scores topic from now on (a consumer positioned at the end)."""

    def __init__(self, settings):
        self.settings = settings
        self.consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), enable_auto_commit=False)
        self.seen: list[dict] = []

    async def __aenter__(self):
        await self.consumer.start()
        topic = topic_name(self.settings.topic_prefix, "scores")
        partitions = [TopicPartition(topic, p) for p in self.consumer.partitions_for_topic(topic) or range(3)]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)
        for tp in partitions:
            await self.consumer.position(tp)
        return self

    async def __aexit__(self, *exc):
        await self.consumer.stop()

    async def until(self, predicate, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((e for e in self.seen if predicate(e)), None)
            if found:
                return found
            batch = await self.consumer.getmany(timeout_ms=50)
            self.seen += [json.loads(r.value) for records in batch.values() for r in records]
        return next((e for e in self.seen if predicate(e)), None)


def score_of(campaign_id: str, unit: str, tenant: str):
    return lambda e: (e["type"] == SCORE_COMPUTED and e["tenant"] == tenant and e["data"]["campaign_id"] == campaign_id
                      and e["data"]["unit_id"] == unit and e["data"]["status"] == "provisional")


async def submit(stack, settings, tenant: str, campaign_id: str, unit: str, period: str, **values) -> None:
    body = {**submission(campaign_id, unit, period, **values), "tenant": tenant}
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        response = await client.post("/api/v1/submissions", json=body, headers=reporter(settings, unit, tenant))
        assert response.status_code == 202, response.text


async def test_intake_refuses_a_definition_scoring_could_not_use(stack, settings, board):
    campaign_id = f"pt-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
        async def put(body, lang="vi", raw=None):
            headers = {**board, "Accept-Language": lang, "Content-Type": "application/json"}
            return await client.put(f"/api/v1/campaigns/{campaign_id}", content=raw or json.dumps(body), headers=headers)

        def with_leaf(**leaf):
            body = campaign_with_pass_fail(campaign_id)
            body["criteria"][2] = {**body["criteria"][2], **leaf}
            return body

        response = await put(with_leaf(params={"threshold": "abc"}))
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert error["field"] == "criteria.2.params.threshold" and error["code"] == "criterion.param_invalid"
        assert "'dat-chuan'" in error["reason"] and "Phải là một số" in error["reason"]
        english = (await put(with_leaf(params={"threshold": "abc"}), "en")).json()
        assert english["errors"][0]["reason"] == (
            "Criterion 'dat-chuan', scorer 'pass_fail', parameter 'threshold': Must be a number.")

        # Infinity (JSON text as a careless client sends it) anywhere a number goes
        raw = json.dumps(campaign_with_pass_fail(campaign_id)).replace('"max_value": 100}', '"max_value": Infinity}')
        response = await put(None, raw=raw)
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [{"field": "criteria.2.max_value", "code": "field.finite",
                                              "reason": "Phải là một số hữu hạn (không nhận Infinity, NaN)."}]
        raw = json.dumps(campaign_with_pass_fail(campaign_id)).replace('"max_points": 60', '"max_points": NaN')
        assert (await put(None, raw=raw)).status_code == 422

        cases = {
            "criteria.2.scorer": with_leaf(scorer="khong-co"),
            "criteria.2.params.treshold": with_leaf(params={"treshold": 1}),
            "criteria.2.min_value": with_leaf(min_value=200),
            "criteria.2.params.big": with_leaf(scorer="ratio_to_target", params={"big": 2**64}),
            "criteria.2.params": with_leaf(scorer="ratio_to_target", params={"k\u0000ey": 1}),
        }
        for field, body in cases.items():
            response = await put(body)
            assert response.status_code == 422, (field, response.text)
            assert field in [e["field"] for e in response.json()["errors"]], (field, response.text)
            assert all("'dat-chuan'" in e["reason"] for e in response.json()["errors"]), response.text

        # nothing was accepted, and a good definition still is
        assert (await client.get(f"/api/v1/campaigns/{campaign_id}", headers=board)).status_code == 404
        assert (await put(campaign_with_pass_fail(campaign_id))).status_code == 200

        scorers = (await client.get("/api/v1/scorers", headers=board)).json()
        by_name = {s["name"]: s for s in scorers}
        assert {"ratio_to_target", "pass_fail", "reviewer_rating", "step_table"} <= set(by_name)
        assert by_name["pass_fail"]["params_schema"]["properties"]["threshold"]["type"] == "number"
        assert by_name["step_table"]["params_schema"]["additionalProperties"] is False
        openapi = (await client.get("/openapi.json")).json()["paths"]["/api/v1/scorers"]["get"]
        example = openapi["responses"]["200"]["content"]["application/json"]["example"]
        assert {s["name"]: s["params_schema"] for s in example} == {s["name"]: s["params_schema"] for s in scorers}


async def test_a_poisoned_campaign_is_quarantined_while_another_tenant_keeps_being_scored(stack, settings):
    # tenant A's campaign, and tenant B's on the same partition of both topics
    poisoned_id = f"pt-doc-{uuid.uuid4().hex[:6]}"
    healthy_id = next(c for c in (f"pt-lanh-{uuid.uuid4().hex[:6]}" for _ in range(1000))
                      if partition_of(f"{OTHER_TENANT}/{c}") == partition_of(f"{TENANT}/{poisoned_id}"))
    public_a = await put_running(stack, settings, TENANT, poisoned_id)
    await put_running(stack, settings, OTHER_TENANT, healthy_id)
    async with ScoreWatch(settings) as scores:
        await submit(stack, settings, OTHER_TENANT, healthy_id, "don-vi-1", "2018-Q1")
        assert await scores.until(score_of(healthy_id, "don-vi-1", OTHER_TENANT), 20)  # scoring runs

        async def b_is_scored_within_a_second(period: str) -> None:
            started = time.monotonic()
            await submit(stack, settings, OTHER_TENANT, healthy_id, "don-vi-2", period)
            found = await scores.until(lambda e: score_of(healthy_id, "don-vi-2", OTHER_TENANT)(e)
                                       and e["data"]["period"] == period, 5)
            elapsed = time.monotonic() - started
            assert found, f"tenant B not scored for {period} while tenant A's campaign is poisoned"
            assert elapsed < 1.0, f"tenant B scored after {elapsed:.2f} s ({period})"

        poison_id = await inject(settings, TENANT, as_event(public_a, criteria=poisoned_criteria(public_a)))
        # B's next submission follows the poisoned event on the same partitions
        await b_is_scored_within_a_second("2018-Q2")
        await eventually(lambda: quarantined(stack, poisoned_id), timeout=20)
        # tenant A keeps reporting: intake still holds the good definition and accepts it
        await submit(stack, settings, TENANT, poisoned_id, "don-vi-1", "2018-Q2", **{"ho-thoat-ngheo": 50, "dat-chuan": 3})
        for period in ("2018-Q3", "2018-Q4", "2019-Q1"):
            await b_is_scored_within_a_second(period)
        # tenant A's submission is kept, not scored under the poisoned definition
        assert await scores.until(lambda e: score_of(poisoned_id, "don-vi-1", TENANT)(e)
                                  and e["data"]["period"] == "2018-Q2", 1) is None

        # readiness: still ready, degraded, naming the campaign, the criterion and the parameter
        status, ready = await scoring_json(stack, "/readyz")
        assert status == 200 and ready["status"] == "degraded", ready
        entry = next(q for q in ready["quarantined"] if q["campaign_id"] == poisoned_id)
        assert entry["tenant"] == TENANT and entry["reason_code"] == "scoring.quarantine.definition"
        assert entry["errors"][0]["field"] == "criteria.2.params.threshold" and "'dat-chuan'" in entry["errors"][0]["reason"]
        assert entry["offending_event_ids"] == [poison_id] and entry["held_events"] >= 2
        assert "Criterion 'dat-chuan'" in (await quarantined_en(stack, poisoned_id))["errors"][0]["reason"]
        metrics = await scoring_metrics(stack)
        assert f'thidua_scoring_campaign_quarantined{{tenant="{TENANT}",campaign_id="{poisoned_id}"}} 1' in metrics
        assert any(line.startswith("thidua_scoring_quarantined_campaigns ") and float(line.split()[1]) >= 1
                   for line in metrics.splitlines())
        # issue 12: dead letters — counted by topic and reason, as intake counts its own
        assert any(line.startswith('thidua_dead_letters_total{topic="thidua.scoring.dlq.v1",'
                                   'reason="scoring.quarantine.definition"} ') and float(line.split()[-1]) >= 1
                   for line in metrics.splitlines())

        # the dead-letter record: the offending record as written, with the reason
        [record] = await read_topic(settings, "scoring_dlq", lambda r: r.key == f"{TENANT}/{poisoned_id}".encode())
        assert json.loads(record.value)["id"] == poison_id
        headers = {k: v.decode() for k, v in record.headers}
        reason = json.loads(headers["dlq_reason"])
        assert reason["code"] == "scoring.quarantine.definition" and "threshold" in reason["message"]
        assert reason["errors"][0]["field"] == "criteria.2.params.threshold"
        assert headers["dlq_source_topic"] == topic_name(settings.topic_prefix, "campaigns")

        # the board's mail, in Vietnamese
        mail = await eventually(lambda: next((m for m in mails(stack, ESCALATION) if poisoned_id in m["text"]), None))
        assert mail["subject"].startswith("[Thi Đua] Tạm dừng chấm điểm phong trào «Phong trào thử nghiệm")
        assert "'dat-chuan'" in mail["text"] and "threshold" in mail["text"] and "Kính gửi Ban Thi đua" in mail["text"]

        # a corrected revision (through intake) resumes it, and what was held is scored
        async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
            response = await client.put(f"/api/v1/campaigns/{poisoned_id}", json=campaign_with_pass_fail(poisoned_id)
                                        | {"reason": "Sửa tham số"}, headers=board_of(settings, TENANT))
            assert response.status_code == 200, response.text
        held = await scores.until(lambda e: score_of(poisoned_id, "don-vi-1", TENANT)(e)
                                  and e["data"]["period"] == "2018-Q2", 20)
        assert held, "the submission held during the quarantine was not scored after the correction"
        line = next(c for c in held["data"]["criteria"] if c["criterion_id"] == "dat-chuan")
        assert line["points"] == 10  # 3 ≥ threshold 1
        await eventually(lambda: _lifted(stack, poisoned_id), timeout=10)
        metrics = await scoring_metrics(stack)
        assert f'campaign_id="{poisoned_id}"' not in metrics
        await submit(stack, settings, TENANT, poisoned_id, "don-vi-3", "2018-Q3")
        assert await scores.until(score_of(poisoned_id, "don-vi-3", TENANT), 10)


async def quarantined_en(stack, campaign_id: str) -> dict:
    _, body = await scoring_json(stack, "/readyz", "en")
    return next(q for q in body["quarantined"] if q["campaign_id"] == campaign_id)


async def _lifted(stack, campaign_id: str) -> bool:
    return await quarantined(stack, campaign_id) is None


async def test_a_definition_with_infinity_on_the_topic_is_quarantined_and_resumes(stack, settings):
    campaign_id = f"pt-inf-{uuid.uuid4().hex[:6]}"
    public = await put_running(stack, settings, TENANT, campaign_id)
    poisoned = json.dumps(as_event(public)).replace('"max_value": 100.0', '"max_value": Infinity')
    assert "Infinity" in poisoned
    event_id = await inject(settings, TENANT, public, raw_data=poisoned)
    entry = await eventually(lambda: quarantined(stack, campaign_id), timeout=20)
    assert entry["errors"][0]["field"] == "criteria.2.max_value" and entry["errors"][0]["code"] == "field.finite"
    # the dead-letter record is the record as written, byte for byte: Infinity, not a re-encoded null
    [record] = await read_topic(settings, "scoring_dlq", lambda r: r.key == f"{TENANT}/{campaign_id}".encode())
    assert b'"max_value": Infinity' in record.value and b'"max_value": null' not in record.value
    assert poisoned.encode() in record.value  # the payload exactly as it was sent
    headers = dict(record.headers)
    assert headers["ce_id"] == event_id.encode() and headers["ce_type"] == CAMPAIGN_DEFINED.encode()  # its own
    assert json.loads(headers["dlq_reason"])["errors"][0]["code"] == "field.finite"  # and the reason added
    async with ScoreWatch(settings) as scores:
        await submit(stack, settings, TENANT, campaign_id, "don-vi-1", "2018-Q1")
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(base_url=stack.url("intake")) as client:
            response = await client.put(f"/api/v1/campaigns/{campaign_id}", json=campaign_with_pass_fail(campaign_id),
                                        headers=board_of(settings, TENANT))
            assert response.status_code == 200, response.text
        assert await scores.until(score_of(campaign_id, "don-vi-1", TENANT), 20)
    await eventually(lambda: _lifted(stack, campaign_id), timeout=10)
