"""issue 13: award papers — a sample decision (Vietnamese letters that fonts-liberation 1.07
lacks: ơ ư ạ ễ ộ) and the checks every generated file must pass (pdfinfo, pdffonts, pdftotext,
pdftoppm for a PNG of page 1)."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

from thidua_common.contracts.award_papers import AwardDecisionIssued

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".local" / "screenshots" / "documents"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def sample_decision(day: date = date(2026, 1, 5)) -> AwardDecisionIssued:
    def person(i, name, position, achievement):
        return {
            "nomination_id": f"dn-2025-{i:04d}",
            "kind": "individual",
            "unit_id": "so-noi-vu",
            "unit_name_vi": "Sở Nội vụ tỉnh Đắk Nông",
            "person_id": f"nv-{i:02d}",
            "person_name": name,
            "position": position,
            "award_kind": "bang-khen-chu-tich",
            "award_name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
            "achievement": achievement,
            "cash_amount": 1_490_000,
        }

    return AwardDecisionIssued.model_validate(
        {
            "decision_id": "qd-2026-ubnd-15",
            "year": day.year,
            "decision": {"number": "15/QĐ-UBND", "date": day.isoformat(), "signer": "Lê Văn Chiến"},
            "decision_number": {"sequence": 15, "number": "15/QĐ-UBND", "date": day.isoformat()},
            "submission_number": {"sequence": 12, "number": "12/TTr-SNV", "date": day.isoformat()},
            "issuing_agency": {"code": "UBND", "name_vi": "ỦY BAN NHÂN DÂN", "parent_vi": "TỈNH ĐẮK NÔNG"},
            "board_agency": {"code": "SNV", "name_vi": "SỞ NỘI VỤ", "parent_vi": "UBND TỈNH ĐẮK NÔNG"},
            "place_vi": "Đắk Nông",
            "signer": {"title_vi": "CHỦ TỊCH", "deputy_title_vi": "PHÓ CHỦ TỊCH", "name": "Lê Văn Chiến"},
            "board_signer": {"title_vi": "GIÁM ĐỐC", "name": "Hồ Thị Lựu"},
            "subject_vi": "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh",
            "awardees": [
                {
                    "nomination_id": "dn-2025-0001",
                    "kind": "collective",
                    "unit_id": "phong-to-chuc",
                    "unit_name_vi": "Phòng Tổ chức cán bộ, Sở Nội vụ",
                    "award_kind": "bang-khen-chu-tich",
                    "award_name_vi": "Bằng khen của Chủ tịch UBND tỉnh",
                    "achievement": "Đã có thành tích xuất sắc trong phong trào thi đua năm 2025",
                    "cash_amount": 2_980_000,
                },
                person(2, "Phạm Thị Thơ", "Trưởng phòng", "Hoàn thành xuất sắc nhiệm vụ năm 2025"),
                person(3, "Nguyễn Văn Hưởng", "Chuyên viên", "Đạt danh hiệu Chiến sĩ thi đua cơ sở hai năm liền"),
            ],
            "issued_by": "can-bo-ban",
        }
    )


def tool(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def page_size(pdf: Path) -> tuple[float, float]:
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", tool("pdfinfo", str(pdf)))
    assert match, "pdfinfo printed no page size"
    return float(match[1]), float(match[2])


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(name without subset prefix, embedded) of every font pdffonts lists."""
    lines = tool("pdffonts", str(pdf)).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()  # name type [type] encoding emb sub uni object ID
        found.append((parts[0].split("+")[-1], parts[-5] == "yes"))
    return found


def screenshot(pdf: Path, name: str, tmp_path: Path) -> Path:
    """A PNG of page 1, into the tests' temp folder and .local/screenshots/documents/."""
    target = tmp_path / name
    tool("pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(target))
    png = target.with_suffix(".png")
    assert png.exists() and png.stat().st_size > 1000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOTS / png.name)
    return png
