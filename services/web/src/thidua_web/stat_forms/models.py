"""The choices of the forms section (pure): which forms, which file types, reading the year."""

from dataclasses import dataclass
from datetime import date

FORMS = (
    ("0601", "0601.N/BNV-TĐKT", "sf_0601"),
    ("0602", "0602.N/BNV-TĐKT", "sf_0602"),
    ("0603", "0603.N/BNV-TĐKT", "sf_0603"),
)
FILE_TYPES = ("xlsx", "pdf")
YEARS = (2000, 2100)  # as reporting accepts them


@dataclass
class Choice:
    form: str | None
    year: int | None
    file_type: str | None
    errors: dict[str, str]  # field → text key

    @property
    def complete(self) -> bool:
        return not self.errors and None not in (self.form, self.year, self.file_type)


def read(form: str | None, year: str | None, file_type: str | None) -> Choice:
    errors: dict[str, str] = {}
    slug = form if form in {f[0] for f in FORMS} else None
    if form is not None and slug is None:
        errors["form"] = "sf_bad_form"
    text = (year or "").strip()
    number = int(text) if text.isdigit() and len(text) == 4 else None
    if number is not None and not YEARS[0] <= number <= YEARS[1]:
        number = None
    if year is not None and number is None:
        errors["year"] = "sf_bad_year"
    kind = file_type if file_type in FILE_TYPES else None
    if file_type is not None and kind is None:
        errors["format"] = "sf_bad_format"
    return Choice(slug, number, kind, errors)


def default_year(today: date) -> int:
    """The forms are due on 15 December for the current year: before that, last year's are the filed ones."""
    return today.year if today.month == 12 else today.year - 1
