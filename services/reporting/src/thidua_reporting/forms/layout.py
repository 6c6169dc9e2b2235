"""The three forms' row and column headings as Circular 02/2023/TT-BNV has them (Vietnamese),
and which key of the computation each row and column counts. Data, no I/O."""

from dataclasses import dataclass

CIRCULAR = "Thông tư số 02/2023/TT-BNV ngày 23 tháng 3 năm 2023 của Bộ trưởng Bộ Nội vụ"
RECEIVER = "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"
DUE = "Ngày 15 tháng 12 năm báo cáo"


@dataclass(frozen=True)
class Row:
    code: str | None  # "01"; None for a section heading ("Chia theo …")
    label: str
    key: str | None = None  # what it counts (see compute.py); None: the total
    unit: str = ""  # đơn vị tính (0602/0603)
    indent: int = 0


@dataclass(frozen=True)
class Group:
    """A column group: one column (0601) or a Tập thể / Cá nhân pair (0602, 0603)."""

    key: str
    label: str


@dataclass(frozen=True)
class Form:
    code: str  # "0601.N/BNV-TĐKT"
    slug: str  # "0601"
    title: str
    unit_note: str  # the unit of the cells
    rows: list[Row]
    groups: list[Group]
    paired: bool  # groups split into Tập thể / Cá nhân
    group_heading: str


SCOPE_ROWS = [
    Row("02", "Toàn quốc", "scope:national", indent=1),
    Row("03", "Bộ, ngành, địa phương", "scope:ministry_province", indent=1),
    Row("04", "Cụm, khối thi đua", "scope:cluster", indent=1),
    Row("05", "Cơ quan, tổ chức, đơn vị", "scope:agency", indent=1),
]
DURATION_ROWS = [
    Row("06", "Dưới 1 năm", "duration:lt1", indent=1),
    Row("07", "1 năm", "duration:1", indent=1),
    Row("08", "Từ trên 1 năm đến dưới 3 năm", "duration:1to3", indent=1),
    Row("09", "Từ 3 năm đến dưới 5 năm", "duration:3to5", indent=1),
    Row("10", "Từ 5 năm trở lên", "duration:ge5", indent=1),
]
METHOD_ROWS = [
    Row("11", "Thi đua theo chuyên đề (theo đợt)", "kind:themed", indent=1),
    Row("12", "Thi đua thường xuyên (hàng năm)", "kind:regular", indent=1),
]

FORM_0601 = Form(
    code="0601.N/BNV-TĐKT",
    slug="0601",
    title="SỐ PHONG TRÀO THI ĐUA",
    unit_note="Đơn vị tính: Phong trào",
    rows=[
        Row("01", "Tổng số phong trào thi đua", None),
        Row(None, "Chia theo phạm vi"),
        *SCOPE_ROWS,
        Row(None, "Chia theo thời gian thực hiện"),
        *DURATION_ROWS,
        Row(None, "Chia theo hình thức tổ chức"),
        *METHOD_ROWS,
    ],
    groups=[
        Group("level:central", "Cấp Trung ương"),
        Group("level:ministry_province", "Cấp bộ, ngành, tỉnh"),
        Group("level:agency", "Cơ quan, tổ chức, đơn vị"),
    ],
    paired=False,
    group_heading="Chia theo cấp phát động",
)

AWARD_ROWS = [
    Row("01", "Tổng số", None, "Lượt"),
    Row(None, "Chia theo đối tượng"),
    Row("02", "Tập thể", "recipient:collective", "Tập thể", 1),
    Row("03", "Doanh nghiệp", "recipient:enterprise", "Doanh nghiệp", 1),
    Row("04", "Hộ gia đình", "recipient:household", "Hộ", 1),
    Row("05", "Cá nhân", "recipient:individual", "Người", 1),
    Row(None, "Chia theo loại hình khen thưởng"),
    Row("06", "Khen thưởng thường xuyên", "basis:regular", "Lượt", 1),
    Row("07", "Khen thưởng theo chuyên đề (theo đợt)", "basis:themed", "Lượt", 1),
    Row("08", "Khen thưởng đột xuất", "basis:ad_hoc", "Lượt", 1),
    Row("09", "Khen thưởng đối ngoại", "basis:foreign", "Lượt", 1),
    Row("10", "Khen thưởng quá trình cống hiến", "basis:contribution", "Lượt", 1),
    Row("11", "Khen thưởng theo niên hạn", "basis:long_service", "Lượt", 1),
]

FORM_0602 = Form(
    code="0602.N/BNV-TĐKT",
    slug="0602",
    title="SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC",
    unit_note="Đơn vị tính: Lượt tập thể, lượt người",
    rows=AWARD_ROWS,
    groups=[
        Group("form:medal", "Huân chương, Huy chương"),
        Group("form:honorary_title", "Danh hiệu vinh dự Nhà nước"),
        Group("form:hcm_prize", "Giải thưởng Hồ Chí Minh"),
        Group("form:state_prize", "Giải thưởng Nhà nước"),
        Group("form:government_flag", "Cờ thi đua của Chính phủ"),
        Group("form:pm_certificate", "Bằng khen của Thủ tướng Chính phủ"),
        Group("form:national_fighter", "Chiến sĩ thi đua toàn quốc"),
        Group("form:other", "Hình thức khác"),
    ],
    paired=True,
    group_heading="Chia theo hình thức khen thưởng",
)

FORM_0603 = Form(
    code="0603.N/BNV-TĐKT",
    slug="0603",
    title="SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, TỈNH",
    unit_note="Đơn vị tính: Lượt tập thể, lượt người",
    rows=AWARD_ROWS,
    groups=[
        Group("form:emulation_flag", "Cờ thi đua"),
        Group("form:provincial_fighter", "Chiến sĩ thi đua cấp bộ, ngành, tỉnh"),
        Group("form:excellent_collective", "Tập thể lao động xuất sắc"),
        Group("form:certificate", "Bằng khen"),
        Group("form:other", "Hình thức khác"),
    ],
    paired=True,
    group_heading="Chia theo hình thức khen thưởng",
)

FORMS = {f.slug: f for f in (FORM_0601, FORM_0602, FORM_0603)}
# which award level each award form counts
AWARD_LEVEL = {"0602": "state", "0603": "ministry_province"}
