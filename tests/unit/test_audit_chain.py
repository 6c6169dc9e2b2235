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
