"""The words of the award papers, free of I/O: dates as Decree 30 writes them, money, the
header, the decision's articles and the annex rows. Everything returned is NFC."""

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from thidua_common.contracts.award_papers import AwardDecisionIssued, Awardee

from ..documents import dates

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# the legal bases of every award decision (Law 06/2022/QH15 and Decree 98/2023/NĐ-CP)
BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
    "thi hành một số điều của Luật Thi đua, khen thưởng;",
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def vn_date(d: date) -> str:
    """ "ngày 05 tháng 01 năm 2026" (the documents toolkit's rule)."""
    return dates.vn_date(d)


def place_date(place: str, d: date) -> str:
    return nfc(f"{place}, {vn_date(d)}")


def money(amount: int) -> str:
    """1.500.000 đồng: dots between thousands, as Vietnamese writes numbers."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def in_sentence(name: str) -> str:
    """An agency's name written in capitals for the header ("SỞ NỘI VỤ"), as a sentence writes it
    ("Sở nội vụ"); a name configured in mixed case is kept as it is."""
    return name[:1] + name[1:].lower() if name.isupper() else name


def position_and_unit(a: Awardee) -> str:
    if a.kind == "collective":
        return ""
    return nfc(", ".join(p for p in (a.position, a.unit_name_vi) if p))


@dataclass(frozen=True)
class Header:
    left: list[str]  # parent agency (upper), issuing agency (upper, bold)
    number: str  # "Số: 15/QĐ-UBND"
    place_date: str


def header(d: AwardDecisionIssued, submission: bool) -> Header:
    agency = d.board_agency if submission else d.issuing_agency
    paper = d.submission_number if submission else d.decision_number
    left = [x for x in (agency.parent_vi.upper(), agency.name_vi.upper()) if x]
    return Header([nfc(x) for x in left], nfc(f"Số: {paper.number}"), place_date(d.place_vi, paper.date))


def collectives(d: AwardDecisionIssued) -> list[Awardee]:
    return [a for a in d.awardees if a.kind == "collective"]


def individuals(d: AwardDecisionIssued) -> list[Awardee]:
    return [a for a in d.awardees if a.kind == "individual"]


ANNEX_COLUMNS = ["STT", "Họ tên / Tên tập thể", "Chức vụ, đơn vị", "Hình thức", "Tóm tắt thành tích", "Ghi chú"]


def annex_sections(d: AwardDecisionIssued) -> list[tuple[str, list[list[str]]]]:
    """I. Tập thể, II. Cá nhân (a section only when it has someone), rows numbered from 1 in each."""
    sections = []
    for title, people in (("I. TẬP THỂ", collectives(d)), ("II. CÁ NHÂN", individuals(d))):
        if not people:
            continue
        rows = [
            [str(i), nfc(a.display_name), position_and_unit(a), nfc(a.award_name_vi), nfc(a.achievement), ""]
            for i, a in enumerate(people, 1)
        ]
        sections.append((title, rows))
    return sections


def decision_articles(d: AwardDecisionIssued) -> dict[str, Any]:
    """The quyết định's body: bases, the board's proposal, Điều 1–3."""
    number, day = d.decision_number.number, d.decision_number.date
    counts = []
    if collectives(d):
        counts.append(f"{len(collectives(d))} tập thể")
    if individuals(d):
        counts.append(f"{len(individuals(d))} cá nhân")
    forms = ", ".join(dict.fromkeys(a.award_name_vi for a in d.awardees))
    cash = [a.cash_amount for a in d.awardees if a.cash_amount]
    proposal = (
        f"Theo đề nghị của {in_sentence(d.board_agency.name_vi)}"
        f" tại Tờ trình số {d.submission_number.number} {vn_date(d.submission_number.date)}."
    )
    article2 = (
        "Điều 2. Kèm theo mức tiền thưởng theo quy định "
        f"(tổng cộng {money(sum(cash))}), chi từ Quỹ thi đua, khen thưởng."
        if cash
        else "Điều 2. Khen thưởng không kèm theo tiền thưởng."
    )
    return {
        "title": "QUYẾT ĐỊNH",
        "subject": nfc(d.subject_vi),
        "authority": nfc(
            f"{d.signer.title_vi} {d.issuing_agency.name_vi} {d.issuing_agency.parent_vi}".strip().upper()
        ),
        "bases": [nfc(b) for b in BASES] + [nfc(proposal)],
        "decides": "QUYẾT ĐỊNH:",
        "articles": [
            nfc(f"Điều 1. Tặng {forms} cho {' và '.join(counts)} (có danh sách kèm theo), đã có thành tích xuất sắc."),
            nfc(article2),
            nfc(
                f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, "
                f"Thủ trưởng {in_sentence(d.board_agency.name_vi)}"
                " và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."
            ),
        ],
        "annex_title": "DANH SÁCH KHEN THƯỞNG",
        "annex_ref": nfc(f"(Kèm theo Quyết định số {number} {vn_date(day)})"),
    }


def submission_body(d: AwardDecisionIssued) -> dict[str, Any]:
    """The tờ trình: to the issuing agency, the proposal and the list it asks to decide."""
    forms = ", ".join(dict.fromkeys(a.award_name_vi for a in d.awardees))
    return {
        "title": "TỜ TRÌNH",
        "subject": nfc(d.subject_vi.replace("Về việc tặng", "Về việc đề nghị tặng", 1)),
        "to": nfc(f"Kính gửi: {d.issuing_agency.name_vi} {d.issuing_agency.parent_vi}".strip()),
        "paragraphs": [
            nfc(
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022 và Nghị định số 98/2023/NĐ-CP "
                "ngày 31 tháng 12 năm 2023 của Chính phủ;"
            ),
            nfc(
                f"Trên cơ sở kết quả xét của Hội đồng Thi đua - Khen thưởng, {in_sentence(d.board_agency.name_vi)} "
                f"kính trình {in_sentence(d.issuing_agency.name_vi)} xem xét, quyết định tặng {forms} cho "
                f"{len(collectives(d))} tập thể và {len(individuals(d))} cá nhân có thành tích xuất sắc "
                "(có danh sách kèm theo)."
            ),
            nfc("Kính trình xem xét, quyết định./."),
        ],
    }
