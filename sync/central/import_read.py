"""Reading an import file whole: bytes, then text, then records with the line each starts on.

Nothing here touches the database. A file is read entirely, within bounds, before the importer
writes anything (sync/central/importers.py):

- **Encoding**: declared (``--encoding gbk``; ``utf-8`` also takes an Excel BOM) or, when not,
  detected from the whole file: UTF-16 by its BOM; UTF-8 if the whole file decodes as UTF-8;
  else whichever of :data:`DETECTED` (GB18030, the national standard that reads GBK and
  GB2312; Big5) decodes the whole file, charset-normalizer choosing from every non-ASCII line
  when both do, GB18030 when it cannot tell (a few short names read as either; left free, it
  calls them Korean).
  The summary says which and that it was detected. The whole file is then decoded with that
  one encoding; a byte sequence it cannot decode stops the import with the line it is on.
  Never a guess per line.
- **Structure**: a CSV header naming a column twice, JSON that is cut off or broken, a key given
  twice in one JSON object, nesting deeper than :data:`MAX_DEPTH` (checked before the parser
  recurses, so no RecursionError), more than :data:`MAX_ROWS` records or :data:`MAX_BYTES`
  bytes: the file is refused (:class:`FileRefused`), whatever the options, with every such
  problem found.
- **Rows**: a CSV row with more cells than the header, a cell longer than :data:`MAX_CELL`
  characters, a JSON Lines line that is not an object: that row is refused (listed with the
  others), the file is still read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sync.central.entities import RowError

MAX_BYTES = 256 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_DEPTH = 32  # objects and arrays inside each other; an order with lines needs 3
MAX_CELL = 10_000  # characters of one CSV cell or JSON string (names, lists of barcodes)
FORMATS = ("csv", "json", "jsonl")
ENCODINGS_HINT = "utf-8, gbk, gb18030, big5"
DETECTED = ("gb18030", "big5")


class FileRefused(Exception):
    """The file cannot be imported as it is: ``errors`` says where and why."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(f"line {e.ref}: {e.text()}" for e in errors))
        self.errors = errors


@dataclass
class ReadFile:
    """The records of a file, each with its line, and what reading found."""

    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # a CSV's header
    encoding: str = "utf-8"
    detected: bool = False  # the encoding was detected, not declared


def read(data: bytes, fmt: str, *, encoding: str | None = None) -> ReadFile:
    """Decode and parse a whole file of ``fmt`` (csv, json, jsonl)."""
    if len(data) > MAX_BYTES:
        raise FileRefused([RowError(1, f"{len(data):,} bytes, more than an import takes "
                                       f"({MAX_BYTES:,}): split the file")])
    out = ReadFile()
    text, out.encoding, out.detected = decode(data, encoding)
    if fmt == "csv":
        _read_csv(text, out)
    elif fmt == "json":
        _read_json_array(text, out)
    elif fmt == "jsonl":
        _read_jsonl(text, out)
    else:
        raise FileRefused([RowError(1, f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")])
    if len(out.records) > MAX_ROWS:
        raise FileRefused([RowError(1, f"{len(out.records):,} records, more than an import "
                                       f"takes ({MAX_ROWS:,}): split the file")])
    return out


# -- encoding -------------------------------------------------------------------------------------

def decode(data: bytes, encoding: str | None) -> tuple[str, str, bool]:
    """``(text, encoding name, detected)``: see the module's docstring."""
    detected = encoding is None
    if encoding is None:
        encoding = _detect(data)
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise FileRefused([RowError(1, f"unknown encoding {encoding!r}: say one Python "
                                       f"knows, e.g. {ENCODINGS_HINT}")]) from None
    shown = "utf-8" if name in ("utf-8", "utf-8-sig") else name
    codec = "utf-8-sig" if shown == "utf-8" else name  # an Excel BOM is not text
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 4].hex(" ")
        how = "detected as" if detected else "declared as"
        raise FileRefused([RowError(line, f"not {shown} text (the file was {how} {shown}; "
                                          f"bytes {bad} at byte {exc.start:,}): say the "
                                          f"file's encoding with --encoding "
                                          f"({ENCODINGS_HINT})")]) from None
    return text, shown, detected


def _detect(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    fits = []
    for name in DETECTED:
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        fits.append(name)
    if len(fits) <= 1:
        return fits[0] if fits else DETECTED[0]  # none: decoding names the line it fails on
    from charset_normalizer import from_bytes

    evidence = b"\n".join(line for line in data.split(b"\n") if not line.isascii())
    chaos = {str(m.encoding): m.chaos
             for m in from_bytes(evidence[:4 * 1024 * 1024], cp_isolation=fits)}
    # The least chaotic reading; a tie (too little text to tell) goes to GB18030.
    return min(fits, key=lambda n: (chaos.get(n, float("inf")), DETECTED.index(n)))


# -- CSV ------------------------------------------------------------------------------------------

def _read_csv(text: str, out: ReadFile) -> None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    end = 0  # the last physical line read so far
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileRefused([RowError(start, f"not readable as CSV ({exc}): nothing after "
                                               "it can be trusted")]) from None
        end = reader.line_num
        if not row or not any(c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            _check_header(header, start)
            out.columns = header
            continue
        if len(row) > len(header):
            out.rejected.append(RowError(start, f"{len(row)} cells, but the header has "
                                                f"{len(header)} columns"))
            continue
        long = next((i for i, c in enumerate(row) if len(c) > MAX_CELL), None)
        if long is not None:
            out.rejected.append(RowError(start, f"{len(row[long]):,} characters, at most "
                                                f"{MAX_CELL:,}", header[long]))
            continue
        out.records.append((start, {name: cell for name, cell in zip(header, row, strict=False)
                                    if name}))
        if len(out.records) > MAX_ROWS:
            return
    if header is None:
        raise FileRefused([RowError(1, "the file is empty: a CSV import starts with a header "
                                       "row naming its columns")])


def _check_header(header: list[str], line: int) -> None:
    first: dict[str, int] = {}
    errors = []
    for i, name in enumerate(header, start=1):
        key = name.lower()
        if not key:
            continue
        if key in first:
            errors.append(RowError(line, f"column {name!r} appears twice (columns {first[key]} "
                                         f"and {i}): which one is meant?"))
        else:
            first[key] = i
    if errors:
        raise FileRefused(errors)


# -- JSON -----------------------------------------------------------------------------------------

class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


# Exact decimals (an amount of 3.35 stays 3.35, sync/central/import_checks.py converts it).
_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=Decimal,
                            parse_constant=_no_constant)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def too_deep(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The offset in ``text`` where JSON nesting goes deeper than ``limit``, else None.

    Strings are blanked first (a bracket in a name is not nesting), then brackets are counted,
    without recursion: the guard before :func:`json.loads` recurses."""
    blanked = _STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)
    depth = 0
    for m in _BRACKET.finditer(blanked):
        if m.group() in "[{":
            depth += 1
            if depth > limit:
                return m.start()
        else:
            depth -= 1
    return None


def json_problem(text: str) -> tuple[int, str] | None:
    """``(offset, message)`` when ``text`` nests too deep or repeats a key in one object;
    None when it is fine or merely invalid JSON (the caller's parser says why)."""
    deep = too_deep(text)
    if deep is not None:
        return deep, f"nested deeper than {MAX_DEPTH} levels"
    try:
        _DECODER.decode(text)
    except _DuplicateKey as exc:
        return _key_offset(text, 0, len(text), exc.key), \
            f"key {exc.key!r} appears twice in one object"
    except ValueError:
        return None
    return None


def _key_offset(text: str, start: int, end: int, key: str) -> int:
    """Where ``key`` is given the second time between ``start`` and ``end`` (best effort)."""
    found = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text[start:end])]
    return start + (found[1] if len(found) > 1 else 0)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode_one(text: str, pos: int, line: Callable[[int], int]) -> tuple[Any, int]:
    """One JSON value at ``pos`` (offset after it); problems as :class:`FileRefused`."""
    try:
        return _DECODER.raw_decode(text, pos)
    except _DuplicateKey as exc:
        end = _end_of_value(text, pos)
        where = _key_offset(text, pos, end, exc.key)
        raise FileRefused([RowError(line(where), f"key {exc.key!r} appears twice in one "
                                                 "object: which one is meant?")]) from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise FileRefused([RowError(line(exc.pos), "the file ends inside a record: it was "
                                                       "cut off (copied or uploaded only in "
                                                       "part?)")]) from None
        raise FileRefused([RowError(line(exc.pos), f"invalid JSON ({exc.msg})")]) from None
    except ValueError as exc:  # NaN, Infinity
        raise FileRefused([RowError(line(pos), f"invalid JSON ({exc})")]) from None


def _end_of_value(text: str, pos: int) -> int:
    """Roughly where the value at ``pos`` ends: its closing bracket at the same depth."""
    blanked = _STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text[pos:])
    depth = 0
    for m in _BRACKET.finditer(blanked):
        depth += 1 if m.group() in "[{" else -1
        if depth == 0:
            return pos + m.end()
    return len(text)


def _read_json_array(text: str, out: ReadFile) -> None:
    """Objects of a top-level array, each with the line it starts on."""
    deep = too_deep(text)
    if deep is not None:
        raise FileRefused([RowError(_line_at(text, deep), f"nested deeper than {MAX_DEPTH} "
                                                          "levels: not an import file")])
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line(offset: int) -> int:
        return bisect_left(newlines, offset) + 1

    pos = _skip(text, 0)
    if not text.startswith("[", pos):
        raise FileRefused([RowError(line(pos), "a JSON import file is an array of objects: "
                                               "[{...}, ...] (or JSON Lines, one object a "
                                               "line, named .jsonl)")])
    pos = _skip(text, pos + 1)
    if text.startswith("]", pos):
        return _expect_end(text, pos + 1, line)
    while True:
        if pos >= len(text):
            raise FileRefused([RowError(line(pos), "the file ends before the array's closing "
                                                   "]: it was cut off")])
        start = line(pos)
        obj, pos = _decode_one(text, pos, line)
        if isinstance(obj, dict):
            out.records.append((start, obj))
            if len(out.records) > MAX_ROWS:
                return
        else:
            out.rejected.append(RowError(start, "not a JSON object"))
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif text.startswith("]", pos):
            return _expect_end(text, pos + 1, line)
        elif pos >= len(text):
            raise FileRefused([RowError(line(pos), "the file ends before the array's closing "
                                                   "]: it was cut off")])
        else:
            raise FileRefused([RowError(line(pos), "invalid JSON (expected , or ] after a "
                                                   "record)")])


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _expect_end(text: str, pos: int, line: Callable[[int], int]) -> None:
    pos = _skip(text, pos)
    if pos < len(text):
        raise FileRefused([RowError(line(pos), "more after the array's closing ]")])


def _read_jsonl(text: str, out: ReadFile) -> None:
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        if too_deep(raw) is not None:
            raise FileRefused([RowError(number, f"nested deeper than {MAX_DEPTH} levels: not "
                                                "an import file")])
        try:
            obj = _DECODER.decode(raw)
        except _DuplicateKey as exc:
            out.rejected.append(RowError(number, f"key {exc.key!r} appears twice in one "
                                                 "object: which one is meant?"))
            continue
        except ValueError as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            out.rejected.append(RowError(number, f"not valid JSON: {msg}"))
            continue
        if not isinstance(obj, dict):
            out.rejected.append(RowError(number, "not a JSON object"))
            continue
        out.records.append((number, obj))
        if len(out.records) > MAX_ROWS:
            return
