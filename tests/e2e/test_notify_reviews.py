"""notify tells a unit how its report was reviewed and how its appeal was decided, through the real
stack: intake's review endpoints, Kafka, notify and the SMTP server."""

import json

import httpx
from aiokafka import AIOKafkaProducer

from thidua_common.contracts.registry import SUBMISSION_REVIEWED
from thidua_common.kafka.client import security_options

from .conftest import eventually, mails, read_topic, reporter, submission, token

REVIEW = "Kết quả thẩm định báo cáo"
APPEAL = "Kết quả giải quyết khiếu nại"
REOPENED = "được mở lại để thẩm định lại"


async def call(stack, path: str, headers: dict, body: dict) -> dict:
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30) as client:
        response = await client.post(path, json=body, headers=headers)
    assert response.status_code in (201, 202), response.text
    return response.json()


async def submit(stack, settings, campaign_id: str, unit: str) -> str:
    accepted = await call(stack, "/api/v1/submissions", reporter(settings, unit), submission(campaign_id, unit))
    return accepted["submission_id"]


def inbox(stack, campaign_id: str, unit: str, kind: str) -> list[dict]:
    return [m for m in mails(stack, f"{unit}@{campaign_id}.test") if kind in m["subject"]]


async def redeliver(settings, event_id: str, times: int = 2) -> None:
    """Publish the very record of an event again, as a redelivery after a crash would."""
    [record] = await read_topic(settings, "submissions", lambda r: json.loads(r.value)["id"] == event_id)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **security_options(settings), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for _ in range(times):
            await producer.send_and_wait(record.topic, record.value, key=record.key, headers=list(record.headers))
    finally:
        await producer.stop()


async def test_a_returned_and_a_rejected_report_are_announced_once(stack, settings, board, campaign):
    cid, name = campaign["id"], campaign["name_vi"]
    first = await submit(stack, settings, cid, "don-vi-1")
    second = await submit(stack, settings, cid, "don-vi-2")

    reason = "Thiếu danh sách 12 căn nhà đại đoàn kết đã bàn giao, đề nghị bổ sung biên bản"
    returned = await call(stack, f"/api/v1/submissions/{first}/review", board,
                          {"decision": "return", "reasons": {"nha-dai-doan-ket": reason}})
    [mail] = await eventually(lambda: inbox(stack, cid, "don-vi-1", REVIEW), timeout=60)
    # the test campaign's name already says "Phong trào", so it is not prefixed again
    assert mail["subject"] == f"[Thi Đua] Kết quả thẩm định báo cáo quý II/2018, «{name}»: Trả lại để bổ sung"
    assert mail["text"].startswith("Kính gửi Đơn vị số 1,")
    assert "đã được Ban Thi đua – Khen thưởng thẩm định lúc" in mail["text"]
    assert f"các tiêu chí sau:\n- Nhà đại đoàn kết: {reason}\n" in mail["text"]
    assert "Số hộ thoát nghèo" not in mail["text"]
    assert "quyền đề nghị xem xét lại (khiếu nại) một lần lên Chủ tịch UBND" in mail["text"]
    assert first in mail["text"]

    # the same review event delivered twice more, then a later event of the same campaign (same key,
    # same partition): once the later one is mailed, notify has consumed the repeats
    await redeliver(settings, returned["event_id"])
    await call(stack, f"/api/v1/submissions/{second}/review", board,
               {"decision": "reject", "reason": "Số liệu không khớp với báo cáo của UBND huyện"})
    [rejected] = await eventually(lambda: inbox(stack, cid, "don-vi-2", REVIEW), timeout=60)
    assert rejected["subject"].endswith(": Từ chối")
    assert "Lý do: Số liệu không khớp với báo cáo của UBND huyện" in rejected["text"]
    assert "Số liệu của báo cáo này không được tính vào kết quả thi đua." in rejected["text"]
    assert "quyền đề nghị xem xét lại (khiếu nại) một lần lên Chủ tịch UBND" in rejected["text"]

    assert len(inbox(stack, cid, "don-vi-1", REVIEW)) == 1
    reviewed = await read_topic(
        settings, "submissions",
        lambda r: (e := json.loads(r.value))["type"] == SUBMISSION_REVIEWED and e["data"]["submission_id"] == first,
    )
    assert len(reviewed) == 3  # the original and the two repeats really went through Kafka


async def test_an_upheld_return_names_the_criteria_again_and_an_approval_says_verified(stack, settings, board, campaign):
    cid = campaign["id"]
    first = await submit(stack, settings, cid, "don-vi-3")
    reason = "Số hộ thoát nghèo chưa có xác nhận của UBND xã"
    await call(stack, f"/api/v1/submissions/{first}/review", board,
               {"decision": "return", "reasons": {"ho-thoat-ngheo": reason}})
    await eventually(lambda: inbox(stack, cid, "don-vi-3", REVIEW), timeout=60)

    await call(stack, f"/api/v1/submissions/{first}/appeal", reporter(settings, "don-vi-3"),
               {"reason": "Đơn vị đã gửi kèm biên bản xác nhận của xã"})
    chair = {"Authorization": f"Bearer {token(settings, ['chairperson'])}"}
    await call(stack, f"/api/v1/submissions/{first}/appeal/decision", chair,
               {"outcome": "upheld", "reason": "Biên bản chưa có chữ ký của Chủ tịch UBND xã"})
    [mail] = await eventually(lambda: inbox(stack, cid, "don-vi-3", APPEAL), timeout=60)
    assert mail["subject"].endswith(": Giữ nguyên quyết định – Trả lại để bổ sung")
    assert "đã được Chủ tịch UBND giải quyết lúc" in mail["text"]
    assert "Lý do: Biên bản chưa có chữ ký của Chủ tịch UBND xã" in mail["text"]
    assert f"- Số hộ thoát nghèo: {reason}" in mail["text"]  # from the return the unit appealed
    assert "cuối cùng đối với báo cáo này" in mail["text"]

    other = await submit(stack, settings, cid, "don-vi-4")
    await call(stack, f"/api/v1/submissions/{other}/review", board, {"decision": "approve"})
    [approved] = await eventually(lambda: inbox(stack, cid, "don-vi-4", REVIEW), timeout=60)
    assert approved["subject"].endswith(": Phê duyệt")
    assert "Kết quả của đơn vị kỳ này đã được xác nhận" in approved["text"]
    assert "- Số hộ thoát nghèo: 80\n- Nhà đại đoàn kết: 12" in approved["text"]
    assert "khiếu nại" not in approved["text"]

    # the board reopens that approval: the unit is told why, and that its verified score is withdrawn
    reason = "Phát hiện số liệu nhà đại đoàn kết trùng với năm trước"
    await call(stack, f"/api/v1/submissions/{other}/reopen", board, {"reason": reason})
    [reopened] = await eventually(lambda: inbox(stack, cid, "don-vi-4", REOPENED), timeout=60)
    assert f"Lý do: {reason}" in reopened["text"]
    assert "vừa được Ban Thi đua – Khen thưởng mở lại" in reopened["text"]
    assert "điểm chính thức của kỳ được rút lại" in reopened["text"]
