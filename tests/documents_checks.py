"""Checks on generated documents (issue 13, "Must show"), shared by every document kind's tests:
A4 page size (pdfinfo), only Liberation Serif embedded and no fallback font (pdffonts), the quốc
hiệu on one line and the document number (pdftotext -layout), margins and fonts read back by
python-docx, and a PNG of page 1 (pdftoppm) saved into tmp_path and .local/screenshots/documents/."""

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from docx import Document
from docx.shared import Mm

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".local" / "screenshots" / "documents"
POPPLER = ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm")


def tools_missing() -> list[str]:
    return [tool for tool in (*POPPLER, "soffice") if shutil.which(tool) is None]


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def _file(pdf: bytes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def assert_a4(pdf: bytes, tmp_path: Path, name: str = "doc") -> int:
    """Page size 595 x 842 pts (A4) on every page; the page count."""
    info = _run("pdfinfo", str(_file(pdf, tmp_path, name)))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842), info
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def pdf_fonts(pdf: bytes, tmp_path: Path, name: str = "doc") -> list[tuple[str, bool]]:
    """(font name without the subset prefix, embedded) per font of the PDF."""
    lines = _run("pdffonts", str(_file(pdf, tmp_path, name))).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID: emb is the 5th field from the end
        fonts.append((parts[0].split("+")[-1], parts[-5] == "yes"))
    return fonts


def assert_only_liberation_serif(pdf: bytes, tmp_path: Path, name: str = "doc") -> None:
    fonts = pdf_fonts(pdf, tmp_path, name)
    assert fonts, "no font in the PDF"
    for font, embedded in fonts:
        assert "DejaVu" not in font, fonts
        assert font.startswith("LiberationSerif"), fonts  # anything else is a fallback
        assert embedded, fonts


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    return unicodedata.normalize("NFC", _run("pdftotext", "-layout", str(_file(pdf, tmp_path, name)), "-"))


def assert_header(text: str, number: str) -> None:
    """The quốc hiệu whole on one line (not wrapped), the tiêu ngữ, and "Số: <number>"."""
    assert any(QUOC_HIEU in line for line in text.splitlines()), text[:800]
    assert TIEU_NGU in text, text[:800]
    # a draft may leave the serial blank for the register ("Số:      /BC"): spaces collapse in the PDF
    assert re.search(rf"Số:\s*{re.escape(number.strip())}", text), text[:800]


def assert_docx_layout(docx: bytes) -> None:
    """Decree 30 margins and A4 read back by python-docx; every run's font is Liberation Serif."""
    doc = Document(io.BytesIO(docx))
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
        assert Mm(20) - Mm(0.2) <= section.top_margin <= Mm(25) + Mm(0.2), section.top_margin.mm
        assert Mm(20) - Mm(0.2) <= section.bottom_margin <= Mm(25) + Mm(0.2), section.bottom_margin.mm
        assert Mm(30) - Mm(0.2) <= section.left_margin <= Mm(35) + Mm(0.2), section.left_margin.mm
        assert Mm(15) - Mm(0.2) <= section.right_margin <= Mm(20) + Mm(0.2), section.right_margin.mm
    assert doc.styles["Normal"].font.name == "Liberation Serif"
    runs = [run for p in doc.paragraphs for run in p.runs]
    runs += [run for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for run in p.runs]
    assert runs
    for run in runs:
        assert run.font.name in (None, "Liberation Serif"), run.font.name  # None: the style's (checked above)
        assert run.text == unicodedata.normalize("NFC", run.text)


def docx_text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def save_first_page(pdf: bytes, tmp_path: Path, kind: str) -> Path:
    """PNG of page 1 at 60 dpi into tmp_path and .local/screenshots/documents/ (git-ignored)."""
    source = _file(pdf, tmp_path, f"{kind}-page1")
    _run("pdftoppm", "-png", "-r", "60", "-singlefile", str(source), str(tmp_path / kind))
    png = tmp_path / f"{kind}.png"
    assert png.stat().st_size > 1000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SCREENSHOTS / f"{kind}.png")
    return png
