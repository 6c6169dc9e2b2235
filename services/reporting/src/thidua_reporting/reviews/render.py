"""The review reports as DOCX (the documents toolkit's Decree 30 layout): the board's báo cáo sơ kết
/ tổng kết (sections I–VII, annexes) and a unit's report of its own results. The narrative sections
are the board's text (NARRATIVE); where the board wrote nothing yet, the draft says what to write,
or states what the data says (the situation)."""

from dataclasses import dataclass
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH

from thidua_common.contracts.period import period_bounds
from thidua_common.i18n import format_number, format_period

from ..documents import layout
from ..documents.dates import vn_date
from ..documents.layout import Letterhead
from .assemble import ReviewFigures, TargetLine, UnitFigures

# the sections the board writes (PUT …/narrative), in the order of the report
NARRATIVE = ("situation", "leadership", "assessment", "lessons", "orientation", "proposals")
PROMPTS = {
    "leadership": "[Dự thảo — Ban Thi đua - Khen thưởng bổ sung: các văn bản chỉ đạo, hướng dẫn; công tác tuyên "
    "truyền; việc đăng ký, ký kết giao ước thi đua; công tác kiểm tra, đôn đốc.]",
    "assessment": "[Dự thảo — bổ sung: 1. Ưu điểm; 2. Hạn chế, tồn tại; 3. Nguyên nhân (khách quan, chủ quan).]",
    "lessons": "[Dự thảo — bổ sung các bài học kinh nghiệm rút ra trong tổ chức phong trào.]",
    "orientation": "[Dự thảo — bổ sung phương hướng, nhiệm vụ trọng tâm của giai đoạn tiếp theo.]",
    "proposals": "[Dự thảo — bổ sung các đề xuất, kiến nghị với cấp trên.]",
}
KIND_TITLE = {"interim": "Sơ kết", "final": "Tổng kết"}


@dataclass(frozen=True)
class Agency:
    parent: str  # "UBND TỈNH ĐẮK NÔNG"
    name: str  # "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
    abbreviation: str  # "HĐTĐKT": the number reads "15/BC-HĐTĐKT"
    place: str  # "Đắk Nông"
    signer_office: str = "TM. HỘI ĐỒNG\nCHỦ TỊCH"


def num(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else format_number(value, decimals, "vi")


def periods_text(periods: tuple[str, ...]) -> str:
    if not periods:
        return "chưa có kỳ báo cáo nào kết thúc"
    return ", ".join(format_period(p, "vi") for p in periods)


def situation_text(figures: ReviewFigures, launched_by: str, start: date, end: date) -> str:
    review = figures.review
    return (
        f"Phong trào thi đua «{figures.campaign_name}» do {launched_by} phát động, thực hiện từ "
        f"{vn_date(start)} đến {vn_date(end)}, với {figures.participants} đơn vị tham gia thuộc "
        f"{len(figures.clusters)} cụm, khối thi đua. Báo cáo {KIND_TITLE[review.kind].lower()} này tổng hợp "
        f"kết quả các kỳ báo cáo: {periods_text(review.periods)}; {figures.units_reported}/{figures.participants} "
        f"đơn vị đã báo cáo kết quả."
    )


def note(line: TargetLine) -> str:
    parts = []
    if line.achieved is not None:
        parts.append("Đạt kế hoạch" if line.achieved else "Chưa đạt kế hoạch")
    if line.change is not None:
        word = "tăng" if line.change >= 0 else "giảm"
        parts.append(f"{word} {num(abs(line.change), 1)}% so với kỳ trước")
    if line.provisional:
        parts.append("có số liệu tạm tính")
    return "; ".join(parts)


def target_rows(lines: list[TargetLine]) -> list[list[str]]:
    return [
        [
            str(i),
            f"{line.name}{f' ({line.unit_of_measure})' if line.unit_of_measure else ''}",
            num(line.plan),
            num(line.actual),
            num(line.pct, 1),
            note(line),
        ]
        for i, line in enumerate(lines, 1)
    ]


TARGET_HEADERS = ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "%", "Ghi chú"]
TARGET_WIDTHS = [14, 50, 22, 22, 15, 42]


def results_sentences(lines: list[TargetLine]) -> str:
    out = []
    for line in lines:
        text = f"- {line.name}: thực hiện {num(line.actual)}"
        if line.unit_of_measure:
            text += f" {line.unit_of_measure}"
        text += f" / kế hoạch {num(line.plan)}"
        if line.pct is not None:
            text += f", đạt {num(line.pct, 1)}%"
        if line.previous_actual is not None:
            text += f"; kỳ trước thực hiện {num(line.previous_actual)}"
            if line.change is not None:
                text += f" ({'tăng' if line.change >= 0 else 'giảm'} {num(abs(line.change), 1)}%)"
        out.append(text + ".")
    return "\n".join(out) or "Chưa có số liệu."


def _narrative(doc, narrative: dict[str, str], key: str, fallback: str) -> None:
    layout.paragraph(doc, (narrative.get(key) or "").strip() or fallback)


def board_report(
    figures: ReviewFigures,
    agency: Agency,
    number: str,
    narrative: dict[str, str],
    launched_by: str,
    start: date,
    end: date,
    issued_on: date | None = None,
) -> bytes:
    review = figures.review
    doc = layout.new_document()
    layout.add_letterhead(doc, Letterhead(agency.parent, agency.name, number, agency.place, issued_on))
    layout.title(doc, "BÁO CÁO", f"{KIND_TITLE[review.kind]} phong trào thi đua «{figures.campaign_name}»")
    layout.paragraph(doc, "(DỰ THẢO)", italic=True, indent=False).alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.heading(doc, "I. ĐẶC ĐIỂM TÌNH HÌNH")
    _narrative(doc, narrative, "situation", situation_text(figures, launched_by, start, end))
    layout.heading(doc, "II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TRIỂN KHAI")
    _narrative(doc, narrative, "leadership", PROMPTS["leadership"])
    layout.heading(doc, "III. KẾT QUẢ THỰC HIỆN")
    layout.paragraph(doc, "1. Kết quả thực hiện các chỉ tiêu (so với kế hoạch và kỳ trước)", bold=True, indent=False)
    layout.paragraph(doc, results_sentences(figures.targets))
    layout.paragraph(doc, "2. Mô hình, điển hình tiên tiến", bold=True, indent=False)
    if figures.exemplars:
        layout.paragraph(
            doc,
            "\n".join(f"- {u.name}: dẫn đầu {u.cluster_name} với {num(u.score)} điểm." for u in figures.exemplars),
        )
    else:
        layout.paragraph(doc, "Chưa có đơn vị nào có kết quả được chấm điểm trong kỳ.")
    layout.paragraph(doc, "3. Công tác khen thưởng", bold=True, indent=False)
    collective = sum(1 for a in figures.awards if a.nominee_kind == "collective")
    individual = len(figures.awards) - collective
    layout.paragraph(
        doc,
        f"Đến {vn_date(review.review_date)}, đã khen thưởng {collective} tập thể và {individual} cá nhân "
        "có thành tích trong phong trào."
        + "".join(
            f"\n- {a.nominee}: {a.award_name} (Quyết định số {a.decision_number} {vn_date(a.decision_date)})."
            for a in figures.awards
        ),
    )
    layout.heading(doc, "IV. ĐÁNH GIÁ CHUNG")
    _narrative(doc, narrative, "assessment", PROMPTS["assessment"])
    layout.heading(doc, "V. BÀI HỌC KINH NGHIỆM")
    _narrative(doc, narrative, "lessons", PROMPTS["lessons"])
    layout.heading(doc, "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ")
    _narrative(doc, narrative, "orientation", PROMPTS["orientation"])
    layout.heading(doc, "VII. ĐỀ XUẤT, KIẾN NGHỊ")
    _narrative(doc, narrative, "proposals", PROMPTS["proposals"])
    layout.signature(doc, ["Thường trực Hội đồng TĐKT", "Các đơn vị tham gia", "Lưu: VT"], agency.signer_office)

    doc.add_page_break()
    layout.title(doc, "PHỤ LỤC 1", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    layout.table(doc, TARGET_HEADERS, target_rows(figures.targets), TARGET_WIDTHS, numeric=(2, 3, 4))
    layout.title(doc, "PHỤ LỤC 2", "XẾP HẠNG THEO CỤM, KHỐI THI ĐUA")
    for cluster, rows in figures.clusters:
        layout.paragraph(doc, cluster, bold=True, indent=False)
        layout.table(
            doc,
            ["Hạng", "Đơn vị", "Điểm", "Số kỳ đã báo cáo"],
            [[str(r.cluster_rank), r.name, num(r.score), f"{r.periods_reported}/{len(review.periods)}"] for r in rows],
            [18, 85, 30, 32],
            numeric=(0, 2, 3),
        )
    layout.title(doc, "PHỤ LỤC 3", "TÍNH KỊP THỜI CỦA BÁO CÁO")
    layout.table(
        doc,
        ["STT", "Đơn vị", "Phải báo cáo", "Đúng hạn", "Trễ hạn", "Chưa báo cáo"],
        [
            [str(i), t.name, str(t.due), str(t.on_time), str(t.late), str(t.missing)]
            for i, t in enumerate(figures.timeliness, 1)
        ],
        [14, 63, 22, 22, 22, 22],
        numeric=(0, 2, 3, 4, 5),
    )
    return layout.to_bytes(doc)


def unit_report(
    unit: UnitFigures, agency: Agency, narrative: dict[str, str] | None = None, issued_on: date | None = None
) -> bytes:
    """A unit's own report for the review: its results per target, its place in its cluster, its
    timeliness and awards; the number is left for the unit's own register."""
    review = unit.board.review
    narrative = narrative or {}
    doc = layout.new_document()
    layout.add_letterhead(doc, Letterhead(agency.parent, unit.unit_name, "      /BC", agency.place, issued_on))
    layout.title(
        doc, "BÁO CÁO", f"Kết quả {KIND_TITLE[review.kind].lower()} phong trào thi đua «{unit.board.campaign_name}»"
    )
    layout.paragraph(doc, "(DỰ THẢO)", italic=True, indent=False).alignment = WD_ALIGN_PARAGRAPH.CENTER
    last_day = max((period_bounds(p)[1] for p in review.periods), default=review.review_date)
    layout.paragraph(
        doc,
        f"Kính gửi: {agency.name}.",
        indent=False,
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.heading(doc, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    layout.paragraph(
        doc,
        f"Các kỳ báo cáo đến {vn_date(last_day)}: {periods_text(review.periods)}.\n" + results_sentences(unit.targets),
    )
    layout.table(doc, TARGET_HEADERS, target_rows(unit.targets), TARGET_WIDTHS, numeric=(2, 3, 4))
    layout.heading(doc, "II. XẾP HẠNG VÀ TÍNH KỊP THỜI")
    lines = []
    if unit.standing:
        s = unit.standing
        lines.append(f"Điểm thi đua: {num(s.score)}; xếp hạng {s.cluster_rank} trong {s.cluster_name}.")
    if unit.timeliness:
        t = unit.timeliness
        lines.append(
            f"Báo cáo: phải báo cáo {t.due} kỳ; đúng hạn {t.on_time}; trễ hạn {t.late}; chưa báo cáo {t.missing}."
        )
    layout.paragraph(doc, "\n".join(lines) or "Chưa có số liệu.")
    layout.heading(doc, "III. KHEN THƯỞNG")
    layout.paragraph(
        doc,
        "\n".join(f"- {a.nominee}: {a.award_name} (Quyết định số {a.decision_number})." for a in unit.awards)
        or "Chưa có quyết định khen thưởng trong kỳ.",
    )
    layout.heading(doc, "IV. ĐÁNH GIÁ, ĐỀ XUẤT")
    layout.paragraph(
        doc, (narrative.get("assessment") or "").strip() or "[Dự thảo — đơn vị bổ sung đánh giá và đề xuất.]"
    )
    layout.signature(doc, [agency.name, "Lưu: VT"], "THỦ TRƯỞNG ĐƠN VỊ")
    return layout.to_bytes(doc)
