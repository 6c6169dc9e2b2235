"""Issue 8 (liveness), scoring's end: which failures quarantine a campaign, and that the other
campaigns of a batch go on while the failing one is set aside, kept and resumed (fakes, no Kafka)."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka.errors import KafkaConnectionError
from pydantic import ValidationError
from pymongo.errors import AutoReconnect, OperationFailure, ServerSelectionTimeoutError

from thidua_common.contracts import new_event
from thidua_common.contracts.campaign import CampaignDefined, Criterion
from thidua_common.contracts.criteria_check import criteria_problems
from thidua_common.contracts.envelope import Envelope
from thidua_common.contracts.registry import CAMPAIGN_DEFINED, SCORING_CAMPAIGN_QUARANTINED, SUBMISSION_RECEIVED
from thidua_common.contracts.scorer_params import installed_param_models
from thidua_common.contracts.scoring_quarantine import CampaignQuarantined
from thidua_scoring.quarantine import Failure, Guard, UnscorableCampaign, classify, decide, replay_order


def event(type_: str, tenant: str, campaign: str, **data) -> Envelope:
    return Envelope(id=str(uuid.uuid4()), source="/test", type=type_, time=datetime.now(UTC), tenant=tenant,
                    correlationid="c-1", data={"campaign_id": campaign, **data})


def definition(tenant, campaign, revision, bad=False):
    return event(CAMPAIGN_DEFINED, tenant, campaign, revision=revision, bad=bad, name_vi=f"Phong trào {campaign}")


def submission(tenant, campaign, n=1):
    return event(SUBMISSION_RECEIVED, tenant, campaign, n=n)


class FakeStore:
    def __init__(self):
        self.quarantine_docs: dict[str, dict] = {}
        self.held_events: dict[str, list[Envelope]] = {}

    async def quarantined(self, keys):
        return {k for k in keys if k in self.quarantine_docs}

    async def record(self, key, doc):
        self.quarantine_docs[key] = doc

    async def hold(self, key, envelopes, origins=None):
        held = self.held_events.setdefault(key, [])
        held += [e for e in envelopes if e.id not in {h.id for h in held}]

    async def held(self, key):
        return list(self.held_events.get(key, []))

    async def held_count(self, key):
        return len(self.held_events.get(key, []))

    async def release(self, key, envelopes):
        ids = {e.id for e in envelopes}
        self.held_events[key] = [e for e in self.held_events.get(key, []) if e.id not in ids]

    async def lift(self, key):
        self.quarantine_docs.pop(key, None)

    async def offending_revision(self, key):
        revision = self.quarantine_docs.get(key, {}).get("revision")
        return revision if isinstance(revision, int) else None


class FakePublisher:
    def __init__(self):
        self.events, self.raw = [], []

    async def publish(self, topic_key, event, key):
        self.events.append((topic_key, event, key))

    async def send_raw(self, topic_key, value, key, headers):
        self.raw.append((topic_key, value, key, dict(headers)))


class FakeScoring:
    """apply_batch of a scoring service: a 'bad' definition cannot be scored; `fail` raises for
    the named campaign's submissions (a plugin bug); everything else is recorded as applied."""

    def __init__(self):
        self.applied: list[Envelope] = []
        self.fail: dict[str, Exception] = {}
        self.calls = 0

    async def apply(self, envelopes):
        self.calls += 1
        for e in envelopes:
            if e.type == CAMPAIGN_DEFINED and e.data.get("bad"):
                raise UnscorableCampaign(criteria_problems(
                    [Criterion(id="dat-chuan", name_vi="Đạt chuẩn", max_points=10, scorer="pass_fail",
                               params={"threshold": "abc"})], installed_param_models(), strict=False))
            if e.type == SUBMISSION_RECEIVED and e.data["campaign_id"] in self.fail:
                raise self.fail[e.data["campaign_id"]]
        self.applied += envelopes


async def no_sleep(_):
    return None


def make():
    scoring, store, publisher = FakeScoring(), FakeStore(), FakePublisher()
    return scoring, store, publisher, Guard(scoring.apply, store, publisher, sleep=no_sleep)


def test_classify_and_decide():
    assert classify(AutoReconnect("x")) == Failure.transient
    assert classify(ServerSelectionTimeoutError("x")) == Failure.transient
    assert classify(KafkaConnectionError()) == Failure.transient
    assert classify(OperationFailure("x", code=91)) == Failure.transient
    assert classify(OperationFailure("x", code=2)) == Failure.suspect
    assert classify(UnscorableCampaign([])) == Failure.definite
    try:
        Criterion.model_validate({})
    except ValidationError as exc:
        assert classify(exc) == Failure.definite
    assert classify(ZeroDivisionError()) == Failure.suspect
    assert decide(Failure.transient, 99) == "wait"  # an outage is waited out, never quarantined
    assert decide(Failure.definite, 1) == "quarantine"
    assert [decide(Failure.suspect, n) for n in (1, 2, 3)] == ["retry", "retry", "quarantine"]


def test_a_resume_applies_the_latest_definition_first_and_leaves_earlier_ones_out():
    old, sub, new = definition("ta", "x", 5, bad=True), submission("ta", "x"), definition("ta", "x", 6)
    assert replay_order([old, sub, new]) == [new, sub]
    assert replay_order([old, sub]) == [old, sub]
    assert replay_order([sub]) == [sub]
    # a rogue writer used revision 9; intake's correction comes as 6: the correction still wins
    rogue = definition("ta", "x", 9, bad=True)
    assert replay_order([rogue, sub, new]) == [new, sub]


async def test_a_poisoned_campaign_is_quarantined_and_the_others_in_the_batch_go_on():
    scoring, store, publisher, guard = make()
    poisoned, a_sub = definition("tinh-a", "pt-doc", 2, bad=True), submission("tinh-a", "pt-doc")
    b_sub, a_other = submission("tinh-b", "pt-lanh"), submission("tinh-a", "pt-khac")
    await guard.run([poisoned, b_sub, a_sub, a_other], {poisoned.id: {"topic": "t", "partition": 1, "offset": 7}})

    assert b_sub in scoring.applied and a_other in scoring.applied  # another tenant, and A's other campaign
    assert a_sub not in scoring.applied
    assert set(store.quarantine_docs) == {"tinh-a/pt-doc"}
    doc = store.quarantine_docs["tinh-a/pt-doc"]
    assert doc["reason"]["code"] == "scoring.quarantine.definition"
    assert doc["reason"]["errors"][0]["field"] == "criteria.0.params.threshold"
    assert "dat-chuan" in doc["reason"]["errors"][0]["reason"]
    assert doc["offending_event_ids"] == [poisoned.id] and doc["attempts"] == 1  # definite: no retries
    assert [e.id for e in store.held_events["tinh-a/pt-doc"]] == [poisoned.id, a_sub.id]  # kept, in order

    [(topic, value, key, headers)] = publisher.raw  # the offending event on the dead-letter topic
    assert topic == "scoring_dlq" and key == b"tinh-a/pt-doc" and json.loads(value)["id"] == poisoned.id
    reason = json.loads(headers["dlq_reason"])
    assert reason["code"] == "scoring.quarantine.definition" and "threshold" in reason["message"]
    assert headers["dlq_source_offset"] == b"7" and headers["ce_type"] == CAMPAIGN_DEFINED.encode()

    [(topic, alert, key)] = publisher.events  # the board is told
    assert topic == "scores" and alert.type == SCORING_CAMPAIGN_QUARANTINED and key == "tinh-a/pt-doc"
    data = CampaignQuarantined.model_validate(alert.data)
    assert data.campaign_id == "pt-doc" and data.revision == 2 and data.held_events == 2
    assert data.problems[0].field == "criteria.0.params.threshold" and "Criterion" in data.problems[0].reason_en


async def test_the_dead_letter_record_keeps_the_original_bytes_key_and_headers():
    # what a careless writer put on the topic: JSON text with Infinity, which the decoded event
    # cannot say again (re-encoded, it would read null)
    scoring, store, publisher, guard = make()
    poisoned = definition("tinh-a", "pt-doc", 2, bad=True)
    raw = poisoned.model_dump_json().replace('"bad":true', '"bad":true,"max_value":Infinity').encode()
    assert b"Infinity" in raw
    original_headers = [("ce_type", CAMPAIGN_DEFINED.encode()), ("ce_id", poisoned.id.encode()), ("x-writer", b"legacy")]
    origin = {"topic": "thidua.campaigns", "partition": 2, "offset": 41, "value": raw, "key": b"tinh-a/pt-doc",
              "headers": original_headers}
    await guard.run([poisoned], {poisoned.id: origin})

    [(topic, value, key, headers)] = publisher.raw
    assert topic == "scoring_dlq" and value == raw and key == b"tinh-a/pt-doc"
    assert headers["x-writer"] == b"legacy" and headers["ce_id"] == poisoned.id.encode()  # the record's own headers
    assert json.loads(headers["dlq_reason"])["code"] == "scoring.quarantine.definition"  # and the reason added
    assert headers["dlq_source_topic"] == b"thidua.campaigns" and headers["dlq_source_offset"] == b"41"


async def test_held_events_keep_where_they_were_read_but_not_their_bytes():
    from thidua_scoring.quarantine import QuarantineStore

    class Held:
        def __init__(self):
            self.docs = []

        async def create_index(self, *args, **kwargs):
            return None

        async def update_one(self, query, update, upsert=False):
            self.docs.append(update["$setOnInsert"])

    class Db:
        held = Held()

    store, sub = QuarantineStore(Db()), submission("tinh-a", "pt-doc")
    await store.hold("tinh-a/pt-doc", [sub], {sub.id: {"topic": "t", "partition": 0, "offset": 3, "value": b"{}",
                                                       "key": b"k", "headers": [("ce_id", b"x")]}})
    assert Db.held.docs[0]["origin"] == {"topic": "t", "partition": 0, "offset": 3}


async def test_events_of_a_quarantined_campaign_are_held_and_scored_once_a_corrected_revision_arrives():
    scoring, store, publisher, guard = make()
    poisoned = definition("tinh-a", "pt-doc", 2, bad=True)
    await guard.run([poisoned])
    later = [submission("tinh-a", "pt-doc", n) for n in range(3)]
    await guard.run(later + [submission("tinh-b", "pt-lanh")])
    assert not any(e in scoring.applied for e in later)  # not lost: held
    assert len(store.held_events["tinh-a/pt-doc"]) == 4

    corrected = definition("tinh-a", "pt-doc", 3)
    await guard.run([corrected])
    assert store.quarantine_docs == {} and store.held_events["tinh-a/pt-doc"] == []
    assert all(e in scoring.applied for e in later) and corrected in scoring.applied
    assert poisoned not in scoring.applied  # superseded by the corrected revision, never replayed
    assert scoring.applied.index(corrected) < scoring.applied.index(later[0])
    assert guard.resumes == 1


async def test_an_older_revision_arriving_late_does_not_lift_the_quarantine():
    # seen on a fresh CI run: intake's own revision 3 reached scoring just after another
    # writer's bad revision 4, and resumed the campaign under the older definition
    scoring, store, publisher, guard = make()
    await guard.run([definition("tinh-a", "pt-doc", 4, bad=True)])
    late = definition("tinh-a", "pt-doc", 3)
    await guard.run([late, submission("tinh-a", "pt-doc")])
    assert "tinh-a/pt-doc" in store.quarantine_docs and late not in scoring.applied
    assert guard.resumes == 0
    corrected = definition("tinh-a", "pt-doc", 4)  # intake's next revision after its 3
    await guard.run([corrected])
    assert store.quarantine_docs == {} and guard.resumes == 1
    assert corrected in scoring.applied and late not in scoring.applied  # superseded, never applied


async def test_a_corrected_revision_that_is_still_bad_keeps_the_quarantine():
    scoring, store, publisher, guard = make()
    await guard.run([definition("tinh-a", "pt-doc", 2, bad=True)])
    await guard.run([definition("tinh-a", "pt-doc", 3, bad=True)])
    assert store.quarantine_docs["tinh-a/pt-doc"]["revision"] == 3
    assert len(publisher.events) == 2  # told again, about the new revision


async def test_a_repeating_unknown_error_quarantines_after_a_few_attempts():
    scoring, store, publisher, guard = make()
    scoring.fail["pt-loi"] = ZeroDivisionError("division by zero")
    bad, good = submission("tinh-a", "pt-loi"), submission("tinh-b", "pt-lanh")
    await guard.run([bad, good])
    assert good in scoring.applied
    doc = store.quarantine_docs["tinh-a/pt-loi"]
    assert doc["attempts"] == 3 and doc["reason"]["code"] == "scoring.quarantine.repeated"
    assert "ZeroDivisionError" in doc["reason"]["message"]


async def test_an_outage_is_waited_out_never_quarantined():
    scoring, store, publisher, guard = make()
    outage = {"left": 7}
    original = scoring.apply

    async def flaky(envelopes):
        if outage["left"]:
            outage["left"] -= 1
            raise AutoReconnect("connection refused")
        await original(envelopes)

    guard.apply = flaky
    sub = submission("tinh-a", "pt-1")
    await guard.run([sub])
    assert sub in scoring.applied and store.quarantine_docs == {} and publisher.raw == []


class FakeCollection:
    def __init__(self, doc=None):
        self.doc = doc

    async def find_one(self, *args, **kwargs):
        return self.doc


class FakeDb:
    campaigns = FakeCollection()


async def test_scoring_refuses_a_definition_its_scorers_cannot_use():
    from thidua_scoring.scorers import load_scorers
    from thidua_scoring.service import ScoringService

    svc = ScoringService(FakeDb(), FakePublisher(), load_scorers())
    data = {"campaign_id": "pt-doc", "revision": 2, "name_vi": "A", "launched_by": "x", "start": "2020-01-01",
            "end": "2020-12-31", "criteria_version": 1,
            "criteria": [{"id": "dat-chuan", "name_vi": "Đạt chuẩn", "max_points": 10, "scorer": "pass_fail",
                          "params": {"threshold": "abc"}}]}
    with pytest.raises(UnscorableCampaign) as caught:
        await svc.apply(new_event(type=CAMPAIGN_DEFINED, source="/t", tenant="tinh-a",
                                        data=CampaignDefined.model_validate(data)))
    assert caught.value.problems[0].field == "criteria.0.params.threshold"
    # Infinity (as json.loads reads it from a raw event) is named too; a payload that does not
    # parse at all is a definite failure as well
    envelope = event(CAMPAIGN_DEFINED, "tinh-a", "pt-doc")
    envelope.data = {**data, "criteria": [{**data["criteria"][0], "params": {}, "max_value": float("inf")}]}
    with pytest.raises(UnscorableCampaign) as caught:
        await svc.apply(envelope)
    assert [(p.field, p.key) for p in caught.value.problems] == [("criteria.0.max_value", "field.finite")]
    envelope.data = {**data, "criteria": []}
    with pytest.raises(ValidationError) as caught:
        await svc.apply(envelope)
    assert classify(caught.value) == Failure.definite


def test_the_board_mail_says_what_and_why_in_vietnamese():
    from thidua_common.contracts.scoring_quarantine import QuarantineProblem
    from thidua_notify.compose import quarantine_message

    alert = CampaignQuarantined(
        campaign_id="pt-doc", campaign_name_vi="", revision=2, reason_code="scoring.quarantine.definition",
        reason_vi="Không chấm điểm được theo định nghĩa phong trào 'tinh-a/pt-doc' (phiên bản 2): criteria.0.params.threshold",
        reason_en="cannot be scored", offending_event_ids=["e-1"], offending_event_types=[CAMPAIGN_DEFINED],
        problems=[QuarantineProblem(field="criteria.0.params.threshold", code="criterion.param_invalid",
                                    reason_vi="Tiêu chí 'dat-chuan', cách chấm 'pass_fail', tham số 'threshold': Phải là một số.",
                                    reason_en="Criterion 'dat-chuan' …")],
        attempts=1, held_events=4, quarantined_at=datetime(2026, 11, 29, 8, 30, tzinfo=UTC),
    )
    subject, body = quarantine_message(alert, "Phong trào Đắk Nông chung sức")
    assert subject.startswith("[Thi Đua] Tạm dừng chấm điểm phong trào «Phong trào Đắk Nông chung sức»")
    assert "Kính gửi Ban Thi đua – Khen thưởng" in body and "dat-chuan" in body and "threshold" in body
    assert "4 sự kiện" in body and "PUT /api/v1/campaigns/pt-doc" in body and "e-1" in body
    assert "Regards" not in body and "Criterion" not in body


async def test_readyz_stays_ready_but_degraded_and_metrics_count_quarantined_campaigns():
    from aiohttp.test_utils import TestClient, TestServer

    from thidua_scoring.endpoint import build

    class Admin:
        async def command(self, name):
            return {"ok": 1}

    class Store:
        db = type("Db", (), {"client": type("Client", (), {"admin": Admin()})()})()

        async def all(self):
            return [{"_id": "tinh-a/pt-doc", "tenant": "tinh-a", "campaign_id": "pt-doc", "revision": 2,
                     "reason": {"code": "scoring.quarantine.definition", "message": "Không chấm được",
                                "message_en": "Cannot be scored", "errors": []},
                     "offending_event_ids": ["e-1"], "held_events": 3, "since": datetime(2026, 11, 29, tzinfo=UTC)}]

    guard = Guard(FakeScoring().apply, FakeStore(), FakePublisher())
    guard.quarantines = 1
    async with TestClient(TestServer(build(lambda: (Store(), guard)))) as client:
        response = await client.get("/readyz")
        assert response.status == 200
        body = await response.json()
        assert body["status"] == "degraded" and "tạm dừng chấm điểm 1 phong trào" in body["message"]
        assert body["quarantined"][0]["campaign_id"] == "pt-doc" and body["quarantined"][0]["reason"] == "Không chấm được"
        en = await (await client.get("/readyz", headers={"Accept-Language": "en"})).json()
        assert en["quarantined"][0]["reason"] == "Cannot be scored" and "paused" in en["message"]
        metrics = await (await client.get("/metrics")).text()
        assert "thidua_scoring_quarantined_campaigns 1" in metrics
        assert 'thidua_scoring_campaign_quarantined{tenant="tinh-a",campaign_id="pt-doc"} 1' in metrics
        assert "thidua_scoring_held_events 3" in metrics and "thidua_scoring_quarantines_total 1" in metrics
    async with TestClient(TestServer(build(lambda: None))) as client:
        response = await client.get("/readyz")
        assert response.status == 503 and (await response.json())["status"] == "not_ready"
