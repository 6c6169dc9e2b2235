"""The audit chain (pure): hashes, links, and where verification says it breaks."""

import copy

from thidua_intake.audit.chain import GENESIS, actor_and_reason, canonical, new_record, record_hash, verify


def chain(n: int, tenant: str = "daknong") -> list[dict]:
    records, prev = [], GENESIS
    for seq in range(1, n + 1):
        r = new_record(
            seq=seq,
            at=f"2026-01-0{seq % 9 + 1}T08:00:00.000000+00:00",
            tenant=tenant,
            action="vn.thidua.campaign.defined.v1",
            subject=f"pt-{seq}",
            event_id=f"ev-{seq}",
            data={"change": {"by": "can-bo-a", "reason": f"Lý do số {seq}"}, "n": seq},
            source="/thidua/intake/campaigns",
            prev_hash=prev,
        )
        records.append(r)
        prev = r["hash"]
    return records


def test_an_intact_chain_verifies():
    records = chain(5)
    assert records[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(records, records[1:]))
    assert verify(records, "daknong", head_seq=5) is None
    assert verify([], "daknong", head_seq=0) is None


def test_hash_covers_every_field_but_not_storage_ids():
    r = chain(1)[0]
    assert record_hash({**r, "_id": "x"}) == r["hash"]
    for field in ("seq", "at", "actor", "action", "subject", "tenant", "reason", "event_id", "payload_sha256", "prev_hash"):
        changed = {**r, field: "khác" if field != "seq" else 99}
        assert record_hash(changed) != r["hash"], field


def test_canonical_json_is_key_order_independent_and_utf8():
    assert canonical({"b": 1, "a": "Đắk Nông"}) == canonical({"a": "Đắk Nông", "b": 1})
    assert "Đắk".encode() in canonical({"a": "Đắk"})


def test_a_changed_reason_is_found_at_its_seq():
    records = chain(5)
    records[2]["reason"] = "sửa lén"
    found = verify(records, "daknong", 5)
    assert found.seq == 3 and "hash differs" in found.problem


def test_a_rehashed_record_still_breaks_the_link_to_the_next():
    records = chain(5)
    records[2]["reason"] = "sửa lén"
    records[2]["hash"] = record_hash(records[2])
    found = verify(records, "daknong", 5)
    assert found.seq == 4 and "prev_hash" in found.problem


def test_deleted_records_are_found():
    records = chain(5)
    middle = records[:2] + records[3:]
    found = verify(middle, "daknong", 5)
    assert found.seq == 3 and "missing" in found.problem
    last = records[:4]
    found = verify(last, "daknong", 5)
    assert found.seq == 5 and "missing" in found.problem
    first = records[1:]
    assert verify(first, "daknong", 5).seq == 1


def test_duplicated_or_reordered_records_are_found():
    records = chain(4)
    assert verify(records[:2] + [copy.deepcopy(records[1])] + records[2:], "daknong", 4).seq == 3
    assert verify([records[0], records[2], records[1], records[3]], "daknong", 4).seq == 2


def test_actor_and_reason_come_from_the_event():
    assert actor_and_reason({"change": {"by": "a", "reason": "r"}}, "/src") == ("a", "r")
    assert actor_and_reason({"submitted_by": "don-vi-1"}, "/src") == ("don-vi-1", "")
    assert actor_and_reason({"by": "board"}, "/src") == ("board", "")
    assert actor_and_reason({"reviewer": "rv", "reason": "thiếu minh chứng"}, "/src") == ("rv", "thiếu minh chứng")
    assert actor_and_reason({}, "/thidua/intake/inbound") == ("/thidua/intake/inbound", "")


# -- issue 11: GET /api/v1/audit/verify (bounded, tenant-scoped, the reason in the reader's language)
async def _stored(records: list[dict], head_seq: int | None = None, tenant: str = "daknong"):
    from .fake_uow import FakeDatabase

    db = FakeDatabase()
    for r in records:
        await db.audit.insert_one({"_id": f"{r['tenant']}:{r['seq']:012d}", **r})
    if head_seq is not None:
        await db.audit_head.insert_one({"_id": tenant, "seq": head_seq, "hash": "x"})
    return db


def _auditor(tenant: str = "daknong"):
    from thidua_common.auth import Principal

    return Principal(subject="auditor.daknong", tenant=tenant, roles=["auditor"])


async def test_the_verify_endpoint_says_ok_for_an_intact_chain_of_the_callers_tenant_only():
    from thidua_intake.audit.views import verify_chain

    db = await _stored(chain(4) + chain(2, "other"), head_seq=4)
    answer = await verify_chain(db, "vi", _auditor())
    assert answer == {"ok": True, "checked": 4, "head_seq": 4, "complete": True, "break": None}


async def test_the_verify_endpoint_names_the_first_break_and_why_in_vietnamese_or_english():
    from thidua_intake.audit.views import verify_chain

    records = chain(5)
    records[2]["reason"] = "sửa lén"
    db = await _stored(records, head_seq=5)
    answer = await verify_chain(db, "vi", _auditor())
    assert answer["ok"] is False and answer["checked"] == 2 and answer["complete"] is True
    assert answer["break"]["seq"] == 3 and answer["break"]["kind"] == "hash"
    assert answer["break"]["reason"].startswith("Mã băm của bản ghi số 3 không khớp")
    english = await verify_chain(db, "en", _auditor())
    assert english["break"]["reason"].startswith("The hash of record 3 does not match")
    # a deleted record, and records missing at the end
    deleted = await _stored([r for r in chain(5) if r["seq"] != 2], head_seq=5)
    assert (await verify_chain(deleted, "vi", _auditor()))["break"]["reason"].startswith("Thiếu bản ghi số 2")
    tail = await _stored(chain(3), head_seq=5)
    found = (await verify_chain(tail, "vi", _auditor()))["break"]
    assert found["seq"] == 4 and found["kind"] == "tail_missing" and "từ số 4 đến số 5" in found["reason"]


async def test_a_walk_stopped_by_its_bound_says_it_is_not_complete():
    from thidua_intake.audit.verify import verify_tenant

    db = await _stored(chain(6), head_seq=6)
    found, checked, head, complete = await verify_tenant(db, "daknong", max_records=4, max_seconds=60)
    assert (found, checked, head, complete) == (None, 4, 6, False)
    ticks = iter([0.0, 0.0, 0.0, 99.0, 99.0])
    found, checked, _, complete = await verify_tenant(db, "daknong", 1000, 1.0, clock=lambda: next(ticks))
    assert (found, checked, complete) == (None, 2, False)


def test_every_break_kind_has_a_message_in_both_languages():
    from thidua_common.i18n.messages import MESSAGES
    from thidua_intake.audit.chain import ChainWalk

    kinds = {"missing", "order", "tenant", "hash", "link", "tail_missing", "tail_extra"}
    assert all({"vi", "en"} <= set(MESSAGES[f"audit.break.{k}"]) for k in kinds)
    walk = ChainWalk("daknong")
    assert walk.step({**chain(1)[0], "seq": 0}).kind == "order"
    assert ChainWalk("daknong").finish(0) is None and ChainWalk("daknong").finish(2).kind == "tail_missing"


async def test_the_trail_filters_by_actor_and_time_range():
    from datetime import UTC, datetime

    from thidua_intake.audit.store import records

    stored = chain(4)
    stored[1]["actor"] = "board-officer.so-noi-vu"
    db = await _stored(stored)
    by_actor = [r["seq"] async for r in records(db, "daknong", actor="board-officer.so-noi-vu")]
    assert by_actor == [2]
    since, until = datetime(2026, 1, 3, tzinfo=UTC), datetime(2026, 1, 5, 8, tzinfo=UTC)  # `at`: 2026-01-0{seq+1}
    assert [r["seq"] async for r in records(db, "daknong", since=since, until=until)] == [2, 3]
