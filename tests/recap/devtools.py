"""A minimal Chrome DevTools Protocol client: open a page, collect errors, screenshot."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
)


def find_chromium() -> str | None:
    """The Chromium binary, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class Page:
    """One page over the DevTools websocket; ``errors`` collects console errors."""

    ws: aiohttp.ClientWebSocketResponse
    errors: list[str] = field(default_factory=list)
    _next: int = 0
    _events: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a method and return its result, noting events seen meanwhile."""
        self._next += 1
        await self.ws.send_json({"id": self._next, "method": method, "params": params})
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self._note(message)

    async def wait_for(self, event: str) -> None:
        """Wait until an event arrives."""
        if any(e.get("method") == event for e in self._events):
            return
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            self._note(message)
            if message.get("method") == event:
                return

    def _note(self, message: dict[str, Any]) -> None:
        self._events.append(message)
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(json.dumps(params.get("args", []))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.errors.append(params["entry"].get("text", ""))

    async def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value (a promise's, once settled)."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        return result["result"].get("value")

    async def open_section(self, selector: str) -> int:
        """Open a collapsed ``<details>`` and return how many posts it shows once drawn."""
        return int(
            await self.evaluate(
                f"""new Promise(done => {{
                  const part = document.querySelector({selector!r});
                  part.addEventListener("toggle", () => requestAnimationFrame(
                    () => done(part.querySelectorAll("article.post").length)), {{once: true}});
                  part.open = true;
                }})"""
            )
        )

    async def screenshot(self, path: Path, *, width: int, height: int) -> Path:
        """Save a PNG of the page at ``width`` × ``height``."""
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = await self.send("Page.captureScreenshot", format="png")
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))
        return path


@contextlib.asynccontextmanager
async def open_page(chromium: str, url: str, profile: Path) -> AsyncIterator[Page]:
    """Start headless Chromium, load ``url`` with error collection on, yield the page."""
    process = await asyncio.create_subprocess_exec(
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            target = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
                    await page.send(domain)
                await page.send("Page.navigate", url=url)
                await page.wait_for("Page.loadEventFired")
                yield page
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
