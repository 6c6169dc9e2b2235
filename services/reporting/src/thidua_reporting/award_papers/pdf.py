"""DOCX to PDF: the shared documents toolkit's LibreOffice conversion (a profile per conversion,
a timeout, bounded concurrency, never blocking the event loop)."""

from ..documents.pdf import ConversionFailed, to_pdf

__all__ = ["ConversionFailed", "to_pdf"]
