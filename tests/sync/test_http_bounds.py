"""sync/http.py: every request ends by its deadline in every phase, and answers are decoded
bounded. A raw socket server plays the slow peer (the headers a byte at a time, or nothing at
all after the connection); httpx.MockTransport plays the answers."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from sync.http import DEADLINE, LIMIT, AnswerTooLarge, BoundedTransport, DeadlineExceeded


@contextmanager
def slow_peer(answer: bytes, every_s: float) -> Iterator[str]:
    """A server on 127.0.0.1 that reads a request and answers one byte every ``every_s``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            for i in range(len(answer)):
                if stop.wait(every_s):
                    return
                try:
                    conn.sendall(answer[i:i + 1])
                except OSError:
                    return
            stop.wait(30)  # keep the connection open, silent

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(5)


def client(url: str, **kw) -> httpx.Client:
    return httpx.Client(base_url=url, transport=BoundedTransport(server=url, **kw), timeout=5)


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}",  # the status line and headers trickle
    b"",  # connected, then nothing at all (only the per-read time-out would end it: 5 s)
])
def test_a_request_ends_by_its_deadline_while_the_headers_trickle_or_never_come(answer):
    with slow_peer(answer, 0.2) as url, client(url, deadline_s=1.0) as http:
        t0 = time.monotonic()
        with pytest.raises(DeadlineExceeded, match="within 1 s"):
            http.get("/v1/changes")
        assert time.monotonic() - t0 < 1.8


def test_a_request_may_ask_for_a_longer_deadline_but_never_past_its_cycle():
    answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"  # 41 bytes: 2 s at 50 ms
    with slow_peer(answer, 0.05) as url, client(url, deadline_s=0.5) as http:
        assert http.get("/", extensions={DEADLINE: 10}).json() == {}
    with slow_peer(answer, 0.05) as url, client(url, deadline_s=60, cycle_s=0.8) as http:
        t0 = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            http.get("/", extensions={DEADLINE: 10})
        assert time.monotonic() - t0 < 1.5


def mock(body: bytes, encoding: str | None) -> httpx.MockTransport:
    headers = {"Content-Encoding": encoding} if encoding else {}
    return httpx.MockTransport(lambda request: httpx.Response(
        200, headers=headers, stream=httpx.ByteStream(body)))


@pytest.mark.parametrize(("encoding", "encode"), [
    (None, lambda b: b), ("gzip", gzip.compress), ("deflate", zlib.compress)])
def test_answers_are_decoded_up_to_their_limit_and_refused_past_it(encoding, encode):
    body = b"x" * 1_000_000
    with httpx.Client(base_url="http://c.test", transport=BoundedTransport(
            mock(encode(body), encoding), max_bytes=1_000_000)) as http:
        resp = http.get("/")
        assert resp.content == body and "content-encoding" not in resp.headers
        with pytest.raises(AnswerTooLarge):
            http.get("/", extensions={LIMIT: 999_999})


def test_an_encoding_the_till_did_not_ask_for_is_refused():
    with (httpx.Client(base_url="http://c.test",
                       transport=BoundedTransport(mock(b"??", "br"))) as http,
          pytest.raises(httpx.DecodingError, match="encoding")):
        http.get("/")


def test_the_till_asks_for_gzip_only():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Accept-Encoding"])
        return httpx.Response(200, json={})

    with httpx.Client(transport=BoundedTransport(httpx.MockTransport(handler))) as http:
        http.get("http://c.test/")
    assert seen == ["gzip"]
