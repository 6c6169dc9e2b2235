"""notify compose: the escalation of an overdue nomination and the award notice, in Vietnamese."""

from datetime import date

from thidua_common.contracts.nomination import AwardDecided, Decision, NominationOverdue, Nominee
from thidua_notify.compose import award_message, overdue_message

NHUNG = Nominee(kind="individual", unit_id="so-noi-vu", person_name="Nguyễn Thị Hồng Nhung", position="Chuyên viên")


def test_overdue_escalation_names_nominee_award_stage_and_days():
    alert = NominationOverdue(nomination_id="dn-1", award_name_vi="Bằng khen của Chủ tịch UBND tỉnh", nominee=NHUNG,
                              stage="tham-dinh", due_on=date(2026, 3, 13), overdue_working_days=3,
                              escalate_to=["board_officer"])
    subject, body = overdue_message(alert, "Sở Nội vụ")
    assert "quá hạn 3 ngày làm việc" in subject and "Nguyễn Thị Hồng Nhung" in subject
    assert "Bằng khen của Chủ tịch UBND tỉnh" in body
    assert "thẩm định hồ sơ" in body and "13/03/2026" in body and "Sở Nội vụ" in body


def test_unknown_stage_ids_are_shown_as_they_are():
    alert = NominationOverdue(nomination_id="dn-1", award_name_vi="Giấy khen", nominee=NHUNG, stage="buoc-rieng",
                              due_on=date(2026, 3, 13), overdue_working_days=1, escalate_to=[])
    assert "«buoc-rieng»" in overdue_message(alert)[1]


def test_award_notice():
    award = AwardDecided(nomination_id="dn-1", award_kind="bang-khen", award_name_vi="Bằng khen của Chủ tịch UBND tỉnh",
                         nominee=Nominee(kind="collective", unit_id="so-noi-vu"), year=2025, basis="regular",
                         decision=Decision(number="123/QĐ-UBND", date=date(2026, 1, 15), signer="Chủ tịch UBND tỉnh"))
    subject, body = award_message(award, "Sở Nội vụ")
    assert "123/QĐ-UBND" in subject
    assert "15/01/2026" in body and "tập thể Sở Nội vụ" in body and "năm 2025" in body
