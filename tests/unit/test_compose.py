"""notify compose.score_message: what a unit reads in its mailbox."""

from datetime import UTC, datetime

from thidua_common.contracts.score import CriterionScore, ScoreComputed
from thidua_notify.compose import score_message

NAMES = {"ho-thoat-ngheo": "Số hộ thoát nghèo", "nha-dai-doan-ket": "Nhà đại đoàn kết"}


def score(total=87.5, max_total=100.0, lines=None) -> ScoreComputed:
    lines = lines or [
        ("ho-thoat-ngheo", 79.1667, 100, 60, 47.5, "79,17/100 × 60 = 47,5 → 47,5 điểm.", "… → 47.5 points."),
        ("nha-dai-doan-ket", 12, 10, 40, 40, "12/10 × 40 = 48, tối đa 40 → 40 điểm.", "… capped at 40 → 40 points."),
    ]
    return ScoreComputed(
        submission_id="s-1",
        campaign_id="pt-giam-ngheo",
        unit_id="huyen-cu-jut",
        period="2018-Q2",
        criteria_version=1,
        total=total,
        max_total=max_total,
        criteria=[
            CriterionScore(criterion_id=c, scorer="ratio_to_target", value=v, target=t, max_points=mp, points=p,
                           formula="min(MS, A/T × MS)", explanation_vi=vi, explanation_en=en)
            for c, v, t, mp, p, vi, en in lines
        ],
        submitted_at=datetime(2018, 7, 1, 2, 0, tzinfo=UTC),
        computed_at=datetime(2018, 7, 1, 17, 5, tzinfo=UTC),  # 00:05 on 2 July in Vietnam
    )


def test_vietnamese_subject_and_body():
    subject, body = score_message(score(), "Huyện Cư Jút", "Chung tay vì người nghèo", NAMES)
    assert subject == "[Thi Đua] Huyện Cư Jút: kết quả quý II/2018 – 87,5/100 điểm"
    assert body.startswith("Kính gửi Huyện Cư Jút,\n\nBáo cáo kết quả quý II/2018 của đơn vị")
    assert "trong phong trào «Chung tay vì người nghèo» đã được chấm điểm (tạm tính) lúc 00:05 02/07/2018." in body
    assert "Tổng điểm: 87,5/100 điểm." in body
    assert "- Số hộ thoát nghèo: 47,5/60 (79,17/100 × 60 = 47,5 → 47,5 điểm.)" in body
    assert "- Nhà đại đoàn kết: 40/40 (12/10 × 40 = 48, tối đa 40 → 40 điểm.)" in body
    assert body.rstrip().endswith("Trân trọng,\nHệ thống Thi Đua")


def test_vietnamese_thousands_separator():
    big = score(
        total=1234.5,
        max_total=2000,
        lines=[("ho-thoat-ngheo", 1, 1, 1000, 1000, "vi", "en"), ("nha-dai-doan-ket", 1, 1, 1000, 234.5, "vi", "en")],
    )
    subject, body = score_message(big, "Sở Y tế", "Phong trào", NAMES)
    assert subject == "[Thi Đua] Sở Y tế: kết quả quý II/2018 – 1.234,5/2.000 điểm"
    assert "Tổng điểm: 1.234,5/2.000 điểm." in body
    assert "- Số hộ thoát nghèo: 1.000/1.000 (vi)" in body
    assert "- Nhà đại đoàn kết: 234,5/1.000 (vi)" in body


def test_english():
    subject, body = score_message(score(total=1234.5, max_total=2000), "Cu Jut district", "Poverty", NAMES, "en")
    assert subject == "[Thi Đua] Cu Jut district: results for Q2 2018 – 1,234.5/2,000 points"
    assert body.startswith("Dear Cu Jut district,")
    assert "(provisional) at 2018-07-02 00:05." in body
    assert "Total: 1,234.5/2,000 points." in body
    assert "- Số hộ thoát nghèo: 47.5/60 (… → 47.5 points.)" in body
    assert "tối đa" not in body


def test_unknown_criterion_name_falls_back_to_its_id():
    _, body = score_message(score(), "Huyện Cư Jút", "Phong trào", {})
    assert "- ho-thoat-ngheo: 47,5/60" in body
