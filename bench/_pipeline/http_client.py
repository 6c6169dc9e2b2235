"""A lean HTTP/1.1 client for the intake load."""

from __future__ import annotations

import asyncio

# -- a lean HTTP/1.1 client for the intake load ---------------------------------------------------
# httpx cost ~5 ms of CPU per request here: at 130 requests/s, two thirds of one of the machine's
# two cores, taken from the service being measured. This client sends requests encoded before the
# timed phase on persistent keep-alive connections and parses no more of an answer than its status
# line and the headers that delimit its body.
REQUEST_TIMEOUT = 30.0  # seconds on the wire per request, as httpx's timeout was


class HttpError(ValueError):
    """An answer this client cannot read (bad status line, no Content-Length and not chunked)."""


def parse_head(head: bytes) -> tuple[int, int | None, bool, bool]:
    """(status, Content-Length or None, chunked?, will the server close?) from a response head."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise HttpError(f"bad status line {lines[0][:80]!r}")
    length, chunked, close = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    return int(parts[1]), length, chunked, close


class HttpConnection:
    """One keep-alive connection carrying one request at a time."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        """Send one pre-encoded request, read its whole answer: (status, body)."""
        if self.reader is None or self.reader.at_eof():
            # never opened, dropped after an error, or closed by the server while idle (uvicorn
            # closes keep-alive connections idle for 5 s): reconnecting is part of this request
            self.close()
            await self.open()
        try:
            self.writer.write(raw)  # ~1 kB into an idle socket: no need to wait for drain
            status, length, chunked, close = parse_head(await self.reader.readuntil(b"\r\n\r\n"))
            if chunked:
                body = await self._read_chunked()
            elif length is not None:
                body = await self.reader.readexactly(length)
            elif status in (204, 304) or status < 200:
                body = b""
            else:  # the body would run to the end of the connection: not what intake does
                raise HttpError(f"HTTP {status} without Content-Length")
        except BaseException:
            self.close()  # the answer was not read to its end (error, timeout, cancelled): never reuse
            raise
        if close:
            self.close()
        return status, body

    async def _read_chunked(self) -> bytes:
        parts = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
            parts.append((await self.reader.readexactly(size + 2))[:-2])
        while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers up to the empty line
            pass
        return b"".join(parts)


class HttpPool:
    """`size` connections to 127.0.0.1:port, all opened on entry (before any timed phase); a
    request waits for a free one. Last in, first out: under light load the same few connections
    stay warm and the others may idle out, to be reopened when they are needed again."""

    def __init__(self, port: int, size: int):
        self.connections = [HttpConnection("127.0.0.1", port) for _ in range(size)]
        self.free: asyncio.LifoQueue[HttpConnection] = asyncio.LifoQueue()

    async def __aenter__(self) -> HttpPool:
        await asyncio.gather(*(c.open() for c in self.connections))
        for c in self.connections:
            self.free.put_nowait(c)
        return self

    async def __aexit__(self, *exc) -> None:
        for c in self.connections:
            c.close()

    async def acquire(self) -> HttpConnection:
        return await self.free.get()

    def release(self, conn: HttpConnection) -> None:
        self.free.put_nowait(conn)
