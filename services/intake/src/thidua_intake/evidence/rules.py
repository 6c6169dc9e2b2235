"""What an evidence file must be, decided from its bytes: the type by content sniffing (magic
numbers, never the declared type alone), the size and the SHA-256 counted as it streams."""

import hashlib
from dataclasses import dataclass, field

from thidua_common.errors import FieldError, Invalid, TooLarge, Unsupported
from thidua_common.i18n import Localized, format_number

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ACCEPTED = (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS)

SNIFF_BYTES = 8192  # how much of the start of a file sniffing looks at
ZIP = b"PK\x03\x04"
# an OpenDocument file's first zip entry is "mimetype", stored uncompressed, naming its type
ODF_MIMETYPE = b"mimetype"
OOXML_PARTS = ((b"word/", DOCX), (b"xl/", XLSX))
OOXML_EXTENSIONS = {".docx": DOCX, ".xlsx": XLSX}


def sniff(head: bytes, file_name: str = "") -> str | None:
    """The accepted content type the first bytes of a file show, or None. A zip is an office
    document only when it says which: an OpenDocument by its mimetype entry; an Office Open XML
    file by a part name seen in the head (word/, xl/) or else, a zip being nothing else we take,
    by its file name's extension."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if not head.startswith(ZIP):
        return None
    if head[30:38] == ODF_MIMETYPE:
        kind = head[38:90]
        if kind.startswith(ODS.encode()):
            return ODS
        if kind.startswith(ODT.encode()):
            return ODT
        return None
    if b"[Content_Types].xml" not in head:
        return None  # a plain zip (or a jar, an apk): not an Office Open XML document
    for part, kind_ in OOXML_PARTS:
        if part in head:
            return kind_
    suffix = file_name[file_name.rfind(".") :].lower() if "." in file_name else ""
    return OOXML_EXTENSIONS.get(suffix)


def _number(value: int) -> Localized:
    """A byte count as its reader writes numbers (65.536 in Vietnamese, 65,536 in English)."""
    return Localized(lambda lang: format_number(value, 0, lang))


@dataclass
class Tally:
    """The size and SHA-256 of a file, counted chunk by chunk, refusing one over `limit` bytes."""

    file_name: str
    limit: int
    messages: str = "evidence"  # the message keys' prefix: what kind of file this is
    size: int = 0
    _hash: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            key = f"{self.messages}.too_large"
            raise TooLarge(
                key,
                [FieldError("file", key, self._params())],
                **self._params(),
            )
        self._hash.update(chunk)

    def _params(self) -> dict[str, object]:
        return {"file": self.file_name, "size": _number(self.size), "limit": _number(self.limit)}

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def check_type(head: bytes, file_name: str, messages: str = "evidence") -> str:
    """The sniffed content type of a file starting with `head`; 415 naming the file if none.
    `messages` is the prefix of the message keys (evidence, dossier): what kind of file this is."""
    if not head:
        empty = f"{messages}.empty"
        raise Invalid(empty, [FieldError("file", empty, {"file": file_name})], file=file_name)
    kind = sniff(head, file_name)
    if kind is None:
        wrong = f"{messages}.type"
        raise Unsupported(wrong, [FieldError("file", wrong, {"file": file_name})], file=file_name)
    return kind


def check_sha256(expected: str | None, actual: str, file_name: str) -> None:
    """A client-supplied SHA-256 must match what arrived (422 naming the file otherwise)."""
    if expected and expected.lower() != actual:
        params = {"file": file_name, "expected": expected.lower(), "actual": actual}
        raise Invalid("evidence.sha256_mismatch", [FieldError("sha256", "evidence.sha256_mismatch", params)], **params)
