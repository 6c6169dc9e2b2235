"""Award history and escalations from the nominations topic, on the real stack. The events are
published directly (as intake's nominations would publish them): reporting keeps a searchable,
exportable award history and nomination timeliness; notify escalates an overdue nomination to
the commendation board once, and tells an awarded unit."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
from aiokafka import AIOKafkaProducer

from thidua_common.contracts import new_event
from thidua_common.contracts.campaign import Change
from thidua_common.contracts.nomination import (
    AwardDecided,
    Decision,
    NominationChanged,
    NominationOverdue,
    Nominee,
    StageRecord,
)
from thidua_common.contracts.registry import AWARD_DECIDED, NOMINATION_CHANGED, NOMINATION_OVERDUE, topic_name
from thidua_common.kafka import encode_event
from thidua_common.kafka.client import security_options

from .conftest import TENANT, eventually, mails, reporter

SOURCE = "/thidua/intake/nominations"
ESCALATION = "ban-tdkt@thidua.local"


async def publish(settings, *events):
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for event, key in events:
            value, headers = encode_event(event)
            await producer.send_and_wait(topic_name(settings.topic_prefix, "nominations"), value, key=key.encode(),
                                         headers=headers)
    finally:
        await producer.stop()


def award(nomination_id, nominee, year, campaign_id, number="2457/QĐ-UBND", when=date(2019, 12, 5)):
    data = AwardDecided(
        nomination_id=nomination_id, award_kind="bang-khen-chu-tich-tinh", award_name_vi="Bằng khen của Chủ tịch UBND tỉnh",
        nominee=nominee, year=year, campaign_id=campaign_id, basis="regular",
        decision=Decision(number=number, date=when, signer="Chủ tịch UBND tỉnh Đắk Nông"),
    )
    return new_event(type=AWARD_DECIDED, source=SOURCE, tenant=TENANT, subject=nomination_id, data=data), f"{TENANT}/{nomination_id}"


async def get(stack, path, headers, **params):
    async with httpx.AsyncClient(base_url=stack.url("reporting")) as client:
        return await client.get(path, params=params, headers=headers)


async def test_award_history_search_export_and_duplicates(stack, settings, campaign, board):
    cid, tag = campaign["id"], uuid.uuid4().hex[:6]
    unit1 = Nominee(kind="collective", unit_id="don-vi-1")
    nhung = Nominee(kind="individual", unit_id="don-vi-1", person_id=f"p-{tag}", person_name="Nguyễn Thị Hồng Nhung",
                    position="Chuyên viên")
    first, second = award(f"dn-{tag}-1", unit1, 2019, cid), award(f"dn-{tag}-2", nhung, 2019, cid)
    other_year = award(f"dn-{tag}-3", unit1, 2020, cid, "15/QĐ-UBND", date(2020, 6, 1))
    await publish(settings, first, second, other_year)
    anyone = reporter(settings, "don-vi-4")  # every role of the tenant may read the award history

    async def awards_2019():
        r = await get(stack, "/api/v1/awards", anyone, unit_id="don-vi-1", year=2019)
        rows = [a for a in r.json() if a["campaign_id"] == cid] if r.status_code == 200 else []
        return rows if len(rows) == 2 else None

    rows = await eventually(awards_2019)
    assert {r["nomination_id"] for r in rows} == {f"dn-{tag}-1", f"dn-{tag}-2"}
    assert all(r["unit_name"] == "Đơn vị số 1" and r["decision_number"] == "2457/QĐ-UBND" for r in rows)

    # search without diacritics; by person
    found = (await get(stack, "/api/v1/awards", anyone, q="hong nhung", year=2019)).json()
    assert [r["nomination_id"] for r in found if r["campaign_id"] == cid] == [f"dn-{tag}-2"]
    found = (await get(stack, "/api/v1/awards", anyone, person=f"p-{tag}")).json()
    assert [r["nomination_id"] for r in found] == [f"dn-{tag}-2"]

    # a redelivered decision changes nothing (the sentinel, on the same partition, proves it was read)
    sentinel = award(f"dn-{tag}-4", Nominee(kind="collective", unit_id="don-vi-3"), 2019, cid)
    await publish(settings, first, (sentinel[0], first[1]))
    await eventually(lambda: _has(stack, anyone, f"dn-{tag}-4"))
    assert len(await awards_2019()) == 2

    # exports through the format plugins: CSV for Excel, JSON for programs
    r = await get(stack, "/api/v1/awards/export", anyone, format="csv", unit_id="don-vi-1", year=2019)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv") and ".csv" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["Ngày quyết định", "Số quyết định", "Người ký", "Danh hiệu / hình thức khen thưởng"]
    ours = [row for row in table[1:] if cid in row]
    assert len(ours) == 2 and all(row[0] == "05/12/2019" for row in ours)
    assert any("Nguyễn Thị Hồng Nhung" in row for row in ours)
    r = await get(stack, "/api/v1/awards/export", anyone, format="json", unit_id="don-vi-1", year=2019)
    assert r.headers["content-type"].startswith("application/json")
    assert {row["nomination_id"] for row in r.json()["rows"] if row["campaign_id"] == cid} == {f"dn-{tag}-1", f"dn-{tag}-2"}
    r = await get(stack, "/api/v1/awards/export", anyone, format="pdf")
    assert r.status_code == 422 and "csv" in r.text

    # the awarded unit is told once per decision (the duplicate sent no second mail)
    def award_mails(unit):
        return [m for m in mails(stack, f"{unit}@{cid}.test") if "Quyết định khen thưởng" in m["subject"]]

    await eventually(lambda: award_mails("don-vi-3"))
    inbox = await eventually(lambda: (m := award_mails("don-vi-1")) and len(m) >= 3 and m)
    assert len(inbox) == 3 and len(award_mails("don-vi-3")) == 1
    assert any("Nguyễn Thị Hồng Nhung" in m["text"] and "05/12/2019" in m["text"] for m in inbox)


async def _has(stack, headers, nomination_id):
    r = await get(stack, "/api/v1/awards", headers, q=nomination_id)
    return r.status_code == 200 and any(a["nomination_id"] == nomination_id for a in r.json())


async def test_overdue_nomination_is_escalated_once_and_counted(stack, settings, campaign, board):
    cid, tag = campaign["id"], uuid.uuid4().hex[:6]
    nid, year = f"dn-{tag}", 2031
    nominee = Nominee(kind="individual", unit_id="don-vi-2", person_name=f"Trần Văn Bình {tag}", position="Trưởng phòng")
    entered = datetime.now(UTC) - timedelta(days=30)
    stages = [
        StageRecord(stage="tham-dinh", entered_at=entered, due_on=(entered + timedelta(days=12)).date(),
                    left_at=entered + timedelta(days=20), outcome="passed", working_days=14),
        StageRecord(stage="hoi-dong", entered_at=entered + timedelta(days=20), due_on=(entered + timedelta(days=27)).date()),
    ]

    def changed(revision, stage_records):
        data = NominationChanged(
            nomination_id=nid, revision=revision, award_kind="chien-si-thi-dua-co-so", award_name_vi="Chiến sĩ thi đua cơ sở",
            nominee=nominee, nominated_by="don-vi-2", year=year, campaign_id=cid, status="in_progress",
            stage=stage_records[-1].stage, stages=stage_records, change=Change(kind="moved", by="board", reason="Đạt"),
        )
        return new_event(type=NOMINATION_CHANGED, source=SOURCE, tenant=TENANT, subject=nid, data=data), f"{TENANT}/{nid}"

    overdue = new_event(
        type=NOMINATION_OVERDUE, source=SOURCE, tenant=TENANT, subject=nid,
        data=NominationOverdue(nomination_id=nid, award_name_vi="Chiến sĩ thi đua cơ sở", nominee=nominee, stage="hoi-dong",
                               stage_name_vi="Hội đồng Thi đua – Khen thưởng xét, bỏ phiếu", due_on=stages[1].due_on, overdue_working_days=2, escalate_to=["board_officer"]),
    ), f"{TENANT}/{nid}"
    # revision 2 arrives before revision 1 (replayed): the older one must not replace it; the alert twice
    await publish(settings, changed(2, stages), changed(1, stages[:1]), overdue, overdue)

    def escalations():
        return [m for m in mails(stack, ESCALATION) if nid in m["text"]]

    mail = (await eventually(escalations))[0]
    assert f"Trần Văn Bình {tag}" in mail["subject"] and "quá hạn 2 ngày làm việc" in mail["subject"]
    assert "Chiến sĩ thi đua cơ sở" in mail["text"] and "Hội đồng" in mail["text"] and "Đơn vị số 2" in mail["text"]
    assert stages[1].due_on.strftime("%d/%m/%Y") in mail["text"]

    async def timeliness():
        r = await get(stack, "/api/v1/nominations/timeliness", board, year=year)
        by_stage = {s["stage"]: s for s in r.json()} if r.status_code == 200 else {}
        return by_stage if by_stage.get("hoi-dong", {}).get("overdue") == 1 else None

    by_stage = await eventually(timeliness)
    assert by_stage["tham-dinh"] == {"stage": "tham-dinh", "count": 1, "in_stage_now": 0, "average_working_days": 14.0,
                                     "max_working_days": 14.0, "overdue": 1}
    assert by_stage["hoi-dong"]["in_stage_now"] == 1
    assert len(escalations()) == 1  # the repeated alert (same event id) sent nothing more
