"""The till's HTTP transport to the central: a deadline for every request, answers bounded.

httpx only has time-outs per network operation: an answer that trickles one byte every few
seconds never times out, and ``.json()`` of a small gzip answer that expands to a gigabyte
holds the gigabyte. :class:`BoundedTransport` wraps the real transport (or a test's) so that:

- **Every request has a deadline** (``deadline_s``, or the ``DEADLINE`` request extension),
  never later than the transport's ``cycle_end`` (a sync cycle's own deadline). Every socket
  operation's time-out is cut to what is left of it (:class:`DeadlineBackend`: connect, TLS
  handshake, sending, the headers and every read of the body), so a request ends by its
  deadline in every phase without a watchdog thread; the body's reads are checked too (a test's
  transport has no sockets). Past it: :class:`DeadlineExceeded` (an ``httpx.TimeoutException``).
- **Answers are decoded here, bounded**: ``Content-Encoding`` gzip or deflate is decompressed
  in pieces of at most :data:`PIECE` bytes, and an answer of more than ``max_bytes`` decoded
  bytes (the ``LIMIT`` extension, else :data:`MAX_ANSWER_BYTES`) ends in
  :class:`AnswerTooLarge` as soon as it passes the limit: ``resp.content`` and ``resp.json()``
  never hold more. The till asks for ``gzip`` only; another encoding is refused.
- A request with the ``RAW`` extension (the snapshot, which the engine decodes and bounds
  itself while staging it: sync/snapshot_stage.py) gets the body as sent, still deadlined.
"""

from __future__ import annotations

import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

DEFAULT_DEADLINE_S = 60.0  # a request's whole life, from connecting to its last byte
# Decoded bytes of an answer read whole (a JSON page, an upload's results). A page of the
# protocol's MAX_PAGE changes is a few MB; parsed, 16 MB of JSON costs the till about 120 MB
# (measured: tests/sync/test_misbehaving_central.py keeps a till under 200 MB resident). The
# engine asks for fewer changes when a page is over it (sync/engine.py _pull).
MAX_ANSWER_BYTES = 16 * 1024 * 1024
PIECE = 256 * 1024  # the largest piece of decoded answer held at once

# Request extensions (``http.request(..., extensions={DEADLINE: 30})``).
DEADLINE = "posclient_deadline_s"
LIMIT = "posclient_max_bytes"
RAW = "posclient_raw"

_local = threading.local()  # the deadline (time.monotonic()) of this thread's current request


class DeadlineExceeded(httpx.TimeoutException):
    """The request was not finished by its deadline (or its sync cycle's)."""

    def __init__(self, seconds: float, request: httpx.Request | None = None) -> None:
        super().__init__(f"no complete answer within {seconds:g} s", request=request)
        self.seconds = seconds


class AnswerTooLarge(httpx.DecodingError):
    """The answer decoded to more than the till accepts for it."""

    def __init__(self, limit: int, request: httpx.Request | None = None) -> None:
        super().__init__(f"the answer is over {limit:,} bytes decoded", request=request)
        self.limit = limit


# -- the deadline on every socket operation ----------------------------------------------------

@contextmanager
def _deadline(end: float) -> Iterator[None]:
    saved = getattr(_local, "end", None)
    _local.end = end
    try:
        yield
    finally:
        _local.end = saved


def _cut(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the current request's deadline."""
    end = getattr(_local, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _cut(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(
            ssl_context, server_hostname, _cut(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every operation's time-out cut to the deadline of the
    thread's current request (set by :class:`BoundedTransport`)."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(
            host, port, _cut(timeout, httpcore.ConnectTimeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(
            path, _cut(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def network_transport(server: str,
                      verify: bool | str | ssl.SSLContext = True) -> httpx.HTTPTransport:
    """httpx's own transport to ``server`` (through the proxy the environment names, as httpx
    would), with :class:`DeadlineBackend` under it."""
    parts = urlsplit(server)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and urllib.request.proxy_bypass(parts.hostname or ""):
        proxy = None
    transport = httpx.HTTPTransport(verify=verify, proxy=proxy or None)
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):  # httpcore's pools and proxies
        pool._network_backend = DeadlineBackend(pool._network_backend)
    return transport


# -- bounded decoding ----------------------------------------------------------------------------

class IdentityDecoder:
    def decode(self, data: bytes) -> Iterator[bytes]:
        for at in range(0, len(data), PIECE):
            yield data[at:at + PIECE]

    def flush(self) -> bytes:
        return b""


class InflateDecoder:
    """gzip (``wbits`` 31) or zlib-wrapped deflate, decompressed :data:`PIECE` at most at a
    time: a bomb never expands in memory beyond one piece."""

    def __init__(self, wbits: int) -> None:
        self._d = zlib.decompressobj(wbits)

    def decode(self, data: bytes) -> Iterator[bytes]:
        try:
            while data:
                out = self._d.decompress(data, PIECE)
                if out:
                    yield out
                data = self._d.unconsumed_tail
        except zlib.error as exc:
            raise httpx.DecodingError(f"a compressed answer that does not decode ({exc})"
                                      ) from None

    def flush(self) -> bytes:
        return self._d.flush(PIECE)

    @property
    def eof(self) -> bool:
        """The compressed stream's end was read (a gzip stream without it was cut off)."""
        return self._d.eof


Decoder = IdentityDecoder | InflateDecoder


def decoder_for(encoding: str) -> Decoder | None:
    """A bounded decoder for a ``Content-Encoding`` value; None for one the till refuses."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return IdentityDecoder()
    if name in ("gzip", "x-gzip"):
        return InflateDecoder(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return InflateDecoder(zlib.MAX_WBITS)
    return None


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request, end: float,
                 seconds: float, decoder: Decoder | None, limit: int) -> None:
        self._inner = inner
        self._request = request
        self._end = end
        self._seconds = seconds
        self._decoder = decoder
        self._limit = limit

    def _late(self) -> DeadlineExceeded:
        return DeadlineExceeded(self._seconds, request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        total = 0
        while True:
            with _deadline(self._end):
                try:
                    chunk = next(chunks, None)
                except httpx.TimeoutException:
                    if time.monotonic() >= self._end:
                        raise self._late() from None
                    raise
            if time.monotonic() >= self._end:
                raise self._late()
            if chunk is None:
                break
            if self._decoder is None:  # RAW: as sent
                yield chunk
                continue
            for piece in self._decoder.decode(chunk):
                total += len(piece)
                if total > self._limit:
                    raise AnswerTooLarge(self._limit, request=self._request)
                yield piece
        if self._decoder is not None:
            tail = self._decoder.flush()
            if total + len(tail) > self._limit:
                raise AnswerTooLarge(self._limit, request=self._request)
            if tail:
                yield tail

    def close(self) -> None:
        self._inner.close()


class BoundedTransport(httpx.BaseTransport):
    """See the module docstring. ``inner``: the transport to wrap (a test's), else
    :func:`network_transport` to ``server``."""

    def __init__(self, inner: httpx.BaseTransport | None = None, *, server: str = "",
                 verify: bool | str | ssl.SSLContext = True,
                 deadline_s: float = DEFAULT_DEADLINE_S,
                 max_bytes: int = MAX_ANSWER_BYTES, cycle_s: float | None = None) -> None:
        self.inner = inner if inner is not None else network_transport(server, verify)
        self.deadline_s = deadline_s
        self.max_bytes = max_bytes
        self.cycle_s = cycle_s
        self.cycle_end = None if cycle_s is None else time.monotonic() + cycle_s

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ext = request.extensions
        seconds = float(ext.get(DEADLINE, self.deadline_s))
        end = time.monotonic() + seconds
        if self.cycle_end is not None and self.cycle_end < end:
            end, seconds = self.cycle_end, float(self.cycle_s or seconds)
        raw = bool(ext.get(RAW))
        limit = int(ext.get(LIMIT, self.max_bytes))
        request.headers["Accept-Encoding"] = "gzip"
        if time.monotonic() >= end:
            raise DeadlineExceeded(seconds, request=request)
        with _deadline(end):
            try:
                resp = self.inner.handle_request(request)
            except httpx.TimeoutException:
                if time.monotonic() >= end:
                    raise DeadlineExceeded(seconds, request=request) from None
                raise
        assert isinstance(resp.stream, httpx.SyncByteStream)
        if raw:
            return httpx.Response(resp.status_code, headers=resp.headers,
                                  stream=_BoundedStream(resp.stream, request, end, seconds,
                                                        None, limit),
                                  extensions=resp.extensions)
        decoder = decoder_for(resp.headers.get("Content-Encoding", ""))
        if decoder is None:
            resp.stream.close()
            raise httpx.DecodingError("the central answered in an encoding the till does not "
                                      f"take ({resp.headers.get('Content-Encoding')})",
                                      request=request)
        headers = [(k, v) for k, v in resp.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length")]
        return httpx.Response(resp.status_code, headers=headers,
                              stream=_BoundedStream(resp.stream, request, end, seconds,
                                                    decoder, limit),
                              extensions=resp.extensions)

    def close(self) -> None:
        self.inner.close()
