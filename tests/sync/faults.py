"""A fault-injecting ASGI middleware around the real central app (tests only).

Served by a real uvicorn on 127.0.0.1, so the terminal's HTTP client sees real broken
connections. Uvicorn closes the connection when an app fails after the response has started;
that is how a lost request or a lost response reaches the client as a transport error.

Faults:
- ``drop_request``: the central never sees the request; the connection breaks.
- ``drop_response``: the central handles (and commits) the request; the answer is lost.
- ``delay``: the answer comes after the client's time-out (the central still commits).
- ``error_500``: the central answers 500 without handling the request.
- ``twice``: the request is delivered to the central twice; the second answer is returned.
- ``truncate``: the central commits; the answer's body is cut in half.
- ``malformed``: a ``/v1/changes`` answer is replaced by a page with a wrong type in it.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FAULTS = ("drop_request", "drop_response", "delay", "error_500", "twice", "truncate")


class InjectedFault(Exception):
    """Raised after the response started: uvicorn then closes the connection."""


class FaultInjector:
    def __init__(self, app: ASGIApp, *, seed: int = 1, delay_s: float = 1.5) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self.delay_s = delay_s
        self.rate = 0.0
        self.kinds: tuple[str, ...] = FAULTS
        self.only_paths: tuple[str, ...] = ("/v1/",)
        self.injected: dict[str, int] = {}
        self._lock = threading.Lock()

    def configure(self, rate: float, kinds: tuple[str, ...] = FAULTS) -> None:
        with self._lock:
            self.rate = rate
            self.kinds = kinds

    def heal(self) -> None:
        self.configure(0.0)

    def _pick(self, path: str) -> str | None:
        with self._lock:
            if not path.startswith(self.only_paths) or self.rng.random() >= self.rate:
                return None
            kinds = [k for k in self.kinds if k != "malformed" or path == "/v1/changes"]
            if not kinds:
                return None
            kind = self.rng.choice(kinds)
            self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fault = self._pick(scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if fault == "drop_request":
            await _start(send, 200)
            raise InjectedFault(fault)
        if fault == "error_500":
            payload = b'{"error": "injected", "detail": "injected 500"}'
            await _start(send, 500, len(payload))
            await send({"type": "http.response.body", "body": payload})
            return
        if fault == "twice":
            await self._call(scope, body)
        status, headers, content = await self._call(scope, body)
        if fault == "delay":
            await asyncio.sleep(self.delay_s)
        elif fault == "drop_response":
            await _start(send, status)
            raise InjectedFault(fault)
        elif fault == "truncate":
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content[: len(content) // 2],
                        "more_body": True})
            raise InjectedFault(fault)
        elif fault == "malformed":
            content = _corrupt_page(content)
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _call(self, scope: Scope, body: bytes) -> tuple[int, list, bytes]:
        """Run the real app on a buffered request; collect its whole response."""
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        status, headers, chunks = 500, [], []

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(dict(scope), receive, send)
        return status, headers, b"".join(chunks)


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _start(send: Send, status: int, length: int = 1_000) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(length).encode())]})


def _corrupt_page(content: bytes) -> bytes:
    """A change page whose first record has a wrong type (the whole page must be refused)."""
    try:
        page = json.loads(content)
    except ValueError:
        return b"{not json"
    if page.get("changes"):
        page["changes"][0]["seq"] = "not-a-number"
        return json.dumps(page).encode()
    return b'{"changes": "nope"}'
