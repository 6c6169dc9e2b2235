"""Issue 12 (inbound kinds): what outside systems publish besides submissions — a target update of a
registration, a review decision (in the reviewer role granted to the system) and a change of the
unit register — goes through the same service as its HTTP request, takes effect once per system
and event id, and every refusal is dead-lettered with its reason (out of scope: `scope`)."""

import json
import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from thidua_common.contracts.inbound import UnitRegisterChangeRequested
from thidua_common.contracts.registry import (
    EVENT_TYPES,
    REVIEW_DECIDED,
    SUBMISSION_SUBMITTED,
    TARGET_CHANGE_REQUESTED,
    UNIT_CHANGE_REQUESTED,
)
from thidua_intake.inbound.consumer import InboundHandler
from thidua_intake.inbound.kinds import HANDLERS
from thidua_intake.registrations import service as registrations
from thidua_intake.registrations.models import RegistrationWrite
from thidua_intake.systems.rules import ALL_UNITS, KINDS, System, event_scope_errors, parse_review_as
from thidua_intake.units import service as units
from thidua_intake.units.models import UnitWrite

from .service_fixtures import CAMPAIGN, TENANT, UNIT, fresh_uow, store_campaign, submit

TOPIC = "thidua.inbound.he-thong.v1"
ALL = ["review", "submission", "target", "unit"]


def system(**overrides) -> System:
    fields = {"name": "he-thong", "contact": "it@x.test", "units": {TENANT: [ALL_UNITS]}, "kinds": ALL,
              "review_as": ("board", None)}
    return System(**{**fields, **overrides})


class Producer:
    def __init__(self):
        self.sent = []

    async def send_raw(self, topic, value, key, headers):
        self.sent.append((topic, value, dict((k, v.decode()) for k, v in headers)))


class Systems:
    def __init__(self, *systems):
        self.by_name = {s.name: s for s in systems}

    async def get(self, name):
        return self.by_name.get(name)


def record(event_type: str, data: dict, event_id: str | None = None, topic: str = TOPIC, tenant: str = TENANT):
    event = {"specversion": "1.0", "id": event_id or str(uuid.uuid4()), "source": "/he-thong", "type": event_type,
             "time": "2026-01-01T00:00:00Z", "tenant": tenant, "correlationid": "c-1", "data": data}
    return SimpleNamespace(value=json.dumps(event).encode(), key=b"k", headers=[], topic=topic, partition=0,
                           offset=1)


async def make_handler(*systems: System):
    uow = fresh_uow()
    await store_campaign(uow)
    h = InboundHandler(None, None, Producer(), None, systems=Systems(*(systems or (system(),))),  # type: ignore[arg-type]
                       topic_prefix="thidua")
    h.unit_of_work = lambda: uow

    async def audit(refused):
        pass

    h.scope.audit = audit
    h.uow = uow
    return h


def reasons(handler) -> list[dict]:
    return [json.loads(headers["dlq_reason"]) for _, _, headers in handler.producer.sent]


def test_every_inbound_event_type_has_a_handler_and_a_kind():
    inbound = {t for t, spec in EVENT_TYPES.items() if spec.topic == "inbound"}
    assert inbound == set(HANDLERS) == {SUBMISSION_SUBMITTED, TARGET_CHANGE_REQUESTED, REVIEW_DECIDED,
                                        UNIT_CHANGE_REQUESTED}
    assert KINDS == {"submission": SUBMISSION_SUBMITTED, "target": TARGET_CHANGE_REQUESTED, "review": REVIEW_DECIDED,
                     "unit": UNIT_CHANGE_REQUESTED}


# -- target updates ---------------------------------------------------------------------------
TARGET = {"campaign_id": CAMPAIGN, "unit_id": UNIT, "criterion_id": "dung-han", "value": 99,
          "reason": "Nghị quyết HĐND điều chỉnh chỉ tiêu"}


async def registered(handler) -> None:
    body = RegistrationWrite.model_validate({"targets": [{"criterion_id": "dung-han", "value": 98}]})
    await registrations.put(handler.uow, TENANT, CAMPAIGN, UNIT, body, "can-bo")


async def test_a_target_update_changes_the_target_once_with_its_reason_and_the_system_as_actor():
    handler = await make_handler()
    await registered(handler)
    before = len(handler.uow.events())
    rec = record(TARGET_CHANGE_REQUESTED, TARGET, "e-1")
    await handler.handle(rec)
    await handler.handle(rec)  # the same event again: no second change
    assert handler.producer.sent == []
    reg = await registrations.get(handler.uow.db, TENANT, CAMPAIGN, UNIT)
    assert [t.value for t in reg.targets] == [99]
    [change] = reg.history
    assert (change.old, change.new, change.by) == (98, 99, "system:he-thong")
    assert change.reason == "Nghị quyết HĐND điều chỉnh chỉ tiêu"
    assert len(handler.uow.events()) == before + 1


async def test_a_target_update_is_refused_like_the_http_request():
    handler = await make_handler()
    await registered(handler)
    await handler.handle(record(TARGET_CHANGE_REQUESTED, {**TARGET, "reason": "ngắn"}))  # under 5 characters
    await handler.handle(record(TARGET_CHANGE_REQUESTED, {**TARGET, "criterion_id": "khong-co"}))
    await handler.handle(record(TARGET_CHANGE_REQUESTED, {**TARGET, "unit_id": "huyen-dak-mil"}))  # not registered
    short, unknown, unregistered = reasons(handler)
    assert short["code"] == "request.invalid" and short["errors"][0]["field"] == "data.reason"
    assert unknown["code"] == "request.invalid" and unknown["errors"][0]["field"].endswith("criterion_id")
    assert unregistered["code"] == "registration.unknown"


async def test_the_same_event_id_with_other_content_is_an_idempotency_conflict():
    handler = await make_handler()
    await registered(handler)
    await handler.handle(record(TARGET_CHANGE_REQUESTED, TARGET, "e-1"))
    await handler.handle(record(TARGET_CHANGE_REQUESTED, {**TARGET, "value": 100}, "e-1"))
    [conflict] = reasons(handler)
    assert conflict["code"] == "request.idempotency_conflict"
    reg = await registrations.get(handler.uow.db, TENANT, CAMPAIGN, UNIT)
    assert [t.value for t in reg.targets] == [99]


async def test_the_shared_development_topic_takes_submissions_only():
    handler = await make_handler()
    await registered(handler)
    await handler.handle(record(TARGET_CHANGE_REQUESTED, TARGET, topic="thidua.inbound.v1"))
    [refused] = reasons(handler)
    assert refused["code"] == "event.type"


# -- review decisions -------------------------------------------------------------------------
async def submitted(handler) -> str:
    submission_id, _, _ = await submit(handler.uow)
    return submission_id


async def test_a_review_system_approves_in_the_role_granted_to_it_once():
    handler = await make_handler()
    sid = await submitted(handler)
    rec = record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "approve"}, "r-1")
    await handler.handle(rec)
    await handler.handle(rec)
    assert handler.producer.sent == []
    reviewed = [e for e in handler.uow.events() if e["type"] == "vn.thidua.submission.reviewed.v1"]
    [event] = reviewed
    assert event["data"]["reviewer"] == "system:he-thong" and event["data"]["level"] == "board"
    assert event["data"]["decision"] == "approve"


async def test_a_return_needs_a_reason_per_criterion_like_http():
    handler = await make_handler()
    sid = await submitted(handler)
    await handler.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "return"}))
    [refused] = reasons(handler)
    assert refused["code"] == "request.invalid"
    await handler.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "return",
                                                 "reasons": {"dvc": "Thiếu minh chứng số liệu"}}))
    assert len(handler.producer.sent) == 1
    [event] = [e for e in handler.uow.events() if e["type"] == "vn.thidua.submission.reviewed.v1"]
    assert event["data"]["decision"] == "return" and event["data"]["reasons"] == {"dvc": "Thiếu minh chứng số liệu"}


async def test_nobody_judges_their_own_unit_not_even_a_system():
    handler = await make_handler(system(review_as=("board", UNIT)))
    sid = await submitted(handler)
    await handler.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "approve"}))
    [refused] = reasons(handler)
    assert refused["code"] == "conflict.own_unit.review"


async def test_a_cluster_reviewer_system_reviews_only_its_cluster():
    # huyen-dak-mil is deputy of the cluster in 2018: it may review huyen-cu-jut; huyen-krong-no may not
    handler = await make_handler(system(review_as=("cluster", "huyen-dak-mil")))
    sid = await submitted(handler)
    await handler.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "approve"}))
    assert handler.producer.sent == []
    other = await make_handler(system(review_as=("cluster", "huyen-krong-no")))
    sid = await submitted(other)
    await other.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "approve"}))
    [refused] = reasons(other)
    assert refused["code"] == "review.not_cluster_lead"


async def test_a_review_without_a_granted_role_or_for_another_unit_is_refused():
    handler = await make_handler(system(review_as=None))
    sid = await submitted(handler)
    await handler.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": UNIT, "decision": "approve"}))
    [refused] = reasons(handler)
    assert refused["code"] == "scope" and [e["code"] for e in refused["errors"]] == ["scope.reviewer"]
    # the scope is checked on data.unit_id: it must be the submission's unit
    scoped = await make_handler(system(units={TENANT: ["huyen-dak-mil"]}))
    sid = await submitted(scoped)
    await scoped.handle(record(REVIEW_DECIDED, {"submission_id": sid, "unit_id": "huyen-dak-mil",
                                                "decision": "approve"}))
    [mismatch] = reasons(scoped)
    assert mismatch["code"] == "request.invalid" and mismatch["errors"][0]["code"] == "inbound.review_unit"
    assert not [e for e in scoped.uow.events() if e["type"] == "vn.thidua.submission.reviewed.v1"]


# -- unit register changes --------------------------------------------------------------------
def create(unit_id: str, name: str) -> dict:
    return {"action": "create", "unit_id": unit_id,
            "create": {"name_vi": name, "unit_type": "district", "valid_from": "2010-01-01"}}


async def test_units_are_created_renamed_merged_and_split_once_each():
    handler = await make_handler()
    for i, (unit_id, name) in enumerate([("huyen-a", "Huyện A"), ("huyen-b", "Huyện B"), ("huyen-c", "Huyện C")]):
        rec = record(UNIT_CHANGE_REQUESTED, create(unit_id, name), f"c-{i}")
        await handler.handle(rec)
        await handler.handle(rec)  # duplicate
    rename = {"action": "rename", "unit_id": "huyen-a",
              "rename": {"name_vi": "Thị xã A", "effective": "2024-01-01", "reason": "Nghị quyết 1"}}
    await handler.handle(record(UNIT_CHANGE_REQUESTED, rename, "r-1"))
    merge = {"action": "merge", "unit_id": "huyen-b", "merge": {"sources": ["huyen-b", "huyen-c"],
             "into": {"unit_id": "huyen-b"}, "effective": "2025-01-01", "reason": "Nghị quyết 2"}}
    await handler.handle(record(UNIT_CHANGE_REQUESTED, merge, "m-1"))
    split = {"action": "split", "unit_id": "huyen-a", "split": {"into": [
        {"unit_id": "xa-a1", "name_vi": "Xã A1"}, {"unit_id": "xa-a2", "name_vi": "Xã A2"}],
        "effective": "2025-06-01", "reason": "Nghị quyết 3"}}
    await handler.handle(record(UNIT_CHANGE_REQUESTED, split, "s-1"))
    assert reasons(handler) == []
    db = handler.uow.db
    a = await units.get(db, TENANT, "huyen-a")
    assert a.name_vi == "Thị xã A" and a.status == "split" and a.valid_to == date(2025, 5, 31)
    assert (await units.get(db, TENANT, "huyen-c")).status == "merged"
    assert (await units.get(db, TENANT, "xa-a1")).status == "active"
    created = [e for e in handler.uow.events() if e["type"] == "vn.thidua.unit.changed.v1"
               and e["data"]["change"]["kind"] == "created"]
    assert len({e["data"]["unit_id"] for e in created}) == len(created)  # the duplicates took no effect


async def test_a_unit_change_is_refused_like_http_and_outside_the_scope_as_scope():
    handler = await make_handler(system(units={TENANT: ["huyen-a", "huyen-b"]}))
    await units.put(handler.uow, TENANT, "huyen-a", UnitWrite(name_vi="Huyện A", unit_type="district"), "can-bo")
    await handler.handle(record(UNIT_CHANGE_REQUESTED, {"action": "rename", "unit_id": "huyen-a",
                                                        "rename": {"name_vi": "X", "effective": 0, "reason": ""}}))
    await handler.handle(record(UNIT_CHANGE_REQUESTED, {"action": "rename", "unit_id": "huyen-a",
                                                        "create": {"name_vi": "Huyện A", "unit_type": "district"}}))
    merge = {"action": "merge", "unit_id": "huyen-a", "merge": {"sources": ["huyen-a", "huyen-z"],
             "into": {"unit_id": "huyen-a"}, "effective": "2025-01-01", "reason": "Nghị quyết"}}
    await handler.handle(record(UNIT_CHANGE_REQUESTED, merge))
    await handler.handle(record(UNIT_CHANGE_REQUESTED, {"action": "rename", "unit_id": "huyen-b",
                         "rename": {"name_vi": "Huyện B", "effective": "2025-01-01", "reason": "Nghị quyết"}}))
    invalid, wrong_body, outside, unknown = reasons(handler)
    assert invalid["code"] == "request.invalid"
    assert {e["field"] for e in invalid["errors"]} == {"data.rename.name_vi", "data.rename.effective",
                                                       "data.rename.reason"}
    assert wrong_body["errors"][0]["code"] == "inbound.unit_body"
    assert outside["code"] == "scope" and outside["errors"] == [
        {**outside["errors"][0], "field": "data.unit_id", "code": "scope.unit"}]
    assert "huyen-z" in outside["errors"][0]["reason"]
    assert unknown["code"] == "unit.not_found"


def test_every_unit_a_change_names_is_in_the_scope():
    s = system(units={TENANT: ["a", "b"]})
    split = {"unit_id": "a", "split": {"into": [{"unit_id": "b"}, {"unit_id": "c"}]}}
    assert [e.params["id"] for e in event_scope_errors(s, TENANT, UNIT_CHANGE_REQUESTED, split)] == ["c"]
    merge = {"unit_id": "a", "merge": {"sources": ["a", "d"], "into": {"unit_id": "a"}}}
    assert [e.params["id"] for e in event_scope_errors(s, TENANT, UNIT_CHANGE_REQUESTED, merge)] == ["d"]
    # a target update names only its unit_id, whatever else the payload holds
    assert event_scope_errors(s, TENANT, TARGET_CHANGE_REQUESTED, {"unit_id": "a", "split": split["split"]}) == []


def test_the_contract_wants_the_body_of_its_action_and_a_merge_names_its_successor():
    ok = UnitRegisterChangeRequested.model_validate(create("a", "Huyện A"))
    assert ok.unit_ids() == ["a"]
    with pytest.raises(ValueError, match="inbound.unit_body"):
        UnitRegisterChangeRequested.model_validate({"action": "rename", "unit_id": "a"})
    with pytest.raises(ValueError, match="inbound.merge_unit"):
        UnitRegisterChangeRequested.model_validate({"action": "merge", "unit_id": "a", "merge": {
            "sources": ["a", "b"], "into": {"unit_id": "b"}, "effective": "2025-01-01", "reason": "x"}})


def test_the_cli_grants_a_reviewer_role_only_with_the_review_kind():
    assert parse_review_as("board", ["review"]) == ("board", None)
    assert parse_review_as("board:ban-tdkt", ["review"]) == ("board", "ban-tdkt")
    assert parse_review_as("cluster:huyen-dak-mil", ["review", "submission"]) == ("cluster", "huyen-dak-mil")
    assert parse_review_as(None, ["submission"]) is None
    for value, kinds in [(None, ["review"]), ("cluster", ["review"]), ("chair", ["review"]), ("board", ["unit"])]:
        with pytest.raises(ValueError):
            parse_review_as(value, kinds)
    s = system(review_as=("cluster", "x"))
    assert System.from_doc(s.to_doc()).review_as == ("cluster", "x")
    assert "review_as" not in system(review_as=None).to_doc()


@pytest.mark.parametrize(
    ("contract", "http", "url_fields"),
    [
        ("TargetChangeRequested", "registrations.models:TargetPatch", {"campaign_id", "unit_id"}),
        ("ReviewDecided", "reviews.models:ReviewCreate", {"submission_id", "unit_id"}),
        ("UnitCreate", "units.models:UnitWrite", set()),
        ("UnitRenameBody", "units.models:UnitRename", set()),
        ("UnitMergeBody", "units.models:UnitMerge", set()),
        ("MergeSuccessor", "units.models:MergeTarget", set()),
        ("UnitSplitBody", "units.models:UnitSplit", set()),
        ("SplitSuccessor", "units.models:SplitTarget", set()),
    ],
)
def test_each_contract_has_the_fields_of_its_http_request_and_what_the_url_names(contract, http, url_fields):
    # intake validates with both; a field added to the HTTP body must reach the contract (and its schema)
    import importlib

    from thidua_common.contracts import inbound

    module, name = http.split(":")
    request = getattr(importlib.import_module(f"thidua_intake.{module}"), name)
    model = getattr(inbound, contract)
    assert set(model.model_fields) - url_fields == set(request.model_fields)
    required = {f for f, info in model.model_fields.items() if info.is_required()} - url_fields
    assert required == {f for f, info in request.model_fields.items() if info.is_required()}
