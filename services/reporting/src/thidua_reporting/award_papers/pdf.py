"""DOCX to PDF through LibreOffice headless: its own profile directory per conversion (parallel
conversions never share a profile lock), a timeout, at most N at once (a semaphore), run as a
subprocess so the event loop never blocks. (The shared documents toolkit of issue 13 offers the
same; this adapter stays until the branches meet.)"""

import asyncio
import shutil
import tempfile
from pathlib import Path

from thidua_common.errors import DomainError

TIMEOUT_SECONDS = 120
_limit = asyncio.Semaphore(2)


class ConversionFailed(DomainError):
    """LibreOffice failed or timed out (answered 503 by the views)."""


async def to_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConversionFailed("award_papers.pdf_failed")
    async with _limit:
        with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
            work = Path(tmp)
            source = work / "document.docx"
            source.write_bytes(docx)
            process = await asyncio.create_subprocess_exec(
                soffice,
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
                raise ConversionFailed("award_papers.pdf_failed") from None
            target = work / "document.pdf"
            if process.returncode != 0 or not target.exists():
                raise ConversionFailed("award_papers.pdf_failed")
            return target.read_bytes()
