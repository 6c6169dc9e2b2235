"""issue 12: dead letters that operators can act on — reading a dead letter, the list filters, the
replay (new id linking the original, once, through the ledger), the reasons table, the metric and
notify's digests (over an in-memory stand-in for its collections)."""

import ast
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from thidua_common.contracts import Envelope, new_event
from thidua_common.contracts.registry import COMPACTED_TOPICS, SUBMISSION_SUBMITTED, TOPICS
from thidua_common.contracts.submission import SubmissionSubmitted
from thidua_common.deadletters import cli, kafka_io, ledger, reasons
from thidua_common.deadletters.ledger import Replay
from thidua_common.deadletters.metrics import DeadLetterCounter
from thidua_common.deadletters.records import DeadLetter, Filter
from thidua_common.deadletters.replay import NotReplayable, new_event_id, republish
from thidua_common.errors import FieldError, Invalid
from thidua_common.i18n.messages import MESSAGES
from thidua_common.settings import Settings
from thidua_notify.deadletters import DIGEST_CAUSE, DeadLetterDigests, digest_text, due

from .fake_mongo import FakeDb

REPO = Path(__file__).resolve().parents[2]
INTAKE = REPO / "services" / "intake" / "src" / "thidua_intake"
DLQ = "thidua.inbound.dlq.v1"
AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def submission_event(unit: str = "khong-co") -> Envelope:
    return new_event(
        type=SUBMISSION_SUBMITTED, source="/he-thong/van-ban", tenant="daknong",
        data=SubmissionSubmitted.model_validate({
            "campaign_id": "pt-1", "unit_id": unit, "period": "2018-Q2", "values": {"ho-thoat-ngheo": 80},
        }),
    )


def reason(code: str = "request.invalid", **extra) -> bytes:
    return json.dumps({"code": code, "message": "Dữ liệu gửi lên không hợp lệ.", "message_en": "The request is invalid.",
                       "errors": [{"field": "unit_id", "reason": "Đơn vị 'khong-co' không tham gia phong trào này.",
                                   "code": "unit.unknown"}], **extra}, ensure_ascii=False).encode()


def letter(offset: int = 7, value: bytes | None = None, code: str = "request.invalid", failed_at: datetime = AT,
           system: str | None = None, contact: str | None = None, source: str = "thidua.inbound.v1") -> DeadLetter:
    event = submission_event()
    headers = [("ce_type", SUBMISSION_SUBMITTED.encode()), ("ce_id", event.id.encode()), ("correlation_id", b"c-1"),
               ("dlq_reason", reason(code)), ("dlq_source_topic", source.encode()),
               ("dlq_source_partition", b"1"), ("dlq_source_offset", b"41"),
               ("dlq_failed_at", failed_at.isoformat().encode())]
    if system:
        headers.append(("dlq_system", system.encode()))
    if contact:
        headers.append(("dlq_contact", contact.encode()))
    return DeadLetter.of(DLQ, 0, offset, value if value is not None else event.model_dump_json().encode(),
                         b"k-1", headers, 0)


# -- reading a dead letter -------------------------------------------------------------------
def test_a_dead_letter_says_where_why_what_and_who():
    d = letter(system="so-noi-vu", contact="it@snv.test")
    assert d.ledger_key == f"{DLQ}/0/7" and d.reason_code == "request.invalid"
    assert d.source_topic == "thidua.inbound.v1" and d.system == "so-noi-vu" and d.contact == "it@snv.test"
    assert d.failed_at == AT and d.event_type == SUBMISSION_SUBMITTED and d.event_id == json.loads(d.value)["id"]
    assert [k for k, _ in d.original_headers] == ["ce_type", "ce_id", "correlation_id"]
    garbage = letter(value=b"\xff not json")
    assert garbage.payload is None and garbage.event is None and garbage.event_id == garbage.header("ce_id")


def test_a_notify_dead_letter_takes_its_reason_from_the_failed_notification():
    failed = {"id": "n-1", "type": "vn.thidua.notification.failed.v1", "data": {"last_error": "550 mailbox",
                                                                              "cause_event_type": "x"}}
    d = DeadLetter.of("thidua.notify.dlq.v1", 0, 3, json.dumps(failed).encode(), None, [], 1_764_489_600_000)
    assert d.reason_code == "notification.failed" and d.reason["message"] == "550 mailbox"
    assert d.failed_at == datetime(2025, 11, 30, 8, 0, tzinfo=UTC)  # the record's time when no header says it


def test_the_list_filters_by_reason_source_system_and_time():
    a = letter(1, code="request.invalid", system="so-noi-vu", failed_at=AT)
    b = letter(2, code="request.bad_json", system="so-tai-chinh", failed_at=AT + timedelta(hours=2),
               source="thidua.inbound.so-tai-chinh.v1")
    both = [a, b]
    assert [d.offset for d in both if Filter(reason="request.bad_json")(d)] == [2]
    assert [d.offset for d in both if Filter(source="inbound.v1")(d)] == [1]  # the end of the name…
    assert [d.offset for d in both if Filter(source="thidua.inbound.so-tai-chinh.v1")(d)] == [2]  # …or all of it
    assert [d.offset for d in both if Filter(system="so-noi-vu")(d)] == [1]
    assert [d.offset for d in both if Filter(since=AT + timedelta(hours=1))(d)] == [2]
    assert [d.offset for d in both if Filter(until=AT + timedelta(hours=1))(d)] == [1]
    assert [d.offset for d in both if Filter(reason="request.invalid", system="so-tai-chinh")(d)] == []


# -- replay ----------------------------------------------------------------------------------
def test_a_replay_gets_a_new_id_that_links_the_original_and_intake_accepts_it():
    from thidua_intake.inbound.consumer import parse

    d = letter()
    original = json.loads(d.value)
    out = republish(d)
    replayed = json.loads(out.value)
    assert out.topic == "thidua.inbound.v1" and out.key == b"k-1"
    assert replayed["id"] == out.new_id == new_event_id(d) != original["id"]
    assert replayed["replayof"] == original["id"] == out.original_id
    assert {k: v for k, v in replayed.items() if k not in ("id", "replayof")} == {
        k: v for k, v in original.items() if k != "id"}
    headers = dict(out.headers)
    assert not [k for k in headers if k.startswith("dlq_")]
    assert headers["ce_id"] == out.new_id.encode() and headers["ce_replayof"] == original["id"].encode()
    envelope, _ = parse(out.value)  # intake's own parsing: the extension is allowed
    assert envelope.replayof == original["id"]
    # the new id is derived from the dead letter's place: the same dead letter, the same new id
    assert republish(d).new_id == out.new_id and republish(letter(offset=8)).new_id != out.new_id


def test_events_without_a_replay_are_serialised_exactly_as_before():
    event = submission_event()
    assert "replayof" not in json.loads(event.model_dump_json()) and "replayof" not in event.model_dump(mode="json")
    schema = Envelope.model_json_schema()
    assert "replayof" in schema["properties"] and "replayof" not in schema["required"]


def test_a_record_that_is_not_a_cloud_event_is_replayed_only_as_is_and_one_without_source_never():
    d = letter(value=b"not json at all")
    with pytest.raises(NotReplayable) as refused:
        republish(d)
    assert refused.value.key == "deadletters.not_cloudevent"
    out = republish(d, as_is=True)
    assert out.value == b"not json at all" and out.new_id == "" and dict(out.headers)["ce_type"]
    with pytest.raises(NotReplayable) as refused:
        republish(letter(source=""))
    assert refused.value.key == "deadletters.no_source"


def test_the_ledger_keeps_the_first_replay_of_each_dead_letter_and_ignores_tombstones_and_garbage():
    first = Replay(f"{DLQ}/0/7", "old", "new-1", "thidua.inbound.v1", AT.isoformat())
    second = Replay(f"{DLQ}/0/7", "old", "new-2", "thidua.inbound.v1", (AT + timedelta(1)).isoformat())
    other = Replay(f"{DLQ}/0/8", "", "", "thidua.inbound.v1", AT.isoformat(), as_is=True)
    folded = ledger.fold([first.encode(), (b"x", None), (b"y", b"{broken"), second.encode(), other.encode(),
                          (b"mismatch", first.encode()[1])])
    assert folded == {first.key: first, other.key: other}
    assert ledger.decode(first.encode()[1]) == first and first.when == AT


class FakeProducer:
    def __init__(self):
        self.sent: list[tuple] = []
        self.committed: list[list[tuple]] = []
        self.started = False

    async def start(self):
        self.started = True

    async def stop(self):
        pass

    async def send(self, topic, value, key=None, headers=None):
        self.sent.append((topic, value, key, headers))

    def transaction(self):
        producer = self

        class Transaction:
            async def __aenter__(self):
                producer.sent = []

            async def __aexit__(self, *exc):
                producer.committed.append(producer.sent)

        return Transaction()


@pytest.fixture
def fake_kafka(monkeypatch):
    producer = FakeProducer()
    state = {"ledger": {}, "letters": {7: letter(7), 9: letter(9, value=b"\x00raw")}, "ledger_reads": 0}

    async def read_ledger(settings):
        assert producer.started, "the ledger is read after the transactional producer started (fencing others)"
        state["ledger_reads"] += 1
        return dict(state["ledger"])

    async def read_dead_letter(settings, topic, offset, partition=0):
        return state["letters"].get(offset)

    monkeypatch.setattr(kafka_io, "make_producer", lambda settings, **kw: producer)
    monkeypatch.setattr(kafka_io, "read_ledger", read_ledger)
    monkeypatch.setattr(kafka_io, "read_dead_letter", read_dead_letter)
    return producer, state


async def test_a_replay_sends_the_event_and_its_ledger_entry_in_one_transaction_and_never_twice(fake_kafka):
    producer, state = fake_kafka
    settings = Settings()
    [done] = await kafka_io.replay(settings, DLQ, [7])
    assert done.replay and not done.already and not done.refused
    [[(topic, value, key, _), (ledger_topic, entry, entry_key, _)]] = producer.committed
    assert topic == "thidua.inbound.v1" and json.loads(value)["id"] == done.replay.new_id
    assert ledger_topic == "thidua.deadletters.replays.v1" and entry_key == f"{DLQ}/0/7".encode()
    assert ledger.decode(entry) == done.replay
    # a second run finds the ledger entry: nothing is sent, and it says when and under which id
    state["ledger"] = {done.replay.key: done.replay}
    [again] = await kafka_io.replay(settings, DLQ, [7])
    assert again.already and again.replay == done.replay and len(producer.committed) == 1
    line = cli.outcome_line(DLQ, again, "vi")
    assert "đã được phát lại lúc" in line and done.replay.new_id in line
    assert "already replayed at" in cli.outcome_line(DLQ, again, "en")
    # the same offset twice in one run: once
    state["ledger"] = {}
    first, second = await kafka_io.replay(settings, DLQ, [7, 7])
    assert not first.already and second.already and len(producer.committed) == 2


async def test_a_replay_refuses_what_it_cannot_republish(fake_kafka):
    producer, _ = fake_kafka
    settings = Settings()
    raw, missing = await kafka_io.replay(settings, DLQ, [9, 99])
    assert raw.refused == "deadletters.not_cloudevent" and missing.refused == "deadletters.not_found"
    assert "--as-is" in cli.outcome_line(DLQ, raw, "vi") and "không có thư lỗi" in cli.outcome_line(DLQ, missing, "vi").lower()
    [as_is] = await kafka_io.replay(settings, DLQ, [9], as_is=True)
    assert as_is.replay and as_is.replay.as_is and producer.committed[-1][0][1] == b"\x00raw"
    assert "nguyên văn" in cli.outcome_line(DLQ, as_is, "vi")
    [scoring] = await kafka_io.replay(settings, "thidua.scoring.dlq.v1", [0])
    assert scoring.refused == "deadletters.not_replayable_topic"
    assert "thidua.inbound.v1" in cli.outcome_line("thidua.scoring.dlq.v1", scoring, "en")


def test_the_ledger_topic_is_registered_and_compacted():
    assert TOPICS["deadletter_replays"].suffix == "deadletters.replays.v1" and "deadletter_replays" in COMPACTED_TOPICS
    assert kafka_io.DEAD_LETTER_TOPICS == ("inbound_dlq", "scoring_dlq", "notify_dlq")
    settings = Settings()
    assert kafka_io.dead_letter_topic(settings, "inbound_dlq") == DLQ == kafka_io.dead_letter_topic(settings, DLQ)
    assert kafka_io.dead_letter_topic(settings, "scoring.dlq.v1") == "thidua.scoring.dlq.v1"
    with pytest.raises(ValueError):
        kafka_io.dead_letter_topic(settings, "thidua.campaigns.v1")


# -- the command's output --------------------------------------------------------------------
def test_list_and_show_speak_vietnamese_by_default_and_english_on_request():
    d = letter(system="so-noi-vu", contact="it@snv.test")
    line = cli.list_line(d, None, "vi")
    assert line.split(" | ") == [f"{DLQ}/0/7", "2026-11-30T08:00:00+00:00", "request.invalid", "thidua.inbound.v1",
                                 "so-noi-vu", d.event_id, SUBMISSION_SUBMITTED, "chưa"]
    assert cli.list_line(d, Replay(d.ledger_key, "a", "b", "t", AT.isoformat()), "en").endswith("| yes")
    vi = cli.show_text(d, None, "vi")
    assert "Lý do (tiếng Việt): Dữ liệu gửi lên không hợp lệ." in vi and "Lý do (tiếng Anh): The request is invalid." in vi
    assert "unit_id: Đơn vị 'khong-co' không tham gia phong trào này." in vi and "Chưa phát lại." in vi
    assert '"unit_id": "khong-co"' in vi and "it@snv.test" in vi  # the payload pretty-printed
    en = cli.show_text(d, Replay(d.ledger_key, "a", "new-9", "t", AT.isoformat()), "en")
    assert "Reason (English): The request is invalid." in en and "Replayed at" in en and "new-9" in en
    assert "Lý do" not in en and "Original payload" in en
    assert "không phải JSON" in cli.show_text(letter(value=b"\xffabc"), None, "vi")


def test_bad_arguments_are_told_in_the_operators_language_without_touching_kafka(capsys):
    settings = Settings(kafka_bootstrap="127.0.0.1:1")
    assert cli.main(["list", "--since", "hôm qua"], settings) == 2
    assert "Thời điểm 'hôm qua' không hợp lệ" in capsys.readouterr().err
    assert cli.main(["--lang", "en", "show", "thidua.campaigns.v1", "1"], settings) == 2
    err = capsys.readouterr().err
    assert "There is no dead-letter topic 'thidua.campaigns.v1'" in err and DLQ in err


# -- the reasons table -----------------------------------------------------------------------
DOMAIN_ERRORS = {"Invalid", "NotFound", "Conflict", "Forbidden", "TooLarge", "Unsupported", "DomainError", "Rejected"}


def _module(name: str) -> Path | None:
    for path in (INTAKE.joinpath(*name.split(".")).with_suffix(".py"), INTAKE.joinpath(*name.split("."), "__init__.py")):
        if name and path.exists():
            return path
    return None


def _imports(name: str):
    path = _module(name)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = [*package[: len(package) - node.level + 1], *(node.module.split(".") if node.module else [])]
            for alias in node.names:
                sub = ".".join([*target, alias.name])
                yield sub if _module(sub) else ".".join(target)


def codes_intake_can_dead_letter() -> dict[str, set[str]]:
    """Every message key intake raises (as a domain error's key, or check_open's) in the modules its
    inbound consumer reaches (HTTP views left out): the codes an inbound dead letter can carry."""
    seen, todo = set(), ["inbound.consumer"]
    while todo:
        name = todo.pop()
        if name in seen or _module(name) is None or name.split(".")[-1] == "views":
            continue
        seen.add(name)
        todo.extend(_imports(name))
    codes: dict[str, set[str]] = {}
    for name in seen:
        for node in ast.walk(ast.parse(_module(name).read_text())):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", getattr(node.func, "attr", None))
            arg = node.args[0] if called in DOMAIN_ERRORS and node.args else None
            if called == "check_open" and len(node.args) == 3:
                arg = node.args[2]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.setdefault(arg.value, set()).add(name)
    return codes


def test_every_reason_intake_can_give_has_a_row_in_the_reasons_table():
    codes = codes_intake_can_dead_letter()
    assert {"request.bad_json", "request.invalid", "event.type", "campaign.not_open"} <= set(codes)  # the scan works
    missing = {code: sorted(where) for code, where in codes.items() if code not in reasons.REASONS}
    assert not missing, f"add these codes to thidua_common.deadletters.reasons.REASONS: {missing}"
    for code, kind in reasons.REASONS.items():
        assert kind in reasons.ACTIONS and reasons.meaning(code), code
        assert code in MESSAGES or code in reasons.MEANINGS, code


def test_the_reasons_table_in_the_integration_guide_is_the_generated_one():
    text = (REPO / "docs" / "integration.md").read_text()
    found = re.search(r"<!-- dead-letter reasons: begin.*?-->\n(.*?)<!-- dead-letter reasons: end -->", text, re.S)
    assert found, "docs/integration.md lost its generated reasons table"
    assert found.group(1) == reasons.markdown(), "regenerate it: uv run thidua-deadletters reasons"


# -- the metric ------------------------------------------------------------------------------
async def test_intake_counts_its_dead_letters_by_topic_and_reason():
    from prometheus_client import CollectorRegistry, generate_latest

    from thidua_intake.inbound.consumer import InboundHandler

    class Producer:
        def __init__(self):
            self.sent = []

        def topic(self, key):
            return f"thidua.{TOPICS[key].suffix}"

        async def send_raw(self, key, value, record_key, headers):
            self.sent.append(key)

    class Record:
        topic, partition, offset, value, key, headers = "thidua.inbound.v1", 0, 5, b"{", b"k", []

    registry = CollectorRegistry()
    producer = Producer()
    handler = InboundHandler(None, None, producer, None, DeadLetterCounter(registry))
    await handler.handle(Record())  # not JSON
    await handler.dead_letter(Record(), Invalid("request.invalid", [FieldError("unit_id", "unit.unknown", {"id": "x"})]))
    await handler.dead_letter(Record(), Invalid("request.invalid"))
    text = generate_latest(registry).decode()
    assert 'thidua_dead_letters_total{reason="request.bad_json",topic="thidua.inbound.dlq.v1"} 1.0' in text
    assert 'thidua_dead_letters_total{reason="request.invalid",topic="thidua.inbound.dlq.v1"} 2.0' in text
    assert producer.sent == ["inbound_dlq"] * 3


async def test_scoring_counts_its_dead_letters_in_its_metrics():
    from aiohttp.test_utils import TestClient, TestServer

    from thidua_scoring.endpoint import build

    from .test_quarantine import definition, make

    _, _, _, guard = make()
    await guard.run([definition("tinh-a", "pt-doc", 2, bad=True)])

    class Store:
        async def all(self):
            return []

    async with TestClient(TestServer(build(lambda: (Store(), guard)))) as client:
        text = await (await client.get("/metrics")).text()
    assert 'thidua_dead_letters_total{topic="thidua.scoring.dlq.v1",reason="scoring.quarantine.definition"} 1' in text


# -- notify's digests ------------------------------------------------------------------------
class Mailbox:
    name = "email"

    def __init__(self):
        self.sent, self.fail_next = [], 0

    async def send(self, message):
        from thidua_notify.channels import TemporaryFailure

        if self.fail_next:
            self.fail_next -= 1
            raise TemporaryFailure("421 try later")
        self.sent.append(message)


BOARD = "ban-tdkt@thidua.local"


def digests(db=None, mailbox=None, window: float = 300):
    settings = Settings(escalation_email=BOARD, notify_deadletter_window_seconds=window, notify_backoff_seconds=1)
    return DeadLetterDigests(db or FakeDb(), mailbox or Mailbox(), settings)


async def test_one_digest_per_recipient_per_window_with_counts_and_first_items():
    mailbox = Mailbox()
    d = digests(mailbox=mailbox)
    now = AT
    await d.record(letter(1, code="request.invalid", system="so-noi-vu", contact="it@snv.test"), now)
    await d.record(letter(2, code="request.bad_json"), now + timedelta(seconds=10))
    await d.record(letter(3, code="request.invalid"), now + timedelta(seconds=20))
    assert await d.gather(now + timedelta(seconds=299)) == 0  # the first one is not a window old yet
    assert await d.gather(now + timedelta(seconds=300)) == 2  # the board's and the system's contact's
    while await d.send_one(now + timedelta(seconds=300)):
        pass
    by_recipient = {m.recipient: m for m in mailbox.sent}
    assert set(by_recipient) == {BOARD, "it@snv.test"}
    board = by_recipient[BOARD]
    assert board.subject == "[Thi Đua] 3 sự kiện bị từ chối (thư lỗi) mới"
    assert "Kính gửi Ban Thi đua – Khen thưởng" in board.body and "- request.invalid: 2\n- request.bad_json: 1" in board.body
    assert f"{DLQ}/0/1" in board.body and f"{DLQ}/0/3" in board.body and "thidua-deadletters replay" in board.body
    contact = by_recipient["it@snv.test"]
    assert "Kính gửi so-noi-vu" in contact.body and "1 sự kiện" in contact.subject and f"{DLQ}/0/2" not in contact.body
    # nothing new: nothing more; a new dead letter waits a window of its own
    await d.record(letter(4), now + timedelta(seconds=301))
    assert await d.gather(now + timedelta(seconds=400)) == 0 and not await d.send_one(now + timedelta(seconds=400))
    assert await d.gather(now + timedelta(seconds=601)) == 1


async def test_a_dead_letter_read_again_is_recorded_once_and_old_or_own_ones_not_at_all():
    d = digests()
    assert await d.record(letter(1), AT) == 1 and await d.record(letter(1), AT) == 0  # a rewind
    assert await d.record(letter(2, failed_at=AT - timedelta(days=8)), AT) == 0  # history on a first start
    own = {"id": "n-1", "type": "vn.thidua.notification.failed.v1",
           "data": {"cause_event_type": DIGEST_CAUSE, "last_error": "x"}}
    assert await d.record(DeadLetter.of("thidua.notify.dlq.v1", 0, 0, json.dumps(own).encode()), AT) == 0


async def test_digests_survive_a_restart_without_loss_or_repeat():
    db, mailbox = FakeDb(), Mailbox()
    first = digests(db, mailbox)
    for n in range(12):
        await first.record(letter(n), AT)
    # a crash after the items were marked for a digest, before it was stored
    pending = await db.deadletter_items.find({"digest": None}).to_list()
    [(recipient, oldest)] = due(pending, AT + timedelta(seconds=300), timedelta(seconds=300))
    assert recipient == BOARD
    await db.deadletter_items.update_many({"digest": None}, {"$set": {"digest": "half-made"}})
    second = digests(db, mailbox)  # the restarted worker
    assert await second.gather(AT + timedelta(seconds=301)) == 1
    # it was sent, and the worker died before marking it sent: the lease runs out, the same mail again
    claimed = await db.deadletter_digests.find_one_and_update({"status": "pending"}, {"$set": {
        "status": "sending", "lease_until": AT + timedelta(seconds=320)}})
    assert claimed and not await second.send_one(AT + timedelta(seconds=310))
    assert await second.send_one(AT + timedelta(seconds=330)) and not await second.send_one(AT + timedelta(seconds=331))
    [mail] = mailbox.sent
    assert "12 sự kiện" in mail.subject and "… và 2 sự kiện khác." in mail.body
    third = digests(db, mailbox)
    assert await third.gather(AT + timedelta(days=1)) == 0 and not await third.send_one(AT + timedelta(days=1))
    assert len(mailbox.sent) == 1


async def test_a_digest_the_mail_server_refuses_is_retried_with_backoff():
    mailbox = Mailbox()
    mailbox.fail_next = 1
    d = digests(mailbox=mailbox)
    await d.record(letter(1), AT)
    await d.gather(AT + timedelta(seconds=300))
    assert await d.send_one(AT + timedelta(seconds=300)) and not mailbox.sent
    assert not await d.send_one(AT + timedelta(seconds=300.5))  # backoff: 1 s
    assert await d.send_one(AT + timedelta(seconds=301)) and len(mailbox.sent) == 1
    [stored] = await d.db.deadletter_digests.find({}).to_list()
    assert stored["status"] == "sent" and stored["attempts"] == 2
    assert [h["outcome"] for h in stored["history"]] == ["pending", "sent"]


def test_digest_text_lists_the_first_items_and_counts_the_rest():
    items = [{"where": f"{DLQ}/0/{n}", "failed_at": "2026-11-30T08:00:00+00:00", "reason": "request.invalid",
              "reason_message": "Dữ liệu gửi lên không hợp lệ.", "source_topic": "thidua.inbound.v1", "system": "",
              "event_id": f"e-{n}"} for n in range(11)]
    subject, body = digest_text("Ban Thi đua – Khen thưởng", items)
    assert "11 sự kiện" in subject and f"{DLQ}/0/9" in body and f"{DLQ}/0/10" not in body and "1 sự kiện khác" in body
    assert "Regards" not in body


def test_kafka_out_of_reach_is_said_plainly_with_exit_status_2(monkeypatch, capsys):
    from aiokafka.errors import KafkaConnectionError

    async def unreachable(*args, **kwargs):
        raise KafkaConnectionError("Unable to bootstrap from [('10.0.0.9', 9092)]")

    monkeypatch.setattr(kafka_io, "read_dead_letters", unreachable)
    assert cli.main(["list"], Settings(kafka_bootstrap="10.0.0.9:9092")) == 2
    err = capsys.readouterr().err
    assert err.startswith("Không kết nối được Kafka (10.0.0.9:9092): KafkaConnectionError") and "Traceback" not in err
