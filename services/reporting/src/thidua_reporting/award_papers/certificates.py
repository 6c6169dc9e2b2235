"""Certificates (bằng khen, giấy khen) on pre-printed blanks: only the variable fields, each at
its calibrated box, one page per awardee; and the test page (a millimetre grid with each field's
box) that the board prints on plain paper and lays over a blank to calibrate.

reportlab writes the PDF directly: a blank needs text at exact millimetre positions, which a
word processor's flow layout (DOCX through LibreOffice) cannot promise. The font is loaded by path
from fonts-liberation2 (full Vietnamese coverage), never by family name: the Debian
fonts-liberation 1.07 is installed too and lacks ơ, ư and the tone-marked letters."""

import io
from collections.abc import Iterable
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from thidua_common.contracts.award_papers import AwardDecisionIssued, Awardee

from . import texts
from .calibration import Calibration, FieldBox

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FACES = {
    (False, False): ("LiberationSerif", "LiberationSerif-Regular.ttf"),
    (True, False): ("LiberationSerif-Bold", "LiberationSerif-Bold.ttf"),
    (False, True): ("LiberationSerif-Italic", "LiberationSerif-Italic.ttf"),
    (True, True): ("LiberationSerif-BoldItalic", "LiberationSerif-BoldItalic.ttf"),
}


def _face(bold: bool, italic: bool) -> str:
    name, file = FACES[(bold, italic)]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    return name


def _canvas(out: io.BytesIO, cal: Calibration) -> canvas.Canvas:
    # the initial font too: reportlab would otherwise reference Helvetica (not embedded)
    return canvas.Canvas(
        out, pagesize=(cal.width_mm * mm, cal.height_mm * mm), pageCompression=1, initialFontName=_face(False, False)
    )


def fields_of(d: AwardDecisionIssued, a: Awardee) -> dict[str, str]:
    """What each field prints for this awardee."""
    number = d.decision_number
    return {
        "recipient": texts.nfc(a.display_name),
        "position_unit": texts.position_and_unit(a) or texts.nfc(a.unit_name_vi if a.kind == "individual" else ""),
        "achievement": texts.nfc(a.achievement[:160]),
        "decision": texts.nfc(f"Quyết định số {number.number}, {texts.vn_date(number.date)}"),
        "place_date": texts.place_date(d.place_vi, number.date),
        "signer_title": texts.nfc(" / ".join(d.signer.lines)),
        "signer_name": texts.nfc(d.signer.name),
    }


def _draw(c: canvas.Canvas, box: FieldBox, height_mm: float, text: str) -> None:
    if not text:
        return
    face = _face(box.bold, box.italic)
    size = box.font_pt
    # shrink a text wider than its box rather than let it run off the blank's frame
    while size > 6 and pdfmetrics.stringWidth(text, face, size) > box.width_mm * mm:
        size -= 0.5
    c.setFont(face, size)
    baseline = (height_mm - box.y_mm) * mm - size * 0.8  # the box's top is y; the letters hang below it
    if box.align == "left":
        c.drawString(box.x_mm * mm, baseline, text)
    else:
        c.drawCentredString((box.x_mm + box.width_mm / 2) * mm, baseline, text)


def certificates_pdf(d: AwardDecisionIssued, awardees: Iterable[Awardee], cal: Calibration) -> bytes:
    out = io.BytesIO()
    c = _canvas(out, cal)
    c.setTitle(texts.nfc(f"Bằng khen — Quyết định {d.decision_number.number}"))
    for a in awardees:
        values = fields_of(d, a)
        for name, box in cal.fields.items():
            _draw(c, box, cal.height_mm, values.get(name, ""))
        c.showPage()
    c.save()
    return out.getvalue()


def test_page_pdf(cal: Calibration) -> bytes:
    """A grid with a mark every 10 mm (numbered every 50), and each field's box with its name."""
    out = io.BytesIO()
    w, h = cal.width_mm, cal.height_mm
    c = _canvas(out, cal)
    c.setTitle("Trang in thử / calibration test page")
    regular = _face(False, False)
    for x in range(0, int(w) + 1, 10):
        c.setLineWidth(0.6 if x % 50 == 0 else 0.15)
        c.line(x * mm, 0, x * mm, h * mm)
        if x % 50 == 0:
            c.setFont(regular, 7)
            c.drawString(x * mm + 1, h * mm - 8, f"{x}")
    for y in range(0, int(h) + 1, 10):
        c.setLineWidth(0.6 if y % 50 == 0 else 0.15)
        c.line(0, (h - y) * mm, w * mm, (h - y) * mm)
        if y % 50 == 0 and y:
            c.setFont(regular, 7)
            c.drawString(2, (h - y) * mm + 1, f"{y}")
    c.setStrokeColorRGB(0.8, 0, 0)
    c.setLineWidth(0.8)
    for name, box in cal.fields.items():
        top = (h - box.y_mm) * mm
        height = box.font_pt * 1.2
        c.rect(box.x_mm * mm, top - height, box.width_mm * mm, height)
        c.setFont(regular, 8)
        c.drawString(box.x_mm * mm + 2, top + 2, texts.nfc(f"{name} ({box.x_mm:g}; {box.y_mm:g} mm)"))
    c.showPage()
    c.save()
    return out.getvalue()
