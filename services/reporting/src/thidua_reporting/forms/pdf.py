"""XLSX → PDF: the documents toolkit's conversion with Calc's export filter, which honours the
sheet's print setup (A4 landscape, fit to width); the toolkit's semaphore bounds forms and
documents together."""

from ..documents.pdf import TIMEOUT_SECONDS, ConversionFailed
from ..documents.pdf import to_pdf as _to_pdf

__all__ = ["ConversionFailed", "to_pdf"]


async def to_pdf(xlsx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    return await _to_pdf(xlsx, timeout, kind="xlsx")
