"""The typed handler registry every consumer dispatches through: one route per event type, the
payload validated against its model, the handled types and their topics derived from the routes."""

import asyncio

import pytest
from pydantic import ValidationError

from thidua_common.contracts import new_event
from thidua_common.contracts.handlers import Handlers
from thidua_common.contracts.registry import (
    CAMPAIGN_DEFINED,
    SCORE_COMPUTED,
    SUBMISSION_RECEIVED,
    SUBMISSION_REVIEWED,
    UNIT_CHANGED,
)
from thidua_common.contracts.unit import UnitChanged
from thidua_common.kafka.client import encode_event
from thidua_common.kafka.loop import only_handled
from thidua_notify.service import NotifyService
from thidua_reporting.projection.projector import Projector
from thidua_scoring.scorers import load_scorers
from thidua_scoring.service import ScoringService

from .fake_records import Record, recording_handler


def unit_event(**data):
    return new_event(type=UNIT_CHANGED, source="/t", tenant="tinh-a",
                     data=UnitChanged.model_validate({"unit_id": "huyen-a", "revision": 1, "name_vi": "Huyện A",
                                                      "unit_type": "district", **data}))


def test_dispatch_validates_the_payload_and_passes_context():
    seen = []

    async def on_unit(envelope, unit, *context):
        seen.append((envelope.id, type(unit), unit.unit_id, context))
        return "done"

    handlers = Handlers().add(UNIT_CHANGED, UnitChanged, on_unit)
    event = unit_event()
    assert asyncio.run(handlers.dispatch(event, "delivery-1")) == "done"
    assert seen == [(event.id, UnitChanged, "huyen-a", ("delivery-1",))]
    event.data = {"unit_id": "huyen-a"}  # not a UnitChanged: a definite failure, for the caller's quarantine
    with pytest.raises(ValidationError):
        asyncio.run(handlers.dispatch(event))
    event.type = CAMPAIGN_DEFINED  # nobody handles it here: ignored
    assert asyncio.run(handlers.dispatch(event)) is None and len(seen) == 1


def test_a_type_is_routed_once_and_its_model_defaults_to_the_registry():
    async def nothing(envelope, payload):
        pass

    handlers = Handlers().add(UNIT_CHANGED, None, nothing)
    with pytest.raises(ValueError):
        handlers.add(UNIT_CHANGED, UnitChanged, nothing)
    assert handlers.types == {UNIT_CHANGED} and handlers.handles(UNIT_CHANGED) and not handlers.handles(None)
    assert handlers.topics == ["units"]


def test_each_consumer_subscribes_to_what_its_registry_handles():
    projector = Projector(db=None)
    # issue 10: the submissions topic too, for the inbox
    assert projector.handlers.topics == ["campaigns", "nominations", "scores", "submissions", "units"]
    notify = NotifyService(None, {}, publisher=None, settings=None)
    # issue 13: reports — the review reminders and drafts ready reporting publishes
    assert notify.handlers.topics == ["campaigns", "nominations", "reports", "scores", "submissions"]
    assert SUBMISSION_REVIEWED in notify.handlers.types and SUBMISSION_RECEIVED not in notify.handlers.types
    assert SCORE_COMPUTED in notify.composers.types
    scoring = ScoringService(None, None, load_scorers())
    assert scoring.handlers.topics == ["campaigns", "submissions"]


def test_records_of_unhandled_types_are_skipped_before_decoding():
    handle, seen = recording_handler()

    async def nothing(envelope, payload):
        pass

    wanted = only_handled(handle, Handlers().add(UNIT_CHANGED, UnitChanged, nothing))
    value, headers = encode_event(unit_event())
    asyncio.run(wanted(Record(value, headers)))
    asyncio.run(wanted(Record(b"not json", [("ce_type", CAMPAIGN_DEFINED.encode())])))
    assert seen == [value]
