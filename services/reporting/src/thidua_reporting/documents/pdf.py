"""DOCX (or XLSX) → PDF through LibreOffice headless.

Each conversion gets its own user profile directory (-env:UserInstallation): two soffice
processes sharing a profile lock each other out or convert nothing. A timeout kills the whole
process group (soffice starts soffice.bin under it); a semaphore bounds how many run at once,
because each one is a ~200 MB process on a small machine. The conversion runs in a subprocess
awaited by asyncio: the event loop keeps serving meanwhile."""

import asyncio
import os
import shutil
import signal
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = float(os.environ.get("THIDUA_DOCUMENTS_PDF_TIMEOUT", "120"))
CONCURRENCY = int(os.environ.get("THIDUA_DOCUMENTS_PDF_CONCURRENCY", "2"))

_semaphores: dict[int, asyncio.Semaphore] = {}


class ConversionFailed(Exception):
    """LibreOffice is missing, timed out or produced no PDF (the reason is the message)."""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionFailed("LibreOffice (soffice) is not installed: scripts/bootstrap installs it")
    return found


def _semaphore() -> asyncio.Semaphore:
    loop = id(asyncio.get_running_loop())
    if loop not in _semaphores:
        _semaphores[loop] = asyncio.Semaphore(CONCURRENCY)
    return _semaphores[loop]


# the source's file type → LibreOffice's PDF export filter: a workbook needs Calc's, which honours
# the sheet's print setup (A4 landscape, fit to width); a document Writer's
FILTERS = {"docx": "pdf:writer_pdf_Export", "xlsx": "pdf:calc_pdf_Export"}


async def to_pdf(docx: bytes, timeout: float | None = None, kind: str = "docx") -> bytes:
    return (await to_pdf_many([docx], timeout, kind))[0]


async def to_pdf_many(docxs: list[bytes], timeout: float | None = None, kind: str = "docx") -> list[bytes]:
    """Several documents in one LibreOffice start (a start costs seconds; a page costs little).
    `kind`: the sources' file type, "docx" or "xlsx" (FILTERS)."""
    if not docxs:
        return []
    limit = timeout if timeout is not None else TIMEOUT_SECONDS * max(1, len(docxs) // 20 + 1)
    async with _semaphore():
        with tempfile.TemporaryDirectory(prefix="thidua-soffice-") as tmp:
            work = Path(tmp)
            (work / "out").mkdir()
            names = []
            for index, content in enumerate(docxs):
                name = work / f"d{index:05d}.{kind}"
                name.write_bytes(content)
                names.append(name)
            command = [
                soffice(),
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--convert-to",
                FILTERS[kind],
                "--outdir",
                str(work / "out"),
                *map(str, names),
            ]
            process = await asyncio.create_subprocess_exec(
                *command,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,  # its own process group: the timeout kills soffice.bin too
                env={**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"},
            )
            try:
                _, err = await asyncio.wait_for(process.communicate(), limit)
            except TimeoutError:
                _kill(process)
                await process.wait()
                raise ConversionFailed(f"LibreOffice did not finish within {limit:.0f} s") from None
            except asyncio.CancelledError:
                _kill(process)
                raise
            results = []
            for name in names:
                pdf = work / "out" / (name.stem + ".pdf")
                if not pdf.exists():
                    reason = err.decode(errors="replace").strip()[-300:] or f"exit {process.returncode}"
                    raise ConversionFailed(f"LibreOffice produced no PDF: {reason}")
                results.append(pdf.read_bytes())
            return results


def _kill(process: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
