"""Where each variable field of a certificate prints on a pre-printed blank (phôi): board
configuration per tenant and blank, in millimetres from the blank's top-left corner."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_common.errors import FieldError, Invalid

FIELDS = ("recipient", "position_unit", "achievement", "decision", "place_date", "signer_title", "signer_name")
BLANKS = {"bang-khen": (420.0, 297.0), "giay-khen": (297.0, 210.0)}  # landscape, mm


class FieldBox(BaseModel):
    """A field's box: its top-left corner (x, y from the blank's top-left), its width, the font
    size; the text is centred in the box (or starts at x when align is left)."""

    model_config = ConfigDict(extra="forbid")

    x_mm: float = Field(ge=0, le=1000)
    y_mm: float = Field(ge=0, le=1000)
    width_mm: float = Field(gt=0, le=1000)
    font_pt: float = Field(ge=6, le=72)
    bold: bool = False
    italic: bool = False
    align: Literal["center", "left"] = "center"


def default_fields(width: float, height: float) -> dict[str, FieldBox]:
    """Positions that suit the common bằng khen blank (420×297 mm), scaled to another size."""
    sx, sy = width / 420, height / 297

    def box(x, y, w, pt, **kw) -> FieldBox:
        return FieldBox(x_mm=round(x * sx, 1), y_mm=round(y * sy, 1), width_mm=round(w * sx, 1), font_pt=pt, **kw)

    return {
        "recipient": box(60, 120, 300, 30, bold=True),
        "position_unit": box(60, 145, 300, 18),
        "achievement": box(60, 165, 300, 18, italic=True),
        "decision": box(30, 235, 150, 14),
        "place_date": box(230, 205, 160, 16, italic=True),
        "signer_title": box(230, 215, 160, 16, bold=True),
        "signer_name": box(230, 262, 160, 18, bold=True),
    }


class CalibrationWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    width_mm: float = Field(gt=50, le=1000)
    height_mm: float = Field(gt=50, le=1000)
    fields: dict[str, FieldBox]

    @model_validator(mode="after")
    def _known(self):
        unknown = set(self.fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        return self


class Calibration(CalibrationWrite):
    blank: str


def default(blank: str) -> Calibration:
    width, height = BLANKS.get(blank, BLANKS["bang-khen"])
    return Calibration(blank=blank, width_mm=width, height_mm=height, fields=default_fields(width, height))


def check(c: CalibrationWrite) -> None:
    """Every box lies on the blank (422 naming the field otherwise)."""
    errors = []
    for name, b in c.fields.items():
        if b.x_mm + b.width_mm > c.width_mm or b.y_mm > c.height_mm:
            errors.append(
                FieldError(
                    f"fields.{name}",
                    "award_papers.calibration_field",
                    {"field": name, "width": f"{c.width_mm:g}", "height": f"{c.height_mm:g}"},
                )
            )
    if errors:
        raise Invalid("request.invalid", errors)


def complete(c: CalibrationWrite, blank: str) -> Calibration:
    """The saved fields over the defaults (a field left out prints where the default puts it)."""
    fields = {**default_fields(c.width_mm, c.height_mm), **c.fields}
    return Calibration(blank=blank, width_mm=c.width_mm, height_mm=c.height_mm, fields=fields)
