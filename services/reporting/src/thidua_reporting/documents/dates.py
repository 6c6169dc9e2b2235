"""Dates as Vietnamese administrative documents write them (Decree 30/2020, Appendix I)."""

from datetime import date


def vn_date(d: date) -> str:
    """ "ngày 05 tháng 01 năm 2026": a leading zero only for days below 10 and for months 1 and 2
    (so that nobody can add a digit in front: "tháng 1" could become "tháng 11"); "tháng 6"."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month in (1, 2) else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def place_and_date(place: str, d: date) -> str:
    """The header's right column line: "Đắk Nông, ngày 05 tháng 01 năm 2026"."""
    return f"{place}, {vn_date(d)}"
