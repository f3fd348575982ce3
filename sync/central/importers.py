"""Bulk import of reference data and stock from CSV, JSON or JSON Lines files.

- CSV: a header row naming the record's fields (UTF-8, an Excel BOM is fine). Empty cells take
  the field's default. ``barcodes``: several codes in one cell, separated by ``;``, ``|``,
  ``,`` or spaces; a promotion's lists (``product_ids``, ``categories``, ``brands``, ``tiers``,
  ``days``, ``store_ids``): separated by ``;`` or ``|``. Booleans: ``1/0``, ``true/false``,
  ``yes/no``.
- JSON: a top-level array of objects; JSON Lines (``.jsonl``/``.ndjson``): one object a line.
  Both are read as a stream, never whole.

Each record is validated like the terminals validate it (sync/central/entities.py). A bad row
is reported with its line number and reason and the valid rows still load. Rows are written in
chunks, one transaction each, so a million-row file does not hold the feed lock for minutes;
an import stopped half-way is simply run again (unchanged rows write nothing).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine

from sync.central import entities, feed, orders
from sync.central.db import analyze
from sync.central.entities import RowError
from sync.central.schema import BULK_TABLES
from sync.protocol import ENTITY_MODELS

KINDS: dict[str, str] = {  # --kind -> entity
    "product": "product", "price": "price", "member": "member", "stock": "stock_level",
    "tax_rate": "tax_rate", "order": "order", "promotion": "promotion",
    "delivery": "delivery",  # JSON or JSONL: a delivery's lines are a list
}
# CSV cells holding lists, split on ``;`` or ``|`` (names may hold spaces and commas).
LIST_COLUMNS = {"promotion": frozenset({"product_ids", "categories", "brands", "tiers", "days",
                                        "store_ids"})}
_SPLIT_LIST = re.compile(r"\s*[;|]\s*")
# Web orders in CSV: one row per order line; the order's own columns are read from its first
# row, and the rows of one order follow each other. A row may also carry one payment.
ORDER_COLUMNS = ("order_no", "channel", "status", "fulfilment", "store_id", "pickup_code",
                 "customer_name", "customer_phone", "currency", "created_at")
ORDER_LINE_COLUMNS = ("sku", "qty", "unit_price", "discount")
ORDER_PAYMENT_COLUMNS = ("payment_kind", "payment_amount", "payment_method", "payment_reference")
FORMATS = ("csv", "json", "jsonl")
CHUNK = 5_000
ANALYZE_AFTER = 50_000  # rows: a load this big refreshes PostgreSQL's statistics
_SPLIT_CODES = re.compile(r"[;|,\s]+")

Progress = Callable[[str, int, int], None]


class ImportFailed(Exception):
    """The file cannot be read any further (rows before the problem were loaded)."""


@dataclass
class ImportReport:
    rows: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    stopped: str | None = None  # why reading stopped early (malformed JSON), if it did


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise ImportFailed(f"{path.name}: cannot tell the format from the name; give --format "
                       f"({', '.join(FORMATS)}).")


def import_file(engine: Engine, path: Path, kind: str, *, now: Callable[[], datetime],
                store_id: str | None = None, fmt: str | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Load ``path`` as records of ``kind`` (see :data:`KINDS`)."""
    if kind not in KINDS:
        raise ImportFailed(f"Unknown kind {kind!r}: one of {', '.join(KINDS)}.")
    entity = KINDS[kind]
    fmt = fmt or guess_format(path)
    if entity == "delivery" and fmt == "csv":
        raise ImportFailed("Deliveries are imported from JSON or JSONL (each has a list of "
                           "lines), not CSV.")
    report = ImportReport()
    total = path.stat().st_size
    tick = progress or (lambda stage, done, total: None)
    with path.open("rb") as raw:
        counted = _Counting(raw)
        records = _read(counted, fmt, entity, report)
        batch: list[tuple[int, dict[str, Any]]] = []
        try:
            for item in records:
                batch.append(item)
                if len(batch) >= CHUNK:
                    _write(engine, entity, batch, store_id, now(), report)
                    tick("import", counted.count, total)
                    batch = []
        except ImportFailed as exc:
            report.stopped = str(exc)
        if batch:
            _write(engine, entity, batch, store_id, now(), report)
        if report.rows >= ANALYZE_AFTER:
            analyze(engine, BULK_TABLES)
        tick("import", total, total)
    report.rejected.sort(key=lambda e: e.ref)
    return report


def _write(engine: Engine, entity: str, batch: list[tuple[int, dict[str, Any]]],
           store_id: str | None, now: datetime, report: ImportReport) -> None:
    report.rows += len(batch)
    with feed.transaction(engine, now) as tx:
        if entity == "stock_level":
            done = entities.set_stock_records(tx, batch, store_id=store_id, reason="import",
                                              ref_name="line")
        elif entity == "order":
            done = orders.upsert_orders(tx, batch, ref_name="line")
        else:
            done = entities.upsert_records(tx, entity, batch, ref_name="line")
    report.loaded += done.upserted
    report.unchanged += done.unchanged
    report.rejected.extend(done.rejected)


def _read(raw: _Counting, fmt: str, entity: str,
          report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    if fmt == "csv":
        rows = _read_csv(raw, entity, report)
        return _orders_from_rows(rows) if entity == "order" else rows
    if fmt == "jsonl":
        return _read_jsonl(raw, report)
    if fmt == "json":
        return _read_json_array(raw, report)
    raise ImportFailed(f"Unknown format {fmt!r}: one of {', '.join(FORMATS)}.")


# -- CSV ------------------------------------------------------------------------------------------

def _fields(entity: str) -> set[str]:
    if entity == "stock_level":
        return {"product_id", "qty", "store_id"}
    if entity == "order":
        return {*ORDER_COLUMNS, *ORDER_LINE_COLUMNS, *ORDER_PAYMENT_COLUMNS}
    return set(ENTITY_MODELS[entity].model_fields)


def _read_csv(raw: _Counting, entity: str,
              report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        header = reader.fieldnames or []
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"line 1: not UTF-8 text ({exc.reason})") from None
    known = _fields(entity)
    lists = LIST_COLUMNS.get(entity, frozenset())
    report.unknown_columns = [h for h in header if h and h.strip() not in known]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ImportFailed(f"line {reader.line_num + 1}: cannot read the file further "
                               f"({exc})") from None
        if None in row:  # csv.DictReader's key for cells beyond the header's columns
            report.rejected.append(RowError(reader.line_num,
                                            "more cells than the header has columns"))
            continue
        record: dict[str, Any] = {}
        for name, value in row.items():
            name = name.strip()
            if name not in known or value is None or not value.strip():
                continue
            value = value.strip()
            if name == "barcodes":
                record[name] = [c for c in _SPLIT_CODES.split(value) if c]
            elif name in lists:
                record[name] = [c for c in _SPLIT_LIST.split(value) if c]
            else:
                record[name] = value
        yield reader.line_num, record


def _orders_from_rows(rows: Iterator[tuple[int, dict[str, Any]]]
                      ) -> Iterator[tuple[int, dict[str, Any]]]:
    """CSV rows (one per order line) -> orders, each referred to by its first row's line."""
    order: dict[str, Any] | None = None
    first = 0
    for line, row in rows:
        if order is None or row.get("order_no") != order.get("order_no"):
            if order is not None:
                yield first, order
            first = line
            order = {k: row[k] for k in ORDER_COLUMNS if k in row}
            order["lines"], order["payments"] = [], []
        if any(k in row for k in ORDER_LINE_COLUMNS):
            order["lines"].append({k: row[k] for k in ORDER_LINE_COLUMNS if k in row})
        if "payment_kind" in row or "payment_amount" in row:
            order["payments"].append({k.removeprefix("payment_"): row[k]
                                      for k in ORDER_PAYMENT_COLUMNS if k in row})
    if order is not None:
        yield first, order


# -- JSON -----------------------------------------------------------------------------------------

def _read_jsonl(raw: _Counting, report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8-sig"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            report.rejected.append(RowError(number, f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            report.rejected.append(RowError(number, "not a JSON object"))
            continue
        yield number, obj


def _read_json_array(raw: _Counting,
                     report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """Objects of a top-level JSON array, each with the line it starts on, read as a stream."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig")
    decoder = json.JSONDecoder()
    buf = text.read(1 << 20)
    pos = 0
    line = 1  # the line of buf[pos]
    eof = False

    def skip(chars: str) -> None:
        nonlocal pos, line
        while pos < len(buf) and buf[pos] in chars:
            line += buf[pos] == "\n"
            pos += 1

    def more() -> bool:
        nonlocal buf, pos, eof
        chunk = text.read(1 << 20)
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    skip(" \t\r\n")
    if pos >= len(buf) or buf[pos] != "[":
        raise ImportFailed("line 1: a JSON import file is an array of objects: [{...}, ...] "
                           "(or use JSON Lines, one object a line, named .jsonl)")
    pos += 1
    while True:
        skip(" \t\r\n,")
        if pos >= len(buf) and not eof and more():
            continue
        if pos < len(buf) and buf[pos] == "]":
            return
        if pos >= len(buf):
            raise ImportFailed(f"line {line}: the file ends before the array's closing ]")
        try:
            obj, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if not eof and more():
                continue
            where = line + buf.count("\n", pos, exc.pos)
            raise ImportFailed(f"line {where}: invalid JSON ({exc.msg}); nothing after it "
                               "was read") from None
        start = line
        line += buf.count("\n", pos, end)
        pos = end
        if isinstance(obj, dict):
            yield start, obj
        else:
            report.rejected.append(RowError(start, "not a JSON object"))


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read (for the progress bar)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        return n
