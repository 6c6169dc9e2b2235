"""Files uploaded to intake (evidence of results, dossier documents of nominations): written to a
GridFS bucket as they stream, their type sniffed from the bytes, their size and SHA-256 counted on
the way (never taken from the client). A file refused half-way (empty, wrong type, too large, a
wrong SHA-256) is aborted, its chunks deleted. Each kind of file has its own bucket and its own
message keys (`<messages>.too_large`, `.type`, `.empty`), so a refusal names what the file was."""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from gridfs import AsyncGridFSBucket
from pymongo.asynchronous.database import AsyncDatabase

from .evidence import rules

CHUNK = 256 * 1024


class Upload(Protocol):
    """What an upload needs of the file (starlette's UploadFile is one)."""

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Stored:
    """What was stored, as the server counted it."""

    file_id: str
    sha256: str
    size: int
    content_type: str
    file_name: str
    uploaded_at: datetime


def bucket(db: AsyncDatabase, name: str) -> AsyncGridFSBucket:
    return AsyncGridFSBucket(db, bucket_name=name)


async def store(
    files: AsyncGridFSBucket,
    file_id: str,
    file: Upload,
    file_name: str,
    max_bytes: int,
    metadata: Mapping[str, Any],
    *,
    messages: str = "evidence",
    expected_sha256: str | None = None,
) -> Stored:
    """Write `file` to the bucket `files` under `file_id` with `metadata` plus what intake counted
    (content_type, size, sha256, file_name, uploaded_at); refuse it (4xx naming the file) when
    empty, of a type not accepted, larger than `max_bytes` or not matching `expected_sha256`."""
    head = await file.read(CHUNK)
    while len(head) < rules.SNIFF_BYTES and (more := await file.read(CHUNK)):
        head += more
    content_type = rules.check_type(head, file_name, messages)
    tally = rules.Tally(file_name, max_bytes, messages)
    stream = files.open_upload_stream_with_id(file_id, file_name)
    uploaded_at = datetime.now(UTC)
    try:
        chunk = head
        while chunk:
            tally.add(chunk)
            await stream.write(chunk)
            chunk = await file.read(CHUNK)
        rules.check_sha256(expected_sha256, tally.sha256, file_name)
        counted = {
            "content_type": content_type,
            "size": tally.size,
            "sha256": tally.sha256,
            "file_name": file_name,
            "uploaded_at": uploaded_at,
        }
        await stream.set("metadata", {**metadata, **counted})
        await stream.close()
    except BaseException:
        await stream.abort()
        raise
    return Stored(file_id, tally.sha256, tally.size, content_type, file_name, uploaded_at)


async def chunks(files: AsyncGridFSBucket, file_id: str) -> AsyncIterator[bytes]:
    """The stored bytes, chunk by chunk (the stream is opened before the first chunk is asked
    for, so a missing file fails before an answer starts)."""
    stream = await files.open_download_stream(file_id)

    async def read() -> AsyncIterator[bytes]:
        try:
            while chunk := await stream.readchunk():
                yield chunk
        finally:
            await stream.close()

    return read()
