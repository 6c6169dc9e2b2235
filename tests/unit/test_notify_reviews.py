"""notify: what a unit reads when its report is approved, returned or rejected, and when its appeal is
decided (compose, pure); which events become delivery records (the service, over an in-memory
stand-in for the deliveries collection)."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.errors import DuplicateKeyError

from thidua_common.contracts import new_event
from thidua_common.contracts.registry import (
    APPEAL_DECIDED,
    SUBMISSION_RECEIVED,
    SUBMISSION_REOPENED,
    SUBMISSION_REVIEWED,
)
from thidua_common.contracts.review import AppealDecided, SubmissionReopened, SubmissionReviewed
from thidua_common.kafka.client import encode_event
from thidua_common.kafka.loop import only_handled
from thidua_notify.compose import (
    appeal_decision_message,
    campaign_phrase,
    criterion_labels,
    reopen_message,
    review_message,
)
from thidua_notify.service import NotifyService

from .fake_records import Record, recording_handler

CRITERIA = [
    {
        "id": "giam-ngheo",
        "name_vi": "Giảm nghèo bền vững",
        "children": [
            {"id": "ho-thoat-ngheo", "name_vi": "Số hộ thoát nghèo", "name_en": "Households out of poverty",
             "unit_of_measure": "hộ"},
            {"id": "nha-dai-doan-ket", "name_vi": "Nhà đại đoàn kết", "unit_of_measure": "căn"},
        ],
    },
    {"id": "von-huy-dong", "name_vi": "Vốn huy động từ cộng đồng", "unit_of_measure": "tỷ đồng"},
]
LABELS = criterion_labels(CRITERIA)
UNIT, CAMPAIGN = "Huyện Cư Jút", "Đắk Nông chung tay vì người nghèo"
AT = datetime(2018, 7, 20, 17, 30, tzinfo=UTC)  # 00:30 on 21 July in Vietnam


def reviewed(decision: str, level: str = "cluster", **fields) -> SubmissionReviewed:
    return SubmissionReviewed(submission_id="3d6f1c2b", campaign_id="giam-ngheo", unit_id="huyen-cu-jut",
                              period="2018-Q2", decision=decision, level=level, reviewer="cum-truong", at=AT, **fields)


def decided(outcome: str, decision: str, level: str = "board", **fields) -> AppealDecided:
    return AppealDecided(submission_id="3d6f1c2b", campaign_id="giam-ngheo", unit_id="huyen-cu-jut", period="2018-Q2",
                         outcome=outcome, decision=decision, level=level, by="ban-tdkt", at=AT, **fields)


# -- compose ----------------------------------------------------------------------------------
def test_labels_cover_the_whole_tree_in_order_with_english_falling_back_to_vietnamese():
    assert list(LABELS) == ["giam-ngheo", "ho-thoat-ngheo", "nha-dai-doan-ket", "von-huy-dong"]
    assert LABELS["nha-dai-doan-ket"].name == "Nhà đại đoàn kết" and LABELS["nha-dai-doan-ket"].unit_of_measure == "căn"
    english = criterion_labels(CRITERIA, "en")
    assert english["ho-thoat-ngheo"].name == "Households out of poverty"
    assert english["nha-dai-doan-ket"].name == "Nhà đại đoàn kết"


def test_campaign_is_named_once_as_a_movement():
    assert campaign_phrase(CAMPAIGN) == "phong trào «Đắk Nông chung tay vì người nghèo»"
    assert campaign_phrase("Phong trào thi đua Dân vận khéo") == "«Phong trào thi đua Dân vận khéo»"


def test_a_return_names_each_criterion_with_its_reason_and_the_appeal_right():
    review = reviewed("return", reasons={"von-huy-dong": "Chưa có biên bản tiếp nhận vốn",
                                         "nha-dai-doan-ket": "Thiếu danh sách 12 căn nhà đã bàn giao"},
                      reason="Đề nghị rà soát lại số liệu trước khi gửi")
    subject, body = review_message(review, UNIT, CAMPAIGN, LABELS)
    assert subject == ("[Thi Đua] Kết quả thẩm định báo cáo quý II/2018, phong trào «Đắk Nông chung tay vì người "
                       "nghèo»: Trả lại để bổ sung")
    assert body.startswith("Kính gửi Huyện Cư Jút,\n\nBáo cáo kết quả quý II/2018 của đơn vị trong phong trào "
                           "«Đắk Nông chung tay vì người nghèo» đã được cụm trưởng, khối trưởng thẩm định lúc "
                           "00:30 21/07/2018 và trả lại để đơn vị bổ sung.")
    # in the order of the criteria tree, not of the reviewer's form
    assert ("Đề nghị đơn vị bổ sung, hoàn thiện số liệu và tài liệu minh chứng của các tiêu chí sau:\n"
            "- Nhà đại đoàn kết: Thiếu danh sách 12 căn nhà đã bàn giao\n"
            "- Vốn huy động từ cộng đồng: Chưa có biên bản tiếp nhận vốn\n\n") in body
    assert "Đơn vị chỉ gửi lại số liệu của các tiêu chí bị trả lại" in body
    assert "Ý kiến chung của cấp thẩm định: Đề nghị rà soát lại số liệu trước khi gửi" in body
    assert ("đơn vị có quyền đề nghị xem xét lại (khiếu nại) một lần lên Ban Thi đua – Khen thưởng, "
            "nêu rõ lý do") in body
    assert body.endswith("Mã báo cáo: 3d6f1c2b.\n\nTrân trọng,\nHệ thống Thi Đua")
    assert "Số hộ thoát nghèo" not in body  # only the returned criteria


def test_a_criterion_the_campaign_no_longer_names_is_shown_by_its_id():
    _, body = review_message(reviewed("return", reasons={"tieu-chi-cu": "Không rõ nguồn"}), UNIT, CAMPAIGN, LABELS)
    assert "- tieu-chi-cu: Không rõ nguồn" in body


def test_a_reject_gives_the_reason_and_the_appeal_to_the_next_level():
    review = reviewed("reject", level="board", reason="Số liệu không khớp với báo cáo của UBND huyện")
    subject, body = review_message(review, UNIT, CAMPAIGN, LABELS)
    assert subject.endswith(": Từ chối")
    assert "đã được Ban Thi đua – Khen thưởng thẩm định lúc 00:30 21/07/2018 và bị từ chối." in body
    assert "Lý do: Số liệu không khớp với báo cáo của UBND huyện" in body
    assert "Số liệu của báo cáo này không được tính vào kết quả thi đua." in body
    assert "có quyền đề nghị xem xét lại (khiếu nại) một lần lên Chủ tịch UBND" in body
    assert "Đề nghị đơn vị bổ sung" not in body


def test_a_decision_at_the_last_level_is_final():
    _, body = review_message(reviewed("reject", level="chair", reason="Không đạt"), UNIT, CAMPAIGN, LABELS)
    assert "Quyết định của Chủ tịch UBND là quyết định cuối cùng, không còn cấp khiếu nại cao hơn." in body
    assert "có quyền đề nghị xem xét lại" not in body


def test_an_approval_says_the_results_are_verified_with_the_values_in_vietnamese_format():
    review = reviewed("approve", values={"von-huy-dong": 1234.5, "ho-thoat-ngheo": 80})
    subject, body = review_message(review, UNIT, CAMPAIGN, LABELS)
    assert subject.endswith(": Phê duyệt")
    assert "đã được cụm trưởng, khối trưởng thẩm định và phê duyệt lúc 00:30 21/07/2018." in body
    assert "Kết quả của đơn vị kỳ này đã được xác nhận" in body
    assert "Số liệu được xác nhận:\n- Số hộ thoát nghèo: 80 hộ\n- Vốn huy động từ cộng đồng: 1.234,5 tỷ đồng" in body
    assert "khiếu nại" not in body and "Lý do" not in body


def test_english_is_available():
    review = reviewed("return", reasons={"ho-thoat-ngheo": "Missing list"})
    subject, body = review_message(review, "Cu Jut district", "Poverty", criterion_labels(CRITERIA, "en"), "en")
    assert subject == "[Thi Đua] Review of the Q2 2018 report, campaign “Poverty”: Returned for correction"
    assert "reviewed by the cluster head at 2018-07-21 00:30 and returned for correction." in body
    assert "- Households out of poverty: Missing list" in body
    assert "you may appeal it once to the commendation board" in body
    approved = review_message(reviewed("approve", values={"von-huy-dong": 1234.5}), "X", "Poverty", LABELS, "en")[1]
    assert "1,234.5 tỷ đồng" in approved


def test_an_upheld_return_repeats_the_returned_criteria_and_is_final():
    subject, body = appeal_decision_message(
        decided("upheld", "return", reason="Ý kiến trả lại của cụm trưởng là có cơ sở"), UNIT, CAMPAIGN, LABELS,
        returned={"nha-dai-doan-ket": "Thiếu danh sách nhà đã bàn giao"},
    )
    assert subject == ("[Thi Đua] Kết quả giải quyết khiếu nại báo cáo quý II/2018, phong trào «Đắk Nông chung tay vì "
                       "người nghèo»: Giữ nguyên quyết định – Trả lại để bổ sung")
    assert ("đã được Ban Thi đua – Khen thưởng giải quyết lúc 00:30 21/07/2018: giữ nguyên quyết định trả lại để "
            "bổ sung.") in body
    assert "Lý do: Ý kiến trả lại của cụm trưởng là có cơ sở" in body
    assert "- Nhà đại đoàn kết: Thiếu danh sách nhà đã bàn giao" in body
    assert "Đây là kết quả giải quyết khiếu nại cuối cùng đối với báo cáo này" in body
    assert "có quyền đề nghị xem xét lại" not in body


def test_an_appeal_that_approves_lists_the_verified_values():
    subject, body = appeal_decision_message(
        decided("overturned", "approve", level="chair", reason="Số liệu đã được xác minh tại thực địa",
                values={"ho-thoat-ngheo": 1500}),
        UNIT, CAMPAIGN, LABELS,
    )
    assert subject.endswith(": Sửa đổi quyết định – Phê duyệt")
    assert "đã được Chủ tịch UBND giải quyết lúc 00:30 21/07/2018: sửa đổi quyết định trước đó, phê duyệt báo cáo." in body
    assert "- Số hộ thoát nghèo: 1.500 hộ" in body


def test_a_return_whose_criteria_the_event_does_not_carry_points_to_the_report():
    # overturned from a reject to a return: the appeal event does not carry the new reasons
    _, body = appeal_decision_message(decided("overturned", "return", reason="Chỉ cần bổ sung minh chứng"),
                                      UNIT, CAMPAIGN, LABELS, returned={"ho-thoat-ngheo": "lý do của lần trước"})
    assert "của các tiêu chí được nêu trong báo cáo trên Hệ thống Thi Đua." in body
    assert "lý do của lần trước" not in body


def test_an_upheld_reject():
    subject, body = appeal_decision_message(decided("upheld", "reject", reason="Không có căn cứ điều chỉnh"),
                                            UNIT, CAMPAIGN, LABELS)
    assert subject.endswith(": Giữ nguyên quyết định – Từ chối")
    assert "giữ nguyên quyết định từ chối báo cáo." in body
    assert "Số liệu của báo cáo này không được tính vào kết quả thi đua." in body


def reopened(level: str = "board", approved_level: str = "cluster") -> SubmissionReopened:
    return SubmissionReopened(submission_id="3d6f1c2b", campaign_id="giam-ngheo", unit_id="huyen-cu-jut",
                              period="2018-Q2", level=level, approved_level=approved_level,
                              reason="Phát hiện số liệu hộ thoát nghèo trùng lặp", by="ban-tdkt", at=AT)


def test_a_reopened_approval_tells_the_unit_why_and_what_it_means():
    subject, body = reopen_message(reopened(), UNIT, CAMPAIGN)
    assert subject == "[Thi Đua] Báo cáo quý II/2018, phong trào «Đắk Nông chung tay vì người nghèo» được mở lại để " \
                      "thẩm định lại"
    assert body.startswith("Kính gửi Huyện Cư Jút,")
    assert "đã được cụm trưởng, khối trưởng phê duyệt, vừa được Ban Thi đua – Khen thưởng mở lại lúc 00:30 21/07/2018" in body
    assert "Lý do: Phát hiện số liệu hộ thoát nghèo trùng lặp" in body
    assert "điểm chính thức của kỳ được rút lại" in body and "Mã báo cáo: 3d6f1c2b." in body
    subject_en, body_en = reopen_message(reopened(), UNIT, CAMPAIGN, lang="en")
    assert "was reopened for review" in subject_en and "Lý do" not in body_en and "Reason:" in body_en


# -- which events become deliveries -----------------------------------------------------------
class Deliveries:
    """The part of a collection that NotifyService.apply uses, kept in a dict."""

    def __init__(self):
        self.docs: dict[str, dict] = {}

    async def insert_one(self, doc: dict):
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("E11000 duplicate key")
        self.docs[doc["_id"]] = doc


class Db:
    def __init__(self):
        self.deliveries = Deliveries()


def review_event(time: datetime | None = None):
    event = new_event(type=SUBMISSION_REVIEWED, source="/thidua/intake/reviews", tenant="daknong",
                      data=reviewed("reject", reason="Không khớp số liệu"))
    return event.model_copy(update={"time": time}) if time else event


@pytest.fixture
def service():
    return NotifyService(Db(), {}, publisher=None, settings=None)


def test_a_review_becomes_one_delivery_however_often_it_arrives(service):
    event = review_event()
    for _ in range(3):
        asyncio.run(service.apply(event))
    assert list(service.db.deliveries.docs) == [f"{event.id}:email"]
    assert service.db.deliveries.docs[f"{event.id}:email"]["status"] == "pending"


def test_an_appeal_decision_becomes_a_delivery(service):
    event = new_event(type=APPEAL_DECIDED, source="/thidua/intake/reviews", tenant="daknong",
                      data=decided("upheld", "reject", reason="Không có căn cứ"))
    asyncio.run(service.apply(event))
    assert service.db.deliveries.docs[f"{event.id}:email"]["status"] == "pending"


def test_a_reopened_approval_becomes_a_delivery(service):
    event = new_event(type=SUBMISSION_REOPENED, source="/thidua/intake/reviews", tenant="daknong", data=reopened())
    asyncio.run(service.apply(event))
    asyncio.run(service.apply(event))
    assert list(service.db.deliveries.docs) == [f"{event.id}:email"]
    assert service.db.deliveries.docs[f"{event.id}:email"]["status"] == "pending"


def test_an_old_decision_is_recorded_but_not_sent(service):
    event = review_event(datetime.now(UTC) - timedelta(days=30))
    asyncio.run(service.apply(event))
    delivery = service.db.deliveries.docs[f"{event.id}:email"]
    assert delivery["status"] == "skipped" and delivery["history"][0]["outcome"] == "skipped"


def test_records_notify_ignores_are_not_even_decoded():
    handle, seen = recording_handler()
    wanted = only_handled(handle, NotifyService(None, {}, publisher=None, settings=None).handlers)
    value, headers = encode_event(review_event())
    asyncio.run(wanted(Record(value, headers)))
    asyncio.run(wanted(Record(b"not json at all", [("ce_type", SUBMISSION_RECEIVED.encode())])))
    asyncio.run(wanted(Record(b"{}", [])))  # no header: decoded (and judged) by the handler
    assert seen == [value, b"{}"]
