"""The shared document toolkit (issue 13): Vietnamese administrative documents (Decree 30/2020
layout) built as DOCX that clerks edit in Word, converted to PDF by LibreOffice headless, stored
versioned in reporting's own GridFS bucket `documents` and served by GET /api/v1/documents/{id}.

Every document kind (review reports, award papers, certificates, statutory forms) uses:
- `dates.vn_date` for "ngày 05 tháng 01 năm 2026";
- `layout.new_document` (A4, margins, Liberation Serif, page numbers from page 2) and
  `layout.add_letterhead` (the two-column header with quốc hiệu and tiêu ngữ), then the small
  writers of `layout` (title, heading, paragraph, table) and `layout.to_bytes`;
- `pdf.to_pdf` / `pdf.to_pdf_many` (a LibreOffice profile per conversion, a timeout, bounded);
- `store.save` / `store.load` / `store.listing` (versioned, with kind, tenant, campaign, version, sha256).
"""

from .dates import vn_date
from .layout import Letterhead, add_letterhead, new_document, to_bytes
from .pdf import ConversionFailed, to_pdf, to_pdf_many

__all__ = [
    "ConversionFailed",
    "Letterhead",
    "add_letterhead",
    "new_document",
    "to_bytes",
    "to_pdf",
    "to_pdf_many",
    "vn_date",
]
