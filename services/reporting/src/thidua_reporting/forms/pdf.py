"""XLSX → PDF through LibreOffice headless, on the documents toolkit's terms: its own profile per
conversion, a timeout that kills the whole process group, the toolkit's semaphore (so forms and
documents together never run more than its CONCURRENCY soffice processes), awaited as a
subprocess (the event loop keeps serving).

Why not `documents.pdf.to_pdf` itself: it converts DOCX with the Writer export filter; a workbook
needs Calc's (`calc_pdf_Export`), which honours the sheet's print setup (A4 landscape, fit to width)."""

import asyncio
import os
import tempfile
from pathlib import Path

from ..documents.pdf import TIMEOUT_SECONDS, ConversionFailed, _kill, _semaphore, soffice

__all__ = ["ConversionFailed", "to_pdf"]


async def to_pdf(xlsx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    async with _semaphore():
        with tempfile.TemporaryDirectory(prefix="thidua-forms-") as tmp:
            work = Path(tmp)
            source = work / "form.xlsx"
            source.write_bytes(xlsx)
            command = [
                soffice(),
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--convert-to",
                "pdf:calc_pdf_Export",
                "--outdir",
                str(work / "out"),
                str(source),
            ]
            process = await asyncio.create_subprocess_exec(
                *command,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"},
            )
            try:
                _, err = await asyncio.wait_for(process.communicate(), timeout)
            except TimeoutError:
                _kill(process)
                await process.wait()
                raise ConversionFailed(f"LibreOffice did not finish within {timeout:.0f} s") from None
            except asyncio.CancelledError:
                _kill(process)
                raise
            target = work / "out" / "form.pdf"
            if not target.exists():
                reason = err.decode(errors="replace").strip()[-300:] or f"exit {process.returncode}"
                raise ConversionFailed(f"LibreOffice produced no PDF: {reason}")
            return target.read_bytes()
