"""Default commendation configuration of the demo tenant: public holidays, award kinds with
their chain of stages and service times, thresholds and rules. All of it is tenant data (Law
06/2022/QH15, Decree 98/2023, Decree 152/2025 and the province's own regulation): the board
changes it through PUT /api/v1/config/commendation.

Service times follow the 15 working days observed for provincial certificates: 0.5 intake, 9
vetting, 5 signing and 0.5 to return the result (counted here in the signing stage, halves round
up); the disclosure window is 10 working days; the council needs 80% (90% for the flag)."""

from datetime import date, timedelta


def _named(first: date, last: date, name: str) -> list[dict[str, str]]:
    """Every day from first to last (weekend days inside a break included), each with its name."""
    return [{"date": (first + timedelta(days=i)).isoformat(), "name": name} for i in range((last - first).days + 1)]


def _day(day: date, name: str) -> dict[str, str]:
    return {"date": day.isoformat(), "name": name}


# Vietnam's public holidays (Labour Code 2019, art. 112) as the government set each year's days off:
# Tết Dương lịch, Tết Nguyên đán, Giỗ Tổ Hùng Vương (10/3 âm lịch), Ngày Chiến thắng 30/4, Quốc tế
# Lao động 1/5, Quốc khánh 2/9 and the day next to it; a day falling on a weekend is made up after.
HOLIDAYS = [
    # 2024
    _day(date(2024, 1, 1), "Tết Dương lịch"),
    *_named(date(2024, 2, 8), date(2024, 2, 14), "Tết Nguyên đán Giáp Thìn"),
    _day(date(2024, 4, 18), "Giỗ Tổ Hùng Vương"),
    *_named(date(2024, 4, 27), date(2024, 4, 29), "Nghỉ hoán đổi dịp 30/4 – 1/5"),
    _day(date(2024, 4, 30), "Ngày Chiến thắng (30/4)"),
    _day(date(2024, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
    *_named(date(2024, 8, 31), date(2024, 9, 1), "Nghỉ dịp Quốc khánh"),
    _day(date(2024, 9, 2), "Quốc khánh"),
    _day(date(2024, 9, 3), "Quốc khánh (ngày nghỉ liền kề)"),
    # 2025
    _day(date(2025, 1, 1), "Tết Dương lịch"),
    *_named(date(2025, 1, 25), date(2025, 2, 2), "Tết Nguyên đán Ất Tỵ"),
    _day(date(2025, 4, 7), "Giỗ Tổ Hùng Vương"),
    _day(date(2025, 4, 30), "Ngày Chiến thắng (30/4)"),
    _day(date(2025, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
    *_named(date(2025, 5, 2), date(2025, 5, 4), "Nghỉ hoán đổi dịp 30/4 – 1/5"),
    *_named(date(2025, 8, 30), date(2025, 8, 31), "Nghỉ dịp Quốc khánh"),
    _day(date(2025, 9, 1), "Quốc khánh (ngày nghỉ liền kề)"),
    _day(date(2025, 9, 2), "Quốc khánh"),
    # 2026
    _day(date(2026, 1, 1), "Tết Dương lịch"),
    *_named(date(2026, 2, 14), date(2026, 2, 22), "Tết Nguyên đán Bính Ngọ"),
    _day(date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)"),
    _day(date(2026, 4, 30), "Ngày Chiến thắng (30/4)"),
    _day(date(2026, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
    _day(date(2026, 9, 1), "Quốc khánh (ngày nghỉ liền kề)"),
    _day(date(2026, 9, 2), "Quốc khánh"),
]

LDTT = "lao-dong-tien-tien"
CSTDCS = "chien-si-thi-dua-co-so"
TTLDXS = "tap-the-lao-dong-xuat-sac"


def _stage(sid, name_vi, role, days, kind):
    return {"id": sid, "name_vi": name_vi, "role": role, "service_days": days, "kind": kind}


# the provincial chain (Bằng khen, Cờ thi đua): 0.5 + 9 + disclosure + council + 5 (+ 0.5 return)
PROVINCIAL_CHAIN = [
    _stage("tiep-nhan", "Tiếp nhận hồ sơ", "board_officer", 0.5, "review"),
    _stage("tham-dinh", "Ban Thi đua – Khen thưởng thẩm định", "board_officer", 9, "review"),
    _stage("cong-khai", "Công khai lấy ý kiến", "board_officer", 10, "disclosure"),
    _stage("hoi-dong", "Hội đồng Thi đua – Khen thưởng xét, bỏ phiếu", "council_member", 2, "vote"),
    _stage("ky-quyet-dinh", "Chủ tịch UBND tỉnh ký quyết định và trả kết quả", "chairperson", 5.5, "decision"),
]
# titles decided within the unit's own level: vetting and the head's decision
BASE_CHAIN = [
    _stage("tham-dinh", "Thẩm định hồ sơ", "board_officer", 5, "review"),
    _stage("hoi-dong", "Hội đồng Thi đua – Khen thưởng cơ sở bỏ phiếu", "council_member", 2, "vote"),
    _stage("quyet-dinh", "Thủ trưởng quyết định", "chairperson", 3, "decision"),
]
FREEZE = {"kind": "freeze_on", "flags": ["discipline", "inspection", "complaint"]}
NO_DOUBLE = {"kind": "no_double_award"}


def commendation_config() -> dict:
    return {
        "holidays": HOLIDAYS,
        "escalate_to": ["board_officer", "chairperson"],
        "council_members": 3,  # issue 11: ballots — the demo realm's three council members
        "reason": "Cấu hình mặc định theo Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP",
        "award_kinds": [
            {
                "id": LDTT,
                "name_vi": "Lao động tiên tiến",
                "nominee_kind": "individual",
                "chain": [
                    _stage("tham-dinh", "Thẩm định hồ sơ", "board_officer", 5, "review"),
                    _stage("quyet-dinh", "Thủ trưởng quyết định", "chairperson", 3, "decision"),
                ],
                "disclosure_days": 0,
                "vote_threshold": 0.5,
                "rules": [FREEZE, NO_DOUBLE],
            },
            {
                "id": CSTDCS,
                "name_vi": "Chiến sĩ thi đua cơ sở",
                "nominee_kind": "individual",
                "chain": BASE_CHAIN,
                "disclosure_days": 0,
                "vote_threshold": 0.8,
                "rules": [
                    {"kind": "prerequisite", "requires_award_kind": LDTT, "consecutive_years": 1},
                    {"kind": "quota", "of_award_kind": LDTT, "max_share": 0.15},
                    FREEZE,
                    NO_DOUBLE,
                ],
            },
            {
                "id": TTLDXS,
                "name_vi": "Tập thể lao động xuất sắc",
                "nominee_kind": "collective",
                "chain": BASE_CHAIN,
                "disclosure_days": 0,
                "vote_threshold": 0.8,
                "rules": [FREEZE, NO_DOUBLE],
            },
            {
                "id": "bang-khen-chu-tich-tinh",
                "name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
                "nominee_kind": "individual",
                "chain": PROVINCIAL_CHAIN,
                "disclosure_days": 10,
                "vote_threshold": 0.8,
                "rules": [
                    {"kind": "prerequisite", "requires_award_kind": LDTT, "consecutive_years": 2},
                    FREEZE,
                    NO_DOUBLE,
                ],
            },
            {
                "id": "bang-khen-chu-tich-tinh-tap-the",
                "name_vi": "Bằng khen của Chủ tịch UBND tỉnh (tập thể)",
                "nominee_kind": "collective",
                "chain": PROVINCIAL_CHAIN,
                "disclosure_days": 10,
                "vote_threshold": 0.8,
                "rules": [
                    {"kind": "prerequisite", "requires_award_kind": TTLDXS, "consecutive_years": 2},
                    FREEZE,
                    NO_DOUBLE,
                ],
            },
            {
                "id": "co-thi-dua-ubnd-tinh",
                "name_vi": "Cờ thi đua của UBND tỉnh",
                "nominee_kind": "collective",
                "chain": PROVINCIAL_CHAIN,
                "disclosure_days": 10,
                "vote_threshold": 0.9,
                "rules": [
                    {"kind": "prerequisite", "requires_award_kind": TTLDXS, "consecutive_years": 1},
                    FREEZE,
                    NO_DOUBLE,
                ],
            },
        ],
    }
