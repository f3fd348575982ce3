"""A snapshot is staged whole and verified before any of it is written.

``GET /v1/snapshot?trailer=sha256`` (sync/protocol/snapshot_format.py) is read in two passes:

1. :func:`stage_snapshot` saves the body as it comes (gzip, as sent) to a file beside the
   till's database (:func:`stage_path`), and decodes it on the way, bounded: pieces of at
   most 256 KB (sync/http.py), a line of at most :data:`MAX_LINE` bytes, no more lines than
   the header announced, and no more than :data:`MAX_MEAN_LINE` bytes per announced record
   in all, so a gzip bomb costs neither memory nor disk. It counts the record lines, takes
   the SHA-256 of every line before the last, and checks both against the last line, the
   trailer. A body cut off (the connection broken, a gzip stream without its end, no trailer
   after fewer records than announced), a count or a digest that differs, or a central too
   old to send a trailer: the snapshot is refused and nothing of it reaches the till's
   tables.
2. The engine then reads the verified file with :meth:`StagedSnapshot.lines` and writes it
   through :class:`sync.snapshot_writer.SnapshotWriter` in its short transactions (about
   25 ms each, so a checkout never waits long for the write lock), and sets its cursor last.
   The local write no longer depends on the network; if the till stops during it, the next
   cycle takes the snapshot again (the careful path then removes what the snapshot does not hold).

Decoding a block of lines (:func:`decode_block`) validates each record against its entity's
model, 100 lines per pydantic call.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from sync.protocol.snapshot_format import SnapshotTrailer

from .errors import SyncError
from .http import IdentityDecoder, InflateDecoder
from .protocol import ENTITY_MODELS, SnapshotHeader

MAX_LINE = 4 * 1024 * 1024  # one record (a web order with many lines is some 10 KB)
MAX_HEADER = 64 * 1024
MAX_MEAN_LINE = 64 * 1024  # decoded bytes per announced record, on average, at most
# Whatever the header announces: a snapshot of 4 million records is some 500 MB decoded and
# 100 MB as sent (docs/performance.md), so these leave room for a store twenty times larger.
MAX_DECODED = 8 * 1024**3
MAX_STAGED = 2 * 1024**3  # bytes as sent, on the till's disk
READ_BYTES = 64 * 1024
STALE_S = 86_400.0  # a staged file this old was left by a till that stopped


def _gzip(first: bytes) -> bool:
    return first[:2] == b"\x1f\x8b"


@dataclass
class StagedSnapshot:
    """A snapshot saved whole and verified: its header, and its record lines on demand."""

    path: Path
    header: SnapshotHeader
    records: int

    def lines(self) -> _Lines:
        """The record lines (the header and the trailer left out), a few at a time."""
        lines = _Lines(ndjson_blocks(self._chunks()), limit=self.records + 1)
        lines.take(1)  # the header, read and checked already
        return lines

    def _chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as f:
            while chunk := f.read(READ_BYTES):
                yield chunk

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class _Verifier:
    """Pass 1 over the decoded body: the header, the line count and the digest, bounded."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.held = b""  # from the start of the last line seen: maybe the trailer
        self.lines = 0  # lines hashed: the header and the records
        self.size = 0
        self.header: SnapshotHeader | None = None

    def feed(self, piece: bytes) -> None:
        self.size += len(piece)
        data = self.held + piece if self.held else piece
        if self.header is None:
            self._read_header(data)
        cut = data.rfind(b"\n", 0, len(data) - 1)
        if cut < 0:
            self.held = data
        else:
            self.digest.update(memoryview(data)[:cut + 1])
            self.lines += data.count(b"\n", 0, cut + 1)
            self.held = data[cut + 1:]
        if len(self.held) > MAX_LINE:
            raise _refused("a line of the central's snapshot is longer than the till takes "
                           f"({MAX_LINE:,} bytes)", "snapshot_malformed")
        announced = self.header.records if self.header else None
        if announced is not None:
            if self.lines > announced + 1:
                raise _refused(f"the central's snapshot holds more than the {announced} "
                               "records its header announced", "snapshot_malformed")
            if self.size > min(MAX_DECODED, MAX_LINE + (announced + 2) * MAX_MEAN_LINE):
                raise _refused("the central's snapshot is far larger than its records "
                               f"({self.size:,} bytes decoded for {announced})",
                               "snapshot_malformed")

    def _read_header(self, data: bytes) -> None:
        end = data.find(b"\n")
        if end < 0:
            if len(data) > MAX_HEADER:
                raise _refused("the central's snapshot has no valid header",
                               "snapshot_malformed")
            return
        try:
            self.header = SnapshotHeader.model_validate_json(data[:end])
        except ValueError as exc:
            raise _refused(f"the central's snapshot has no valid header ({exc})",
                           "snapshot_malformed") from None

    def verdict(self, ended: bool) -> tuple[SnapshotHeader, int]:
        """The header and the record count, or the refusal."""
        last = self.held.rstrip(b"\n")
        header = self.header
        if header is None:
            if not ended or not last:
                raise SyncError("the snapshot download broke off before its header",
                                transient=True, code="snapshot_cut", done=0, records=0)
            raise _refused("the central's snapshot has no valid header", "snapshot_malformed")
        records = self.lines - 1
        announced = header.records
        try:
            trailer = SnapshotTrailer.model_validate_json(last) if ended else None
        except ValueError:
            trailer = None
        if trailer is None:
            if ended and announced is not None and records + 1 == announced \
                    and last.startswith(b"{"):
                raise SyncError(
                    "the central sent a snapshot without a trailer (record count and "
                    "digest): it is older than this till. Upgrade the central "
                    "(posclient-central) to load this till's catalogue",
                    transient=False, code="snapshot_unverified")
            raise SyncError(f"the snapshot was cut off ({max(records, 0)} of "
                            f"{announced if announced is not None else '?'} records): none "
                            "of it was written", transient=True, code="snapshot_cut",
                            done=max(records, 0), records=announced or 0)
        if trailer.records != records or (announced is not None and announced != records):
            raise _refused(f"the central's snapshot holds {records} records, its trailer "
                           f"says {trailer.records} and its header {announced}: none of it "
                           "was written", "snapshot_count", done=records,
                           records=trailer.records)
        if self.digest.hexdigest() != trailer.sha256:
            raise _refused("the central's snapshot does not match its digest (SHA-256): none "
                           "of it was written", "snapshot_digest")
        return header, records


def _refused(message: str, code: str, **details: Any) -> SyncError:
    return SyncError(message, transient=False, code=code, **details)


def stage_path(db_path: Path) -> Path:
    """A new file beside the till's database for one snapshot download (one per process and
    thread: a till window and ``posclient sync --once`` may both load one). Files left by a
    till that stopped mid-download, a day old, are removed here."""
    for old in db_path.parent.glob(f"{db_path.name}.snapshot-*"):
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > STALE_S:
                old.unlink()
    return db_path.with_name(f"{db_path.name}.snapshot-{os.getpid()}-{threading.get_ident()}")


def stage_snapshot(chunks: Iterable[bytes], path: Path) -> StagedSnapshot:
    """Save the body (``chunks``: as sent, gzip or not) to ``path`` and verify it (module
    docstring, pass 1). Raises :class:`SyncError` and removes the file on any refusal; a
    network error from ``chunks`` is passed on (the file removed too)."""
    verifier = _Verifier()
    decoder: IdentityDecoder | InflateDecoder | None = None
    staged = 0
    try:
        with path.open("wb") as out:
            for raw in chunks:
                if not raw:
                    continue
                staged += len(raw)
                if staged > MAX_STAGED:
                    raise _refused("the central's snapshot is larger than the till takes "
                                   f"({MAX_STAGED >> 30} GB as sent)", "snapshot_malformed")
                out.write(raw)
                if decoder is None:
                    decoder = InflateDecoder(31) if _gzip(raw) else IdentityDecoder()
                for piece in decoder.decode(raw):
                    verifier.feed(piece)
            complete = True
            if isinstance(decoder, InflateDecoder):
                tail = decoder.flush()
                if tail:
                    verifier.feed(tail)
                complete = decoder.eof
        header, records = verifier.verdict(ended=complete)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StagedSnapshot(path, header, records)


def ndjson_blocks(chunks: Iterable[bytes]) -> Iterator[list[bytes]]:
    """Lines of an NDJSON body (bytes), gzip-decoded if it is gzip, a block of lines per
    piece read. Decoded here (not by httpx, whose text line splitter is much slower on a
    million lines). A gzip stream that ends without its trailer is a cut-off download."""
    decoder: IdentityDecoder | InflateDecoder | None = None
    buffer = b""
    for raw in chunks:
        if decoder is None:
            decoder = InflateDecoder(31) if _gzip(raw) else IdentityDecoder()
        for data in decoder.decode(raw):
            block = (buffer + data).split(b"\n") if buffer else data.split(b"\n")
            buffer = block.pop()
            yield block
    if isinstance(decoder, InflateDecoder):
        buffer += decoder.flush()
        if not decoder.eof:
            raise SyncError("the snapshot download broke off (incomplete gzip stream)",
                            transient=True, code="snapshot_cut", done=0, records=0)
    if buffer:
        yield [buffer]


def _line_model(entity: str, model: type[BaseModel]) -> type[BaseModel]:
    # cache_strings off: a million distinct names would only churn pydantic's string cache
    # (measured: 25% faster validation of a snapshot).
    config = ConfigDict(extra="ignore", frozen=True, cache_strings=False)
    # Literal[entity] of a run-time ``entity`` is a type form only at run time: mypy cannot
    # check a type built from a value.
    return create_model(f"Snapshot_{entity}", __config__=config,
                        entity=(Literal[entity], ...),  # type: ignore[arg-type]
                        key=(str, Field(min_length=1)), data=(model, ...))


# One snapshot line: {"entity", "key", "data"} with data checked against its entity's model
# (sync.protocol ENTITY_MODELS). A block of lines is parsed and validated in one call, as a
# JSON array: one C call for 100 records costs less than half of 100 calls.
# The union is built at run time, so it is a value to mypy and ``list[...]`` of it is not a type.
_SNAPSHOT_LINE: object = Annotated[
    Union[tuple(_line_model(e, m) for e, m in ENTITY_MODELS.items())],  # noqa: UP007
    Field(discriminator="entity")]
_SNAPSHOT_BLOCK: TypeAdapter[list[Any]] = TypeAdapter(
    list[_SNAPSHOT_LINE])  # type: ignore[valid-type]
# The core validator's own method: TypeAdapter.validate_json adds ~70 us of Python per call.
_VALIDATE_BLOCK = _SNAPSHOT_BLOCK.validator.validate_json


class _Lines:
    """The non-blank lines of an NDJSON body, taken a few at a time."""

    def __init__(self, blocks: Iterator[list[bytes]], limit: int | None = None) -> None:
        self._blocks = blocks
        self._pending: list[bytes] = []
        self._at = 0  # lines of _pending already taken
        self._ended = False
        self._left = limit  # lines still to give (None: all); the trailer is not a record

    def take(self, n: int) -> list[bytes]:
        """Up to ``n`` lines; an empty list at the end of the body (or of the limit)."""
        if self._left is not None:
            n = min(n, self._left)
            if n <= 0:
                return []
        while len(self._pending) - self._at < n and not self._ended:
            block = next(self._blocks, None)
            if block is None:
                self._ended = True
                break
            del self._pending[:self._at]
            self._at = 0
            self._pending.extend(filter(None, block))  # blank lines: see decode_block
        out = self._pending[self._at:self._at + n]
        self._at += len(out)
        if self._left is not None:
            self._left -= len(out)
        return out


def decode_block(lines: list[bytes], done: int) -> list[Any]:
    """Parse and validate snapshot lines (one record each); ``done``: records before them.

    Raises :class:`SyncError` naming the first bad record (counted from 1) and what is wrong:
    nothing of a block with a bad record is handed on. A line must hold exactly one JSON
    object: lines are joined into one array, so the records counted must match the lines.
    """
    joined = b",\n".join(lines)
    # Every line starts with "{" (checked in C); else the slow way: blank lines dropped, and
    # leading white space allowed.
    if lines and (lines[0][:1] != b"{" or joined.count(b"\n{") != len(lines) - 1):
        lines = [line for line in lines if not line.isspace()]
        if not all(line.lstrip()[:1] == b"{" for line in lines):
            raise SyncError(f"the central's snapshot has a bad record after {done} (a line "
                            "that is not a JSON object)", transient=False)
        joined = b",\n".join(lines)
    try:
        recs = _VALIDATE_BLOCK(b"[" + joined + b"]")
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err.get("loc", ())
        at = done + 1 + (loc[0] if loc and isinstance(loc[0], int) else 0)
        if err.get("type") == "json_invalid":
            what = f"invalid JSON near record {done + 1}-{done + len(lines)}"
        else:
            where = ".".join(str(p) for p in loc[1:]) or "record"
            what = f"record {at}: {where}: {err.get('msg')}"
        raise SyncError(f"the central's snapshot has a bad record ({what[:300]})",
                        transient=False) from None
    if len(recs) != len(lines):
        raise SyncError(f"the central's snapshot has a bad record after {done} (a line with "
                        "more than one record)", transient=False)
    return recs
