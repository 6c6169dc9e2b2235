"""A local SMTP server for development and tests (aiosmtpd). Every message is stored as an .eml
file; a small HTTP API lists them (GET /messages) and can make the server refuse the next N
messages with a temporary error (POST /control {"reject_next": N}) to exercise retries."""

import argparse
import email
import email.policy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.reject_next = 0
        self.lock = threading.Lock()

    def save(self, raw: bytes) -> Path:
        path = self.folder / f"{time.time_ns()}.eml"
        path.write_bytes(raw)
        return path

    def messages(self) -> list[dict]:
        out = []
        for path in sorted(self.folder.glob("*.eml")):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",))
            out.append(
                {
                    "id": path.stem,
                    "from": str(msg["From"]),
                    "to": str(msg["To"]),
                    "subject": str(msg["Subject"]),
                    "message_id": str(msg["Message-ID"]),
                    "headers": {k: str(v) for k, v in msg.items()},
                    "text": body.get_content() if body else "",
                }
            )
        return out


class Handler:
    def __init__(self, store: Store):
        self.store = store

    async def handle_DATA(self, server, session, envelope):
        with self.store.lock:
            if self.store.reject_next > 0:
                self.store.reject_next -= 1
                return "451 4.3.0 Tạm thời không nhận thư (thử lại sau)"
        self.store.save(envelope.original_content or envelope.content)
        return "250 OK"


def http_handler(store: Store):
    class Api(BaseHTTPRequestHandler):
        def _send(self, status: int, payload) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/messages"):
                return self._send(200, store.messages())
            self._send(404, {"error": "not found"})

        def do_POST(self):
            if self.path == "/control":
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with store.lock:
                    store.reject_next = int(body.get("reject_next", 0))
                return self._send(200, {"reject_next": store.reject_next})
            self._send(404, {"error": "not found"})

        def do_DELETE(self):
            for path in store.folder.glob("*.eml"):
                path.unlink()
            self._send(200, {"deleted": True})

        def log_message(self, *args):
            pass

    return Api


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--maildir", type=Path, default=Path(".local/mail"))
    args = parser.parse_args()
    store = Store(args.maildir)
    controller = Controller(Handler(store), hostname="127.0.0.1", port=args.smtp_port)
    controller.start()
    print(f"SMTP on 127.0.0.1:{args.smtp_port}, messages at http://127.0.0.1:{args.http_port}/messages", flush=True)
    try:
        ThreadingHTTPServer(("127.0.0.1", args.http_port), http_handler(store)).serve_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
