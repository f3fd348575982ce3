"""A misbehaving central or proxy in front of the real central app (tests only).

:class:`Misbehaving` is an ASGI middleware served by a real uvicorn on 127.0.0.1 (the ``serve``
fixture), so the till's own HTTP stack meets each fault on a real socket. ``mode`` (set by the
test, ``None``: pass everything through):

- ``trickle``: every ``/v1/`` answer comes one byte every ``trickle_s`` seconds;
- ``gzip_bomb``: ``/v1/changes`` answers a small gzip body that expands to ``bomb_bytes``;
- ``snapshot_cut``: ``/v1/snapshot`` ends, as a complete gzip stream, after the header and
  its first record (``first_record``, if set, instead of the real one);
- ``snapshot_tampered``: one record of the snapshot is changed, the trailer kept;
- ``no_trailer``: the snapshot as a central older than the trailer sends it;
- ``cursor_back``: ``/v1/changes`` answers a valid empty page whose ``next_after`` is lower
  than the ``after`` asked for.

Helpers for snapshot bodies with a trailer (:func:`snapshot_lines_body`) live here too.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def with_trailer(lines: list[bytes]) -> list[bytes]:
    """``lines`` (a header and records, without newlines) and the trailer the central writes:
    the record count and the SHA-256 of every line before it (sync/protocol/snapshot_format.py)."""
    digest = hashlib.sha256(b"".join(line + b"\n" for line in lines)).hexdigest()
    return [*lines, json.dumps({"records": len(lines) - 1, "sha256": digest}).encode()]


def snapshot_lines_body(lines: list[bytes], *, trailer: bool = True) -> bytes:
    """A gzip snapshot body of ``lines``, with its trailer unless ``trailer`` is false."""
    out = with_trailer(lines) if trailer else lines
    return gzip.compress(b"".join(line + b"\n" for line in out))


def gzip_bomb(size: int) -> bytes:
    """A JSON change page that gzip-compresses ``size`` bytes into about size / 1000."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = b'{"changes": [], "next_after": 1, "has_more": false, "pad": "'
    parts = [comp.compress(head)]
    block = b"0" * (1 << 20)
    for _ in range(max(size - len(head), 0) >> 20):
        parts.append(comp.compress(block))
    parts.append(comp.compress(b'", "server_time": "2026-11-27T00:00:00Z"}'))
    parts.append(comp.flush())
    return b"".join(parts)


class Misbehaving:
    def __init__(self, app: ASGIApp, *, trickle_s: float = 0.5,
                 bomb_bytes: int = 1 << 30) -> None:
        self.app = app
        self.mode: str | None = None
        self.trickle_s = trickle_s
        self.bomb_bytes = bomb_bytes
        self.first_record: dict[str, Any] | None = None
        self.served: dict[str, int] = {}
        self._bomb: bytes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mode, path = self.mode, scope.get("path", "")
        if scope["type"] != "http" or mode is None or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        if mode == "gzip_bomb" and path == "/v1/changes":
            if self._bomb is None:
                self._bomb = gzip_bomb(self.bomb_bytes)
            self._count(mode)
            await _answer(send, 200, self._bomb, [(b"content-encoding", b"gzip")])
            return
        if mode == "cursor_back" and path == "/v1/changes":
            after = int(parse_qs(scope.get("query_string", b"").decode()).get("after", ["0"])[0])
            page = {"changes": [], "next_after": max(after - 1, 0), "has_more": False,
                    "server_time": "2026-11-27T00:00:00Z"}
            self._count(mode)
            await _answer(send, 200, json.dumps(page).encode())
            return
        snapshot_mode = mode in ("snapshot_cut", "snapshot_tampered", "no_trailer")
        if mode != "trickle" and not (snapshot_mode and path == "/v1/snapshot"):
            await self.app(scope, receive, send)
            return
        status, headers, body = await _collect(self.app, scope, receive)
        self._count(mode)
        if mode == "trickle":
            await send({"type": "http.response.start", "status": status,
                        "headers": [(k, v) for k, v in headers if k.lower() != b"content-length"]})
            for i in range(len(body)):
                if self.mode != "trickle":  # the test is over: end the answer now
                    break
                await send({"type": "http.response.body", "body": body[i:i + 1],
                            "more_body": True})
                await asyncio.sleep(self.trickle_s)
            await send({"type": "http.response.body", "body": b""})
            return
        lines = gzip.decompress(body).split(b"\n")[:-1]
        if mode == "snapshot_cut":
            first = lines[1] if self.first_record is None else json.dumps(
                self.first_record).encode()
            new = gzip.compress(lines[0] + b"\n" + first + b"\n")
        elif mode == "snapshot_tampered":
            record = json.loads(lines[-2])
            record["key"] = record["key"] + "0"
            lines[-2] = json.dumps(record).encode()
            new = gzip.compress(b"".join(line + b"\n" for line in lines))
        else:  # no_trailer
            new = gzip.compress(b"".join(line + b"\n" for line in lines[:-1]))
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        await _answer(send, status, new, [(k, v) for k, v in headers
                                          if k.lower() != b"content-encoding"]
                      + [(b"content-encoding", b"gzip")])

    def arm_bomb(self) -> None:
        """Make the gzip bomb now (seconds of CPU), not in the server's event loop while the
        till waits for its answer."""
        if self._bomb is None:
            self._bomb = gzip_bomb(self.bomb_bytes)
        self.mode = "gzip_bomb"

    def _count(self, mode: str) -> None:
        self.served[mode] = self.served.get(mode, 0) + 1


async def _answer(send: Send, status: int, body: bytes,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    base = [(k, v) for k, v in (headers or []) if k.lower() != b"content-length"]
    if not any(k.lower() == b"content-type" for k, _ in base):
        base.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status,
                "headers": [*base, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _collect(app: ASGIApp, scope: Scope, receive: Receive
                   ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the real app; collect its whole response."""
    status, headers, chunks = 500, [], []

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)
