"""Bulk import of reference data and stock from CSV, JSON or JSON Lines files.

- CSV: a header row naming the record's fields, each once. Empty cells take the field's
  default. ``barcodes``: several codes in one cell, separated by ``;``, ``|``, ``,`` or spaces;
  a promotion's lists (``product_ids``, ``categories``, ``brands``, ``tiers``, ``days``,
  ``store_ids``): separated by ``;`` or ``|``. Booleans: ``1/0``, ``true/false``, ``yes/no``.
- JSON: a top-level array of objects; JSON Lines (``.jsonl``/``.ndjson``): one object a line.

**The whole file first.** The file is read, decoded and parsed whole, within bounds
(sync/central/import_read.py: encoding, structure, nesting, duplicated keys and columns), and
its amounts converted (sync/central/import_checks.py) before anything is written. A file that
cannot be read as a whole is refused with every such problem, whatever the options.

**All or nothing by default.** The records are then validated like the terminals validate them
(sync/central/entities.py: the model, check digits, references, unique values, a key given
twice) inside ONE transaction; if any record of the file is refused, the transaction is rolled
back: nothing is written and every refused record is listed by line. ``partial=True``
(``--partial``) writes the good records instead, in chunks of :data:`CHUNK` committed one by
one, and lists the refused ones. Unchanged records write nothing, so a file is simply imported
again after a fix.

The one transaction holds the feed's lock only from its last step (the append of its changes)
to its commit (sync/central/feed.py); on SQLite the database's write lock is held for the whole
import, so tills' uploads wait for it (a busy SQLite central imports out of hours, or with
``--partial``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sync.central import entities, feed, import_checks, import_read, orders, pickup_codes
from sync.central.db import analyze
from sync.central.entities import RowError, WriteReport
from sync.central.import_read import FORMATS, MAX_BYTES, FileRefused
from sync.central.schema import BULK_TABLES

KINDS: dict[str, str] = {  # --kind -> entity
    "product": "product", "price": "price", "member": "member", "stock": "stock_level",
    "tax_rate": "tax_rate", "order": "order", "promotion": "promotion",
    "delivery": "delivery",  # JSON or JSONL: a delivery's lines are a list
    "reason_code": "reason_code", "quick_key": "quick_key",
}
# The plural a person writes ("--kind products") means the same.
ALIASES = {"products": "product", "prices": "price", "members": "member",
           "stock_levels": "stock", "tax_rates": "tax_rate", "orders": "order",
           "promotions": "promotion", "deliveries": "delivery",
           "reason_codes": "reason_code", "quick_keys": "quick_key"}
CHUNK = 5_000
ANALYZE_AFTER = 50_000  # rows: a load this big refreshes PostgreSQL's statistics

Progress = Callable[[str, int, int], None]


class ImportFailed(Exception):
    """The file cannot be imported (nothing was written): ``errors`` by line."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class _RollBack(Exception):
    """Leaves the import's transaction so it rolls back."""


@dataclass
class ImportReport:
    rows: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    detected: bool = False  # the encoding was detected, not declared
    written: bool = True  # False: refused records rolled the whole file back


def kind_name(kind: str) -> str:
    """``--kind`` as given (a plural is fine) -> one of :data:`KINDS`."""
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise ImportFailed(f"Unknown kind {kind!r}: one of {', '.join(KINDS)}.")
    return kind


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
                encoding: str | None = None, amounts: str = "fen", partial: bool = False,
                progress: Progress | None = None) -> ImportReport:
    """Load ``path`` as records of ``kind`` (see :data:`KINDS`) and the module's docstring.

    Raises :class:`ImportFailed` (nothing written) when the file cannot be read whole."""
    entity = KINDS[kind_name(kind)]
    fmt = fmt or guess_format(path)
    if entity == "delivery" and fmt == "csv":
        raise ImportFailed("Deliveries are imported from JSON or JSONL (each has a list of "
                           "lines), not CSV.")
    if amounts not in import_checks.UNITS:
        raise ImportFailed(f"Unknown unit of amounts {amounts!r}: one of "
                           f"{', '.join(import_checks.UNITS)}.")
    tick = progress or (lambda stage, done, total: None)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportFailed(f"{path.name}: {size:,} bytes, more than an import takes "
                           f"({MAX_BYTES:,}): split the file.")
    try:
        read = import_read.read(path.read_bytes(), fmt, encoding=encoding)
    except FileRefused as exc:
        raise ImportFailed(f"{path.name} cannot be imported as it is; nothing was written.",
                           exc.errors) from None
    tick("read", 1, 1)
    report = ImportReport(encoding=read.encoding, detected=read.detected)
    if fmt == "csv":
        known = import_checks.fields(entity)
        report.unknown_columns = [c for c in read.columns if c and c not in known]
    rows = import_checks.prepare(entity, read, amounts, fmt == "csv")
    read.records = []  # the file's cells, now in ``rows``: memory for the write
    report.rows = len(rows) + len(read.rejected)
    report.rejected = list(read.rejected)
    target = _Target(entity, store_id)
    if entity == "order":  # the pick-up codes' hashes, before any write lock is taken
        target.codes = pickup_codes.CodeHashes().prepare(engine, (r for _, r in rows))
    if partial:
        _write_partial(engine, target, rows, now, report, tick)
    else:
        _write_whole(engine, target, rows, now, report, tick)
    if report.written and report.loaded >= ANALYZE_AFTER:
        analyze(engine, BULK_TABLES)
    report.rejected.sort(key=lambda e: e.ref)
    return report


@dataclass
class _Target:
    """What the file's records are written as: the entity, the store (stock levels, staff),
    and for web orders the hashes of their pick-up codes."""

    entity: str
    store_id: str | None
    codes: pickup_codes.CodeHashes | None = None

    def write(self, tx: feed.Tx, batch: list[tuple[int, dict[str, Any]]],
              seen: dict[Any, int]) -> WriteReport:
        if self.entity == "stock_level":
            return entities.set_stock_records(tx, batch, store_id=self.store_id,
                                              reason="import", ref_name="line", seen=seen)
        if self.entity == "order":
            return orders.upsert_orders(tx, batch, ref_name="line", seen=seen,
                                        codes=self.codes)
        return entities.upsert_records(tx, self.entity, batch, ref_name="line", seen=seen)


def _write_whole(engine: Engine, target: _Target, rows: list[tuple[int, dict[str, Any]]],
                 now: Callable[[], datetime], report: ImportReport, tick: Progress) -> None:
    """Every record in one transaction, rolled back when any record of the file is refused
    (the records are still all checked, so every error is listed)."""
    try:
        with feed.transaction(engine, now()) as tx:
            done = WriteReport()
            seen: dict[Any, int] = {}
            for start in range(0, len(rows), CHUNK):
                done.add(target.write(tx, rows[start:start + CHUNK], seen))
                tick("import", min(start + CHUNK, len(rows)), len(rows))
            report.rejected.extend(done.rejected)
            if report.rejected:
                raise _RollBack
            report.loaded, report.unchanged = done.upserted, done.unchanged
    except _RollBack:
        report.written = False


def _write_partial(engine: Engine, target: _Target, rows: list[tuple[int, dict[str, Any]]],
                   now: Callable[[], datetime], report: ImportReport, tick: Progress) -> None:
    seen: dict[Any, int] = {}
    for start in range(0, len(rows), CHUNK):
        with feed.transaction(engine, now()) as tx:
            done = target.write(tx, rows[start:start + CHUNK], seen)
        report.loaded += done.upserted
        report.unchanged += done.unchanged
        report.rejected.extend(done.rejected)
        tick("import", min(start + CHUNK, len(rows)), len(rows))

