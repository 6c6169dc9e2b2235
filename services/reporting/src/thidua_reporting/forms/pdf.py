"""XLSX → PDF through LibreOffice headless: its own profile directory per conversion (two
conversions never share a profile, which LibreOffice locks), a timeout, run in a worker thread
(never blocking the event loop), at most CONCURRENCY at a time per process.

A stand-in for the shared documents toolkit's `to_pdf` (helper "reports") until that lands; it
keeps the same shape (bytes in, bytes out)."""

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 60
CONCURRENCY = 2
_slots: asyncio.Semaphore | None = None


class ConversionFailed(Exception):
    """LibreOffice is missing, timed out or produced no PDF."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_sync(data: bytes, suffix: str = ".xlsx", timeout: float = TIMEOUT_SECONDS) -> bytes:
    binary = soffice()
    if binary is None:
        raise ConversionFailed("soffice not found")
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"form{suffix}"
        source.write_bytes(data)
        profile = (work / "profile").as_uri()
        cmd = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)  # noqa: S603 (fixed argv)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed("timeout") from exc
        target = work / "out" / "form.pdf"
        if not target.exists():
            raise ConversionFailed("no output")
        return target.read_bytes()


async def to_pdf(data: bytes, suffix: str = ".xlsx") -> bytes:
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(CONCURRENCY)
    async with _slots:
        return await asyncio.to_thread(convert_sync, data, suffix)
