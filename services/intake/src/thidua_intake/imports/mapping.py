"""What each kind of import fills, and the mapping proposed from a file's header names. Pure.

A header matches a field when its folded form (lower case, no diacritics, đ → d, words only)
equals one of the field's synonyms, Vietnamese or English, folded the same way: "Mã đơn vị",
"MA DON VI", "ma_don_vi" and "Unit code" all find `unit_id`. Each header serves one field at most."""

import re
import unicodedata
from dataclasses import dataclass, field

KINDS = ("units", "participants", "targets", "results", "awards")
# the kinds a unit's own roles may import (for their own unit only); the board imports every kind
UNIT_KINDS = ("targets", "results")
CAMPAIGN_KINDS = ("participants", "targets", "results")


@dataclass(frozen=True)
class ImportField:
    key: str
    vi: str
    en: str
    required: bool = False
    synonyms: tuple[str, ...] = field(default_factory=tuple)

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), words separated by one space."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


UNIT_ID = ImportField(
    "unit_id", "Mã đơn vị", "Unit code", True, ("ma don vi", "ma dv", "ma", "unit id", "unit code", "unit", "code")
)
FIELDS: dict[str, tuple[ImportField, ...]] = {
    "units": (
        UNIT_ID,
        ImportField("name_vi", "Tên đơn vị", "Name", True, ("ten don vi", "ten", "ten tieng viet", "name", "name vi")),
        ImportField("name_en", "Tên tiếng Anh", "English name", False, ("ten tieng anh", "english name", "name en")),
        ImportField("unit_type", "Loại đơn vị", "Unit type", True, ("loai don vi", "loai", "type", "unit type")),
        ImportField(
            "parent_id",
            "Mã đơn vị cấp trên",
            "Parent unit code",
            False,
            ("ma don vi cap tren", "don vi cap tren", "cap tren", "parent", "parent id", "parent unit"),
        ),
        ImportField("email", "Thư điện tử", "Email", False, ("thu dien tu", "email", "e mail")),
    ),
    # a campaign's participants: name and type default to the unit's entry in the register
    "participants": (
        UNIT_ID,
        ImportField("name_vi", "Tên đơn vị", "Name", False, ("ten don vi", "ten", "name", "unit name")),
        ImportField("unit_type", "Loại đơn vị", "Unit type", False, ("loai don vi", "loai", "type", "unit type")),
        ImportField(
            "cluster_id",
            "Mã cụm, khối thi đua",
            "Cluster code",
            False,
            ("ma cum khoi", "cum khoi thi dua", "cum khoi", "cum", "khoi", "cluster", "cluster id"),
        ),
        ImportField("email", "Thư điện tử", "Email", False, ("thu dien tu", "email", "e mail")),
    ),
    "targets": (
        UNIT_ID,
        ImportField("criterion_id", "Mã tiêu chí", "Criterion code", True, ("ma tieu chi", "tieu chi", "criterion")),
        ImportField("period", "Kỳ", "Period", False, ("ky", "ky bao cao", "period")),
        ImportField("value", "Chỉ tiêu", "Target", True, ("chi tieu", "ke hoach", "gia tri", "target", "value")),
        ImportField("reason", "Lý do", "Reason", False, ("ly do", "reason")),
    ),
    "results": (
        UNIT_ID,
        ImportField("period", "Kỳ báo cáo", "Period", False, ("ky", "ky bao cao", "period")),
        ImportField("note", "Ghi chú", "Note", False, ("ghi chu", "note")),
    ),
    "awards": (
        ImportField("award_kind", "Mã khen thưởng", "Award code", True, ("ma khen thuong", "award code", "award kind")),
        ImportField(
            "award_name_vi",
            "Danh hiệu / hình thức khen thưởng",
            "Title / form of commendation",
            False,
            ("danh hieu hinh thuc khen thuong", "danh hieu", "hinh thuc khen thuong", "award", "award name"),
        ),
        ImportField("year", "Năm", "Year", True, ("nam", "year")),
        ImportField(
            "nominee_kind",
            "Tập thể / cá nhân",
            "Collective / individual",
            True,
            ("tap the ca nhan", "doi tuong", "loai", "collective individual", "kind"),
        ),
        UNIT_ID,
        ImportField("person_name", "Họ và tên", "Full name", False, ("ho va ten", "ho ten", "full name", "name")),
        ImportField("position", "Chức vụ", "Position", False, ("chuc vu", "position")),
        ImportField("decision_number", "Số quyết định", "Decision number", False, ("so quyet dinh", "decision number")),
        ImportField("decision_date", "Ngày quyết định", "Decision date", False, ("ngay quyet dinh", "decision date")),
        ImportField("signer", "Người ký", "Signed by", False, ("nguoi ky", "signer", "signed by")),
    ),
}


def fields_for(kind: str, criteria: list[tuple[str, str]] = ()) -> tuple[ImportField, ...]:  # type: ignore[assignment]
    """The fields of `kind`; a results import also has one field per criterion (id, name) that
    takes a value, found by its id or its name."""
    base = FIELDS[kind]
    if kind != "results":
        return base
    extra = tuple(ImportField(f"values.{cid}", name, name, False, (fold(cid), fold(name))) for cid, name in criteria)
    return base + extra


def propose(headers: list[str], fields: tuple[ImportField, ...]) -> dict[str, str | None]:
    """field key → the header that fills it (None: no header matches). A field takes the first
    header that matches it exactly (by its folded label or a synonym); each header is used once."""
    folded = [fold(h) for h in headers]
    used: set[int] = set()
    proposal: dict[str, str | None] = {f.key: None for f in fields}
    # labels first, then synonyms: a header named exactly like a field goes to that field even when
    # an earlier field lists the same words as a synonym
    passes = [lambda f: {fold(f.vi), fold(f.en)}, lambda f: set(f.synonyms)]
    for names_of in passes:
        for f in fields:
            if proposal[f.key] is not None:
                continue
            names = names_of(f)
            index = next((i for i, h in enumerate(folded) if h in names and i not in used), None)
            if index is not None:
                used.add(index)
                proposal[f.key] = headers[index]
    return proposal
