"""Headless Chromium (Debian package) driven over the Chrome DevTools Protocol, for tests that
must see what a person's browser does: every request the page makes, the headers of the page,
dialogs it opens, Content-Security-Policy violations, and the values of expressions in it.
Every host but the loopback resolves to nothing, as on a network with no way out."""

import asyncio
import base64
import itertools
import json
import shutil
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

from websockets.asyncio.client import connect

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# runs in every document before its own scripts (DevTools-injected, so outside the page's policy)
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.effectiveDirective + " " + e.blockedURI));
"""


class Page:
    def __init__(self, ws, session: str):
        self.ws, self.session = ws, session
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future] = {}
        self.requests: list[str] = []  # every URL the page asked for, in order
        self.responses: dict[str, dict] = {}  # URL -> response headers (names lower case)
        self.dialogs: list[str] = []  # alert/confirm/prompt messages (dismissed)
        self.console: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def send(self, method: str, **params) -> dict:
        message_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.pending[message_id] = future
        await self.ws.send(json.dumps({"id": message_id, "method": method, "params": params, "sessionId": self.session}))
        reply = await asyncio.wait_for(future, 60)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if "id" in message:
                future = self.pending.pop(message["id"], None)
                if future is not None and not future.done():
                    future.set_result(message)
                continue
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                self.requests.append(params["request"]["url"])
            elif method == "Network.responseReceived":
                response = params["response"]
                self.responses[response["url"]] = {k.lower(): v for k, v in response["headers"].items()}
            elif method == "Page.javascriptDialogOpening":
                self.dialogs.append(params.get("message", ""))
                asyncio.ensure_future(self.send("Page.handleJavaScriptDialog", accept=False))
            elif method == "Runtime.consoleAPICalled":
                self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Log.entryAdded":
                self.console.append(params["entry"].get("text", ""))

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"]))

    async def wait_for(self, expression: str, timeout: float = 30.0):
        """The value of the expression once it is truthy (errors count as not yet)."""
        deadline = asyncio.get_running_loop().time() + timeout
        last = None
        while asyncio.get_running_loop().time() < deadline:
            try:
                last = await self.evaluate(expression)
            except RuntimeError as e:
                last = e
            else:
                if last:
                    return last
            await asyncio.sleep(0.2)
        raise AssertionError(f"{expression} still {last!r} after {timeout} s; console: {self.console[-10:]}")


@asynccontextmanager
async def browser_page():
    """A fresh headless Chromium with one page that records what it does."""
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process = await asyncio.create_subprocess_exec(
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            active = Path(profile) / "DevToolsActivePort"
            for _ in range(600):
                if active.exists() and len(active.read_text().splitlines()) >= 2:
                    break
                await asyncio.sleep(0.1)
            port, path = active.read_text().splitlines()[:2]
            async with connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as ws:
                await ws.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
                target = await _reply(ws, 1)
                await ws.send(json.dumps({"id": 2, "method": "Target.attachToTarget",
                                          "params": {"targetId": target["targetId"], "flatten": True}}))
                session = (await _reply(ws, 2))["sessionId"]
                page = Page(ws, session)
                try:
                    for domain in ("Page", "Network", "Runtime", "Log"):
                        await page.send(f"{domain}.enable")
                    await page.send("Page.addScriptToEvaluateOnNewDocument", source=WATCH)
                    yield page
                finally:
                    page.reader.cancel()
                    await ws.send(json.dumps({"id": 3, "method": "Browser.close"}))  # ends its helper processes too
        finally:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _reply(ws, message_id: int) -> dict:
    while True:
        message = json.loads(await ws.recv())
        if message.get("id") == message_id:
            if "error" in message:
                raise RuntimeError(message["error"])
            return message["result"]
